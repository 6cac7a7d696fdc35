"""harman_test and htmt_ci against psych::principal, lavaan and semTools::htmt
(tests/reference/make_reference_sem.R and make_reference_lavaan.R)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import HarmanResult, cfa, harman_test, htmt_ci
from sem_reference import LAV, REF

HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
ITEMS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(REF / "HolzingerSwineford1939.csv")


def test_harman_proportion_matches_psych_principal(hs):
    # R: psych::principal(hs[, x1..x9], nfactors = 1, rotate = "none")$Vaccounted["Proportion Var", 1]
    ref = LAV["harman"]
    res = harman_test(hs[ITEMS])
    assert isinstance(res, HarmanResult)
    assert res.proportion == pytest.approx(ref["proportion"], abs=1e-6)
    assert res.eigenvalue == pytest.approx(ref["eigen1"], abs=1e-6)
    assert "35.7%" in res.sentence and "below the 50% threshold" in res.sentence
    assert res.comparison is None


def test_harman_single_factor_cfa_comparison_matches_lavaan(hs):
    # R: lavTestLRT(cfa("g =~ x1 + ... + x9"), cfa(three-factor model))
    ref = LAV["harman"]
    res = harman_test(hs[ITEMS], model=HS_MODEL)
    one = res.comparison.loc["one_factor"]
    assert one["chi2"] == pytest.approx(ref["one_factor"]["chisq"], abs=1e-4)
    assert one["cfi"] == pytest.approx(ref["one_factor"]["cfi"], abs=1e-4)
    assert one["rmsea"] == pytest.approx(ref["one_factor"]["rmsea"], abs=1e-4)
    assert one["delta_chi2"] == pytest.approx(ref["chisq_diff"], abs=1e-4)
    assert one["delta_dof"] == ref["df_diff"]
    assert "fits significantly worse" in res.sentence
    assert "Harman" in res._repr_html_()


def test_harman_bad_input(hs):
    with pytest.raises(ValueError, match="numeric"):
        harman_test(hs[["x1", "x2", "school"]])
    with pytest.raises(TypeError, match="DataFrame"):
        harman_test(hs[ITEMS].to_numpy())


def test_htmt_ci_point_estimates_match_semtools(hs):
    # R: semTools::htmt(model, data, htmt2 = FALSE) and htmt2 = TRUE
    ref = json.loads((REF / "lavaan_hs1939.json").read_text())
    tab = htmt_ci(hs, HS_MODEL, bootstrap=300, seed=1)
    names = ref["htmt_names"]
    for (a, b), row in tab.iterrows():
        i, j = names.index(a), names.index(b)
        assert row["htmt"] == pytest.approx(ref["htmt"][i][j], abs=1e-6)
        assert row["htmt2"] == pytest.approx(ref["htmt2"][i][j], abs=1e-6)
        assert row["htmt_ci_low"] < row["htmt"] < row["htmt_ci_high"]
        assert row["htmt2_ci_low"] < row["htmt2"] < row["htmt2_ci_high"]
    again = htmt_ci(hs, HS_MODEL, bootstrap=300, seed=1)
    pd.testing.assert_frame_equal(tab, again)
    # a percentile interval of a correlation ratio on n = 301 is about ±0.1 wide
    width = tab["htmt_ci_high"] - tab["htmt_ci_low"]
    assert width.between(0.05, 0.4).all()


@pytest.mark.parametrize("name", ["hs1939", "bfi"])
def test_cr_ave_semtools_variant(name):
    # R: semTools::compRelSEM(fit) and semTools::AVE(fit) (obs.var = TRUE)
    ref = json.loads((REF / f"lavaan_{name}.json").read_text())
    data = pd.read_csv(REF / ("HolzingerSwineford1939.csv" if name == "hs1939" else "bfi.csv"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rel = cfa(data, ref["model"], reliability="semtools").reliability
        with pytest.raises(ValueError, match="reliability must be"):
            cfa(data, ref["model"], reliability="omega")
    np.testing.assert_allclose(rel["cr"], [ref["cr_semtools"][f] for f in rel.index], atol=1e-4)
    np.testing.assert_allclose(rel["ave"], [ref["ave_semtools"][f] for f in rel.index], atol=1e-4)
