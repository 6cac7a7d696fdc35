"""Parameter layout and standardized solution of a simple CFA (behind :func:`cfa`).

The model algebra Σ = ΛΦΛ' + Θ in the order of :func:`cfa`'s tables, and the standardized
solution (std.all) with its numerical Jacobian. The estimation itself runs on the engine
of :func:`sem` (``_sem_engine``). Private: the public API lives in ``cfa.py``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

# --------------------------------------------------------------------------- model algebra
class _Spec:
    """Free parameters of a simple CFA: loadings (first item of each factor fixed at 1),
    all factor (co)variances, and item residual variances."""

    def __init__(self, factors, items, model):
        self.p, self.m = len(items), len(factors)
        pos = {it: k for k, it in enumerate(items)}
        self.pattern = np.zeros((self.p, self.m), bool)
        self.marker = np.zeros((self.p, self.m), bool)
        for f, its in enumerate(model.values()):
            for j, it in enumerate(its):
                self.pattern[pos[it], f] = True
                self.marker[pos[it], f] = j == 0
        self.lam_idx = np.argwhere(self.pattern & ~self.marker)        # (item, factor)
        self.phi_idx = np.array([(f, g) for f in range(self.m) for g in range(f, self.m)])
        self.n_lam, self.n_phi = len(self.lam_idx), len(self.phi_idx)
        self.q = self.n_lam + self.n_phi + self.p

    def unpack(self, theta):
        lam = self.marker.astype(float)
        lam[self.lam_idx[:, 0], self.lam_idx[:, 1]] = theta[:self.n_lam]
        phi = np.zeros((self.m, self.m))
        f, g = self.phi_idx.T
        phi[f, g] = theta[self.n_lam:self.n_lam + self.n_phi]
        phi[g, f] = phi[f, g]
        return lam, phi, theta[self.n_lam + self.n_phi:]

    def sigma(self, theta):
        lam, phi, psi = self.unpack(theta)
        return lam @ phi @ lam.T + np.diag(psi)


# --------------------------------------------------------------------------- standardization
def _standardize(spec: _Spec, theta):
    lam, phi, psi = spec.unpack(theta)
    sd_lv = np.sqrt(np.diag(phi))
    sd_ov = np.sqrt(np.diag(lam @ phi @ lam.T) + psi)
    lam_s = lam * sd_lv / sd_ov[:, None]
    phi_s = phi / np.outer(sd_lv, sd_lv)
    f, g = spec.phi_idx.T
    return np.concatenate([lam_s.T[spec.pattern.T], phi_s[f, g], psi / sd_ov ** 2])


def _numeric_jacobian(fun, x, h=1e-6):
    base = fun(x)
    J = np.empty((base.size, x.size))
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h * max(1.0, abs(x[k]))
        J[:, k] = (fun(x + e) - fun(x - e)) / (2 * e[k])
    return base, J


def _z_table(est, se):
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, np.nan)
    return z, 2 * stats.norm.sf(np.abs(z))
