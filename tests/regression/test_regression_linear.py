"""Regression against R lm, car::vif, sandwich::vcovHC (tests/reference/make_reference_regression.R)."""

import json
from pathlib import Path

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest

from onex_research import regression
from onex_research.regression import hierarchical, mediation, moderation, ols, plot_simple_slopes

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "r_regression.json").read_text())
COLS = ["b", "se", "t", "p", "ci_low", "ci_high"]


@pytest.fixture(scope="module")
def mtcars():
    return pd.read_csv(REF / "mtcars.csv")


def _ref_table(rows):
    return pd.DataFrame(rows).set_index("term")


def test_ols_matches_lm_and_car_vif(mtcars):
    # R: summary(lm(mpg ~ wt + hp + qsec, mtcars)); confint(); car::vif(); b * sd(x) / sd(y)
    res = regression.ols(mtcars, "mpg ~ wt + hp + qsec")
    ref = _ref_table(R["ols"]["table"])
    assert list(res.table.columns) == ["b", "se", "beta", "t", "p", "ci_low", "ci_high", "vif"]
    assert res.table.index.name == "term" and list(res.table.index) == ["Intercept", "wt", "hp", "qsec"]
    np.testing.assert_allclose(res.table[COLS].to_numpy(), ref[COLS].to_numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res.table["beta"].iloc[1:], ref["beta"].iloc[1:], rtol=1e-8)
    np.testing.assert_allclose(res.table["vif"].iloc[1:], ref["vif"].iloc[1:], rtol=1e-8)
    assert np.isnan(res.table.loc["Intercept", "beta"]) and np.isnan(res.table.loc["Intercept", "vif"])
    s = R["ols"]["summary"]
    assert res.r2 == pytest.approx(s["r2"], rel=1e-10)
    assert res.adj_r2 == pytest.approx(s["adj_r2"], rel=1e-10)
    assert res.f == pytest.approx(s["f"], rel=1e-8) and res.fvalue == res.f
    assert res.f_p == pytest.approx(s["f_p"], rel=1e-6)
    assert res.n == 32 and (res.df_model, res.df_resid) == (3, 28)


def test_ols_hc3_matches_sandwich(mtcars):
    # R: sqrt(diag(sandwich::vcovHC(fit, type = "HC3"))), t on 28 df; car::linearHypothesis(..., vcov.=HC3)
    res = ols(mtcars, "mpg ~ wt + hp + qsec", robust="HC3")
    ref = _ref_table(R["ols"]["hc3"])
    np.testing.assert_allclose(res.table[COLS].to_numpy(), ref[COLS].to_numpy(), rtol=1e-8, atol=1e-10)
    assert res.f == pytest.approx(R["ols"]["hc3_f"], rel=1e-8)
    assert res.f_p == pytest.approx(R["ols"]["hc3_f_p"], rel=1e-6)
    assert res.robust == "HC3"


def test_ols_factor_dummies(mtcars):
    # R: lm(mpg ~ wt + factor(cyl)); beta and VIF of each model-matrix column (by hand in R)
    res = ols(mtcars, "mpg ~ wt + C(cyl)")
    ref = _ref_table(R["ols_factor"]["table"])
    ref.index = ["Intercept", "wt", "C(cyl)[T.6]", "C(cyl)[T.8]"]
    ours = res.table.loc[ref.index]
    np.testing.assert_allclose(ours[COLS + ["beta", "vif"]].to_numpy()[1:],
                               ref[COLS + ["beta", "vif"]].to_numpy()[1:], rtol=1e-8)


def test_ols_string_column_and_missing_rows(mtcars):
    df = mtcars.assign(cyl_s=mtcars["cyl"].map({4: "four", 6: "six", 8: "eight"}))
    df.loc[[3, 7], "wt"] = np.nan
    with pytest.warns(UserWarning, match="dropped 2 of 32"):
        res = ols(df, "mpg ~ wt + cyl_s")
    assert res.n == 30 and list(res.excluded) == [3, 7]
    assert any(t.startswith("cyl_s[T.") for t in res.table.index)


def test_ols_input_errors(mtcars):
    with pytest.raises(ValueError, match="robust"):
        ols(mtcars, "mpg ~ wt", robust="HC9")
    with pytest.raises(ValueError, match="formula"):
        ols(mtcars, "mpg wt")
    with pytest.raises(ValueError, match="nothere"):
        ols(mtcars, "mpg ~ nothere")
    with pytest.raises(TypeError):
        ols(mtcars.to_numpy(), "mpg ~ wt")


def test_hierarchical_matches_anova_f_change(mtcars):
    # R: anova(step k-1, step k) for each step (step 1 against lm(mpg ~ 1))
    h = R["hierarchical"]
    res = hierarchical(mtcars, "mpg", h["blocks"])
    ref = pd.DataFrame(h["table"]).set_index("step")
    cols = ["r2", "adj_r2", "r2_change", "f_change", "df1", "df2", "p_change"]
    np.testing.assert_allclose(res.fit[cols].to_numpy(), ref[cols].to_numpy(), rtol=1e-7)
    last = res.coefficients.query("step == 3").set_index("term")
    np.testing.assert_allclose(last[COLS].to_numpy(), _ref_table(h["last"])[COLS].to_numpy(), rtol=1e-8)
    assert len(res.steps) == 3 and res.fit.index.name == "step"


def test_hierarchical_common_sample_and_categorical(mtcars):
    df = mtcars.assign(gear_s=mtcars["gear"].astype(str))
    df.loc[0, "qsec"] = np.nan                      # missing only in block 2
    with pytest.warns(UserWarning, match="dropped 1 of 32"):
        res = hierarchical(df, "mpg", [["gear_s"], ["wt", "qsec"]])
    assert (res.fit["n"] == 31).all()
    assert res.fit.loc[1, "df1"] == 2          # two dummies enter at step 1


def test_mediation_paths_match_lm(mtcars):
    # R: lm(wt ~ hp + am), lm(mpg ~ hp + wt + am), lm(mpg ~ hp + am)
    ref = R["mediation"]
    res = mediation(mtcars, "hp", "wt", "mpg", covariates=["am"], n_boot=5000, seed=7)
    for path in ("a", "b", "c", "c_prime"):
        np.testing.assert_allclose(res.paths.loc[path, COLS].to_numpy(float),
                                   pd.Series(ref[path][0])[COLS].to_numpy(float), rtol=1e-8)
    assert res.indirect == pytest.approx(ref["indirect"], rel=1e-10)
    p = res.paths
    assert p.loc["indirect", "b"] == pytest.approx(p.loc["c", "b"] - p.loc["c_prime", "b"], rel=1e-8)
    # bootstrap: R used its own RNG (20000 draws); agree within Monte Carlo error
    assert res.ci_low == pytest.approx(ref["boot_ci"][0], abs=0.0015)
    assert res.ci_high == pytest.approx(ref["boot_ci"][1], abs=0.0015)
    assert p.loc["indirect", "se"] == pytest.approx(ref["boot_sd"], rel=0.05)


def test_mediation_bootstrap_is_seeded_and_correct(mtcars):
    a = mediation(mtcars, "hp", "wt", "mpg", n_boot=300, seed=3)
    b = mediation(mtcars, "hp", "wt", "mpg", n_boot=300, seed=3)
    c = mediation(mtcars, "hp", "wt", "mpg", n_boot=300, seed=4)
    np.testing.assert_array_equal(a.boot, b.boot)
    assert not np.array_equal(a.boot, c.boot)
    # the vectorised bootstrap equals a plain loop over the same resampled rows
    rng = np.random.default_rng(3)
    idx = rng.integers(0, 32, size=(300, 32))
    loop = []
    for i in idx[:20]:
        d = mtcars.iloc[i]
        ea = np.linalg.lstsq(np.column_stack([np.ones(32), d["hp"]]), d["wt"], rcond=None)[0][1]
        eb = np.linalg.lstsq(np.column_stack([np.ones(32), d["hp"], d["wt"]]), d["mpg"], rcond=None)[0][2]
        loop.append(ea * eb)
    np.testing.assert_allclose(a.boot[:20], loop, rtol=1e-8)


def test_moderation_simple_slopes_match_recentred_lm(mtcars):
    # R: lm(mpg ~ hp_c * wt_at) with wt_at = wt - (mean(wt) + k sd(wt)), k = -1, 0, 1
    ref = R["moderation"]
    res = moderation(mtcars, "hp", "wt", "mpg")
    sl = pd.DataFrame(ref["slopes"])
    np.testing.assert_allclose(res.slopes[COLS].to_numpy(), sl[COLS].to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(res.slopes["w"], sl["w_value"], rtol=1e-10)
    rt = _ref_table(ref["table"])
    np.testing.assert_allclose(res.table[COLS].to_numpy(), rt[COLS].to_numpy(), rtol=1e-7)
    assert list(res.table.index) == ["Intercept", "hp", "wt", "hp:wt"]
    assert res.r2 == pytest.approx(ref["summary"]["r2"], rel=1e-10)
    base = ols(mtcars, "mpg ~ hp + wt")
    assert res.r2_change == pytest.approx(ref["summary"]["r2"] - base.r2, rel=1e-8)


def test_plot_simple_slopes_returns_figure(mtcars):
    res = moderation(mtcars, "hp", "wt", "mpg", covariates=["am"])
    fig = plot_simple_slopes(res)
    assert isinstance(fig, matplotlib.figure.Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 3
    # each line's slope is the simple slope
    for line, b in zip(lines, res.slopes["b"]):
        x, y = line.get_data()
        assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(b, rel=1e-8)
    with pytest.raises(TypeError):
        plot_simple_slopes("nope")


def test_effects_input_errors(mtcars):
    with pytest.raises(ValueError, match="distinct"):
        mediation(mtcars, "hp", "hp", "mpg", seed=1)
    with pytest.raises(TypeError, match="numeric"):
        mediation(mtcars.assign(car=mtcars["car"]), "car", "wt", "mpg", seed=1)
    with pytest.raises(ValueError, match="not in data"):
        moderation(mtcars, "hp", "nope", "mpg")


# --------------------------------------------------------------------------- recovery
def test_ols_cis_cover_the_simulators_population_coefficients(instrument):
    """At n = 600 (522 clean rows), the 95% CIs of the 20 score-on-score coefficients
    should cover the population values of truth["population_score_regression"]; with
    ~5% expected misses we require >= 16 of 20 (the default seed covers 18)."""
    from onex_research.simulate import DEFAULT_SEED, simulate_study

    study = simulate_study(instrument, n=600, seed=DEFAULT_SEED)
    # scored by hand from the simulator's clean rows (mean of items after reverse keying)
    data = study.responses.loc[study.clean_rows(), instrument.likert_items].astype("float64")
    for item in instrument.reverse_items():
        data[item] = instrument.n_points(item) + 1 - data[item]
    scores = pd.DataFrame({c: data[items].mean(axis=1) for c, items in instrument.construct_items().items()})
    truth = study.truth["population_score_regression"]
    covered, misses = 0, []
    for outcome in study.truth["outcomes"]:
        res = ols(scores, f"{outcome} ~ " + " + ".join(study.truth["predictors"]))
        assert res.n == len(scores) == 522
        for p in study.truth["predictors"]:
            b = truth[outcome]["terms"][p]["b"]
            ok = res.table.loc[p, "ci_low"] <= b <= res.table.loc[p, "ci_high"]
            covered += ok
            if not ok:
                misses.append((outcome, p))
    assert covered >= 16, f"only {covered}/20 covered; missed {misses}"


def test_results_display_and_are_frozen(mtcars):
    o = ols(mtcars, "mpg ~ wt", robust="HC3")
    assert "HC3" in o._repr_html_() and o.fit["n"] == 32
    pd.testing.assert_frame_equal(o.to_frame(), o.table)
    h = hierarchical(mtcars, "mpg", [["wt"], ["hp"]])
    assert "Model summary" in h._repr_html_()
    m = mediation(mtcars, "hp", "wt", "mpg", n_boot=200, seed=1)
    assert "indirect" in m._repr_html_() and m.to_frame().index.tolist()[-3:] == ["indirect", "proportion", "sobel"]
    mo = moderation(mtcars, "hp", "wt", "mpg")
    assert "Simple slopes" in mo._repr_html_()
    for res in (o, h, m, mo):
        with pytest.raises(AttributeError):
            res.n = 0


def test_mediation_survives_singular_resamples(mtcars):
    # a covariate that is 1 in a single row: some resamples leave it constant (all 0)
    df = mtcars.assign(rare=(mtcars.index == 0).astype(float))
    with pytest.warns(UserWarning, match="singular"):
        res = mediation(df, "hp", "wt", "mpg", covariates=["rare"], n_boot=400, seed=5)
    assert np.isfinite(res.ci_low) and np.isfinite(res.ci_high) and np.isnan(res.boot).sum() > 50


def test_non_identifier_column_names(mtcars):
    df = mtcars.rename(columns={"wt": "车重 t", "mpg": "油耗"}).assign(**{"缸 数": mtcars["cyl"].astype(str)})
    res = hierarchical(df, "油耗", [["缸 数"], ["车重 t"]])
    last = res.steps[-1].table
    assert "车重 t" in last.index and "C(缸 数)[T.6]" in last.index
    ref = ols(mtcars, "mpg ~ C(cyl) + wt").table
    np.testing.assert_allclose(last.loc["车重 t", "b"], ref.loc["wt", "b"], rtol=1e-12)
    med = mediation(df, "hp", "车重 t", "油耗", n_boot=100, seed=1)
    assert med.paths.loc["b", "b"] == pytest.approx(ols(mtcars, "mpg ~ hp + wt").table.loc["wt", "b"])


def test_hierarchical_uses_only_the_model_columns(mtcars):
    # a column named like a formula function ("C") must not be taken for C(...)
    df = mtcars.assign(C=np.nan)
    res = hierarchical(df, "mpg", [["C(cyl)"], ["wt", "hp:wt"]])
    assert (res.fit["n"] == 32).all() and len(res.excluded) == 0
    df.loc[[1, 2], "hp"] = np.nan                     # hp only appears inside "hp:wt"
    with pytest.warns(UserWarning, match="dropped 2 of 32"):
        res = hierarchical(df, "mpg", [["C(cyl)"], ["wt", "hp:wt"]])
    assert (res.fit["n"] == 30).all()


# --------------------------------------------------------------- issue 13: reviewer's tables
RT = json.loads((REF / "r_tables.json").read_text())


def test_gvif_matches_car_vif_for_a_factor(mtcars):
    # R: car::vif(lm(mpg ~ wt + factor(cyl), mtcars)): one GVIF for cyl (Df 2), not one per dummy
    ref = pd.DataFrame(R["ols_factor"]["gvif"]).set_index("_row").rename(index={"factor(cyl)": "cyl"})
    g = ols(mtcars, "mpg ~ wt + C(cyl)").gvif
    assert list(g.columns) == ["gvif", "dof", "gvif_adj"] and set(g.index) == {"wt", "cyl"}
    np.testing.assert_allclose(g.loc[ref.index, "gvif"], ref["GVIF"], rtol=1e-10)
    np.testing.assert_allclose(g.loc[ref.index, "gvif_adj"], ref["GVIF^(1/(2*Df))"], rtol=1e-10)
    assert g.loc["cyl", "dof"] == 2
    # numeric predictors only: GVIF is the ordinary VIF
    res = ols(mtcars, "mpg ~ wt + hp + qsec")
    np.testing.assert_allclose(res.gvif.loc[["wt", "hp", "qsec"], "gvif"], res.table["vif"].iloc[1:], rtol=1e-10)


def test_format_models_puts_models_side_by_side(mtcars):
    # R: summary(lm(...)) of each step and anova(step k-1, step k); cells are those numbers with stars
    h = R["hierarchical"]
    res = hierarchical(mtcars, "mpg", h["blocks"])
    tab = res.format_models("b")
    assert list(tab.columns) == [1, 2, 3]
    assert list(tab.index) == ["Intercept", "wt", "hp", "qsec", "am", "gear", "r2", "adj_r2", "r2_change", "f", "f_dof", "f_change"]
    assert tab.at["f_dof", 1] == "1, 30" and tab.at["f_dof", 3] == "5, 26"
    assert tab.at["hp", 1] == "" and tab.at["am", 2] == ""          # not yet entered
    last = _ref_table(h["last"])
    for t in ["wt", "hp", "qsec", "am", "gear"]:
        p = last.at[t, "p"]
        star = "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
        assert tab.at[t, 3] == f"{last.at[t, 'b']:.3f}{star}", t
    ref = pd.DataFrame(h["table"]).set_index("step")
    for k in (1, 2, 3):
        assert tab.at["r2", k] == f"{ref.at[k, 'r2']:.3f}"
        assert tab.at["f_change", k].rstrip("*") == f"{ref.at[k, 'f_change']:.3f}"
    assert tab.at["r2_change", 3] == f"{ref.at[3, 'r2_change']:.3f}"     # p = .14: no star
    assert tab.at["r2_change", 2].endswith("**") and not tab.at["r2_change", 2].endswith("***")
    beta = res.format_models("beta")
    assert "Intercept" not in beta.index
    with pytest.raises(ValueError, match="stat"):
        res.format_models("t")


def _study():
    from onex_research import study

    return study.load_survey(None, None)


@pytest.fixture(scope="module")
def survey():
    return _study()


def test_mediation_with_categorical_controls_matches_lm(survey):
    # R: lm(execution ~ resources + role + gender + school_type) etc. (make_reference_tables.R)
    ref = RT["mediation"]
    data = survey.data[ref["covariates"]].join(survey.scores)
    res = mediation(data, "resources", "execution", "effectiveness", covariates=ref["covariates"],
                    n_boot=2000, seed=11, ci="bc")
    for path in ("a", "b", "c", "c_prime"):
        np.testing.assert_allclose(res.paths.loc[path, COLS].to_numpy(float),
                                   pd.Series(ref[path][0])[COLS].to_numpy(float), rtol=1e-8)
    assert res.indirect == pytest.approx(ref["indirect"], rel=1e-10)
    assert res.proportion == pytest.approx(ref["proportion"], rel=1e-10)
    assert res.paths.at["proportion", "b"] == pytest.approx(ref["proportion"], rel=1e-10)
    # bootstrap intervals: R's own draws (RNG differs): agree within Monte-Carlo error
    assert res.ci == "bc" and "偏差校正" in res.interval
    np.testing.assert_allclose([res.ci_low, res.ci_high], ref["bc"], atol=0.006)
    np.testing.assert_allclose(res.paths.loc["indirect", "se"], ref["boot_sd"], rtol=0.1)
    pct = mediation(data, "resources", "execution", "effectiveness", covariates=ref["covariates"],
                    n_boot=2000, seed=11)
    np.testing.assert_allclose([pct.ci_low, pct.ci_high], ref["percentile"], atol=0.006)
    np.testing.assert_allclose(pct.paths.loc["proportion", ["ci_low", "ci_high"]].to_numpy(float),
                               ref["proportion_percentile"], atol=0.02)
    # same draws, different interval: bc shifts the percentile interval by the median bias
    assert (res.ci_low, res.ci_high) != (pct.ci_low, pct.ci_high)
    np.testing.assert_array_equal(res.boot, pct.boot)


def test_mediation_bca_uses_the_jackknife(mtcars):
    bca = mediation(mtcars, "hp", "wt", "mpg", covariates=["am"], n_boot=1000, seed=2, ci="bca")
    bc = mediation(mtcars, "hp", "wt", "mpg", covariates=["am"], n_boot=1000, seed=2, ci="bc")
    np.testing.assert_array_equal(bca.boot, bc.boot)
    # acceleration from the leave-one-out estimates of a*b (Efron 1987), computed here by a loop
    from scipy import stats
    jack = []
    for i in range(len(mtcars)):
        d = mtcars.drop(index=i)
        a = ols(d, "wt ~ hp + am").table.at["hp", "b"]
        b = ols(d, "mpg ~ hp + wt + am").table.at["wt", "b"]
        jack.append(a * b)
    jack = np.array(jack)
    dev = jack.mean() - jack
    acc = np.sum(dev ** 3) / (6 * np.sum(dev ** 2) ** 1.5)
    z0 = stats.norm.ppf(np.mean(bca.boot < bca.indirect))
    z = stats.norm.ppf([0.025, 0.975])
    q = stats.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z)))
    np.testing.assert_allclose([bca.ci_low, bca.ci_high], np.quantile(bca.boot, q), rtol=1e-10)
    with pytest.raises(ValueError, match="ci must be one of"):
        mediation(mtcars, "hp", "wt", "mpg", ci="normal")


def test_moderation_reports_the_interaction_test(survey):
    # R: anova(lm(y ~ x_c + w_c + controls), lm(y ~ x_c * w_c + controls))
    ref = RT["moderation"]
    data = survey.data[ref["covariates"]].join(survey.scores)
    res = moderation(data, "resources", "teachers", "effectiveness", covariates=ref["covariates"])
    assert res.r2_change == pytest.approx(ref["r2_change"], rel=1e-8)
    assert res.f_change == pytest.approx(ref["f_change"], rel=1e-8)
    assert res.p_change == pytest.approx(ref["p_change"], rel=1e-8)
    row = next(r for r in ref["table"] if r["term"] == "x_c:w_c")
    np.testing.assert_allclose(res.table.loc["resources:teachers", COLS].to_numpy(float),
                               pd.Series(row)[COLS].to_numpy(float), rtol=1e-8)
    assert res.f_change == pytest.approx(res.table.at["resources:teachers", "t"] ** 2, rel=1e-10)
