"""The group-comparison table statistics against R (issue 13).

Reference values: tests/reference/make_reference_groups.R -> tests/reference/r_groups_tables.json
(effectsize 0.8.3, car 3.1.1, rstatix 0.7.2; the versions are in the JSON). Each test names
the R call it mirrors.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from onex_research.regression import games_howell, levene, posthoc, tukey
from onex_research.regression.groups import anova, compare_groups, crosstab

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "r_groups_tables.json").read_text())
ONEWAY = ["oneway_mtcars_mpg", "oneway_mtcars_qsec", "oneway_bfi", "oneway_null"]
CROSSTABS = ["crosstab_3x3", "crosstab_2x2", "crosstab_bfi"]


@pytest.fixture(scope="module")
def frames():
    return {"mtcars": pd.read_csv(REF / "mtcars.csv"), "bfi": pd.read_csv(REF / "bfi.csv")}


def _data(frames, case):
    return frames["bfi" if "bfi" in case else "mtcars"]


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)      # bfi: rows with missing values dropped
        return fn(*args, **kw)


@pytest.mark.parametrize("case", ONEWAY)
def test_eta2_and_omega2_match_effectsize(frames, case):
    # R: effectsize::eta_squared(aov(y ~ g), partial = FALSE)$Eta2
    #    effectsize::omega_squared(aov(y ~ g), partial = FALSE)$Omega2
    ref = R[case]
    res = _quiet(anova, _data(frames, case), ref["dv"], ref["group"])
    assert res.eta2 == pytest.approx(ref["eta2"], rel=1e-10)
    assert res.omega2 == pytest.approx(ref["omega2"], rel=1e-10, abs=1e-15)
    assert "ω²" in res._repr_html_()


def test_omega2_is_truncated_at_zero_like_effectsize(frames):
    # R: mtcars carb by am has F < 1: the formula gives -0.029, omega_squared() reports 0
    ref = R["oneway_null"]
    assert ref["omega2_formula"] < 0 and ref["omega2"] == 0
    res = anova(frames["mtcars"], "carb", "am")
    assert res.f < 1 and res.omega2 == 0.0
    assert res.eta2 > 0


@pytest.mark.parametrize("case", ONEWAY)
@pytest.mark.parametrize("center", ["median", "mean"])
def test_levene_matches_car(frames, case, center):
    # R: car::leveneTest(y ~ g)  (center = median, Brown-Forsythe);  car::leveneTest(y ~ g, center = mean)
    ref = R[case][f"levene_{center}"]
    res = _quiet(levene, _data(frames, case), R[case]["dv"], R[case]["group"], center=center)
    assert res["f"] == pytest.approx(ref["f"], rel=1e-9)
    assert (res["df1"], res["df2"]) == (ref["df1"], ref["df2"])
    assert res["p"] == pytest.approx(ref["p"], rel=1e-8)
    assert res.attrs["center"] == center


def test_levene_median_and_mean_differ_and_bad_center(frames):
    mt = frames["mtcars"]
    assert levene(mt, "mpg", "cyl")["f"] != pytest.approx(levene(mt, "mpg", "cyl", center="mean")["f"])
    with pytest.raises(ValueError, match="center"):
        levene(mt, "mpg", "cyl", center="trimmed")


@pytest.mark.parametrize("case", ONEWAY)
def test_compare_groups_row_matches_r(frames, case):
    # R: summary(aov(y ~ g)); effectsize::omega_squared(...); oneway.test(y ~ g); car::leveneTest(y ~ g)
    ref = R[case]
    row = compare_groups(_data(frames, case), [ref["dv"]], ref["group"]).loc[ref["dv"]]
    assert row["f"] == pytest.approx(ref["f"], rel=1e-9)
    assert (row["df1"], row["df2"]) == (ref["df1"], ref["df2"])
    assert row["p"] == pytest.approx(ref["p"], rel=1e-7)
    assert row["eta2"] == pytest.approx(ref["eta2"], rel=1e-10)
    assert row["omega2"] == pytest.approx(ref["omega2"], rel=1e-10, abs=1e-15)
    for k in ("f", "df1", "df2", "p"):
        assert row[f"welch_{k}"] == pytest.approx(ref["welch"][k], rel=1e-7), k
    assert row["levene_f"] == pytest.approx(ref["levene_median"]["f"], rel=1e-9)
    assert row["levene_p"] == pytest.approx(ref["levene_median"]["p"], rel=1e-8)


def test_compare_groups_columns(frames):
    out = compare_groups(frames["mtcars"], ["mpg", "qsec"], "cyl")
    assert list(out.columns) == [4, 6, 8, "f", "df1", "df2", "p", "eta2", "omega2", "welch_f", "welch_df1",
                                 "welch_df2", "welch_p", "levene_f", "levene_p"]
    mean_centred = compare_groups(frames["mtcars"], ["mpg"], "cyl", center="mean")
    assert mean_centred.at["mpg", "levene_p"] == pytest.approx(R["oneway_mtcars_mpg"]["levene_mean"]["p"], rel=1e-8)


@pytest.mark.parametrize("case", ONEWAY)
def test_games_howell_matches_rstatix(frames, case):
    # R: rstatix::games_howell_test(data, y ~ g, detailed = TRUE); p recomputed unrounded as
    #    ptukey(statistic * sqrt(2), k, df, lower.tail = FALSE), the formula rstatix uses
    ref = pd.DataFrame(R[case]["games_howell"])
    res = _quiet(games_howell, _data(frames, case), R[case]["dv"], R[case]["group"])
    assert [str(g) for g in res["group1"]] == list(ref["group1"])
    assert [str(g) for g in res["group2"]] == list(ref["group2"])
    np.testing.assert_allclose(res["diff"], ref["estimate"], rtol=1e-10)
    np.testing.assert_allclose(res["se"] * np.sqrt(0.5), ref["se"], rtol=1e-10)   # rstatix's se is se/sqrt(2)
    np.testing.assert_allclose(res["t"].abs(), ref["statistic"], rtol=1e-10)       # rstatix reports |t|
    np.testing.assert_allclose(res["dof"], ref["df"], rtol=1e-10)
    # R's qtukey stops at ~1e-8 relative (scipy's ppf is the closer one: see the k = 2 test below)
    np.testing.assert_allclose(res[["ci_low", "ci_high"]], ref[["conf_low", "conf_high"]], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(res["p"], ref["p"], rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(res["p"], ref["p_adj_rounded"], rtol=5e-3, atol=5e-4)  # rstatix prints 3 digits


def test_games_howell_with_two_groups_is_the_welch_t_interval(frames):
    # with k = 2 the studentized range is |t|·√2, so Games-Howell is Welch's t test:
    # R: t.test(carb ~ am, mtcars)  (scipy's ttest_ind(equal_var=False) is an independent check)
    from scipy import stats

    mt = frames["mtcars"]
    gh = games_howell(mt, "carb", "am").iloc[0]
    a, b = (mt.loc[mt["am"] == v, "carb"] for v in (0, 1))
    welch = stats.ttest_ind(b, a, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert gh["t"] == pytest.approx(welch.statistic, rel=1e-12)
    assert gh["p"] == pytest.approx(welch.pvalue, rel=1e-8)
    assert [gh["ci_low"], gh["ci_high"]] == pytest.approx([ci.low, ci.high], rel=1e-10)


def test_games_howell_and_tukey_differ_when_variances_differ(frames):
    # mtcars mpg by cyl: SDs 4.5 / 1.5 / 2.6 (car::leveneTest p = 0.009). The 8-6 pair has the
    # two smallest variances: Games-Howell's interval is much narrower than Tukey's pooled one.
    gh = games_howell(frames["mtcars"], "mpg", "cyl")
    hsd = tukey(frames["mtcars"], "mpg", "cyl")
    ref_gh = pd.DataFrame(R["oneway_mtcars_mpg"]["games_howell"])
    ref_tk = pd.DataFrame(R["oneway_mtcars_mpg"]["tukey"]).set_index("pair")
    assert list(gh.columns) == list(hsd.columns)
    assert list(gh.index) == list(hsd.index) == list(ref_tk.index)
    np.testing.assert_allclose(gh["diff"], hsd["diff"], rtol=1e-12)           # same estimates
    assert gh.at["8-6", "p"] == pytest.approx(ref_gh["p"][2], rel=1e-6)        # 0.00013
    assert hsd.at["8-6", "p"] == pytest.approx(ref_tk.at["8-6", "p"], rel=1e-6)  # 0.011
    assert hsd.at["8-6", "p"] > 50 * gh.at["8-6", "p"]
    width = lambda t: t.at["8-6", "ci_high"] - t.at["8-6", "ci_low"]
    assert width(gh) < 0.65 * width(hsd)


def test_posthoc_chooses_by_levene(frames):
    mt = frames["mtcars"]
    unequal = posthoc(mt, "mpg", "cyl")             # car::leveneTest p = 0.0094
    assert unequal.method == "games_howell" and unequal.chosen_by == "levene"
    pd.testing.assert_frame_equal(unequal.table, games_howell(mt, "mpg", "cyl"))
    assert "Games–Howell" in unequal.reason and "0.009" in unequal.reason
    equal = posthoc(mt, "qsec", "gear")             # car::leveneTest p = 0.95
    assert equal.method == "tukey" and equal.label == "Tukey HSD"
    pd.testing.assert_frame_equal(equal.to_frame(), tukey(mt, "qsec", "gear"))
    assert equal.levene["p"] == pytest.approx(R["oneway_mtcars_qsec"]["levene_median"]["p"], rel=1e-8)
    forced = posthoc(mt, "mpg", "cyl", method="tukey")
    assert forced.method == "tukey" and forced.chosen_by == "user" and "requested" in forced.reason
    assert posthoc(mt, "mpg", "cyl", alpha=0.001).method == "tukey"
    with pytest.raises(ValueError, match="method"):
        posthoc(mt, "mpg", "cyl", method="scheffe")


@pytest.mark.parametrize("case", CROSSTABS)
def test_cramers_v_matches_effectsize(frames, case):
    # R: effectsize::cramers_v(table(x, y), adjust = FALSE / TRUE, ci = NULL); chisq.test(table(x, y), correct = FALSE)
    ref = R[case]
    res = _quiet(crosstab, _data(frames, case), ref["row"], ref["col"], correction=False, adjust=True)
    assert res.chi2 == pytest.approx(ref["chi2"], rel=1e-10)
    assert res.dof == ref["dof"] and res.n == ref["n"]
    assert res.p == pytest.approx(ref["p"], rel=1e-8)
    assert ref["cramers_v"] == pytest.approx(ref["cramers_v_formula"], rel=1e-12)   # effectsize's V is ours
    assert res.cramers_v == pytest.approx(ref["cramers_v"], rel=1e-10)
    assert res.cramers_v_adj == pytest.approx(ref["cramers_v_adj"], rel=1e-10, abs=1e-15)
    assert res.cramers_v_adj <= res.cramers_v


def test_cramers_v_adjusted_is_zero_for_a_chance_sized_2x2(frames):
    # R: effectsize::cramers_v(table(mtcars$am, mtcars$vs), adjust = TRUE) is 0; the unadjusted V
    #    (0.168) uses the uncorrected chi2 even though chisq.test() applies Yates to a 2 x 2 table
    res = crosstab(frames["mtcars"], "am", "vs", adjust=True)
    assert res.chi2 == pytest.approx(R["crosstab_2x2"]["chi2_default"], rel=1e-10)   # Yates
    assert res.cramers_v == pytest.approx(R["crosstab_2x2"]["cramers_v"], rel=1e-10)
    assert res.cramers_v_adj == 0.0 == R["crosstab_2x2"]["cramers_v_adj"]


def test_crosstab_frame_has_the_adjusted_v_only_when_asked(frames):
    mt = frames["mtcars"]
    plain = _quiet(crosstab, mt, "cyl", "gear")
    assert plain.cramers_v_adj is None
    assert list(plain.to_frame().columns) == ["chi2", "dof", "p", "cramers_v", "n"]
    adj = _quiet(crosstab, mt, "cyl", "gear", adjust=True)
    frame = adj.to_frame()
    assert list(frame.columns) == ["chi2", "dof", "p", "cramers_v", "cramers_v_adj", "n"]
    assert frame.at[0, "cramers_v_adj"] == pytest.approx(R["crosstab_3x3"]["cramers_v_adj"], rel=1e-10)
    assert "bias-corrected" in adj._repr_html_()
