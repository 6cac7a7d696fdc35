"""sem() against lavaan 0.6 (tests/reference/make_reference_sem.R writes the fixtures).

Each test names the R call it mirrors. Tolerances: 1e-4 on fit indices, 1e-3 on
estimates (lavaan's optimizer stops ~1e-4 short on one PoliticalDemocracy residual
covariance; its chi-square agrees to 6e-7), 1e-4 on SEs and std.all.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import ModelSyntaxError, SEMResult, sem
from sem_reference import FIT_NAMES, LAV, REF, ROBUST_NAMES, assert_fit, assert_parameters


@pytest.fixture(scope="module")
def poldem():
    return pd.read_csv(REF / "PoliticalDemocracy.csv")


@pytest.fixture(scope="module")
def poldem_ml(poldem):
    return sem(poldem, LAV["poldem"]["model"])


def test_poldem_fit_matches_lavaan(poldem_ml):
    # R: fitMeasures(sem(model, data = PoliticalDemocracy))
    assert_fit(poldem_ml, LAV["poldem"])
    assert poldem_ml.fit["chi2"] == pytest.approx(LAV["poldem"]["fit"]["chisq"], rel=1e-6)
    assert poldem_ml.fit["chi2_dof"] == pytest.approx(40.179 / 38, abs=1e-4)


def test_poldem_parameters_match_lavaan(poldem_ml):
    # R: parameterEstimates(fit); standardizedSolution(fit)$est.std
    assert_parameters(poldem_ml, LAV["poldem"])
    par = poldem_ml.parameters
    # equal labels are one parameter: a*y2 and a*y6 share estimate and SE
    a = par[par["label"] == "a"]
    assert len(a) == 2 and a["b"].nunique() == 1 and a["se"].nunique() == 1


def test_poldem_defined_and_r2_match_lavaan(poldem_ml):
    # R: parameterEstimates(fit)[op == ":=", ] (delta method); lavInspect(fit, "rsquare")
    pe = pd.DataFrame(LAV["poldem"]["parameters"])
    pe = pe[pe["op"] == ":="].set_index("lhs")
    d = poldem_ml.defined.set_index("lhs")
    for col, rc in [("b", "est"), ("se", "se"), ("std", "std"), ("std_se", "std_se"),
                    ("ci_low", "ci.lower"), ("ci_high", "ci.upper"), ("p", "pvalue")]:
        np.testing.assert_allclose(d.loc[pe.index, col], pe[rc], atol=1e-4, err_msg=col)
    r2 = poldem_ml.r2.set_index("variable")["r2"]
    want = pd.Series(LAV["poldem"]["r2"])
    assert set(r2.index) == set(want.index)
    np.testing.assert_allclose(r2[want.index], want, atol=1e-4)


def test_result_shape(poldem_ml):
    assert isinstance(poldem_ml, SEMResult) and poldem_ml.converged
    assert list(poldem_ml.parameters.columns) == ["lhs", "op", "rhs", "label", "b", "se", "z", "p",
                                                  "ci_low", "ci_high", "std", "std_se"]
    assert {"lhs", "b", "se", "std", "p", "sig"} <= set(poldem_ml.table.columns)
    html = poldem_ml._repr_html_()
    assert "dem65" in html and "indirect" in html
    assert len(poldem_ml.to_frame()) == len(poldem_ml.parameters) + 2


def test_poldem_mlr_matches_lavaan(poldem):
    # R: sem(model, data = PoliticalDemocracy, estimator = "MLR"): observed information,
    # Huber-White SEs, Yuan-Bentler (Mplus) scaled chi-square, robust CFI/TLI/RMSEA
    res = sem(poldem, LAV["poldem_mlr"]["model"], estimator="MLR")
    assert_fit(res, LAV["poldem_mlr"], {**FIT_NAMES, **ROBUST_NAMES})
    assert_parameters(res, LAV["poldem_mlr"])
    pe = pd.DataFrame(LAV["poldem_mlr"]["parameters"]).query("op == ':='")
    np.testing.assert_allclose(res.defined["se"], pe["se"], atol=1e-4)


def test_observed_mediation_fixed_x_and_intercepts(poldem):
    # R: sem("y5 ~ a*x1; y8 ~ b*y5 + c*x1; y5 ~ 1; ab := a*b", PoliticalDemocracy)
    # fixed.x: x1's variance and mean are fixed at the sample values (se 0, z NA); df = 0
    ref = LAV["mediation"]
    res = sem(poldem, ref["model"])
    assert_fit(res, ref)
    assert_parameters(res, ref, b_tol=1e-6, se_tol=1e-6)
    x1 = res.parameters.query("lhs == 'x1' and op == '~~'")
    assert x1["se"].iloc[0] == 0 and np.isnan(x1["z"].iloc[0])
    pe = pd.DataFrame(ref["parameters"]).query("op == ':='")
    assert res.defined["b"].iloc[0] == pytest.approx(pe["est"].iloc[0], abs=1e-6)
    assert res.defined["se"].iloc[0] == pytest.approx(pe["se"].iloc[0], abs=1e-6)


def test_bootstrap_intervals_agree_with_lavaan_and_are_seeded(poldem):
    # R: sem(model, se = "bootstrap", bootstrap = 500); parameterEstimates(boot.ci.type =
    # "perc" / "bca.simple"). Different random streams: Monte Carlo tolerance 0.15.
    ref = LAV["poldem_boot"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        a = sem(poldem, LAV["poldem"]["model"], bootstrap=200, seed=1)
        b = sem(poldem, LAV["poldem"]["model"], bootstrap=200, seed=1, ci="bc")
    d = a.defined.set_index("lhs").loc[ref["lhs"]]
    np.testing.assert_allclose(d["ci_low"], ref["perc_low"], atol=0.15)
    np.testing.assert_allclose(d["ci_high"], ref["perc_high"], atol=0.15)
    np.testing.assert_allclose(d["se_boot"], ref["se"], rtol=0.25)
    draws = a.bootstrap_draws
    assert len(draws) <= 200 and draws["indirect"].std() > 0
    np.testing.assert_allclose(d["ci_low"], np.quantile(draws[ref["lhs"]], 0.025, axis=0))
    dbc = b.defined.set_index("lhs").loc[ref["lhs"]]
    np.testing.assert_allclose(dbc["ci_low"], ref["bc_low"], atol=0.15)
    # same seed, same draws: bc differs from percentile only through the bias correction
    pd.testing.assert_frame_equal(a.bootstrap_draws, b.bootstrap_draws)
    est = a.defined.set_index("lhs")["b"]
    z0 = np.array([__import__("scipy").stats.norm.ppf(np.mean(draws[k] < est[k])) for k in ref["lhs"]])
    lo = [np.quantile(draws[k], __import__("scipy").stats.norm.cdf(2 * z + -1.959963984540054))
          for k, z in zip(ref["lhs"], z0)]
    np.testing.assert_allclose(dbc["ci_low"], lo, rtol=1e-6)


def test_bca_runs_and_differs(poldem):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sem(poldem, "y5 ~ a*x1\ny8 ~ b*y5 + c*x1\nab := a*b", bootstrap=100, seed=3, ci="bca")
    lo, hi = res.defined[["ci_low", "ci_high"]].iloc[0]
    assert lo < res.defined["b"].iloc[0] < hi


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("model, match", [
    ("ind60 =~ x1 + x2 + nosuch", "unknown variable 'nosuch'.*ind60 =~ x1 \\+ x2 \\+ nosuch"),
    ("ind60 =~ x1 + x2 + x3\nind60 >> y1", "cannot parse the model line 'ind60 >> y1'"),
    ("ind60 =~ x1 + x2 + x3\nfoo bar", "cannot parse the model line 'foo bar'"),
    ("y5 ~ a*x1\nab := a*zz", "unknown label.*'zz'.*ab := a\\*zz"),
    ("f =~ x1 + x2\ng =~ x3 + y1\nf ~~ 1*f\nx1 ~~ x2\nx3 ~~ y1\nx1 ~~ x3", "not identified.*df = -"),
])
def test_bad_model_errors_quote_the_line(poldem, model, match):
    with pytest.raises(ModelSyntaxError, match=match):
        sem(poldem, model)


def test_bad_options(poldem):
    with pytest.raises(ValueError, match="estimator"):
        sem(poldem, "y5 ~ x1", estimator="WLS")
    with pytest.raises(ValueError, match="missing"):
        sem(poldem, "y5 ~ x1", missing="pairwise")
    with pytest.raises(ValueError, match="group column 'school'"):
        sem(poldem, "y5 ~ x1", group="school")
    with pytest.raises(TypeError, match="DataFrame"):
        sem(poldem.to_numpy(), "y5 ~ x1")


def test_non_convergence_warns_with_iterations_and_marks_result(poldem):
    with pytest.warns(RuntimeWarning, match="did not converge in 2 iterations"):
        res = sem(poldem, LAV["poldem"]["model"], max_iter=2)
    assert res.converged is False and res.iterations == 2
    assert "NOT CONVERGED" in res._repr_html_()


def test_listwise_drops_rows_with_a_warning(poldem):
    d = poldem.copy()
    d.loc[[3, 7], "y5"] = np.nan
    with pytest.warns(UserWarning, match="2 of 75 rows dropped"):
        res = sem(d, "y5 ~ x1")
    assert list(res.excluded) == [3, 7] and res.fit["n"] == 73


def test_unidentified_model_warns(poldem):
    # df = 2 >= 0, but two 2-indicator factors with a zero covariance are not identified
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)            # it is also a Heywood case
        with pytest.warns(RuntimeWarning, match="information matrix is singular"):
            sem(poldem, "f =~ x1 + x2\ng =~ y1 + y2\nf ~~ 0*g")


def test_heywood_case_warns(rng):
    # r12 = r13 = .8, r23 = .5 implies a standardized loading of sqrt(1.28) for item a
    cov = np.array([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]])
    x = pd.DataFrame(rng.multivariate_normal(np.zeros(3), cov, size=4000), columns=["a", "b", "c"])
    with pytest.warns(UserWarning, match=r"Heywood case\) for \['a'\]"):
        res = sem(x, "f =~ a + b + c")
    assert res.parameters.query("lhs == 'a' and op == '~~'")["b"].iloc[0] < 0
