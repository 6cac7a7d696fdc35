"""Fixtures of the Dask tests: a small simulation, its single-machine reference, a local cluster."""

import pandas as pd
import pytest

N_ANSWERS = 300


@pytest.fixture(scope="session")
def sample():
    from onex_research.simulate import simulate_open_ended

    # many identifiers: pseudonym numbering across partitions is what is tested
    return simulate_open_ended(N_ANSWERS, seed=11, pii_rate=0.4)


@pytest.fixture(scope="session")
def reference(sample):
    from onex_research.scale import single_machine

    return single_machine(sample.answers, "answer", group="role", roster=sample.roster, schools=sample.schools,
                          top_terms=None)


@pytest.fixture(scope="session")
def client():
    """A ``distributed.LocalCluster`` with 2 worker processes (one thread each)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      memory_limit="2GB") as cluster, Client(cluster) as c:
        yield c


@pytest.fixture
def frame_eq():
    def check(left, right, **kw):
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                      check_dtype=False, **kw)
    return check
