"""RAM-form model algebra and maximum-likelihood fitting for :func:`sem` (private).

For each group, with v = observed + latent variables, A (v x v) holds loadings and
regressions (A[i, j]: effect of j on i), S (v x v) the (residual) variances and
covariances and m (v) the intercepts. With B = (I - A)^-1 and F selecting the observed
rows, Sigma = F B S B' F' and mu = F B m. The Jacobians d Sigma / d theta and d mu / d theta
are analytic; the ML discrepancy is minimised by Fisher scoring (expected information),
for complete data (sample moments) and for full-information ML (missing-data patterns).
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []

_MAT = {"=~": 0, "~": 0, "~~": 1, "~1": 2}


class Group:
    """Matrices of one group; ``rows`` are indices into the parameter table."""

    def __init__(self, partable, g, observed, latent):
        self.ov, self.lv = observed, latent
        self.p, self.v = len(observed), len(observed) + len(latent)
        pos = {n: k for k, n in enumerate(observed + latent)}
        rows = [k for k, r in enumerate(partable) if r["group"] == g]
        self.rows = np.array(rows)
        self.mat = np.array([_MAT[partable[k]["op"]] for k in rows])
        ij = []
        for k in rows:
            r = partable[k]
            if r["op"] == "=~":
                ij.append((pos[r["rhs"]], pos[r["lhs"]]))
            elif r["op"] == "~1":
                ij.append((pos[r["lhs"]], 0))
            else:
                ij.append((pos[r["lhs"]], pos[r["rhs"]]))
        self.i, self.j = np.array(ij).T if ij else (np.array([], int), np.array([], int))
        self.meanstructure = bool((self.mat == 2).any())

    def matrices(self, values):
        """A, S, m from the full vector of parameter-table values."""
        v = self.v
        A, S, m = np.zeros((v, v)), np.zeros((v, v)), np.zeros(v)
        val = values[self.rows]
        a, s, mm = self.mat == 0, self.mat == 1, self.mat == 2
        A[self.i[a], self.j[a]] = val[a]
        S[self.i[s], self.j[s]] = val[s]
        S[self.j[s], self.i[s]] = val[s]
        m[self.i[mm]] = val[mm]
        return A, S, m

    def implied(self, values, *, full=False):
        A, S, m = self.matrices(values)
        B = np.linalg.inv(np.eye(self.v) - A)
        sig_full = B @ S @ B.T
        mu_full = B @ m
        if full:
            return sig_full, mu_full, B
        return sig_full[:self.p, :self.p], mu_full[:self.p]

    def jacobian(self, values, free_rows):
        """d Sigma (k, p, p) and d mu (k, p) for the parameter-table rows ``free_rows``
        (positions within this group's rows), plus the implied Sigma and mu."""
        sig_full, mu_full, B = self.implied(values, full=True)
        p = self.p
        G, H = B[:p, :], sig_full[:p, :]
        mat, i, j = self.mat[free_rows], self.i[free_rows], self.j[free_rows]
        k = len(free_rows)
        dS = np.zeros((k, p, p))
        dm = np.zeros((k, p))
        a = np.flatnonzero(mat == 0)
        if a.size:
            D = np.einsum("pk,kq->kpq", G[:, i[a]], H[:, j[a]].T)
            dS[a] = D + D.transpose(0, 2, 1)
            dm[a] = (G[:, i[a]] * mu_full[j[a]]).T
        s = np.flatnonzero(mat == 1)
        if s.size:
            D = np.einsum("pk,kq->kpq", G[:, i[s]], G[:, j[s]].T)
            off = (i[s] != j[s])[:, None, None]
            dS[s] = D + off * D.transpose(0, 2, 1)
        mm = np.flatnonzero(mat == 2)
        if mm.size:
            dm[mm] = G[:, i[mm]].T
        return dS, dm, sig_full[:p, :p], mu_full[:p]


    def row_grad(self, implied_full, free_rows, W, u):
        """tr(W dSigma/dx) + u'dmu/dx for the rows ``free_rows`` without forming dSigma
        (W symmetric p x p, u length p): the gradient in O(p^2 v)."""
        sig_full, mu_full, B = implied_full
        p = self.p
        G, H = B[:p, :], sig_full[:p, :]
        WG, uG = W @ G, u @ G
        mat, i, j = self.mat[free_rows], self.i[free_rows], self.j[free_rows]
        out = np.zeros(len(free_rows))
        a, s, m = mat == 0, mat == 1, mat == 2
        out[a] = 2 * np.sum(WG[:, i[a]] * H[:, j[a]], axis=0) + uG[i[a]] * mu_full[j[a]]
        out[s] = (2.0 - (i[s] == j[s])) * np.sum(WG[:, i[s]] * G[:, j[s]], axis=0)
        out[m] = uG[i[m]]
        return out


    def row_vectors(self, implied_full, free_rows):
        """dSigma_k = a_k b_k' + b_k a_k' for each row (columns of A, B: p x k) and dmu_k
        (k x p): every row's dSigma has rank <= 2, which makes the information cheap."""
        sig_full, mu_full, B = implied_full
        p = self.p
        G, H = B[:p, :], sig_full[:p, :]
        mat, i, j = self.mat[free_rows], self.i[free_rows], self.j[free_rows]
        k = len(free_rows)
        Av, Bv, dm = np.zeros((p, k)), np.zeros((p, k)), np.zeros((k, p))
        a, s, m = mat == 0, mat == 1, mat == 2
        Av[:, a], Bv[:, a] = G[:, i[a]], H[:, j[a]]
        dm[a] = (G[:, i[a]] * mu_full[j[a]]).T
        Av[:, s] = G[:, i[s]]
        Bv[:, s] = G[:, j[s]] * np.where(i[s] == j[s], 0.5, 1.0)
        dm[m] = G[:, i[m]].T
        return Av, Bv, dm


def _info_rows(Av, Bv, dm, C, *, means=True):
    """Rows' expected information tr(C dS_k C dS_l) + 2 dmu_k' C dmu_l for dS_k = a b' + b a':
    2 (A'CA o B'CB + A'CB o (A'CB)')."""
    CA, CB = C @ Av, C @ Bv
    AA, BB, AB = Av.T @ CA, Bv.T @ CB, Av.T @ CB
    H = 2 * (AA * BB + AB * AB.T)
    if means:
        H += 2 * dm @ C @ dm.T
    return H


class Model:
    """All groups plus the map from parameter-table rows to free parameters."""

    def __init__(self, partable, observed, latent, n_groups):
        self.partable = partable
        self.free = np.array([r["free"] for r in partable])
        self.q = int(self.free.max()) if len(self.free) else 0
        self.fixed_values = np.array([r["value"] if not r["free"] else np.nan for r in partable],
                                     dtype=float)
        self.groups = [Group(partable, g + 1, observed, latent) for g in range(n_groups)]
        # per group: positions (within group rows) of free rows and their theta index
        self.gfree = []
        for grp in self.groups:
            f = self.free[grp.rows]
            pos = np.flatnonzero(f > 0)
            M = np.zeros((self.q, len(pos)))        # rows -> theta (sums equal parameters)
            M[f[pos] - 1, np.arange(len(pos))] = 1.0
            self.gfree.append((pos, M))

    def values(self, theta):
        val = self.fixed_values.copy()
        on = self.free > 0
        val[on] = theta[self.free[on] - 1]
        return val

    def group_jacobian(self, g, values, *, implied=False):
        """d vec(Sigma_g) (q, p*p) and d mu_g (q, p) with respect to theta (and, with
        ``implied=True``, Sigma_g and mu_g)."""
        grp = self.groups[g]
        pos, M = self.gfree[g]
        dS, dm, sig, mu = grp.jacobian(values, pos)
        p = grp.p
        JS, Jm = M @ dS.reshape(len(pos), p * p), M @ dm
        return (JS, Jm, sig, mu) if implied else (JS, Jm)


# --------------------------------------------------------------------------- complete data
class Moments:
    """Sample moments of one group (biased covariance, as lavaan's ML)."""

    def __init__(self, X):
        self.X = X
        self.n = X.shape[0]
        self.mean = X.mean(axis=0)
        self.cov = np.cov(X, rowvar=False, bias=True)
        self.logdet = np.linalg.slogdet(self.cov)[1]


def f_ml(model, theta, moments, *, meanstructure):
    """F = sum_g (n_g/N) [log|Sigma| + tr(S Sigma^-1) + d' Sigma^-1 d - log|S| - p]."""
    val = model.values(theta)
    N = sum(m.n for m in moments)
    total = 0.0
    for grp, mo in zip(model.groups, moments):
        sig, mu = grp.implied(val)
        sign, logdet = np.linalg.slogdet(sig)
        if sign <= 0:
            return np.inf
        inv = np.linalg.inv(sig)
        f = logdet + np.sum(inv * mo.cov) - mo.logdet - grp.p
        if meanstructure:
            d = mo.mean - mu
            f += d @ inv @ d
        total += mo.n / N * f
    return total


def grad_info_ml(model, theta, moments, *, meanstructure, info=True):
    """Gradient of F and its expected information (Fisher) matrix (None if not ``info``)."""
    val = model.values(theta)
    N = sum(m.n for m in moments)
    grad, H = np.zeros(model.q), np.zeros((model.q, model.q))
    if not info:                                     # gradient only: no Jacobian needed
        for g, (grp, mo) in enumerate(zip(model.groups, moments)):
            full = grp.implied(val, full=True)
            sig, mu = full[0][:grp.p, :grp.p], full[1][:grp.p]
            inv = np.linalg.inv(sig)
            d = mo.mean - mu if meanstructure else np.zeros(grp.p)
            W = inv @ (sig - mo.cov - np.outer(d, d)) @ inv
            pos, M = model.gfree[g]
            grad += mo.n / N * (M @ grp.row_grad(full, pos, W, -2 * inv @ d))
        return grad, None
    for g, (grp, mo) in enumerate(zip(model.groups, moments)):
        w = mo.n / N
        full = grp.implied(val, full=True)
        sig, mu = full[0][:grp.p, :grp.p], full[1][:grp.p]
        inv = np.linalg.inv(sig)
        d = mo.mean - mu if meanstructure else np.zeros(grp.p)
        W = inv @ (sig - mo.cov - np.outer(d, d)) @ inv
        pos, M = model.gfree[g]
        Av, Bv, dm = grp.row_vectors(full, pos)
        grad += w * (M @ (2 * np.sum(Av * (W @ Bv), axis=0) - 2 * dm @ (inv @ d)))
        H += w * (M @ _info_rows(Av, Bv, dm, inv, means=meanstructure) @ M.T)
    return grad, H


def fisher_scoring(fun, grad_info, theta, *, tol=1e-12, max_iter=500):
    """Minimise ``fun`` by Fisher scoring with step halving; returns theta, f, H, iterations,
    converged."""
    f_old = fun(theta)
    if not np.isfinite(f_old):
        raise ValueError("the starting values give a model-implied covariance matrix that is "
                         "not positive definite")
    decrement, H = np.inf, None
    for it in range(1, max_iter + 1):
        grad, H = grad_info(theta)
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(H, grad, rcond=None)[0]
        decrement = float(grad @ step)
        if abs(decrement) < tol:
            break
        alpha = 1.0
        while alpha > 1e-10:
            new = theta - alpha * step
            f_new = fun(new)
            if f_new <= f_old + 1e-14:
                break
            alpha /= 2
        else:
            break
        theta, f_old = new, f_new
    converged = abs(decrement) < 1e-8
    return theta, f_old, H, it, converged


# --------------------------------------------------------------------------- missing data
class Patterns:
    """Missing-data patterns of one group: rows grouped by which variables are observed."""

    def __init__(self, X):
        self.X, self.n = X, X.shape[0]
        obs = ~np.isnan(X)
        keys, inv = np.unique(obs, axis=0, return_inverse=True)
        self.pats = []
        for k, key in enumerate(keys):
            if not key.any():
                continue
            Y = X[np.ravel(inv) == k][:, key]
            mean = Y.mean(axis=0)
            cov = np.cov(Y, rowvar=False, bias=True).reshape(key.sum(), key.sum())
            self.pats.append((np.flatnonzero(key), Y, mean, cov))
        self.n_used = sum(len(Y) for _, Y, _, _ in self.pats)


def minus2logl_fiml(sig, mu, pat):
    """-2 log-likelihood (without 2 pi constants) of one group's patterns; inf if not PD."""
    total = 0.0
    for o, Y, ybar, S in pat.pats:
        so = sig[np.ix_(o, o)]
        sign, logdet = np.linalg.slogdet(so)
        if sign <= 0:
            return np.inf
        inv = np.linalg.inv(so)
        d = ybar - mu[o]
        total += len(Y) * (logdet + np.sum(inv * S) + d @ inv @ d)
    return total


def fiml_parts(sig, mu, pat, *, info=True):
    """dF/dSigma (p, p), dF/dmu (p) of -2logl and the pattern pieces for the information."""
    p = len(mu)
    GS, Gm, pieces = np.zeros((p, p)), np.zeros(p), []
    for o, Y, ybar, S in pat.pats:
        n = len(Y)
        so = sig[np.ix_(o, o)]
        inv = np.linalg.inv(so)
        d = ybar - mu[o]
        W = inv @ (so - S - np.outer(d, d)) @ inv
        GS[np.ix_(o, o)] += n * W
        Gm[o] += -2 * n * (inv @ d)
        if info:
            pieces.append((o, n, inv))
    return GS, Gm, pieces


def f_fiml(model, theta, patterns):
    val = model.values(theta)
    N = sum(pt.n_used for pt in patterns)
    total = 0.0
    for grp, pt in zip(model.groups, patterns):
        sig, mu = grp.implied(val)
        total += minus2logl_fiml(sig, mu, pt)
    return total / N


def grad_info_fiml(model, theta, patterns, *, info=True):
    val = model.values(theta)
    N = sum(pt.n_used for pt in patterns)
    grad, H = np.zeros(model.q), np.zeros((model.q, model.q))
    if not info:
        for g, (grp, pt) in enumerate(zip(model.groups, patterns)):
            full = grp.implied(val, full=True)
            GS, Gm, _ = fiml_parts(full[0][:grp.p, :grp.p], full[1][:grp.p], pt, info=False)
            pos, M = model.gfree[g]
            grad += M @ grp.row_grad(full, pos, GS, Gm) / N
        return grad, None
    for g, (grp, pt) in enumerate(zip(model.groups, patterns)):
        full = grp.implied(val, full=True)
        sig, mu = full[0][:grp.p, :grp.p], full[1][:grp.p]
        GS, Gm, pieces = fiml_parts(sig, mu, pt, info=True)
        pos, M = model.gfree[g]
        Av, Bv, dm = grp.row_vectors(full, pos)
        grad += M @ (2 * np.sum(Av * (GS @ Bv), axis=0) + dm @ Gm) / N
        Hr = np.zeros((len(pos), len(pos)))
        for o, n, inv in pieces:
            Hr += n / N * _info_rows(Av[o], Bv[o], dm[:, o], inv)
        H += M @ Hr @ M.T
    return grad, H


def em_saturated(pat, *, tol=1e-10, max_iter=2000):
    """EM estimates of the unrestricted mean and covariance with missing data (lavaan's h1)."""
    X = pat.X
    p = X.shape[1]
    mu = np.nanmean(X, axis=0)
    sig = np.diag(np.nanvar(X, axis=0))
    for _ in range(max_iter):
        T1, T2 = np.zeros(p), np.zeros((p, p))
        for o, Y, _, _ in pat.pats:
            m = np.setdiff1d(np.arange(p), o)
            Z = np.empty((len(Y), p))
            Z[:, o] = Y
            C = np.zeros((p, p))
            if m.size:
                beta = np.linalg.solve(sig[np.ix_(o, o)], sig[np.ix_(o, m)])
                Z[:, m] = mu[m] + (Y - mu[o]) @ beta
                C[np.ix_(m, m)] = sig[np.ix_(m, m)] - sig[np.ix_(m, o)] @ beta
            T1 += Z.sum(axis=0)
            T2 += Z.T @ Z + len(Y) * C
        n = pat.n_used
        mu_new = T1 / n
        sig_new = T2 / n - np.outer(mu_new, mu_new)
        done = max(np.abs(mu_new - mu).max(), np.abs(sig_new - sig).max()) < tol
        mu, sig = mu_new, sig_new
        if done:
            break
    return sig, mu
