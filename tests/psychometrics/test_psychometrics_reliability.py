"""Reliability, descriptives, correlations, KMO and Bartlett against R psych on psychTools::bfi.

Reference values: tests/reference/psych_reliability.json, made by
tests/reference/make_reference_psych.R (psych 2.2.9). Tolerance 1e-4 unless stated.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import (bartlett, correlations, descriptives, kmo,
                                         reliability)

REF = Path(__file__).resolve().parents[1] / "reference"
TOL = 1e-4


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "bfi.csv").iloc[:, :25]


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "psych_reliability.json").read_text())


CASES = {  # fixture key: (columns, keys)
    "alpha_A_keyed": (["A1", "A2", "A3", "A4", "A5"], ["A1"]),
    "alpha_C_raw": (["C1", "C2", "C3", "C4", "C5"], None),
    "alpha_N": (["N1", "N2", "N3", "N4", "N5"], None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_alpha_matches_psych(bfi, ref, case):
    # R: a <- psych::alpha(bfi[1:5], keys = "A1"); psych::alpha(bfi[6:10]); psych::alpha(bfi[16:20])
    cols, keys = CASES[case]
    r = ref[case]
    res = reliability(bfi[cols], keys=keys)
    assert res.alpha == pytest.approx(r["raw_alpha"], abs=TOL)           # $total$raw_alpha
    assert res.std_alpha == pytest.approx(r["std_alpha"], abs=TOL)       # $total$std.alpha
    assert res.ci_low == pytest.approx(r["feldt_lower"], abs=TOL)        # $feldt$lower.ci
    assert res.ci_high == pytest.approx(r["feldt_upper"], abs=TOL)       # $feldt$upper.ci
    assert res.ci == (res.ci_low, res.ci_high)
    assert res.mean == pytest.approx(r["total_mean"], abs=TOL)
    assert res.sd == pytest.approx(r["total_sd"], abs=TOL)
    assert res.n == 2800
    assert list(res.items.index) == cols
    items = res.items
    np.testing.assert_allclose(items["r_drop"], r["r_drop"], atol=TOL)            # $item.stats$r.drop
    np.testing.assert_allclose(items["alpha_if_deleted"], r["alpha_drop"], atol=TOL)  # $alpha.drop$raw_alpha
    np.testing.assert_allclose(items["std_alpha_if_deleted"], r["std_alpha_drop"], atol=TOL)
    np.testing.assert_allclose(items["raw_r"], r["raw_r"], atol=TOL)
    np.testing.assert_allclose(items["std_r"], r["std_r"], atol=TOL)
    np.testing.assert_allclose(items["mean"], r["mean"], atol=TOL)
    np.testing.assert_allclose(items["sd"], r["sd"], atol=TOL)
    np.testing.assert_array_equal(items["n"], r["n"])


def test_alpha_keys_forms_agree_and_reverse_changes_alpha(bfi):
    cols = ["A1", "A2", "A3", "A4", "A5"]
    by_name = reliability(bfi[cols], keys=["A1"])
    by_sign = reliability(bfi[cols], keys=[-1, 1, 1, 1, 1])
    by_dash = reliability(bfi[cols], keys=["-A1"])
    assert by_name.alpha == pytest.approx(by_sign.alpha) == pytest.approx(by_dash.alpha)
    assert by_name.reversed == ("A1",)
    assert reliability(bfi[cols]).alpha < by_name.alpha - 0.05


def test_alpha_textbook_values():
    # three parallel items with unit variances and covariances 0.5: alpha = 3*0.5/(1+2*0.5) = 0.75
    x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 6], "b": [2, 1, 4, 3, 6, 5], "c": [1, 3, 2, 5, 4, 6]})
    c = x.cov().to_numpy()
    k = 3
    expected = k / (k - 1) * (1 - np.trace(c) / c.sum())
    assert reliability(x).alpha == pytest.approx(expected, abs=1e-12)
    res = reliability(x)
    assert res.ci_low < res.alpha < res.ci_high
    assert set(res.to_frame().columns) >= {"n", "alpha", "std_alpha", "ci_low", "ci_high"}
    assert "alpha" in res._repr_html_()


def test_reliability_rejects_bad_input(bfi):
    with pytest.raises(TypeError, match="DataFrame"):
        reliability(bfi.to_numpy())
    with pytest.raises(ValueError, match="not in the data"):
        reliability(bfi[["A1", "A2"]], keys=["Z9"])
    with pytest.raises(ValueError, match="no variance"):
        reliability(pd.DataFrame({"a": [1, 1, 1], "b": [1, 2, 3]}))
    with pytest.raises(ValueError, match="numeric"):
        reliability(pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]}))


def test_descriptives_match_psych_describe(bfi, ref):
    # R: psych::describe(bfi[1:25])  (skew, kurtosis type 3)
    d = descriptives(bfi)
    r = ref["describe"]
    assert list(d.index) == r["items"]
    np.testing.assert_array_equal(d["n"], r["n"])
    for col in ["mean", "sd", "skew", "kurtosis", "se"]:
        np.testing.assert_allclose(d[col], r[col], atol=TOL, err_msg=col)


def test_correlations_match_corr_test(bfi, ref):
    # R: psych::corr.test(bfi[1:5], adjust = "none")$r, $p, $n
    res = correlations(bfi.iloc[:, :5])
    r = ref["corr_test_A"]
    np.testing.assert_allclose(res.r.to_numpy(), r["r"]["values"], atol=1e-10)
    np.testing.assert_allclose(res.p.to_numpy(), r["p"]["values"], atol=1e-10)
    np.testing.assert_array_equal(res.n.to_numpy(), r["n"]["values"])
    tidy = res.to_frame()
    assert list(tidy.columns) == ["item1", "item2", "r", "n", "t", "p", "stars"]
    assert len(tidy) == 10
    assert (tidy["stars"] == "***").all()  # all |r| >= .15 at n ~ 2,760
    table = res.table
    assert table.loc["A2", "A1"].startswith("-0.34") and table.loc["A2", "A1"].endswith("***")
    assert table.loc["A1", "A2"] == ""


def test_correlation_stars_thresholds():
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.standard_normal((30, 3)), columns=["a", "b", "c"])
    res = correlations(x)
    s = res.stars.to_numpy()
    p = res.p.to_numpy()
    for i in range(3):
        for j in range(3):
            if i != j:
                want = "***" if p[i, j] < .001 else "**" if p[i, j] < .01 else "*" if p[i, j] < .05 else ""
                assert s[i, j] == want


def test_kmo_matches_psych(bfi, ref):
    # R: psych::KMO(bfi[1:25])$MSA, $MSAi
    res = kmo(bfi)
    assert res.overall == pytest.approx(ref["kmo"]["overall"], abs=TOL)
    assert list(res.per_item.index) == ref["kmo"]["items"]
    np.testing.assert_allclose(res.per_item, ref["kmo"]["per_item"], atol=TOL)
    assert res.label == "meritorious"
    assert res.to_frame().loc["overall", "msa"] == pytest.approx(res.overall)


def test_bartlett_matches_psych(bfi, ref):
    # R: psych::cortest.bartlett(bfi[1:25])   ($chisq, $df, $p.value)
    res = bartlett(bfi)
    assert res.chi2 == pytest.approx(ref["bartlett"]["chi2"], abs=TOL)
    assert res.dof == ref["bartlett"]["dof"] == 300
    assert res.p == pytest.approx(ref["bartlett"]["p"], abs=TOL)
    # the same from a correlation matrix with n given
    rmat = bfi.corr()
    again = bartlett(rmat, n=2800)
    assert again.chi2 == pytest.approx(res.chi2, rel=1e-12)
    with pytest.raises(ValueError, match="n="):
        bartlett(rmat)


def test_bartlett_identity_is_not_significant():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.standard_normal((200, 4)), columns=list("abcd"))
    assert bartlett(x).p > 0.001
    assert kmo(x).overall < 0.7
