"""Set-up and estimation behind :func:`sem`: data by group, parameter table, fit, vcov,
test statistics (private)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from . import _sem_engine as eng
from ._lavaan_syntax import ModelSyntaxError, ParsedModel, parse, variables
from ._sem_robust import (duplication_index, expected_h1, fiml_corrected_k, h1_info, moment_delta,
                          numeric_hessian, theta_scores)
from ._sem_spec import build_partable, meanstructure_needed, simple_start, start_values

__all__: list[str] = []

_BLAS = []          # one ThreadpoolController, made on first use (its library scan takes ms)


def _one_thread():
    """Small matrices: BLAS threads only add latency (5x slower on a busy machine)."""
    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def _split(data, ov, group, missing, func):
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func}: data must be a pandas DataFrame, got {type(data).__name__}")
    bad = [c for c in ov if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        raise TypeError(f"{func}: model variables must be numeric; not numeric: {bad} "
                        "(hint: score or recode them first)")
    if group is None:
        labels, parts = ["all"], [data]
    else:
        if group not in data.columns:
            raise ValueError(f"{func}: group column {group!r} is not in data; "
                             f"data has {list(data.columns)[:30]}")
        g = data[group]
        if g.isna().any():
            warnings.warn(f"{func}: {int(g.isna().sum())} rows with a missing {group!r} are "
                          "left out", UserWarning, stacklevel=5)
        labels = [v.item() if hasattr(v, "item") else v        # numpy scalars -> Python
                  for v in pd.unique(g.dropna())]              # lavaan: order of appearance
        parts = [data[g == lab] for lab in labels]
    Xs, excluded = [], []
    for part in parts:
        X = part[ov].to_numpy(dtype=float)
        drop = np.isnan(X).all(axis=1) if missing == "fiml" else np.isnan(X).any(axis=1)
        excluded.append(part.index[drop])
        Xs.append(X[~drop])
    excluded = excluded[0].append(excluded[1:]) if len(excluded) > 1 else excluded[0]
    if len(excluded):
        rule = "no answer to any model variable" if missing == "fiml" else "a missing model variable"
        warnings.warn(f"{func}: {len(excluded)} of {len(data)} rows dropped ({rule}; "
                      f"missing={missing!r}); their index is in result.excluded",
                      UserWarning, stacklevel=5)
    for lab, X in zip(labels, Xs):
        if X.shape[0] < 2:
            raise ValueError(f"{func}: group {lab!r} has {X.shape[0]} usable row(s)")
    return labels, Xs, excluded


class Problem:
    """One model on one data set: everything needed to fit it again (bootstrap)."""

    def __init__(self, data, model, *, group=None, group_equal=(), missing="listwise",
                 estimator="ML", fixed_x=True, func="sem"):
        if estimator not in ("ML", "MLR"):
            raise ValueError(f"{func}: estimator must be 'ML' or 'MLR', got {estimator!r}")
        if missing not in ("listwise", "fiml"):
            raise ValueError(f"{func}: missing must be 'listwise' or 'fiml', got {missing!r}")
        if isinstance(group_equal, str):
            group_equal = (group_equal,)
        self.func, self.estimator, self.missing = func, estimator, missing
        self.model = None
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"{func}: data must be a pandas DataFrame, got {type(data).__name__}")
        self.parsed = model if isinstance(model, ParsedModel) else parse(model)
        self.names = variables(self.parsed, data.columns)
        self.ov, self.lv = self.names["observed"], self.names["latent"]
        self.labels, self.Xs, self.excluded = _split(data, self.ov, group, missing, func)
        self.G = len(self.labels)
        self.group_equal = tuple(group_equal)
        self.meanstructure = meanstructure_needed(self.parsed, n_groups=self.G, missing=missing)
        self.fixed_x = fixed_x and bool(self.names["ov_x"]) and missing == "listwise"
        self.x_idx = [self.ov.index(v) for v in self.names["ov_x"]] if self.fixed_x else []
        self.setup(self.Xs)

    # ------------------------------------------------------------------ data-dependent parts
    def setup(self, Xs):
        self.Xs = Xs
        self._h1_info = {}
        if self.missing == "fiml":
            self.pats = [eng.Patterns(X) for X in Xs]
            self.h1 = [eng.em_saturated(pt) for pt in self.pats]
            covs, means = [h[0] for h in self.h1], [h[1] for h in self.h1]
            self.ns = [pt.n_used for pt in self.pats]
        else:
            self.moms = [eng.Moments(X) for X in Xs]
            covs, means = [m.cov for m in self.moms], [m.mean for m in self.moms]
            self.ns = [m.n for m in self.moms]
            for lab, m in zip(self.labels, self.moms):
                if np.linalg.matrix_rank(m.cov) < len(self.ov):
                    raise ValueError(f"{self.func}: the covariance matrix of the model variables "
                                     f"is singular in group {lab!r} (a constant variable, or one "
                                     "that is a linear combination of others)")
        self.covs, self.means = covs, means
        self.xm = [(mu[self.x_idx], S[np.ix_(self.x_idx, self.x_idx)]) for S, mu in zip(covs, means)]
        self.N = sum(self.ns)
        if getattr(self, "model", None) is not None:      # new data, same model (bootstrap):
            self._refresh_fixed_x()                        # only the fixed x values change
            return
        self.partable = build_partable(self.parsed, self.names, n_groups=self.G,
                                       group_equal=self.group_equal,
                                       meanstructure=self.meanstructure,
                                       fixed_x=self.fixed_x, x_moments=self.xm)
        self.model = eng.Model(self.partable, self.ov, self.lv, self.G)
        p, px = len(self.ov), len(self.x_idx)
        per = p * (p + 1) // 2 + (p if self.meanstructure else 0)
        per_x = px * (px + 1) // 2 + (px if self.meanstructure else 0)
        self.ndat = self.G * (per - per_x)
        self.nel = self.G * per
        self.dof = self.ndat - self.model.q
        if self.dof < 0:
            lines = list(dict.fromkeys(f.line for f in self.parsed.formulas))
            raise ModelSyntaxError(
                f"{self.func}: the model is not identified: {self.model.q} free parameters > "
                f"{self.ndat} sample moments (df = {self.dof}). Lines: {lines}. Hint: fix more "
                "parameters, or add indicators (3 per factor)")

    def _refresh_fixed_x(self):
        if not self.fixed_x:
            return
        for k, r in enumerate(self.partable):
            if r["exo"]:
                g = r["group"] - 1
                mean, cov = self.xm[g]
                a = self.names["ov_x"].index(r["lhs"])
                r["value"] = (float(mean[a]) if r["op"] == "~1"
                              else float(cov[a, self.names["ov_x"].index(r["rhs"])]))
                self.model.fixed_values[k] = r["value"]

    # ------------------------------------------------------------------ objective
    def f(self, theta):
        if self.missing == "fiml":
            return eng.f_fiml(self.model, theta, self.pats)
        return eng.f_ml(self.model, theta, self.moms, meanstructure=self.meanstructure)

    def grad_info(self, theta, info=True):
        if self.missing == "fiml":
            return eng.grad_info_fiml(self.model, theta, self.pats, info=info)
        return eng.grad_info_ml(self.model, theta, self.moms, meanstructure=self.meanstructure,
                                info=info)

    def fit(self, start=None, *, max_iter=500, tol=1e-12):
        """Fisher scoring until the Newton decrement g'H^-1g < tol (F scale)."""
        theta0 = start if start is not None else start_values(self.partable, self.names,
                                                              self.covs, self.means)
        if not np.isfinite(self.f(theta0)):        # not positive definite: lavaan's simple start
            theta0 = simple_start(self.partable, self.names, self.covs, self.means)
        with _one_thread():
            return eng.fisher_scoring(self.f, self.grad_info, theta0, max_iter=max_iter, tol=tol)

    def implied(self, theta):
        val = self.model.values(theta)
        return [grp.implied(val) for grp in self.model.groups]

    # ------------------------------------------------------------------ inference
    def observed_information(self, theta):
        """lavaan's observed information per case: Hessian of F/2."""
        return 0.5 * numeric_hessian(lambda t: self.grad_info(t, info=False)[0], theta)

    def scores(self, theta):
        val = self.model.values(theta)
        out = []
        for g, (X, (sig, mu)) in enumerate(zip(self.Xs, self.implied(theta))):
            out.append(theta_scores(self.model, g, val, X, sig, mu,
                                    meanstructure=self.meanstructure))
        return out

    def vcov(self, theta, H_expected):
        """(vcov, E, B0 by group) as lavaan: expected information for complete-data ML,
        observed for FIML and MLR, Huber-White sandwich for MLR."""
        q = self.model.q
        if self.estimator == "ML" and self.missing == "listwise":
            try:
                return 2.0 / self.N * np.linalg.inv(H_expected), None, None
            except np.linalg.LinAlgError:
                return np.full((q, q), np.nan), None, None
        E = self.observed_information(theta)
        try:
            E_inv = np.linalg.inv(E)
        except np.linalg.LinAlgError:
            return np.full((q, q), np.nan), E, None
        if self.estimator == "ML":
            return E_inv / self.N, E, None
        sc = self.scores(theta)
        B0g = [s.T @ s / len(s) for s in sc]
        B0 = sum(n / self.N * b for n, b in zip(self.ns, B0g))
        return E_inv @ B0 @ E_inv / self.N, E, B0g

    def h1_information(self, g):
        """(A1, B1) of the unrestricted model of group g at its estimates (cached: the
        missing-data A1 is a numerical Hessian)."""
        cache = self.__dict__.setdefault("_h1_info", {})
        if g not in cache:
            X = self.Xs[g]
            if self.missing == "fiml":
                (sig, mu), pat = self.h1[g], self.pats[g]
            else:
                sig, mu, pat = self.moms[g].cov, self.moms[g].mean, None
            A1, B1 = h1_info(X, sig, mu, meanstructure=self.meanstructure,
                             complete=self.missing != "fiml", patterns=pat)
            if self.x_idx:          # fixed x: their moments leave the h1 model (lavaan x.idx)
                p = len(self.ov)
                vi, vj = np.array(duplication_index(p)).T
                keep = ~(np.isin(vi, self.x_idx) & np.isin(vj, self.x_idx))
                if self.meanstructure:
                    keep = np.concatenate([~np.isin(np.arange(p), self.x_idx), keep])
                A1, B1 = A1[np.ix_(keep, keep)], B1[np.ix_(keep, keep)]
            cache[g] = A1, B1
        return cache[g]

    def yb_scaling(self, E, B0g):
        """Yuan-Bentler (Mplus) scaling factor c = trace(U Gamma) / df."""
        if self.dof <= 0 or E is None or B0g is None:
            return np.nan
        E_inv = np.linalg.inv(E)
        tr = 0.0
        for g in range(self.G):
            A1, B1 = self.h1_information(g)
            tr += float(np.sum(B1 * np.linalg.inv(A1).T))
            tr -= self.ns[g] / self.N * np.sum(B0g[g] * E_inv.T)
        return tr / self.dof

    # ------------------------------------------------------------------ likelihoods
    def minus2logl(self, theta):
        """-2 log-likelihood without the 2 pi constant, and the number of observed values."""
        if self.missing == "fiml":
            tot = 0.0
            for (sig, mu), pt in zip(self.implied(theta), self.pats):
                tot += eng.minus2logl_fiml(sig, mu, pt)
            return tot
        return self.N * self.f(theta) + sum(m.n * (m.logdet + len(self.ov)) for m in self.moms)

    def n_values(self):
        return sum(int((~np.isnan(X)).sum()) for X in self.Xs)

    def h1_minus2logl(self):
        if self.missing == "fiml":
            return sum(eng.minus2logl_fiml(s, m, pt) for (s, m), pt in zip(self.h1, self.pats))
        return sum(m.n * (m.logdet + len(self.ov)) for m in self.moms)

    def baseline(self):
        """Independence model (lavaan's baseline): chi2_b, df_b and, for MLR, its scaling."""
        p = len(self.ov)
        pb = build_partable(self.parsed, self.names, n_groups=self.G, meanstructure=self.meanstructure,
                            fixed_x=self.fixed_x, x_moments=self.xm, independence=True)
        dfb = self.ndat - len(set(r["free"] for r in pb if r["free"]))
        x = self.x_idx
        base = eng.Model(pb, self.ov, [], self.G)
        theta = np.zeros(base.q)
        for r in pb:
            if not r["free"]:
                continue
            g = r["group"] - 1
            k = self.ov.index(r["lhs"])
            theta[r["free"] - 1] = self.covs[g][k, k] if r["op"] == "~~" else self.means[g][k]
        if self.missing == "fiml":
            for r in pb:                       # closed-form ML of the independence model
                if not r["free"]:
                    continue
                g, k = r["group"] - 1, self.ov.index(r["lhs"])
                col = self.Xs[g][:, k]
                col = col[~np.isnan(col)]
                theta[r["free"] - 1] = col.var() if r["op"] == "~~" else col.mean()
            m2 = sum(eng.minus2logl_fiml(grp.implied(base.values(theta))[0],
                                         grp.implied(base.values(theta))[1], pt)
                     for grp, pt in zip(base.groups, self.pats))
        else:
            m2 = 0.0
            for g, mo in enumerate(self.moms):
                D = np.diag(np.diag(mo.cov))
                if self.fixed_x:
                    D[np.ix_(x, x)] = mo.cov[np.ix_(x, x)]
                m2 += mo.n * (np.linalg.slogdet(D)[1] + p)
        chi2_b = m2 - self.h1_minus2logl()
        self.base_fit, self.base_dof = (base, theta), dfb
        scaling_b = np.nan
        if self.estimator == "MLR":
            sub = object.__new__(Problem)
            sub.__dict__.update(self.__dict__)
            sub.model, sub.partable, sub.dof = base, pb, dfb
            E = sub.observed_information(theta)
            sc = sub.scores(theta)
            scaling_b = sub.yb_scaling(E, [s.T @ s / len(s) for s in sc])
        return chi2_b, dfb, scaling_b

    def fiml_robust(self, theta):
        """lavaan's FIML-corrected robust statistics (lav_fit_fiml_corrected, V3): the model
        and baseline chi-squares at the EM (h1) moments and their scaling factors, for the
        robust CFI/TLI/RMSEA with missing data. Call after :meth:`baseline`."""
        fg = [n / self.N for n in self.ns]
        Wm, Jm, Wc = [], [], []
        for g in range(self.G):
            sig, _ = self.h1[g]
            a1, b1 = self.h1_information(g)
            Wm.append(a1)
            Jm.append(b1)
            Wc.append(expected_h1(sig, meanstructure=True))

        def at_h1(model, th):                    # chi-square against the EM moments
            val, tot = model.values(th), 0.0
            for grp, n, (S, ybar) in zip(model.groups, self.ns, self.h1):
                sig, mu = grp.implied(val)
                inv = np.linalg.inv(sig)
                d = ybar - mu
                tot += n * (np.linalg.slogdet(sig)[1] + np.sum(inv * S) + d @ inv @ d
                            - np.linalg.slogdet(S)[1] - len(mu))
            return tot

        out = []
        base, th_b = self.base_fit
        for model, th, df in ((self.model, theta, self.dof), (base, th_b, self.base_dof)):
            val = model.values(th)
            deltas = [moment_delta(model, g, val) for g in range(self.G)]
            k = fiml_corrected_k(Wm, Jm, Wc, deltas, fg)
            out += [at_h1(model, th), k / df]
        return out
