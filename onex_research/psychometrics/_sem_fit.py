"""Fit measures of :func:`sem`, with lavaan's ``fitMeasures`` formulas (private)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special

from ._sem_robust import duplication_index, expected_h1

def _rmsea_ci(chi2, dof, n, level=0.90):
    """lavaan's RMSEA interval: invert the noncentral chi-square cdf in lambda (as
    ``cfa._rmsea_ci``, with the scipy.special ufunc, which is 30x faster than ncx2.cdf)."""
    def solve(target):
        g = lambda lam: (special.chndtr(chi2, dof, lam) if lam > 0      # noqa: E731
                         else special.chdtr(dof, chi2)) - target
        if g(0.0) < 0:
            return 0.0
        hi = max(chi2, 1.0)
        while g(hi) > 0:
            hi *= 2
        return optimize.brentq(g, 0.0, hi, xtol=1e-12)

    return np.sqrt(solve((1 + level) / 2) / (n * dof)), np.sqrt(solve((1 - level) / 2) / (n * dof))

__all__: list[str] = []


def _cfi(x2, df, x2b, dfb, c=1.0, cb=1.0):
    t1 = max(x2 - c * df, 0.0)
    t2 = max(x2 - c * df, x2b - cb * dfb, 0.0)
    return 1.0 if np.isclose(t1, 0) and np.isclose(t2, 0) else 1 - t1 / t2


def _tli(x2, df, x2b, dfb, c=1.0, cb=1.0):
    t1, t2 = (x2 - c * df) * dfb, (x2b - cb * dfb) * df
    return 1 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0


def gfi_srmr(groups_obs, groups_est, ns, *, meanstructure, x_idx=()):
    """lavaan's GFI (weights: the expected h1 information at the model-implied moments,
    with the moments of fixed x left out) and Bentler's SRMR (means included when they are
    modelled), averaged over groups by n_g/N."""
    gfi, srmr = [], []
    for (S, ybar), (sig, mu) in zip(groups_obs, groups_est):
        p = len(S)
        if len(x_idx):              # weights of the fixed-x moments are zero: vech form
            vi, vj = np.array(duplication_index(p)).T
            V = expected_h1(sig, meanstructure=meanstructure)
            keep = ~(np.isin(vi, x_idx) & np.isin(vj, x_idx))
            if meanstructure:
                keep = np.concatenate([~np.isin(np.arange(p), x_idx), keep])
            V = V * np.outer(keep, keep)
            obs, est = S[vi, vj], sig[vi, vj]
            if meanstructure:
                obs, est = np.concatenate([ybar, obs]), np.concatenate([mu, est])
            d = obs - est
            gfi.append(1 - (d @ V @ d) / (obs @ V @ obs))
        else:                       # the same quadratic forms as traces
            inv = np.linalg.inv(sig)
            R, O = inv @ (S - sig), inv @ S
            t1, t2 = 0.5 * np.sum(R * R.T), 0.5 * np.sum(O * O.T)
            if meanstructure:
                d = ybar - mu
                t1, t2 = t1 + d @ inv @ d, t2 + ybar @ inv @ ybar
            gfi.append(1 - t1 / t2)
        sd = np.sqrt(np.diag(S))
        r = ((S - sig) / np.outer(sd, sd))[np.tril_indices(p)]
        if meanstructure:
            r = np.concatenate([r, (ybar - mu) / sd])
        srmr.append(np.sqrt(np.mean(r ** 2)))
    w = np.asarray(ns, float) / np.sum(ns)
    return float(w @ gfi), float(w @ srmr)


def fit_table(*, chi2, dof, chi2_b, dof_b, n, n_groups, logl, q, gfi, srmr, nel,
              scaling=None, scaling_b=None) -> pd.Series:
    """Every fit measure, named in the house vocabulary (see :func:`sem`)."""
    G = n_groups
    p = special.chdtrc(dof, chi2) if dof > 0 else np.nan
    rmsea = np.sqrt(max(chi2 / n / dof - 1 / n, 0.0)) * np.sqrt(G) if dof > 0 else 0.0
    lo, hi = _rmsea_ci(chi2, dof, n) if dof > 0 else (0.0, 0.0)
    nfi = (chi2_b - chi2) / chi2_b if dof > 0 else 1.0
    ifi_den = chi2_b - dof
    ifi = 1.0 if ifi_den < 0 else (chi2_b - chi2) / ifi_den
    agfi = 1 - nel / dof * (1 - gfi) if dof > 0 else 1.0
    out = {
        "chi2": chi2, "dof": dof, "p": p, "chi2_dof": chi2 / dof if dof > 0 else np.nan,
        "cfi": _cfi(chi2, dof, chi2_b, dof_b), "tli": _tli(chi2, dof, chi2_b, dof_b),
        "nfi": nfi, "ifi": ifi, "gfi": gfi, "agfi": agfi, "rmsea": rmsea,
        "rmsea_ci_low": lo * np.sqrt(G), "rmsea_ci_high": hi * np.sqrt(G), "srmr": srmr,
        "aic": -2 * logl + 2 * q, "bic": -2 * logl + q * np.log(n), "logl": logl,
        "n": n, "npar": q, "chi2_baseline": chi2_b, "dof_baseline": dof_b,
    }
    if scaling is not None:
        c, cb = scaling, scaling_b
        out.update({
            "chi2_scaled": chi2 / c if dof > 0 else chi2,
            "p_scaled": special.chdtrc(dof, chi2 / c) if dof > 0 else np.nan,
            "scaling_factor": c, "chi2_baseline_scaled": chi2_b / cb,
        })
        if np.isfinite(c) and np.isfinite(cb):
            out["cfi_robust"] = _cfi(chi2, dof, chi2_b, dof_b, c, cb)
            out["tli_robust"] = _tli(chi2, dof, chi2_b, dof_b, c, cb)
            out["rmsea_robust"] = (np.sqrt(max(chi2 / n / dof - c / n, 0.0)) * np.sqrt(G)
                                   if dof > 0 else 0.0)
        else:
            out.update(cfi_robust=np.nan, tli_robust=np.nan, rmsea_robust=np.nan)
    return pd.Series(out, name="fit", dtype=float)
