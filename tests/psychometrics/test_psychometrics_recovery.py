"""The simulator's truth is recovered: EFA of the Likert items of the default study
(n = 600, the simulator's default seed) with the true number of factors matches the true
loadings with Tucker congruence >= 0.95 for every factor (issue 4, Validation).

Data come from ``onex_research.simulate.simulate_study`` directly, restricted to the rows no
planted exclusion rule touches (``SurveyStudy.clean_rows()``) and to in-range codes, so the
test does not depend on the survey reader and cleaner; the notebook
``02_measurement.ipynb`` runs the same analysis through ``read_export -> clean``.
"""

import pandas as pd
import pytest

from onex_research import simulate
from onex_research.psychometrics import (efa, kmo, match_factors, reliability,  # noqa: E402
                                         tucker_congruence)


@pytest.fixture(scope="module")
def study(instrument):
    return simulate.simulate_study(instrument, n=600, seed=simulate.DEFAULT_SEED, population_n=0)


@pytest.fixture(scope="module")
def truth(study):
    lo = study.truth["loadings"]
    constructs = list(dict.fromkeys(v["construct"] for v in lo.values()))
    out = pd.DataFrame(0.0, index=list(lo), columns=constructs)
    for item, v in lo.items():
        out.loc[item, v["construct"]] = v["raw_loading"]  # on the answer metric (reverse items < 0)
    return out


@pytest.fixture(scope="module")
def likert(study, truth):
    x = study.responses.loc[study.clean_rows(), list(truth.index)].astype("float64")
    return x.where((x >= 1) & (x <= 5))


# psych's default (minres + oblimin) must reach .95 on every factor, as the issue asks.
# The 3-item factors sit near .95 at n ~ 520 (small cross-loadings on the 41 other items
# weigh in the denominator), so the other methods get a floor of .93 and a mean of .97.
@pytest.mark.parametrize("method,rotation,floor", [("minres", "oblimin", 0.95), ("ml", "promax", 0.93),
                                                   ("pa", "oblimin", 0.93)])
def test_efa_recovers_truth_loadings(likert, truth, method, rotation, floor):
    res = efa(likert, truth.shape[1], method=method, rotation=rotation)
    matched = match_factors(res.loadings, truth)
    assert matched["factor"].is_unique and len(matched) == truth.shape[1]
    low = matched[matched["congruence"] < floor]
    assert low.empty, f"factors recovered with congruence < {floor}:\n{low}"
    assert matched["congruence"].mean() >= 0.97
    # and each item's main loading is on its own factor
    est = pd.DataFrame({row.truth: res.loadings[row.factor] * row.sign for row in matched.itertuples()})
    assert (est.abs().idxmax(axis=1) == truth.abs().idxmax(axis=1)).mean() >= 0.95


def test_wrong_number_of_factors_recovers_worse(likert, truth):
    res = efa(likert, 3)
    cong = tucker_congruence(res.loadings, truth).abs().max(axis=0)
    assert (cong < 0.95).sum() >= 6


def test_reliability_and_kmo_on_study(likert, truth):
    assert kmo(likert).overall > 0.8
    for construct in truth.columns:
        items = truth.index[truth[construct] != 0]
        keys = [i for i in items if truth.loc[i, construct] < 0]
        rel = reliability(likert[items], keys=keys)
        assert rel.alpha > 0.6, construct
        assert (rel.items["r_drop"] > 0.3).all(), construct
