"""Group differences against R (tests/reference/make_reference_regression.R -> r_groups.json)."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from onex_research.regression.groups import anova, compare_groups, crosstab, describe_groups, ttest
from onex_research.regression.pairwise import tukey

REF = Path(__file__).resolve().parents[1] / "reference"
G = json.loads((REF / "r_groups.json").read_text())


@pytest.fixture(scope="module")
def mtcars():
    return pd.read_csv(REF / "mtcars.csv")


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "bfi.csv")


def test_ttest_matches_t_test_and_effectsize(mtcars):
    # R: t.test(mpg ~ am, var.equal = TRUE / FALSE); effectsize::cohens_d(mpg ~ am, pooled_sd = TRUE / FALSE)
    res = ttest(mtcars, "mpg", "am")
    ref = G["ttest"]
    for test in ("student", "welch"):
        row = res.table.loc[test]
        for col in ("t", "dof", "p", "ci_low", "ci_high"):
            assert row[col] == pytest.approx(ref[test][col], rel=1e-8), (test, col)
    assert res.table.loc["student", ["d", "d_ci_low", "d_ci_high"]].tolist() == pytest.approx(
        [ref["d"], *ref["d_ci"]], rel=1e-6)
    assert res.table.loc["welch", ["d", "d_ci_low", "d_ci_high"]].tolist() == pytest.approx(
        [ref["d_welch"], *ref["d_welch_ci"]], rel=1e-6)
    np.testing.assert_allclose(res.descriptives["mean"], ref["student"]["means"], rtol=1e-12)
    assert list(res.descriptives.index) == [0, 1]


def test_ttest_levels_and_errors(mtcars):
    flipped = ttest(mtcars, "mpg", "am", levels=[1, 0])
    assert flipped.table.loc["student", "d"] == pytest.approx(-G["ttest"]["d"], rel=1e-8)
    with pytest.raises(ValueError, match="exactly 2 levels"):
        ttest(mtcars, "mpg", "cyl")
    with pytest.raises(TypeError, match="numeric"):
        ttest(mtcars, "car", "am")


@pytest.mark.parametrize("case,data_name", [("anova_mtcars", "mtcars"), ("anova_bfi", "bfi")])
def test_anova_and_welch_match_aov_oneway_test(case, data_name, request):
    # R: summary(aov(dv ~ factor(g))); oneway.test(dv ~ g, var.equal = FALSE)
    ref = G[case]
    data = request.getfixturevalue(data_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)      # bfi: missing values dropped
        res = anova(data, ref["dv"], ref["group"])
    t = res.table
    assert t.loc["between", "ss"] == pytest.approx(ref["ss_between"], rel=1e-9)
    assert t.loc["within", "ss"] == pytest.approx(ref["ss_within"], rel=1e-9)
    assert (t.loc["between", "dof"], t.loc["within", "dof"]) == (ref["df1"], ref["df2"])
    assert res.f == pytest.approx(ref["f"], rel=1e-9)
    assert res.p == pytest.approx(ref["p"], rel=1e-7)
    assert res.eta2 == pytest.approx(ref["eta2"], rel=1e-9)
    for k in ("f", "df1", "df2", "p"):
        assert res.welch[k] == pytest.approx(ref["welch"][k], rel=1e-7), k


@pytest.mark.parametrize("case,data_name", [("anova_mtcars", "mtcars"), ("anova_bfi", "bfi")])
def test_tukey_matches_tukeyhsd(case, data_name, request):
    # R: TukeyHSD(aov(dv ~ factor(g)))
    ref = pd.DataFrame(G[case]["tukey"]).set_index("pair")
    data = request.getfixturevalue(data_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = tukey(data, G[case]["dv"], G[case]["group"])
    assert list(res.index) == list(ref.index)
    np.testing.assert_allclose(res[["diff", "ci_low", "ci_high"]], ref[["diff", "ci_low", "ci_high"]],
                               rtol=1e-8, atol=1e-8)    # qtukey vs scipy ppf: ~1e-9 absolute
    # scipy's studentized_range against R's ptukey: both numerical integrals, agree to ~1e-7
    np.testing.assert_allclose(res["p"], ref["p"], rtol=1e-6, atol=1e-12)
    assert list(res.columns) == ["group1", "group2", "diff", "se", "t", "dof", "ci_low", "ci_high", "p", "reject"]


def test_crosstab_3x3(mtcars):
    # R: chisq.test(table(mtcars$cyl, mtcars$gear))
    ref = G["crosstab_3x3"]
    with pytest.warns(UserWarning, match="expected count"):
        res = crosstab(mtcars, "cyl", "gear")
    assert (res.chi2, res.dof) == (pytest.approx(ref["chi2"], rel=1e-10), ref["dof"])
    assert res.p == pytest.approx(ref["p"], rel=1e-8)
    assert res.cramers_v == pytest.approx(ref["cramers_v"], rel=1e-10)
    np.testing.assert_allclose(res.expected.to_numpy(), np.array(ref["expected"]), rtol=1e-12)
    np.testing.assert_array_equal(res.observed.to_numpy(), np.array(ref["observed"]))
    assert res.n == 32


@pytest.mark.parametrize("correction,key", [(True, "yates"), (False, "pearson")])
def test_crosstab_2x2_correction(mtcars, correction, key):
    # R: chisq.test(table(am, vs), correct = TRUE / FALSE)
    ref = G["crosstab_2x2"][key]
    res = crosstab(mtcars, "am", "vs", correction=correction)
    assert res.chi2 == pytest.approx(ref["chi2"], rel=1e-10)
    assert res.p == pytest.approx(ref["p"], rel=1e-8)
    # V uses the uncorrected chi2 either way
    assert res.cramers_v == pytest.approx(np.sqrt(G["crosstab_2x2"]["pearson"]["chi2"] / 32), rel=1e-10)
    # adjusted residuals of a 2x2 table are +-sqrt(uncorrected chi2)
    np.testing.assert_allclose(np.abs(res.residuals.to_numpy()),
                               np.sqrt(G["crosstab_2x2"]["pearson"]["chi2"]), rtol=1e-10)


def test_missing_rows_are_reported_and_describe(bfi):
    with pytest.warns(UserWarning, match="dropped"):
        d = describe_groups(bfi, "A2", "education")
    assert list(d.columns) == ["n", "mean", "sd"] and list(d.index) == [1, 2, 3, 4, 5]
    assert d["n"].sum() == bfi[["A2", "education"]].dropna().shape[0]
    with pytest.raises(ValueError, match="not in data"):
        anova(bfi, "A2", "nope")


def test_compare_groups_rows_equal_anova(mtcars):
    out = compare_groups(mtcars, ["mpg", "hp"], "cyl")
    assert list(out.index) == ["mpg", "hp"]
    ref = G["anova_mtcars"]
    assert out.loc["mpg", "f"] == pytest.approx(ref["f"], rel=1e-9)
    assert out.loc["mpg", "welch_p"] == pytest.approx(ref["welch"]["p"], rel=1e-7)
    assert out.loc["hp", "eta2"] == pytest.approx(anova(mtcars, "hp", "cyl").eta2, rel=1e-12)
    assert out.loc["mpg", 4] == pytest.approx(mtcars.query("cyl == 4")["mpg"].mean())


def test_results_show_as_frames(mtcars):
    c = crosstab(mtcars, "am", "vs")
    assert list(c.to_frame().columns) == ["chi2", "dof", "p", "cramers_v", "n"]
    assert "Cramér" in c._repr_html_()
    t = ttest(mtcars, "mpg", "am")
    pd.testing.assert_frame_equal(t.to_frame(), t.table)
    a = anova(mtcars, "mpg", "cyl")
    assert "Welch" in a._repr_html_() and a.to_frame().index.tolist() == ["between", "within", "total"]


def test_tukey_follows_category_order(mtcars):
    df = mtcars.assign(cyl_c=pd.Categorical(mtcars["cyl"].map({4: "four", 6: "six", 8: "eight"}),
                                            categories=["four", "six", "eight"]))
    res = tukey(df, "mpg", "cyl_c")
    assert list(res.index) == ["six-four", "eight-four", "eight-six"]
    ref = pd.DataFrame(G["anova_mtcars"]["tukey"])
    np.testing.assert_allclose(res["diff"], ref["diff"], rtol=1e-10)


def test_describe_groups_t_interval_matches_a_one_sample_t_test(rng):
    # R: t.test(x, conf.level = 0.9)$conf.int per group; scipy's ttest_1samp is an independent implementation
    from scipy import stats

    data = pd.DataFrame({"y": rng.normal(3, 1, 60), "g": np.repeat(["a", "b", "c"], 20)})
    data.loc[59, "g"] = "d"                       # a group of one has no interval
    out = describe_groups(data, "y", "g", level=0.9)
    for g in ("a", "b", "c"):
        ci = stats.ttest_1samp(data.loc[data["g"] == g, "y"], 0).confidence_interval(0.9)
        np.testing.assert_allclose([out.at[g, "ci_low"], out.at[g, "ci_high"]], [ci.low, ci.high], rtol=1e-12)
    assert np.isnan(out.at["d", "ci_low"]) and "se" in out.columns
    assert list(describe_groups(data, "y", "g").columns) == ["n", "mean", "sd"]
