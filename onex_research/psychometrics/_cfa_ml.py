"""Maximum-likelihood estimation for a simple CFA (the engine behind :func:`cfa`).

The model algebra Σ = ΛΦΛ' + Θ, its analytic Jacobian dΣ/dθ, Fisher scoring on the ML
discrepancy with the expected information, and the standardized solution (std.all).
Private: the public API and its documentation live in ``cfa.py``.
"""

from __future__ import annotations

import warnings

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

    def jacobian(self, theta):
        """d Sigma / d theta_k as an array (q, p, p)."""
        lam, phi, _ = self.unpack(theta)
        p, D = self.p, np.zeros((self.q, self.p, self.p))
        lp = lam @ phi
        for k, (i, f) in enumerate(self.lam_idx):
            D[k, i, :] += lp[:, f]
            D[k, :, i] += lp[:, f]
        for k, (f, g) in enumerate(self.phi_idx, start=self.n_lam):
            outer = np.outer(lam[:, f], lam[:, g])
            D[k] = outer if f == g else outer + outer.T
        ii = np.arange(p)
        D[self.n_lam + self.n_phi + ii, ii, ii] = 1.0
        return D

    def start(self, S):
        """Starting values: first principal component of each factor's items."""
        lam = self.marker.astype(float)
        phi = np.zeros((self.m, self.m))
        for f in range(self.m):
            rows = np.flatnonzero(self.pattern[:, f])
            mk = np.flatnonzero(self.marker[:, f])[0]
            w, v = np.linalg.eigh(S[np.ix_(rows, rows)])
            ld = v[:, -1] * np.sqrt(max(w[-1], 1e-8))
            ref = ld[list(rows).index(mk)]
            ref = ref if abs(ref) > 1e-6 else 1e-6
            lam[rows, f] = ld / ref
            phi[f, f] = ref ** 2
        for f in range(self.m):           # least squares for s_ij ~ lam_i lam_j phi_fg
            for g in range(f + 1, self.m):
                a, b = lam[:, f], lam[:, g]
                w = np.outer(a, b)
                np.fill_diagonal(w, 0.0)
                c = np.sum(w * S) / max(np.sum(w * w), 1e-12)
                lim = 0.8 * np.sqrt(phi[f, f] * phi[g, g])
                phi[f, g] = phi[g, f] = np.clip(c, -lim, lim)
        psi = np.maximum(np.diag(S) - np.einsum("if,fg,ig->i", lam, phi, lam), 0.1 * np.diag(S))
        f, g = self.phi_idx.T
        return np.concatenate([lam[self.lam_idx[:, 0], self.lam_idx[:, 1]], phi[f, g], psi])


def _discrepancy(S, sigma, logdet_s):
    sign, logdet = np.linalg.slogdet(sigma)
    if sign <= 0:
        return np.inf
    return logdet + np.trace(np.linalg.solve(sigma, S)) - logdet_s - S.shape[0]


def _sandwich(A: np.ndarray, D: np.ndarray) -> np.ndarray:
    """A D_k A for every symmetric D_k in D (q, p, p), A symmetric, in two large matrix
    products instead of 2q small ones (small batched products thrash BLAS threads)."""
    q, p, _ = D.shape
    DA = (D.reshape(q * p, p) @ A).reshape(q, p, p)                  # D_k A
    return (np.ascontiguousarray(DA.transpose(0, 2, 1)).reshape(q * p, p) @ A).reshape(q, p, p)


def _fit_ml(spec: _Spec, S: np.ndarray, *, tol=1e-15, max_iter=500):
    """Fisher scoring (expected-information Gauss-Newton) with step halving.

    Stops when the Newton decrement g'H⁻¹g (about twice the decrease of F still
    available) falls below ``tol``; warns when it does not get below 1e-8.
    """
    logdet_s = np.linalg.slogdet(S)[1]
    theta = spec.start(S)
    f_old = _discrepancy(S, spec.sigma(theta), logdet_s)
    for it in range(max_iter):
        sigma = spec.sigma(theta)
        inv = np.linalg.inv(sigma)
        D = spec.jacobian(theta)
        W = inv @ (sigma - S) @ inv
        Dflat = D.reshape(spec.q, -1)
        grad = Dflat @ W.ravel()
        H = Dflat @ _sandwich(inv, D).reshape(spec.q, -1).T
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            raise ValueError("cfa: the information matrix is singular; the model is not "
                             "identified for these data (check factors with 2 items, or "
                             "items that are copies of each other)") from None
        decrement = float(grad @ step)
        if decrement < tol:
            break
        alpha = 1.0
        while alpha > 1e-10:
            new = theta - alpha * step
            f_new = _discrepancy(S, spec.sigma(new), logdet_s)
            if f_new <= f_old:
                break
            alpha /= 2
        else:
            break                      # no decrease at machine precision
        theta, f_old = new, f_new
    if decrement > 1e-8:
        warnings.warn(f"cfa: Fisher scoring did not converge in {it + 1} iterations "
                      f"(Newton decrement {decrement:.2e}); estimates are unreliable",
                      RuntimeWarning, stacklevel=3)
    return theta, f_old, H, it


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
