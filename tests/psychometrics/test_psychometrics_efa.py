"""EFA, rotations and Tucker congruence against R psych / GPArotation on psychTools::bfi.

Reference: tests/reference/psych_fa.json from tests/reference/make_reference_psych.R:
``psych::fa(bfi[1:25], nfactors, fm, rotate)`` for fm in minres, ml, pa and rotate in
none, varimax, promax, oblimin, and ``psych::principal(bfi[1:25], 5, rotate)``.
Loadings are compared at 1e-3 after sign and order alignment (the issue's tolerance);
factor names and order are also checked to be psych's.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import (HeywoodWarning, efa, match_factors, oblimin, promax,
                                         tucker_congruence, varimax)

REF = Path(__file__).resolve().parents[1] / "reference"
LOAD_TOL = 1e-3


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "bfi.csv").iloc[:, :25]


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "psych_fa.json").read_text())


def frame(m):
    return pd.DataFrame(m["values"], index=m["rows"], columns=m["cols"])


def align(est: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
    """Reorder and reflect est's columns to best match target (Tucker congruence)."""
    m = match_factors(est, target)
    out = pd.DataFrame({row.truth: est[row.factor] * row.sign for row in m.itertuples()})
    return out[target.columns]


CASES = [f"{fm}_{rot}_5" for fm in ("minres", "ml", "pa") for rot in ("none", "varimax", "promax", "oblimin")]
CASES += ["minres_oblimin_3", "ml_oblimin_3", "pa_oblimin_3"]
CASES += [f"principal_{rot}_5" for rot in ("none", "varimax", "promax", "oblimin")]


@pytest.mark.parametrize("case", CASES)
def test_efa_matches_psych(bfi, ref, case):
    # R: psych::fa(bfi[1:25], nfactors, fm = fm, rotate = rot)  /  psych::principal(bfi[1:25], 5, rotate = rot)
    method, rotation, nf = case.rsplit("_", 2)
    r = ref[case]
    res = efa(bfi, int(nf), method=method, rotation=rotation)
    want = frame(r["loadings"])
    # psych's names and order, sign included
    assert list(res.loadings.columns) == list(want.columns)
    assert list(res.loadings.index) == list(want.index)
    got = align(res.loadings, want)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=LOAD_TOL)
    np.testing.assert_allclose(res.loadings.to_numpy(), want.to_numpy(), atol=LOAD_TOL)
    # rotations follow R's own stopping rules (stats::varimax eps = 1e-5, GPArotation's
    # gradient norm): a fully converged varimax would sit ~1.2e-3 away from R on bfi
    np.testing.assert_allclose(res.loadings.to_numpy(), want.to_numpy(), atol=1e-4)
    np.testing.assert_allclose(res.communalities, r["communality"], atol=LOAD_TOL)
    np.testing.assert_allclose(res.uniquenesses, r["uniquenesses"], atol=LOAD_TOL)
    if r.get("phi"):
        np.testing.assert_allclose(res.phi.to_numpy(), frame(r["phi"]).to_numpy(), atol=LOAD_TOL)
        assert res.oblique
    else:
        np.testing.assert_array_equal(res.phi.to_numpy(), np.eye(int(nf)))
    va = frame(r["vaccounted"])  # rows: SS loadings, Proportion Var, Cumulative Var, ...
    np.testing.assert_allclose(res.variance["ss_loadings"], va.loc["SS loadings"], atol=LOAD_TOL)
    np.testing.assert_allclose(res.variance["proportion"], va.loc["Proportion Var"], atol=LOAD_TOL)
    np.testing.assert_allclose(res.variance["cumulative"], va.loc["Cumulative Var"], atol=LOAD_TOL)
    np.testing.assert_allclose(res.eigenvalues, r["e_values"], atol=1e-8)
    np.testing.assert_allclose(res.common_eigenvalues, r["values"], atol=LOAD_TOL)
    assert res.heywood == ()
    # R: f$STATISTIC, f$dof, f$PVAL, f$TLI, f$RMSEA, f$BIC, f$rms, f$crms (psych::factor.stats)
    for key, value in r["fit"].items():
        if isinstance(value, (int, float)):
            tol = dict(rel=1e-5) if key in ("chi2", "bic") else dict(abs=1e-4)
            assert res.fit[key] == pytest.approx(value, **tol), key


def test_efa_extraction_is_tight(bfi, ref):
    # minres and ml are solved more tightly than R's optim; they still sit within 2e-5 of R
    for case in ("minres_none_5", "ml_none_5"):
        method = case.split("_")[0]
        res = efa(bfi, 5, method=method, rotation="none")
        diff = np.abs(res.loadings.to_numpy() - frame(ref[case]["loadings"]).to_numpy()).max()
        assert diff < 2e-5, (case, diff)


def test_rotations_public_functions_match_efa(bfi, ref):
    unrot = efa(bfi, 5, rotation="none").loadings
    v = varimax(unrot)
    np.testing.assert_allclose(v.loadings.to_numpy() @ v.loadings.to_numpy().T,
                               unrot.to_numpy() @ unrot.to_numpy().T, atol=1e-10)  # orthogonal
    np.testing.assert_allclose(v.loadings.to_numpy(), unrot.to_numpy() @ v.rotmat, atol=1e-12)
    ob = oblimin(unrot)
    assert ob.converged
    assert np.allclose(np.diag(ob.phi), 1)
    # oblique: L Phi L' reproduces the common part
    lp = ob.loadings.to_numpy() @ ob.phi.to_numpy() @ ob.loadings.to_numpy().T
    np.testing.assert_allclose(lp, unrot.to_numpy() @ unrot.to_numpy().T, atol=1e-8)
    pr = promax(unrot)
    lp = pr.loadings.to_numpy() @ pr.phi.to_numpy() @ pr.loadings.to_numpy().T
    np.testing.assert_allclose(lp, unrot.to_numpy() @ unrot.to_numpy().T, atol=1e-8)
    with pytest.raises(ValueError, match="2 factors"):
        varimax(unrot.iloc[:, :1])


def test_loading_table_sorted_and_suppressed(bfi):
    res = efa(bfi, 5)
    tab = res.format_loadings(threshold=0.3)
    k = res.n_factors
    assert list(tab.columns) == list(res.loadings.columns) + ["h2", "u2", "complexity"]
    lo = tab.iloc[:, :k]
    assert (lo.abs() >= 0.3).where(lo.notna(), True).all().all()
    assert lo.isna().any().any()
    full = res.loadings.loc[tab.index]
    main = full.abs().to_numpy().argmax(axis=1)
    assert (np.diff(main) >= 0).all()  # grouped by main factor, in factor order
    for f in range(k):
        sizes = full.abs().to_numpy().max(axis=1)[main == f]
        assert (np.diff(sizes) <= 1e-12).all()  # descending within a factor
    assert tab.index[0] in ("N1", "N2")  # the neuroticism factor comes first in psych
    unsorted = res.format_loadings(threshold=0.0, sort=False)
    assert list(unsorted.index) == list(bfi.columns)
    assert "Variance" in res._repr_html_()


def test_variance_proportions_consistent(bfi):
    res = efa(bfi, 5, rotation="varimax")
    v = res.variance
    assert v["ss_loadings"].sum() == pytest.approx(res.communalities.sum(), abs=1e-10)
    assert v["cumulative"].iloc[-1] == pytest.approx(v["ss_loadings"].sum() / 25)
    assert v["cumulative_explained"].iloc[-1] == pytest.approx(1.0)


def test_heywood_case_is_flagged():
    # one factor, three items: lambda_a^2 = r_ab * r_ac / r_bc = 0.64 / 0.6 > 1 (R is positive definite)
    names = ["a", "b", "c"]
    r = pd.DataFrame([[1, .8, .8], [.8, 1, .6], [.8, .6, 1]], index=names, columns=names)
    for method in ("minres", "ml"):
        with pytest.warns(HeywoodWarning, match="Heywood"):
            res = efa(r, 1, method=method)
        assert res.heywood == ("a",)
        assert res.communalities["a"] >= 0.995
        assert res.warnings and "Heywood" in res.warnings[0]
    fine = pd.DataFrame(np.full((3, 3), .5) + .5 * np.eye(3), index=names, columns=names)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = efa(fine, 1)
    assert res.heywood == () and res.warnings == ()
    np.testing.assert_allclose(res.loadings.iloc[:, 0], np.sqrt(.5), atol=1e-5)


def test_efa_input_checks(bfi):
    with pytest.raises(ValueError, match="method"):
        efa(bfi, 5, method="wls")
    with pytest.raises(ValueError, match="rotation"):
        efa(bfi, 5, rotation="quartimax")
    with pytest.raises(ValueError, match="n_factors"):
        efa(bfi, 25)
    with pytest.raises(TypeError):
        efa(bfi.to_numpy(), 2)


def test_efa_on_correlation_matrix_equals_raw(bfi):
    a = efa(bfi, 3)
    b = efa(bfi.corr(), 3)
    np.testing.assert_allclose(a.loadings.to_numpy(), b.loadings.to_numpy(), atol=1e-8)
    assert b.n == 0 and a.n == 2800


def test_tucker_congruence():
    a = pd.Series([0.7, 0.6, 0.0, 0.1], index=list("wxyz"))
    assert tucker_congruence(a, a) == pytest.approx(1.0)
    assert tucker_congruence(a, -a) == pytest.approx(-1.0)
    assert tucker_congruence(a, 2 * a) == pytest.approx(1.0)
    b = pd.Series([0.0, 0.0, 0.8, 0.0], index=list("wxyz"))
    assert tucker_congruence(a, b) == pytest.approx(0.0)
    # hand value: (0.7*0.6 + 0.6*0.7) / (0.49 + 0.36 + 0.01)
    c = pd.Series([0.6, 0.7, 0.0, 0.1], index=list("wxyz"))
    assert tucker_congruence(a, c) == pytest.approx((0.84 + 0.01) / 0.86)
    # aligned by item name, not position
    assert tucker_congruence(a, a[::-1]) == pytest.approx(1.0)
    m1 = pd.DataFrame({"F1": a, "F2": b})
    m2 = pd.DataFrame({"T1": -b, "T2": a})
    cm = tucker_congruence(m1, m2)
    assert cm.loc["F1", "T2"] == pytest.approx(1.0) and cm.loc["F2", "T1"] == pytest.approx(-1.0)
    matched = match_factors(m1, m2)
    assert list(matched["truth"]) == ["T1", "T2"]
    assert list(matched["factor"]) == ["F2", "F1"]
    assert list(matched["sign"]) == [-1, 1]
    with pytest.raises(ValueError, match="different items"):
        tucker_congruence(a, b.rename({"z": "q"}))
