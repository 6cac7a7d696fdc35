"""Shared fixtures, after seaborn's tests/conftest.py: Agg backend, a seeded rng, figures closed."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from onex_research.paths import DEFAULT_INSTRUMENT  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(20240512)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def instrument():
    from onex_research.instrument import load_instrument

    return load_instrument(DEFAULT_INSTRUMENT)
