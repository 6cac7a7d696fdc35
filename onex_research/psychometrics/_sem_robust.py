"""Observed information, casewise scores, Huber-White standard errors and the Yuan-Bentler
(Mplus variant) scaling factor, as lavaan's ``estimator="MLR"`` (private).

lavaan: ``information="observed"`` (numerical Hessian of the ML objective),
``se="robust.huber.white"`` (vcov = E^-1 B0 E^-1 / N, B0 the mean outer product of the
casewise scores) and ``test="yuan.bentler.mplus"``:
trace(U Gamma) = sum_g [tr(B1_g A1_g^-1) - (n_g/N) tr(B0_g E^-1)], with A1 and B1 the
information and first-order information of the unrestricted (h1) model at its estimates.
"""

from __future__ import annotations

import numpy as np

from ._sem_engine import fiml_parts

__all__: list[str] = []


def numeric_hessian(grad, theta, *, central=False):
    """Symmetrised finite-difference Jacobian of an analytic gradient: forward differences
    (h = 1e-7 |theta|; relative error ~1e-7, half the cost) unless ``central``."""
    q = theta.size
    H = np.empty((q, q))
    g0 = None if central else grad(theta)
    for k in range(q):
        h = (1e-6 if central else 1e-7) * max(1.0, abs(theta[k]))
        e = np.zeros(q)
        e[k] = h
        H[:, k] = ((grad(theta + e) - grad(theta - e)) / (2 * h) if central
                   else (grad(theta + e) - g0) / h)
    return (H + H.T) / 2


def duplication_index(p):
    """Rows (i, j), i >= j, of vech in lavaan's column-major order."""
    return [(i, j) for j in range(p) for i in range(j, p)]


def case_moment_scores(X, sig, mu, *, meanstructure):
    """Scores of each case's log-likelihood with respect to (mu, vech Sigma); NaN = missing."""
    n, p = X.shape
    vech = duplication_index(p)
    vi, vj = np.array(vech).T
    mult = np.where(vi == vj, 1.0, 2.0)
    out = np.zeros((n, (p if meanstructure else 0) + len(vech)))
    obs = ~np.isnan(X)
    keys, inv = np.unique(obs, axis=0, return_inverse=True)
    inv = np.ravel(inv)
    for k, key in enumerate(keys):
        rows = np.flatnonzero(inv == k)
        o = np.flatnonzero(key)
        if not o.size:
            continue
        si = np.linalg.inv(sig[np.ix_(o, o)])
        U = (X[np.ix_(rows, o)] - mu[o]) @ si               # u_i = Sigma_o^-1 e_i
        M = np.zeros((len(rows), p, p))
        M[np.ix_(np.arange(len(rows)), o, o)] = 0.5 * (np.einsum("ni,nj->nij", U, U) - si)
        sc = M[:, vi, vj] * mult
        if meanstructure:
            mu_sc = np.zeros((len(rows), p))
            mu_sc[:, o] = U
            sc = np.hstack([mu_sc, sc])
        out[rows] = sc
    return out


def theta_scores(model, g, values, X, sig, mu, *, meanstructure):
    """Casewise scores with respect to theta (n_g x q) by the chain rule through Delta."""
    p = X.shape[1]
    JS, Jm = model.group_jacobian(g, values)
    vech = duplication_index(p)
    vi, vj = np.array(vech).T
    Dv = JS.reshape(model.q, p, p)[:, vi, vj]           # d vech(Sigma) / d theta
    delta = np.hstack([Jm, Dv]) if meanstructure else Dv
    mu_use = mu if meanstructure else np.nanmean(X, axis=0)
    return case_moment_scores(X, sig, mu_use, meanstructure=meanstructure) @ delta.T


def expected_h1(sig, *, meanstructure):
    """Complete-data information of (mu, vech Sigma): blockdiag(Sigma^-1, D'(Sigma^-1 x
    Sigma^-1)D / 2), which is also the observed information at the h1 estimates."""
    p = len(sig)
    inv = np.linalg.inv(sig)
    vi, vj = np.array(duplication_index(p)).T
    mult = np.where(vi == vj, 1.0, 2.0)
    A22 = 0.5 * (inv[vi][:, vi] * inv[vj][:, vj] + inv[vi][:, vj] * inv[vj][:, vi])
    A22 *= np.outer(mult, mult) / 2
    if not meanstructure:
        return A22
    return np.block([[inv, np.zeros((p, len(vi)))], [np.zeros((len(vi), p)), A22]])


def h1_info(X, sig_h1, mu_h1, *, meanstructure, complete, patterns=None):
    """(A1, B1): information and first-order information of the unrestricted model at its
    estimates (one group, per case); with missing data A1 is the observed information
    (numerical Hessian of the pattern-wise gradient)."""
    n, p = X.shape
    sc = case_moment_scores(X, sig_h1, mu_h1, meanstructure=meanstructure)
    B1 = sc.T @ sc / n
    if complete:
        return expected_h1(sig_h1, meanstructure=meanstructure), B1
    vi, vj = np.array(duplication_index(p)).T
    mult = np.where(vi == vj, 1.0, 2.0)

    def mean_score(par):
        m = par[:p]
        s = np.zeros((p, p))
        s[vi, vj] = par[p:]
        s[vj, vi] = par[p:]
        GS, Gm, _ = fiml_parts(s, m, patterns, info=False)     # d(-2 logl)
        return -0.5 * np.concatenate([Gm, GS[vi, vj] * mult]) / n

    par0 = np.concatenate([mu_h1, sig_h1[vi, vj]])
    return -numeric_hessian(mean_score, par0, central=True), B1


def moment_delta(model, g, values):
    """d (mu, vech Sigma) / d theta of group g, (moments x q)."""
    JS, Jm = model.group_jacobian(g, values)
    p = Jm.shape[1]
    vi, vj = np.array(duplication_index(p)).T
    return np.hstack([Jm, JS.reshape(model.q, p, p)[:, vi, vj]]).T


def fiml_corrected_k(Wm, Jm, Wc, deltas, fg):
    """lavaan's FIML-corrected (version V3) trace k (lav_fit_fiml_corrected): with
    U = Wm - Wm D E^-1 D' Wm and E = D' Wm D (h1 "observed" information),
    k = tr(U Wm^-1 Wc Wm^-1 U Gamma), Gamma = Wm^-1 Jm Wm^-1 / f_g (all block diagonal)."""
    from scipy.linalg import block_diag
    Wm_all = block_diag(*[f * w for f, w in zip(fg, Wm)])
    Wmi_all = block_diag(*[np.linalg.inv(w) / f for f, w in zip(fg, Wm)])
    Wc_all = block_diag(*[f * w for f, w in zip(fg, Wc)])
    Gam = block_diag(*[np.linalg.inv(w) @ j @ np.linalg.inv(w) / f for f, w, j in zip(fg, Wm, Jm)])
    D = np.vstack(deltas)
    E = D.T @ Wm_all @ D
    U = Wm_all - Wm_all @ D @ np.linalg.solve(E, D.T @ Wm_all)
    return float(np.trace(U @ Wmi_all @ Wc_all @ Wmi_all @ U @ Gam))
