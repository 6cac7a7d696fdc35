"""The latent-variable model behind ``survey.simulate_study``: parameters, draws, the
5-point coding and the large clean draw that gives the population estimands."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..instrument import Instrument

PREDICTORS = ("recognition", "demand", "motivation", "enterprise_drive", "government",
              "execution", "resources", "quality", "teachers", "cooperation")
_BASE_R = 0.3
_PAIR_R = {
    ("recognition", "demand"): 0.40, ("recognition", "motivation"): 0.40,
    ("recognition", "quality"): 0.35, ("recognition", "resources"): 0.20,
    ("demand", "motivation"): 0.45, ("demand", "enterprise_drive"): 0.40,
    ("motivation", "government"): 0.20, ("motivation", "execution"): 0.20,
    ("enterprise_drive", "cooperation"): 0.50, ("enterprise_drive", "government"): 0.25,
    ("government", "execution"): 0.40, ("government", "resources"): 0.45,
    ("execution", "resources"): 0.45, ("execution", "quality"): 0.35,
    ("resources", "teachers"): 0.40, ("quality", "teachers"): 0.45,
    ("teachers", "cooperation"): 0.35, ("quality", "cooperation"): 0.30,
}
_PATHS = {
    "effectiveness": {"execution": 0.25, "quality": 0.20, "teachers": 0.15, "cooperation": 0.15,
                      "resources": 0.10, "government": 0.05},
    "intention": {"recognition": 0.30, "motivation": 0.30, "demand": 0.15, "quality": 0.10,
                  "enterprise_drive": 0.05},
}
ROLE_PROBABILITIES = {"学生": 0.6, "教师": 0.2, "管理人员": 0.1, "企业人员": 0.1}
ROLE_MEAN_SHIFTS = {
    "学生": {"motivation": 0.3},
    "教师": {"resources": -0.4, "teachers": 0.2},
    "管理人员": {"execution": 0.5, "government": 0.2},
    "企业人员": {"recognition": -0.4, "enterprise_drive": 0.3, "cooperation": 0.2},
}
THRESHOLDS_5 = (-1.9, -1.0, -0.2, 0.9)
TIME_MEDIAN, TIME_SIGMA, TIME_FLOOR, SPEEDER_RANGE = 420.0, 0.3, 0.45, (0.1, 0.3)


@dataclass(frozen=True, eq=False)
class _Model:
    predictors: list
    outcomes: list
    phi: np.ndarray
    gamma: np.ndarray
    psi: np.ndarray
    roles: list
    role_p: np.ndarray
    shifts: np.ndarray            # roles x predictors
    likert: list                  # Likert items in questionnaire order
    factor_of: np.ndarray         # index into predictors + outcomes, -1 = none
    loading: np.ndarray
    sign: np.ndarray
    k: np.ndarray                 # points per item
    thresholds: np.ndarray        # items x (max k - 1), padded with +inf


def _thresholds(k: int) -> list:
    return list(THRESHOLDS_5) if k == 5 else list(np.round(np.linspace(-1.8, 1.2, k - 1), 4))


def _build_model(ins: Instrument, rng) -> _Model:
    cons = ins.constructs
    role_col = cons["role"] if "role" in cons else pd.Series(None, index=cons.index)
    outcomes = [c for c in cons.index if role_col.get(c) == "outcome"]
    predictors = [c for c in cons.index if c not in outcomes]
    p = len(predictors)
    phi = np.eye(p)
    for a in range(p):
        for b in range(a + 1, p):
            key = (predictors[a], predictors[b])
            r = _PAIR_R.get(key, _PAIR_R.get(key[::-1], _BASE_R))
            phi[a, b] = phi[b, a] = r
    if np.linalg.eigvalsh(phi).min() <= 0.05:
        raise ValueError("simulate: the factor correlation matrix is not positive definite")
    gamma = np.zeros((len(outcomes), p))
    for i, o in enumerate(outcomes):
        paths = _PATHS.get(o, {c: 0.1 for c in predictors[:5]})
        for c, g in paths.items():
            if c in predictors:
                gamma[i, predictors.index(c)] = g
    explained = np.einsum("ip,pq,iq->i", gamma, phi, gamma)
    psi = np.round(1 - explained, 6)
    if (psi <= 0).any():
        raise ValueError("simulate: structural paths explain more than the outcome variance")
    roles = ins.labels("role") if "role" in ins.items.index else ["学生"]
    role_p = np.array([ROLE_PROBABILITIES.get(r, 1.0) for r in roles], float)
    role_p /= role_p.sum()
    shifts = np.zeros((len(roles), p))
    for i, r in enumerate(roles):
        for c, s in ROLE_MEAN_SHIFTS.get(r, {}).items():
            if c in predictors:
                shifts[i, predictors.index(c)] = s
    it = ins.items
    likert = list(it.index[it["type"] == "likert"])
    factors = predictors + outcomes
    factor_of = np.array([factors.index(c) if c in factors else -1 for c in it.loc[likert, "construct"]])
    # loadings U(0.6, 0.85); factors with only three items get U(0.7, 0.85) so that an
    # EFA at n = 600 recovers them reliably (Tucker congruence >= .95 in 20/20 seeds)
    size = np.bincount(factor_of[factor_of >= 0], minlength=len(factors))
    low = np.where((factor_of >= 0) & (size[np.maximum(factor_of, 0)] <= 3), 0.7, 0.6)
    loading = np.where(factor_of >= 0, np.round(rng.uniform(low, 0.85), 2), 0.0)
    sign = np.where(it.loc[likert, "reverse"].to_numpy(bool), -1.0, 1.0)
    k = np.array([ins.n_points(i) for i in likert])
    thr = np.full((len(likert), max(k.max(), 2) - 1), np.inf)
    for j, kj in enumerate(k):
        thr[j, :kj - 1] = _thresholds(kj)
    return _Model(predictors, outcomes, phi, gamma, psi, roles, role_p, shifts, likert,
                  factor_of, loading, sign, k, thr)


def _draw(model: _Model, n: int, rng):
    """Roles (index), latent scores (n x factors), item signal and noise sd."""
    role = rng.choice(len(model.roles), size=n, p=model.role_p)
    chol = np.linalg.cholesky(model.phi)
    xi = rng.standard_normal((n, len(model.predictors))) @ chol.T + model.shifts[role]
    zeta = rng.standard_normal((n, len(model.outcomes))) * np.sqrt(model.psi)
    eta = np.hstack([xi, xi @ model.gamma.T + zeta])
    eta_ext = np.hstack([eta, np.zeros((n, 1))])          # factor -1 -> 0
    signal = eta_ext[:, model.factor_of] * (model.loading * model.sign)
    return role, eta, signal, np.sqrt(1 - model.loading ** 2)


def _discretise(xstar, thr):
    return 1 + (xstar[:, :, None] > thr[None, :, :]).sum(axis=2)




def _population(model: _Model, n: int, rng, chunk: int = 50_000) -> tuple[dict, dict]:
    """A large clean draw: OLS of each outcome's scale score on the predictor scale
    scores, and each keyed item's correlation with its own latent factor."""
    factors = model.predictors + model.outcomes
    own = model.factor_of >= 0
    scores, sums = [], np.zeros((5, len(model.likert)))
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        _, eta, signal, sd = _draw(model, m, rng)
        codes = _discretise(signal + rng.standard_normal(signal.shape) * sd, model.thresholds)
        keyed = np.where(model.sign < 0, model.k + 1 - codes, codes).astype(float)
        scores.append(np.column_stack([keyed[:, model.factor_of == f].mean(axis=1)
                                       for f in range(len(factors))]))
        f = eta[:, np.maximum(model.factor_of, 0)]
        sums += [keyed.sum(0), (keyed ** 2).sum(0), f.sum(0), (f ** 2).sum(0), (keyed * f).sum(0)]
    sx, sxx, sf, sff, sxf = sums / n
    r = (sxf - sx * sf) / np.sqrt((sxx - sx ** 2) * (sff - sf ** 2))
    item_r = {c: round(float(r[j]), 4) for j, c in enumerate(model.likert) if own[j]}
    s = np.vstack(scores)
    x = s[:, :len(model.predictors)]
    out = {}
    for i, o in enumerate(model.outcomes):
        y = s[:, len(model.predictors) + i]
        design = np.column_stack([np.ones(n), x])
        b, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ b
        r2 = 1 - resid.var() / y.var()
        beta = b[1:] * x.std(axis=0, ddof=1) / y.std(ddof=1)
        terms = {"Intercept": {"b": round(float(b[0]), 6), "beta": None}}
        for j, c in enumerate(model.predictors):
            terms[c] = {"b": round(float(b[j + 1]), 6), "beta": round(float(beta[j]), 6)}
        out[o] = {"r2": round(float(r2), 6), "terms": terms}
    return out, item_r


