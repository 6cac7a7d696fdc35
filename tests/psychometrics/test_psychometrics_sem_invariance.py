"""Multigroup sem() and measurement_invariance() against lavaan 0.6 on
HolzingerSwineford1939 by school (tests/reference/make_reference_sem.R)."""

import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import measurement_invariance, sem

from sem_reference import FIT_NAMES, LAV, REF, assert_fit, assert_parameters

LEVELS = ["configural", "metric", "scalar", "strict"]


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(REF / "HolzingerSwineford1939.csv")


def _group_equal(level):
    ge = LAV[f"hs_{level}"]["group_equal"]
    ge = [ge] if isinstance(ge, str) else ge
    return [g for g in ge if g]


@pytest.mark.parametrize("level", LEVELS)
def test_multigroup_fit_and_parameters_match_lavaan(hs, level):
    # R: cfa(model, data = HolzingerSwineford1939, group = "school", group.equal = ...)
    ref = LAV[f"hs_{level}"]
    res = sem(hs, ref["model"], group="school", group_equal=_group_equal(level))
    assert res.groups == ["Pasteur", "Grant-White"]           # lavaan: order of appearance
    assert_fit(res, ref)
    assert_parameters(res, ref)


def test_group_equal_makes_parameters_equal(hs):
    res = sem(hs, LAV["hs_scalar"]["model"], group="school", group_equal=["loadings", "intercepts"])
    par = res.parameters
    for op in ("=~", "~1"):
        sub = par[(par["op"] == op) & par["lhs"].str.startswith("x" if op == "~1" else "")]
        wide = sub.pivot_table(index=["lhs", "rhs"], columns="group", values="b")
        np.testing.assert_allclose(wide["Pasteur"], wide["Grant-White"])
    lv_means = par[(par["op"] == "~1") & (par["lhs"] == "visual")].set_index("group")["b"]
    assert lv_means["Pasteur"] == 0 and lv_means["Grant-White"] != 0   # freed in group 2


def test_measurement_invariance_matches_lavtestlrt(hs):
    # R: lavTestLRT(configural, metric, scalar, strict); fitMeasures of each
    tab = measurement_invariance(hs, LAV["hs_configural"]["model"], "school")
    assert list(tab.index) == LEVELS
    for lv in LEVELS:
        ref = LAV[f"hs_{lv}"]["fit"]
        for ours in ("chi2", "dof", "cfi", "tli", "rmsea", "srmr"):
            assert tab.loc[lv, ours] == pytest.approx(ref[FIT_NAMES[ours]], abs=1e-4), (lv, ours)
    lrt = LAV["hs_lrt"]
    np.testing.assert_allclose(tab["delta_chi2"].iloc[1:], lrt["chisq_diff"][1:], atol=1e-4)
    np.testing.assert_allclose(tab["delta_dof"].iloc[1:], lrt["df_diff"][1:])
    np.testing.assert_allclose(tab["delta_p"].iloc[1:], lrt["p"][1:], atol=1e-6)
    cfi = [LAV[f"hs_{lv}"]["fit"]["cfi"] for lv in LEVELS]
    np.testing.assert_allclose(tab["delta_cfi"].iloc[1:], np.diff(cfi), atol=1e-4)
    # Chen (2007): metric holds (ΔCFI = -.0011), scalar fails (ΔCFI = -.0316)
    assert tab.loc["metric", "decision"] == "supported"
    assert tab.loc["scalar", "decision"] == "not supported"


def test_measurement_invariance_mlr_uses_scaled_difference(hs):
    # R: lavTestLRT(...) on estimator = "MLR" fits (Satorra-Bentler 2001 scaled difference)
    tab = measurement_invariance(hs, LAV["hs_configural"]["model"], "school", estimator="MLR")
    ref = LAV["hs_lrt_mlr"]
    np.testing.assert_allclose(tab["chi2_scaled"], ref["chisq_scaled"], atol=1e-3)
    np.testing.assert_allclose(tab["cfi_robust"], ref["cfi_robust"], atol=1e-4)
    np.testing.assert_allclose(tab["delta_chi2"].iloc[1:], ref["chisq_diff"][1:], atol=1e-3)
    np.testing.assert_allclose(tab["delta_p"].iloc[1:], ref["p"][1:], atol=1e-4)


def test_measurement_invariance_bad_level(hs):
    with pytest.raises(ValueError, match="unknown levels \\['weak'\\]"):
        measurement_invariance(hs, LAV["hs_configural"]["model"], "school", levels=("weak",))
