"""Fixtures of the survey tests: a small simulated study and writers for every export format."""

import pytest
from survey_helpers import write_csv, write_xlsx

from onex_research.simulate import export_wenjuanxin, simulate_study


@pytest.fixture(scope="session")
def small_study(instrument):
    return simulate_study(instrument, n=80, seed=11, population_n=0)


@pytest.fixture(scope="session")
def text_frame(small_study):
    """Wenjuanxin 按选项文本 export as a DataFrame (strings)."""
    return export_wenjuanxin(small_study, answers="text")


@pytest.fixture(scope="session")
def codes_frame(small_study):
    """Wenjuanxin 按序号 export as a DataFrame (codes, skipped = -3)."""
    return export_wenjuanxin(small_study, answers="codes")


@pytest.fixture
def writers():
    return {"csv": write_csv, "xlsx": write_xlsx}
