"""Factor extraction on a correlation matrix, as ``psych::fa`` (minres, ml, pa) and
``psych::principal``. Array in, array out; :func:`onex_research.psychometrics.efa`
wraps these with item names, rotation and sorting.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ._common import smc

__all__: list[str] = []

LOWER = 0.005  # psych's lower bound on uniquenesses in fa()'s optim calls


def _top_eigen(s: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(s)
    return vals[::-1][:nf], vecs[:, ::-1][:, :nf]


def _minres_objective(psi: np.ndarray, r: np.ndarray, nf: int) -> tuple[float, np.ndarray]:
    """ULS discrepancy concentrated on the uniquenesses, ``0.5 * sum_{j > nf} e_j^2`` over
    the eigenvalues of ``R - Psi``, and its exact gradient ``diag(L L' + Psi - R)``, the
    gradient psych hands to optim (``FAgr.minres``). Its minimiser is psych's minres
    solution (where the diagonal fits exactly, the off-diagonal residual sum of squares
    that psych's ``fit.residuals`` reports is minimal too)."""
    s = r.copy()
    np.fill_diagonal(s, np.diag(r) - psi)
    vals, vecs = np.linalg.eigh(s)
    vals, vecs = vals[::-1], vecs[:, ::-1]
    top = np.maximum(vals[:nf], 0.0)
    f = 0.5 * float((vals[nf:] ** 2).sum() + ((vals[:nf] - top) ** 2).sum())
    lam = vecs[:, :nf] * np.sqrt(top)
    grad = (lam ** 2).sum(axis=1) + psi - np.diag(r)
    return f, grad


def _ml_objective(psi: np.ndarray, r: np.ndarray, nf: int) -> tuple[float, np.ndarray]:
    """psych's ``FAfn``/``FAgr`` (the factanal concentrated likelihood)."""
    sc = 1.0 / np.sqrt(psi)
    sstar = r * np.outer(sc, sc)
    vals, vecs = np.linalg.eigh(sstar)
    vals, vecs = vals[::-1], vecs[:, ::-1]
    e = np.maximum(vals[nf:], 1e-12)  # R not positive definite: keep the log finite
    f = -(np.sum(np.log(e) - e) - nf + r.shape[0])
    load = vecs[:, :nf] * np.sqrt(np.maximum(vals[:nf] - 1.0, 0.0))
    load = np.sqrt(psi)[:, None] * load
    g = (load ** 2).sum(axis=1) + psi - np.diag(r)
    return float(f), g / psi ** 2


def _optimise(fun, start: np.ndarray, r: np.ndarray, nf: int, upper: float,
              precise: bool = True) -> tuple[np.ndarray, bool]:
    # psych calls optim(method = "L-BFGS-B", parscale = 0.01): the optimiser works on
    # psi / 0.01. We run L-BFGS-B on the same scale but to a tighter tolerance, so the
    # result is the optimum that R approaches (R stops at factr = 1e7, ~1e-5 away).
    scale = 0.01

    def f(z):
        val, g = fun(z * scale, r, nf)
        return val, g * scale

    res = optimize.minimize(f, start / scale, jac=True, method="L-BFGS-B",
                            bounds=[(LOWER / scale, upper / scale)] * len(start),
                            options={"ftol": 1e-15 if precise else 2.2e-9,  # R: factr 1e7
                                     "gtol": 1e-10 if precise else 1e-6, "maxiter": 2000})
    psi = res.x * scale
    # L-BFGS-B may stop on a line-search failure at the optimum (psych's minres gradient
    # is the diagonal misfit, not the exact gradient), so judge convergence by the
    # projected gradient instead of by res.success.
    _, g = fun(psi, r, nf)
    free = (psi > LOWER + 1e-9) & (psi < upper - 1e-9)
    pg = np.where(free, g, np.where(psi <= LOWER + 1e-9, np.minimum(g, 0), np.maximum(g, 0)))
    return psi, bool(res.success or np.abs(pg).max() < 1e-4)


def minres(r: np.ndarray, nf: int, *, precise: bool = True) -> tuple[np.ndarray, dict]:
    """Minimum residual (ULS) factoring, as ``psych::fa(fm = "minres")``: uniquenesses
    start at ``1 - smc`` and are bounded to [0.005, max(1, smc)]. ``precise=False``
    stops at R's optim tolerance (used by parallel analysis)."""
    s_smc = smc(r)
    upper = max(s_smc.max(), 1.0)
    psi, ok = _optimise(_minres_objective, np.diag(r) - s_smc, r, nf, upper, precise)
    s = r.copy()
    np.fill_diagonal(s, np.diag(r) - psi)
    vals, vecs = _top_eigen(s, nf)
    lam = vecs * np.sqrt(np.maximum(vals, 0.0))
    return lam, {"converged": ok, "psi": psi, "at_bound": psi <= LOWER + 1e-8}


def ml(r: np.ndarray, nf: int) -> tuple[np.ndarray, dict]:
    """Maximum likelihood factoring, as ``psych::fa(fm = "ml")`` (same objective,
    start ``1 - smc`` and bounds as psych)."""
    s_smc = smc(r)
    upper = max(s_smc.max(), 1.0)
    psi, ok = _optimise(_ml_objective, np.diag(r) - s_smc, r, nf, upper)
    sc = 1.0 / np.sqrt(psi)
    vals, vecs = _top_eigen(r * np.outer(sc, sc), nf)
    lam = np.sqrt(psi)[:, None] * (vecs * np.sqrt(np.maximum(vals - 1.0, 0.0)))
    return lam, {"converged": ok, "psi": psi, "at_bound": psi <= LOWER + 1e-8}


def principal_axis(r: np.ndarray, nf: int, *, min_err: float = 0.001, max_iter: int = 50
                   ) -> tuple[np.ndarray, dict]:
    """Iterated principal axis, as ``psych::fa(fm = "pa")``: communalities start at the
    SMCs and are replaced by the row sums of squared loadings until the *sum* of
    communalities changes by less than ``min_err`` (psych's rule), at most ``max_iter``
    times. Negative eigenvalues give NaN loadings in R; here they raise."""
    rm = r.copy()
    np.fill_diagonal(rm, smc(r))
    comm = np.trace(rm)
    err = comm
    it = 1
    converged = True
    while err > min_err:
        all_vals = np.linalg.eigvalsh(rm)[::-1]
        vals, vecs = _top_eigen(rm, nf)
        if (vals < 0).any():
            raise ValueError("principal axis factoring met a negative eigenvalue of the reduced "
                             "correlation matrix; ask for fewer factors or use method='minres'.")
        lam = vecs * np.sqrt(vals)
        new = (lam ** 2).sum(axis=1)
        comm1 = new.sum()
        np.fill_diagonal(rm, new)
        err = abs(comm - comm1)
        comm = comm1
        it += 1
        if it > max_iter:
            converged = False
            break
    return lam, {"converged": converged, "iterations": it - 1, "at_bound": np.zeros(len(r), bool),
                 "values": all_vals}


def principal_components(r: np.ndarray, nf: int) -> tuple[np.ndarray, dict]:
    """Principal components scaled to loadings, as ``psych::principal``."""
    vals, vecs = _top_eigen(r, nf)
    vals = np.maximum(vals, np.finfo(float).eps)
    return vecs * np.sqrt(vals), {"converged": True, "at_bound": np.zeros(len(r), bool),
                                  "values": np.linalg.eigvalsh(r)[::-1]}


METHODS = {"minres": minres, "ml": ml, "pa": principal_axis, "principal": principal_components}


def _smooth(r: np.ndarray) -> np.ndarray:
    """``psych::cor.smooth``: only when R is not positive definite."""
    vals, vecs = np.linalg.eigh(r)
    if vals.min() >= np.finfo(float).eps:
        return r
    vals = np.where(vals < 1e-12, 1e-10, vals)
    vals = vals * len(vals) / vals.sum()
    s = (vecs * vals) @ vecs.T
    d = np.sqrt(np.diag(s))
    return s / np.outer(d, d)


def fit_statistics(r: np.ndarray, model: np.ndarray, nf: int, n_obs: int,
                   np_obs: np.ndarray | None = None) -> dict:
    """Goodness of fit of a factor model, as ``psych::factor.stats`` (fa's ``STATISTIC``,
    ``dof``, ``PVAL``, ``TLI``, ``RMSEA`` with its 90% CI, ``BIC``, ``rms``, ``crms``).

    ``model`` is L Phi L'. The chi-square is the ML discrepancy ``tr(M^-1 R) -
    log det(M^-1 R) - p`` (M = model with unit diagonal) times Bartlett's
    ``n - 1 - (2p + 5)/6 - 2k/3``, whatever the extraction method, as psych does.
    """
    from scipy import stats
    from scipy.optimize import brentq

    p = r.shape[0]
    dof = p * (p - 1) / 2 - p * nf + nf * (nf - 1) / 2
    res = r - model
    np.fill_diagonal(res, 0.0)
    if np_obs is None:
        np_obs = np.full_like(r, float(n_obs) if n_obs else 1.0)
    rstar_off = (res ** 2 * np_obs).sum()
    nh = stats.hmean(np_obs.ravel())  # psych: harmonic.mean(as.vector(np.obs))
    rms = np.sqrt(rstar_off / (nh * p * (p - 1)))
    crms = np.sqrt(rstar_off / (2 * nh * dof)) if dof > 0 else np.nan
    m = model.copy()
    np.fill_diagonal(m, np.diag(r))
    m, rs = _smooth(m), _smooth(r)
    mir = np.linalg.solve(m, rs)
    sign, logdet = np.linalg.slogdet(mir)
    objective = np.trace(mir) - logdet - p
    out = {"objective": objective, "chi2": np.nan, "dof": dof, "p": np.nan, "tli": np.nan,
           "rmsea": np.nan, "rmsea_ci_low": np.nan, "rmsea_ci_high": np.nan, "bic": np.nan,
           "rms": rms, "crms": crms, "n": n_obs}
    if not n_obs:
        return out
    chi2 = max(objective * ((n_obs - 1) - (2 * p + 5) / 6 - 2 * nf / 3), 0.0)
    out["chi2"] = chi2
    out["p"] = stats.chi2.sf(chi2, dof) if dof > 0 else np.nan
    f0 = np.trace(rs) - np.linalg.slogdet(rs)[1] - p
    mm = objective / dof if dof > 0 else np.nan
    m0 = f0 * 2 / (p * (p - 1))
    nm = (n_obs - 1) - (2 * p + 5) / 6 - 2 * nf / 3
    out["tli"] = (m0 - mm) / (m0 - 1 / nm)
    if dof > 0:
        out["rmsea"] = np.sqrt(max(chi2 / (dof * n_obs) - 1 / (n_obs - 1), 0))
        tail = 0.05
        hi_x = max(n_obs, chi2) + 2 * n_obs

        def ncp_at(q):
            return brentq(lambda x: stats.ncx2.cdf(chi2, dof, x) - q, 0.0, hi_x) if x_ok(q) else 0.0

        def x_ok(q):
            return stats.chi2.cdf(chi2, dof) > q

        up = ncp_at(tail)
        lo = ncp_at(1 - tail)
        out["rmsea_ci_high"] = np.sqrt(up / (n_obs - 1) / dof)
        out["rmsea_ci_low"] = np.sqrt(lo / (n_obs - 1) / dof)
        out["bic"] = chi2 - dof * np.log(n_obs)
    return out
