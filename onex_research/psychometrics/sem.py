"""Structural equation models in lavaan syntax, estimated as ``lavaan::sem`` does.

The engine (``_sem_engine``) is written on numpy/scipy: RAM-form model algebra with
analytic Jacobians and Fisher scoring. It is validated against lavaan 0.6 by
``tests/reference/make_reference_sem.R`` (PoliticalDemocracy, HolzingerSwineford1939 by
school, psychTools::bfi with missing answers).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..vocabulary import stars
from ._common import as_frame_repr_html
from ._lavaan_syntax import ModelSyntaxError
from ._sem_core import Problem, _one_thread
from .._bootstrap import boot_interval
from ._sem_defined import compile_defined, delta_se, evaluate
from ._sem_defined import bootstrap as _bootstrap
from ._sem_fit import _cfi, _tli, fit_table, gfi_srmr

__all__ = ["sem", "SEMResult", "ModelSyntaxError"]

PAR_COLUMNS = ["lhs", "op", "rhs", "group", "label", "b", "se", "z", "p", "ci_low", "ci_high", "std",
               "std_se"]


def _stars(p):
    return np.asarray(stars(p), dtype=object)   # the study's one star legend


@dataclass(frozen=True)
class SEMResult:
    """Result of :func:`sem`; see :func:`sem` for every column."""

    fit: pd.Series
    parameters: pd.DataFrame
    defined: pd.DataFrame
    r2: pd.DataFrame
    table: pd.DataFrame
    converged: bool
    iterations: int
    estimator: str
    missing: str
    groups: list
    excluded: pd.Index
    model: str = field(repr=False)
    bootstrap_draws: pd.DataFrame | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Parameters and defined effects in one long table."""
        if self.defined.empty:
            return self.parameters.copy()
        return pd.concat([self.parameters, self.defined], ignore_index=True)

    def _repr_html_(self) -> str:
        head = f"SEM ({self.estimator}, missing={self.missing}, n={int(self.fit['n'])}"
        head += ", NOT CONVERGED)" if not self.converged else ")"
        keep = [c for c in ["chi2", "dof", "p", "cfi", "tli", "rmsea", "srmr", "chi2_scaled",
                            "cfi_robust", "tli_robust", "rmsea_robust"] if c in self.fit.index]
        out = as_frame_repr_html(self.fit[keep].to_frame().T, head)
        out += as_frame_repr_html(self.table, "Parameters")
        if len(self.defined):
            out += as_frame_repr_html(self.defined, "Defined effects")
        return out


def _standardized(problem, theta):
    """lavaan's std.all for every parameter-table row: loadings and paths times
    sd(predictor)/sd(outcome), variances over total variances, covariances as (residual)
    correlations, intercepts over sd."""
    val = problem.model.values(theta)
    std = np.full(len(val), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for grp in problem.model.groups:
            sig, _, _ = grp.implied(val, full=True)
            var = np.diag(sig)
            S = grp.matrices(val)[1]
            sd = np.sqrt(np.clip(var, 0, None))
            b, i, j, mat = val[grp.rows], grp.i, grp.j, grp.mat
            out = np.where(mat == 0, b * sd[j] / sd[i], np.nan)            # =~ and ~
            out = np.where(mat == 2, b / sd[i], out)                        # ~1
            rv = np.diag(S)
            cov = np.where(i == j, b / var[i], b / np.sqrt(rv[i] * rv[j]))
            std[grp.rows] = np.where(mat == 1, cov, out)
    return std


def _r2(problem, theta):
    val = problem.model.values(theta)
    rows = []
    x = set(problem.names["ov_x"]) if problem.fixed_x else set()
    names = problem.ov + problem.lv
    for lab, grp in zip(problem.labels, problem.model.groups):
        sig, _, _ = grp.implied(val, full=True)
        A, S, _ = grp.matrices(val)
        for k, v in enumerate(names):
            if v in x or not A[k].any():
                continue
            rows.append((lab, v, 1 - S[k, k] / sig[k, k]))
    out = pd.DataFrame(rows, columns=["group", "variable", "r2"])
    return out.drop(columns="group") if problem.G == 1 else out


def sem(data: pd.DataFrame, model: str, *, estimator: str = "ML", group: str | None = None,
        group_equal=(), missing: str = "listwise", bootstrap: int = 0, ci: str = "percentile",
        seed=None, level: float = 0.95, fixed_x: bool = True, max_iter: int = 500) -> SEMResult:
    """Structural equation model in lavaan syntax, with ``lavaan::sem``'s defaults.

    Parameters
    ----------
    data : DataFrame
        One column per observed variable (and the ``group`` column).
    model : str
        lavaan syntax: ``f =~ x1 + x2`` (loadings; the first is fixed at 1), ``y ~ x``
        (regressions), ``y1 ~~ y2`` (covariances), ``y ~ 1`` (intercepts), modifiers ``a*x``
        (label; equal labels are equal parameters), ``0.5*x`` (fixed), ``NA*x`` (free),
        ``c(a1, a2)*x`` (per group), and ``name := a*b`` (defined parameters). Defaults as
        lavaan: residual variances free, exogenous factors correlated, pure dependent
        variables' residuals correlated, exogenous observed regressors fixed (fixed.x).
    estimator : {"ML", "MLR"}, keyword-only
        ``"ML"`` (default): expected information for complete data. ``"MLR"``: observed
        information, Huber-White (sandwich) SEs and the Yuan-Bentler (Mplus) scaled
        chi-square, as ``lavaan(estimator = "MLR")``.
    group : str, optional, keyword-only
        Column of group labels for a multigroup model (groups in order of appearance).
    group_equal : sequence of str, keyword-only
        lavaan's ``group.equal``: any of ``"loadings", "intercepts", "means", "residuals",
        "residual.covariances", "lv.variances", "lv.covariances", "regressions"``.
    missing : {"listwise", "fiml"}, keyword-only
        ``"listwise"`` (lavaan's default) drops incomplete rows, with a warning and their
        index in ``result.excluded``; ``"fiml"`` is full-information ML (lavaan
        ``missing = "ml"``), which drops only rows with no answer at all.
    bootstrap : int, keyword-only
        Number of case-resampling bootstrap samples (within groups) for the intervals of
        the defined parameters (default 0: delta-method Wald intervals).
    ci : {"percentile", "bc", "bca"}, keyword-only
        Bootstrap interval: percentile, bias-corrected (as PROCESS) or bias-corrected and
        accelerated (jackknife acceleration; one refit per row).
    seed : int, optional, keyword-only
        Seed of the bootstrap.
    level : float, keyword-only
        Coverage of every interval (default 0.95).
    fixed_x : bool, keyword-only
        Treat exogenous observed regressors as fixed (lavaan's ``fixed.x = TRUE``).
    max_iter : int, keyword-only
        Most Fisher-scoring iterations (default 500); if reached, a ``RuntimeWarning`` gives
        the count and ``result.converged`` is False.

    Returns
    -------
    SEMResult
        ``fit`` : Series ``chi2, dof, p, chi2_dof, cfi, tli, nfi, ifi, gfi, agfi, rmsea,
        rmsea_ci_low, rmsea_ci_high, srmr, aic, bic, logl, n, npar, chi2_baseline,
        dof_baseline``; for MLR also ``chi2_scaled, p_scaled, scaling_factor,
        chi2_baseline_scaled, cfi_robust, tli_robust, rmsea_robust``.
        ``parameters`` : ``lhs, op, rhs, group, label, b, se, z, p, ci_low, ci_high, std,
        std_se`` (std = lavaan's std.all, std_se its delta-method SE as
        ``standardizedSolution``); fixed parameters have ``se = 0`` and ``z, p`` NaN.
        ``defined`` : the ``:=`` rows, same columns (delta-method ``se``; with
        ``bootstrap > 0``, ``ci_low, ci_high`` are bootstrap intervals and ``se_boot`` is the
        standard deviation of the draws).
        ``r2`` : ``variable, r2`` (and ``group``) of every endogenous variable.
        ``table`` : a paper-ready table (``b, se, std, p, sig``) of loadings and paths.
        ``converged``, ``iterations``; ``excluded`` (index of dropped rows).

    Notes
    -----
    F = sum_g (n_g/N)[log|Σ| + tr(SΣ⁻¹) + (ȳ−μ)'Σ⁻¹(ȳ−μ) − log|S| − p], χ² = N·F (S divided
    by n). df = moments − free parameters (moments exclude those of fixed x). The baseline
    is the independence model (free variances and intercepts per group). CFI, TLI, NFI,
    IFI, RMSEA (with √G for G groups and its 90% CI), GFI/AGFI (weights: the expected
    information at the implied moments; means included when modelled) and SRMR (Bentler's,
    means included when modelled, groups weighted by n_g/N) follow lavaan 0.6's
    ``fitMeasures``. AIC/BIC use the log-likelihood with the number of free parameters.
    Robust CFI/TLI/RMSEA use the scaling factors c (model) and c_b (baseline) as lavaan
    (Brosseau-Liard & Savalei, 2014); with ``missing="fiml"`` they use lavaan's
    FIML-corrected statistics (version V3 of ``lav_fit_fiml_corrected``: χ² at the EM
    moments and its own scaling). Defined parameters get delta-method SEs with a
    numerical Jacobian.

    Examples
    --------
    >>> pd_data = pd.read_csv("tests/reference/PoliticalDemocracy.csv")  # doctest: +SKIP
    >>> res = sem(pd_data, '''ind60 =~ x1 + x2 + x3
    ...                       dem60 =~ y1 + y2 + y3 + y4
    ...                       dem60 ~ ind60''')                         # doctest: +SKIP
    # R: lavaan::sem(model, data = PoliticalDemocracy); fitMeasures(fit)
    """
    with _one_thread():          # small matrices: BLAS threads only add latency
        return _sem(data, model, estimator=estimator, group=group, group_equal=group_equal,
                    missing=missing, bootstrap=bootstrap, ci=ci, seed=seed, level=level,
                    fixed_x=fixed_x, max_iter=max_iter)


def _sem(data, model, *, estimator, group, group_equal, missing, bootstrap, ci, seed, level,
         fixed_x, max_iter):
    if ci not in ("percentile", "bc", "bca"):
        raise ValueError(f"sem: ci must be 'percentile', 'bc' or 'bca', got {ci!r}")
    if not 0 < level < 1:
        raise ValueError(f"sem: level must be between 0 and 1, got {level}")
    if int(bootstrap) < 0:
        raise ValueError(f"sem: bootstrap must be >= 0, got {bootstrap}")
    problem = Problem(data, model, group=group, group_equal=group_equal, missing=missing,
                      estimator=estimator, fixed_x=fixed_x)
    pt = problem.partable
    labels = {}                              # label -> first parameter-table row carrying it
    for k, r in enumerate(pt):
        if r["label"]:
            labels.setdefault(r["label"], k)
    compiled = compile_defined(problem.parsed.defined, labels)
    theta, fmin, H, iters, converged = problem.fit(max_iter=max_iter)
    if not converged:
        warnings.warn(f"sem: Fisher scoring did not converge in {iters} iterations; estimates "
                      "are unreliable (result.converged is False)", RuntimeWarning, stacklevel=3)
    ev = np.linalg.eigvalsh(H) if H is not None and H.size else np.ones(1)
    if ev[0] <= 1e-10 * max(ev[-1], 1e-300):
        warnings.warn("sem: the information matrix is singular, so the model is probably not "
                      "identified (e.g. a factor with two indicators and no covariances); "
                      "standard errors are unreliable", RuntimeWarning, stacklevel=3)
    vcov, E, B0g = problem.vcov(theta, H)
    se_theta = np.sqrt(np.clip(np.diag(vcov), 0, None))
    val = problem.model.values(theta)
    free = problem.model.free
    se = np.where(free > 0, se_theta[np.maximum(free, 1) - 1], 0.0)
    neg = sorted({r["lhs"] for r, v in zip(pt, val)
                  if r["op"] == "~~" and r["lhs"] == r["rhs"] and v < 0})
    if neg:
        warnings.warn(f"sem: negative variance (Heywood case) for {neg}, as lavaan warns; "
                      "the solution is not admissible", UserWarning, stacklevel=3)
    std, std_se, J_std = delta_se(lambda t: _standardized(problem, t), theta, vcov,
                                  central=False, jacobian=True)
    std_se = np.where(np.isfinite(std_se) & (std_se > 1e-12), std_se, 0.0)
    crit = stats.norm.ppf(0.5 + level / 2)
    par = pd.DataFrame({
        "lhs": [r["lhs"] for r in pt], "op": [r["op"] for r in pt], "rhs": [r["rhs"] for r in pt],
        "group": [r["group"] for r in pt], "label": [r["label"] for r in pt], "b": val, "se": se})
    with np.errstate(divide="ignore", invalid="ignore"):
        par["z"] = np.where(free > 0, val / se, np.nan)
    par["p"] = 2 * stats.norm.sf(np.abs(par["z"]))
    par["ci_low"], par["ci_high"] = val - crit * se, val + crit * se
    par["std"] = std
    par["std_se"] = std_se

    # defined parameters
    def label_values(t):
        v = problem.model.values(t)
        return {lab: v[k] for lab, k in labels.items()}

    dfun = lambda t: evaluate(compiled, label_values(t))                     # noqa: E731
    defined = pd.DataFrame(columns=PAR_COLUMNS)
    draws_df = None
    if compiled:
        est, dse = delta_se(dfun, theta, vcov)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = est / dse
        # std of := rows: the same function of the standardized labels; chain rule through
        # the Jacobian of std.all (no more standardizations)
        rows = list(labels.values())
        sfun = lambda x: evaluate(compiled, dict(zip(labels, x)))            # noqa: E731
        dstd, _, J_lab = delta_se(sfun, std[rows], np.zeros((len(rows), len(rows))),
                                  jacobian=True)
        J_def = J_lab @ J_std[rows]
        dstd_se = np.sqrt(np.clip(np.einsum("ik,kl,il->i", J_def, vcov, J_def), 0, None))
        defined = pd.DataFrame({
            "lhs": [c[0] for c in compiled], "op": ":=",
            "rhs": [d[1].replace(" ", "") for d in problem.parsed.defined],
            "group": 0, "label": [c[0] for c in compiled], "b": est, "se": dse, "z": z,
            "p": 2 * stats.norm.sf(np.abs(z)), "ci_low": est - crit * dse,
            "ci_high": est + crit * dse,
            "std": dstd, "std_se": dstd_se})
        if bootstrap:
            draws, jack = _bootstrap(problem, theta, dfun, int(bootstrap), seed,
                                     jackknife=ci == "bca")
            lo, hi = boot_interval(draws, est, level, ci, jack)
            defined["ci_low"], defined["ci_high"] = lo, hi
            defined["se_boot"] = draws.std(axis=0, ddof=1)
            draws_df = pd.DataFrame(draws, columns=defined["lhs"])
    elif bootstrap:
        warnings.warn("sem: bootstrap asked for but the model has no := definitions; "
                      "parameters keep Wald intervals", UserWarning, stacklevel=3)
    # fit measures
    chi2 = problem.minus2logl(theta) - problem.h1_minus2logl()
    chi2_b, dof_b, c_b = problem.baseline()
    logl = -0.5 * (problem.minus2logl(theta) + problem.n_values() * np.log(2 * np.pi))
    if problem.fixed_x:             # lavaan's logl is conditional on the fixed x: drop their part
        x = problem.x_idx
        logl += 0.5 * sum(m.n * (len(x) * (np.log(2 * np.pi) + 1)
                                 + np.linalg.slogdet(m.cov[np.ix_(x, x)])[1]) for m in problem.moms)
    obs = ([(S, m) for S, m in zip(problem.covs, problem.means)])
    gfi, srmr = gfi_srmr(obs, problem.implied(theta), problem.ns,
                         meanstructure=problem.meanstructure, x_idx=problem.x_idx)
    c = problem.yb_scaling(E, B0g) if estimator == "MLR" else None
    fit = fit_table(chi2=max(chi2, 0.0), dof=problem.dof, chi2_b=chi2_b, dof_b=dof_b,
                    n=problem.N, n_groups=problem.G, logl=logl, q=problem.model.q, gfi=gfi,
                    srmr=srmr, nel=problem.nel, scaling=c, scaling_b=c_b if c is not None else None)
    if estimator == "MLR" and missing == "fiml" and problem.dof > 0:
        xx3, c3, xx3_b, c3_b = problem.fiml_robust(theta)       # lavaan's FIML-corrected (V3)
        fit["cfi_robust"] = _cfi(xx3, problem.dof, xx3_b, dof_b, c3, c3_b)
        fit["tli_robust"] = _tli(xx3, problem.dof, xx3_b, dof_b, c3, c3_b)
        fit["rmsea_robust"] = np.sqrt(max(xx3 / problem.N / problem.dof - c3 / problem.N, 0.0)
                                      ) * np.sqrt(problem.G)
    if problem.G == 1:
        del par["group"], defined["group"]
    else:
        par["group"] = [problem.labels[g - 1] for g in par["group"]]
    sig = (par["op"].isin(["=~", "~"]))
    table = par.loc[sig, [c for c in ["group", "lhs", "op", "rhs", "b", "se", "std", "p"]
                          if c in par.columns]].copy()
    table["sig"] = _stars(table["p"].fillna(1.0))
    return SEMResult(fit=fit, parameters=par.reset_index(drop=True), defined=defined,
                     r2=_r2(problem, theta), table=table.reset_index(drop=True),
                     converged=bool(converged), iterations=int(iters), estimator=estimator,
                     missing=missing, groups=list(problem.labels), excluded=problem.excluded,
                     model=model, bootstrap_draws=draws_df)

