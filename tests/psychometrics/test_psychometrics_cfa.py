"""CFA against lavaan 0.6 (tests/reference/make_reference_lavaan.R writes the fixtures)."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import CFAResult, cfa, fornell_larcker, htmt

REF = Path(__file__).resolve().parents[1] / "reference"
FIT_NAMES = {"chi2": "chisq", "dof": "df", "p": "pvalue", "cfi": "cfi", "tli": "tli",
             "rmsea": "rmsea", "rmsea_ci_low": "rmsea.ci.lower", "rmsea_ci_high": "rmsea.ci.upper",
             "srmr": "srmr", "chi2_baseline": "baseline.chisq", "n": "ntotal"}


def _load(name, csv):
    ref = json.loads((REF / f"lavaan_{name}.json").read_text())
    return ref, pd.read_csv(REF / f"{csv}.csv")


CASES = [("hs1939", "HolzingerSwineford1939"), ("hs1939_cross", "HolzingerSwineford1939"),
         ("hs1939_df0", "HolzingerSwineford1939"), ("goodfit", "sim_goodfit"), ("bfi", "bfi")]


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def case(request):
    ref, data = _load(*request.param)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)      # bfi: listwise deletion warning
        res = cfa(data, ref["model"])
    return ref, data, res


def test_fit_indices_match_lavaan(case):
    # R: fitMeasures(lavaan::cfa(model, data))
    ref, _, res = case
    for ours, theirs in FIT_NAMES.items():
        if ref["fit"].get(theirs) in (None, "NA"):      # lavaan: p is NA when df = 0
            assert ours == "p" and np.isnan(res.fit[ours])
            continue
        assert res.fit[ours] == pytest.approx(ref["fit"][theirs], abs=1e-3, rel=1e-5), ours
    assert res.fit["chi2"] == pytest.approx(ref["fit"]["chisq"], rel=1e-6, abs=1e-8)


def test_estimates_and_se_match_lavaan(case):
    # R: parameterEstimates(fit) and standardizedSolution(fit)
    ref, _, res = case
    pe = pd.DataFrame(ref["estimates"]).rename(columns={"est": "b_r", "se": "se_r"})
    ss = pd.DataFrame(ref["standardized"]).rename(columns={"est.std": "std_r", "se": "std_se_r"})
    m = res.parameters.merge(pe, on=["lhs", "op", "rhs"]).merge(ss, on=["lhs", "op", "rhs"])
    assert len(m) == len(pe) == len(res.parameters)
    np.testing.assert_allclose(m["b"], m["b_r"], atol=1e-3)
    np.testing.assert_allclose(m["se"], m["se_r"], atol=1e-4)
    np.testing.assert_allclose(m["std"], m["std_r"], atol=1e-4)
    np.testing.assert_allclose(m["std_se"], m["std_se_r"].fillna(0), atol=1e-4)


def test_loadings_table_layout(case):
    ref, _, res = case
    lo = res.loadings
    assert list(lo.columns[:7]) == ["factor", "item", "b", "se", "z", "p", "std"]
    assert list(lo["factor"].unique()) == list(ref["model"])
    first = lo.groupby("factor", sort=False).head(1)
    assert lo.groupby("factor", sort=False).size().tolist() == [len(v) for v in ref["model"].values()]
    assert (first["b"] == 1).all() and (first["se"] == 0).all()          # marker loadings
    assert lo["std_se"].gt(0).all()


def test_phi_cr_ave_htmt(case):
    # R: lavInspect(fit, "cor.lv"); CR/AVE by hand from standardizedSolution; semTools::htmt
    ref, data, res = case
    np.testing.assert_allclose(res.phi.to_numpy(), np.array(ref["phi"]), atol=1e-4)
    assert list(res.phi.index) == list(np.atleast_1d(ref["factors"]))   # auto_unbox: one factor is a string
    np.testing.assert_allclose(res.reliability["cr"], list(ref["cr"].values()), atol=1e-4)
    np.testing.assert_allclose(res.reliability["ave"], list(ref["ave"].values()), atol=1e-4)
    if not ref["htmt"]:           # semTools::htmt cannot take a cross-loading model
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.testing.assert_allclose(htmt(data, ref["model"]).to_numpy(), np.array(ref["htmt"]), atol=1e-10)
        np.testing.assert_allclose(htmt(data, ref["model"], htmt2=True).to_numpy(),
                                   np.array(ref["htmt2"]), atol=1e-10)


def test_fornell_larcker(case):
    _, _, res = case
    fl = res.fornell_larcker
    np.testing.assert_allclose(np.diag(fl), np.sqrt(res.reliability["ave"]))
    off = ~np.eye(len(fl), dtype=bool)
    np.testing.assert_allclose(fl.to_numpy()[off], res.phi.to_numpy()[off])
    pd.testing.assert_frame_equal(fornell_larcker(res), fl)


def test_listwise_deletion_is_reported():
    ref, data = _load("bfi", "bfi")
    with pytest.warns(UserWarning, match="dropped 364 of 2800"):
        res = cfa(data, ref["model"])
    assert len(res.excluded) == 364 and res.fit["n"] == 2436
    assert data.loc[res.excluded, [i for f in ref["model"].values() for i in f]].isna().any(axis=1).all()


def test_result_is_frozen_and_displays():
    ref, data = _load("hs1939", "HolzingerSwineford1939")
    res = cfa(data, ref["model"])
    assert isinstance(res, CFAResult)
    with pytest.raises(AttributeError):
        res.fit = None
    assert "Fornell-Larcker" in res._repr_html_()
    pd.testing.assert_frame_equal(res.to_frame(), res.loadings)


def test_input_errors():
    _, data = _load("hs1939", "HolzingerSwineford1939")
    with pytest.raises(ValueError, match="not in data"):
        cfa(data, {"f": ["x1", "nope"]})
    with pytest.raises(TypeError, match="numeric"):
        cfa(data.assign(sex=data["sex"].astype(str)), {"f": ["x1", "x2", "sex"]})
    with pytest.raises(TypeError, match="dict"):
        cfa(data, ["x1", "x2"])
    with pytest.raises(ValueError, match="at least 2"):
        cfa(data, {"f": ["x1"], "g": ["x2", "x3", "x4"]})


def test_recovers_simulated_loadings(rng):
    # three factors, known standardized loadings; n large -> std close to truth
    lam = np.array([.8, .7, .6, .75, .65, .55, .7, .6, .5])
    fac = np.repeat([0, 1, 2], 3)
    phi = np.array([[1, .3, .2], [.3, 1, .4], [.2, .4, 1]])
    eta = rng.multivariate_normal(np.zeros(3), phi, size=5000)
    x = eta[:, fac] * lam + rng.standard_normal((5000, 9)) * np.sqrt(1 - lam ** 2)
    df = pd.DataFrame(x * 2 + 3, columns=[f"i{k}" for k in range(9)])
    model = {"a": ["i0", "i1", "i2"], "b": ["i3", "i4", "i5"], "c": ["i6", "i7", "i8"]}
    res = cfa(df, model)
    np.testing.assert_allclose(res.loadings["std"], lam, atol=0.04)
    np.testing.assert_allclose(res.phi.to_numpy(), phi, atol=0.05)
    assert res.fit["rmsea"] < 0.02 and res.fit["cfi"] > 0.99


def test_heywood_case_warns(rng):
    # r12 = r13 = .8, r23 = .5 implies a standardized loading of sqrt(1.28) for item a
    cov = np.array([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]])
    x = rng.multivariate_normal(np.zeros(3), cov, size=4000)
    with pytest.warns(UserWarning, match="Heywood"):
        res = cfa(pd.DataFrame(x, columns=["a", "b", "c"]), {"f": ["a", "b", "c"]})
    assert res.fit["dof"] == 0 and res.loadings.loc[0, "std"] > 1


def test_cfa_recovers_the_simulators_loadings(instrument):
    """12-factor CFA on the simulator's clean rows: Tucker congruence of the standardized
    loadings with the true ones >= .95 per factor, and none off by more than .15
    (Pearson correlations of 5-point answers attenuate the latent loadings a little)."""
    from onex_research.simulate import DEFAULT_SEED, simulate_study, truth_loadings

    study = simulate_study(instrument, n=600, seed=DEFAULT_SEED)
    items = study.responses.loc[study.clean_rows(), instrument.likert_items].astype("float64")
    for item in instrument.reverse_items():
        items[item] = instrument.n_points(item) + 1 - items[item]
    model = instrument.construct_items()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)          # partial skips dropped listwise
        res = cfa(items, model)
    truth = truth_loadings(study.truth)
    lo = res.loadings.set_index("item")
    for factor, its in model.items():
        est, tru = lo.loc[its, "std"].to_numpy(), truth.loc[its, factor].to_numpy()
        assert est @ tru / np.sqrt((est @ est) * (tru @ tru)) >= 0.95, factor
        assert np.max(np.abs(est - tru)) < 0.15, factor
    assert res.fit["cfi"] > 0.95 and res.fit["rmsea"] < 0.05
