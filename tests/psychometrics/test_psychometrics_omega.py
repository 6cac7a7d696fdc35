"""omega (Schmid-Leiman) and parallel analysis against R psych on psychTools::bfi.

References: tests/reference/psych_omega.json and psych_parallel.json from
tests/reference/make_reference_psych.R. omega at 1e-4 (omega_h, omega_total, alpha) and
1e-3 (Schmid-Leiman loadings); parallel analysis is random, so only the deterministic
observed eigenvalues are compared exactly and the retained numbers loosely.
"""

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from onex_research.psychometrics import omega, parallel_analysis, scree_plot

REF = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "bfi.csv").iloc[:, :25]


@pytest.fixture(scope="module")
def ref_omega():
    return json.loads((REF / "psych_omega.json").read_text())


@pytest.fixture(scope="module")
def ref_parallel():
    return json.loads((REF / "psych_parallel.json").read_text())


OMEGA_CASES = {"bfi25_nf3": (slice(0, 25), 3), "bfi25_nf5": (slice(0, 25), 5),
               "NO_nf3": (slice(15, 25), 3), "N_nf1": (slice(15, 20), 1), "A_nf1": (slice(0, 5), 1)}


@pytest.mark.parametrize("case", list(OMEGA_CASES))
def test_omega_matches_psych(bfi, ref_omega, case):
    # R: o <- psych::omega(bfi[1:25], nfactors = 3); o$omega_h; o$omega.tot; o$alpha; o$schmid$sl
    cols, nf = OMEGA_CASES[case]
    r = ref_omega[case]
    res = omega(bfi.iloc[:, cols], n_factors=nf)
    assert res.omega_h == pytest.approx(r["omega_h"], abs=1e-4)
    assert res.omega_total == pytest.approx(r["omega_total"], abs=1e-4)
    assert res.alpha == pytest.approx(r["alpha"], abs=1e-4)
    sl = pd.DataFrame(r["sl"]["values"], columns=r["sl"]["cols"])
    assert list(res.loadings.columns) == list(sl.columns)
    np.testing.assert_allclose(res.loadings.to_numpy(), sl.to_numpy(), atol=1e-3)
    np.testing.assert_allclose(res.g_loadings, r["gloading"], atol=1e-3)
    flipped = tuple(c for c, k in zip(bfi.columns[cols], r["key"]) if k < 0)
    assert res.reversed == flipped
    assert 0 < res.omega_h < 1 and 0 < res.omega_total < 1
    if nf > 1:
        assert res.omega_h < res.omega_total


def test_scale_reliability_table(bfi, ref_omega):
    # R: psych::alpha(bfi[1:5], keys = "A1")$total; psych::omega(bfi[1:5], nfactors = 1)$omega.tot
    from onex_research.psychometrics import reliability, scale_reliability

    scales = {"A": list(bfi.columns[:5]), "N": list(bfi.columns[15:20])}
    tab = scale_reliability(bfi, scales, keys={"A": ["A1"]})
    assert list(tab.index) == ["A", "N"]
    assert list(tab.columns) == ["n_items", "n", "alpha", "std_alpha", "ci_low", "ci_high",
                                 "omega_total", "average_r", "min_r_drop"]
    assert tab.at["A", "alpha"] == pytest.approx(reliability(bfi[scales["A"]], keys=["A1"]).alpha)
    assert tab.at["A", "omega_total"] == pytest.approx(ref_omega["A_nf1"]["omega_total"], abs=1e-4)
    assert tab.at["N", "omega_total"] == pytest.approx(ref_omega["N_nf1"]["omega_total"], abs=1e-4)
    with pytest.raises(ValueError, match="not in the data"):
        scale_reliability(bfi, {"X": ["A1", "Q9"]})


def test_omega_default_is_three_factors(bfi):
    assert omega(bfi).n_factors == 3


def test_omega_two_factors_equal_g_loadings(bfi):
    res = omega(bfi.iloc[:, 15:25], n_factors=2)
    g = res.g_loadings.to_numpy()
    assert abs(g[0]) == pytest.approx(abs(g[1]))
    assert g[0] * g[1] == pytest.approx(res.phi.iloc[0, 1])


def test_omega_one_factor_congeneric():
    # one factor with loadings l: omega_total = omega_h = (sum l)^2 / ((sum l)^2 + sum(1 - l^2))
    l = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(l, l)
    np.fill_diagonal(r, 1)
    names = list("abcd")
    res = omega(pd.DataFrame(r, index=names, columns=names), n_factors=1)
    expected = l.sum() ** 2 / (l.sum() ** 2 + (1 - l ** 2).sum())
    assert res.omega_total == pytest.approx(expected, abs=1e-5)
    assert res.omega_h == pytest.approx(expected, abs=1e-5)


def test_omega_input_checks(bfi):
    with pytest.raises(ValueError, match="n_factors"):
        omega(bfi.iloc[:, :4], n_factors=4)
    with pytest.raises(ValueError, match="n_factors"):
        omega(bfi, n_factors=0)


def test_parallel_analysis_bfi(bfi, ref_parallel):
    # R: psych::fa.parallel(bfi[1:25], fm = "minres", fa = "both")  -> nfact 6, ncomp 6 (psych 2.2.9)
    res = parallel_analysis(bfi, n_iter=30, seed=11)
    e = res.eigenvalues
    np.testing.assert_allclose(e["pc_observed"], ref_parallel["pc_values"], atol=1e-8)
    np.testing.assert_allclose(e["fa_observed"], ref_parallel["fa_values"], atol=1e-4)
    # simulation means agree with R's up to simulation noise
    np.testing.assert_allclose(e["pc_simulated_mean"], ref_parallel["pc_sim"], atol=0.02)
    np.testing.assert_allclose(e["fa_simulated_mean"], ref_parallel["fa_sim"], atol=0.06)
    assert res.n_factors == ref_parallel["nfact"] == 6
    assert res.n_components == ref_parallel["ncomp"]
    assert res.n_kaiser == 6
    assert (e["pc_simulated"] >= e["pc_simulated_mean"]).all()


def test_parallel_analysis_seeded_and_counts(bfi):
    a = parallel_analysis(bfi.iloc[:, :10], n_iter=10, seed=5)
    b = parallel_analysis(bfi.iloc[:, :10], n_iter=10, seed=5)
    c = parallel_analysis(bfi.iloc[:, :10], n_iter=10, seed=6)
    pd.testing.assert_frame_equal(a.eigenvalues, b.eigenvalues)
    assert not np.allclose(a.eigenvalues["fa_simulated"], c.eigenvalues["fa_simulated"])
    e = a.eigenvalues
    above = (e["fa_observed"] > e["fa_simulated"]).to_numpy()
    assert a.n_factors == (np.argmin(above) if not above.all() else len(above))
    assert a.n_kaiser == int((e["pc_observed"] > 1).sum())


def test_parallel_analysis_pure_noise_finds_nothing():
    rng = np.random.default_rng(99)
    x = pd.DataFrame(rng.standard_normal((400, 8)), columns=[f"x{i}" for i in range(8)])
    res = parallel_analysis(x, n_iter=20, seed=1)
    assert res.n_components == 0
    assert res.n_factors <= 1


def test_scree_plot_returns_figure(bfi):
    res = parallel_analysis(bfi.iloc[:, :10], n_iter=5, seed=1)
    fig = scree_plot(res)
    assert isinstance(fig, matplotlib.figure.Figure)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 5  # 4 series + the line at 1
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), res.eigenvalues["pc_observed"])
    assert "factors" in ax.get_title()
    fig2 = res.scree_plot()
    assert isinstance(fig2, matplotlib.figure.Figure)
    with pytest.raises(TypeError):
        scree_plot([1, 2, 3])


def test_results_show_in_jupyter(bfi):
    from onex_research.psychometrics import bartlett, kmo

    small = bfi.iloc[:, :10]
    for res in (omega(small, 3), parallel_analysis(small, n_iter=3, seed=1), kmo(small), bartlett(small)):
        html = res._repr_html_()
        assert html.startswith("<p><b>") and "<table" in html
        assert isinstance(res.to_frame(), pd.DataFrame)
    assert list(omega(small, 3).to_frame().columns[:2]) == ["omega_h", "omega_total"]
