"""lavaan syntax and lavaan::sem defaults against lavaan 0.6 on HolzingerSwineford1939
(tests/reference/make_reference_sem.R, section 5): observed covariates of latent variables
(fixed.x, correlated residuals of pure dependents), NA* markers with fixed variances,
a second-order factor, group-specific labels c(), and MLR with fixed x."""

import pandas as pd
import pytest

from onex_research.psychometrics import sem
from onex_research.psychometrics._lavaan_syntax import parse
from sem_reference import FIT_NAMES, LAV, REF, ROBUST_NAMES, assert_fit, assert_parameters


@pytest.fixture(scope="module")
def hs():
    d = pd.read_csv(REF / "HolzingerSwineford1939.csv")
    return d.assign(female=(d["sex"] == 2) * 1.0)


@pytest.mark.parametrize("name", ["covariates", "std_lv", "second_order", "groups_c"])
def test_syntax_variants_match_lavaan(hs, name):
    # R: sem(model, data = HolzingerSwineford1939[, group = "school"])
    ref = LAV[f"syntax_{name}"]
    res = sem(hs, ref["model"], group=ref.get("group"))
    assert_fit(res, ref)
    assert_parameters(res, ref)


def test_covariates_mlr_match_lavaan(hs):
    # R: sem(covariates model, HolzingerSwineford1939, estimator = "MLR"): the fixed x
    # moments leave the h1 information (lavaan's x.idx), in the model and the baseline
    ref = LAV["syntax_covariates_mlr"]
    res = sem(hs, ref["model"], estimator="MLR")
    assert_fit(res, ref, {**FIT_NAMES, **ROBUST_NAMES})
    assert_parameters(res, ref)


def test_defaults_added_as_lavaan(hs):
    res = sem(hs, LAV["syntax_covariates"]["model"])
    par = res.parameters
    cov = par[(par["op"] == "~~") & (par["lhs"] != par["rhs"])]
    # visual and textual are both pure dependents: their residuals covary (auto.cov.y);
    # ageyr and female are fixed x: their covariance is the sample one, not estimated
    assert {("visual", "textual"), ("ageyr", "female")} <= set(zip(cov["lhs"], cov["rhs"]))
    x = cov[(cov["lhs"] == "ageyr") & (cov["rhs"] == "female")]
    assert x["se"].iloc[0] == 0
    so = sem(hs, LAV["syntax_second_order"]["model"]).parameters
    first = so[(so["op"] == "~~") & (so["lhs"] != so["rhs"])]
    assert first.empty                   # first-order factors are not exogenous: no covariances


def test_parser_handles_lavaan_forms():
    p = parse("""
      # a comment
      f =~ x1 + 0.8*x2 + a*x3 +
           NA*x4            ! continued line
      y ~ c(b1, b2)*f; y ~ 1
      d := a^2 + sqrt(b1)
    """)
    mods = {(f.lhs, f.op, f.rhs): f.modifier for f in p.formulas}
    assert mods[("f", "=~", "x2")] == 0.8 and mods[("f", "=~", "x3")] == "a"
    assert mods[("f", "=~", "x4")] == "NA" and mods[("y", "~", "f")] == ["b1", "b2"]
    assert ("y", "~1", "") in mods
    assert p.defined == [("d", "a^2 + sqrt(b1)", "d := a^2 + sqrt(b1)")]
