"""Confirmatory factor analysis by maximum likelihood, with lavaan's defaults.

The estimator is written on numpy/scipy (semopy has no SRMR and uses n - 1 in
RMSEA) and is validated against ``lavaan::cfa`` 0.6 on HolzingerSwineford1939 and
psychTools::bfi (``tests/reference/make_reference_lavaan.R``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from ._cfa_ml import _numeric_jacobian, _Spec, _standardize, _z_table
from ._lavaan_syntax import Formula, ParsedModel
from ._sem_core import Problem

__all__ = ["cfa", "CFAResult", "htmt", "fornell_larcker"]


# --------------------------------------------------------------------------- input
def _check_model(data: pd.DataFrame, model) -> tuple[list[str], list[str], dict]:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if not isinstance(model, dict) or not model:
        raise TypeError("model must be a non-empty dict {factor: [items]}, "
                        "e.g. {'visual': ['x1', 'x2', 'x3']}")
    model = {str(f): [str(i) for i in items] for f, items in model.items()}
    items: list[str] = []
    for f, its in model.items():
        if len(its) < 2:
            raise ValueError(f"factor {f!r} has {len(its)} item(s); give at least 2")
        if len(set(its)) != len(its):
            raise ValueError(f"factor {f!r} lists an item twice: {its}")
        items += [i for i in its if i not in items]
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise ValueError(f"model items not in data: {missing}; data has {list(data.columns)[:30]}")
    bad = [i for i in items if not pd.api.types.is_numeric_dtype(data[i])]
    if bad:
        raise TypeError(f"model items must be numeric; not numeric: {bad} "
                        f"(hint: score or recode them first)")
    return list(model), items, model


def _listwise(data: pd.DataFrame, items: list[str]) -> tuple[np.ndarray, pd.Index]:
    sub = data[items]
    keep = sub.notna().all(axis=1).to_numpy()
    dropped = data.index[~keep]
    if len(dropped):
        warnings.warn(f"cfa: listwise deletion dropped {len(dropped)} of {len(data)} rows with "
                      f"missing items (lavaan's default missing='listwise'); "
                      f"their index is in result.excluded", UserWarning, stacklevel=3)
    return sub.to_numpy(dtype=float)[keep], dropped


# --------------------------------------------------------------------------- fit indices
def _rmsea_ci(chi2, dof, n, level=0.90):
    """lavaan's RMSEA confidence interval: invert the noncentral chi-square cdf in lambda."""
    lo_p, hi_p = (1 + level) / 2, (1 - level) / 2

    def solve(target):
        g = lambda lam: stats.ncx2.cdf(chi2, dof, lam) - target if lam > 0 else stats.chi2.cdf(chi2, dof) - target
        if g(0.0) < 0:       # cdf at lambda = 0 already below the target -> bound is 0
            return 0.0
        hi = max(chi2, 1.0)
        while g(hi) > 0:
            hi *= 2
        return optimize.brentq(g, 0.0, hi, xtol=1e-12)

    return (np.sqrt(solve(lo_p) / (n * dof)), np.sqrt(solve(hi_p) / (n * dof))) if dof > 0 else (np.nan, np.nan)


def _fit_indices(S, sigma, f_min, n, dof, p):
    chi2 = n * f_min
    chi2_b = n * (np.sum(np.log(np.diag(S))) - np.linalg.slogdet(S)[1])
    dof_b = p * (p - 1) // 2
    d, d_b = max(chi2 - dof, 0.0), max(chi2_b - dof_b, 0.0)
    cfi = 1.0 - d / max(d, d_b) if max(d, d_b) > 0 else 1.0
    # a just-identified model (df = 0) fits perfectly: lavaan reports TLI = 1, RMSEA = 0 [0, 0]
    tli = ((chi2_b / dof_b) - (chi2 / dof)) / ((chi2_b / dof_b) - 1) if dof > 0 else 1.0
    rmsea = np.sqrt(d / (dof * n)) if dof > 0 else 0.0
    lo, hi = _rmsea_ci(chi2, dof, n) if dof > 0 else (0.0, 0.0)
    sd = np.sqrt(np.diag(S))
    resid = (S - sigma) / np.outer(sd, sd)
    srmr = np.sqrt(np.mean(resid[np.tril_indices(p)] ** 2))
    return pd.Series({
        "chi2": chi2, "dof": dof, "p": stats.chi2.sf(chi2, dof) if dof > 0 else np.nan,
        "cfi": cfi, "tli": tli, "rmsea": rmsea, "rmsea_ci_low": lo, "rmsea_ci_high": hi,
        "srmr": srmr, "chi2_baseline": chi2_b, "dof_baseline": dof_b, "n": n,
    }, name="fit")


# --------------------------------------------------------------------------- results
def fornell_larcker(result: "CFAResult") -> pd.DataFrame:
    """Fornell-Larcker table: sqrt(AVE) on the diagonal, factor correlations off it.

    Discriminant validity holds for a factor when its diagonal entry exceeds every
    correlation in its row and column (Fornell & Larcker, 1981).

    Examples
    --------
    >>> fornell_larcker(cfa(df, model))  # doctest: +SKIP
    # R: sqrt(semTools::AVE(fit)) on the diagonal of lavInspect(fit, "cor.lv")
    """
    out = result.phi.copy()
    vals = out.to_numpy(copy=True)
    np.fill_diagonal(vals, np.sqrt(result.reliability["ave"].to_numpy()))
    return pd.DataFrame(vals, index=out.index, columns=out.columns)


@dataclass(frozen=True)
class CFAResult:
    """Result of :func:`cfa`. See :func:`cfa` for every column."""

    fit: pd.Series
    loadings: pd.DataFrame
    phi: pd.DataFrame
    reliability: pd.DataFrame
    parameters: pd.DataFrame
    residuals: pd.DataFrame
    excluded: pd.Index
    model: dict = field(repr=False)
    iterations: int = 0

    @property
    def fornell_larcker(self) -> pd.DataFrame:
        return fornell_larcker(self)

    def to_frame(self) -> pd.DataFrame:
        """The loading table (one row per factor-item pair)."""
        return self.loadings.copy()

    def _repr_html_(self) -> str:
        fit = self.fit.to_frame().T.to_html(float_format=lambda v: f"{v:.3f}", index=False)
        return ("<h4>CFA (ML, lavaan defaults)</h4>" + fit + "<h5>Loadings</h5>"
                + self.loadings.to_html(float_format=lambda v: f"{v:.3f}", index=False)
                + "<h5>Reliability</h5>" + self.reliability.to_html(float_format=lambda v: f"{v:.3f}")
                + "<h5>Fornell-Larcker</h5>" + self.fornell_larcker.to_html(float_format=lambda v: f"{v:.3f}"))


def cfa(data: pd.DataFrame, model: dict, *, level: float = 0.95,
        reliability: str = "standardized") -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood, with ``lavaan::cfa``'s defaults.

    Parameters
    ----------
    data : DataFrame
        Numeric item responses, one column per item. Rows with any missing model item
        are dropped listwise (lavaan's default ``missing="listwise"``); a warning says
        how many, and ``result.excluded`` holds their index.
    model : dict
        ``{factor: [items]}``. The first item of each factor is the marker (loading
        fixed at 1); factor variances and covariances are free; residual variances are
        free and uncorrelated. An item may load on more than one factor.
    level : float, keyword-only
        Coverage of the Wald confidence intervals in ``parameters`` (default 0.95).
    reliability : {"standardized", "semtools"}, keyword-only
        Which CR and AVE fill ``reliability`` (see Notes). ``"standardized"`` (default):
        Fornell & Larcker's formulas on the standardized loadings. ``"semtools"``: the
        variants of ``semTools::compRelSEM`` and ``semTools::AVE`` (0.5-6 defaults,
        ``obs.var = TRUE``).

    Returns
    -------
    CFAResult
        ``fit`` : Series with ``chi2, dof, p, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high,
        srmr, chi2_baseline, dof_baseline, n``.
        ``loadings`` : DataFrame with ``factor, item, b`` (unstandardized), ``se, z, p``,
        ``std`` (lavaan's std.all), ``std_se, std_z, std_p`` (delta method, as
        ``lavaan::standardizedSolution``).
        ``phi`` : factor correlation matrix (factor x factor).
        ``reliability`` : indexed by factor, ``cr, ave, n_items``.
        ``parameters`` : every parameter as lavaan's ``parameterEstimates`` with ``lhs, op,
        rhs, b, se, z, p, ci_low, ci_high, std, std_se, std_z, std_p``.
        ``residuals`` : observed minus model-implied correlations (the SRMR residuals).
        ``fornell_larcker`` : property, see :func:`fornell_larcker`.

    Notes
    -----
    S is the biased covariance matrix (divided by n). The ML discrepancy
    F = log|Σ| + tr(SΣ⁻¹) − log|S| − p is minimized by Fisher scoring with analytic
    gradients; χ² = n·F_min (lavaan uses N, not N − 1, for a single group). The baseline
    is the independence model (χ²_b = n(Σ log s_ii − log|S|), df_b = p(p−1)/2). The estimation runs on
    the engine of :func:`sem` (the dict becomes ``factor =~ item + ...`` formulas).
    CFI = 1 − max(χ² − df, 0)/max(χ² − df, χ²_b − df_b, 0);
    TLI = (χ²_b/df_b − χ²/df)/(χ²_b/df_b − 1);
    RMSEA = sqrt(max(χ² − df, 0)/(df·n)), with a 90% CI from the noncentral χ²
    (Browne & Cudeck, 1993); SRMR is lavaan's default ``srmr`` (Bentler's): the root mean
    square of (s_ij − σ_ij)/sqrt(s_ii s_jj) over the p(p+1)/2 elements including the
    diagonal. A just-identified model (df = 0) gets p = NaN, TLI = 1 and RMSEA = 0 [0, 0],
    as lavaan reports. Standard errors come from the expected information, vcov = (2/n)·H⁻¹ with
    H = Δ'(Σ⁻¹⊗Σ⁻¹)Δ (lavaan's ``information="expected"``); standardized SEs use the delta
    method with a numerical Jacobian.

    ``reliability="standardized"``: CR = (Σλ)²/((Σλ)² + Σ(1 − λ²)) and AVE = mean(λ²) on
    the standardized loadings λ (Fornell & Larcker, 1981; CR is Jöreskog's/Raykov's ω with
    standardized parameters). Reverse-keyed items should be recoded first, since a
    negative loading lowers CR. ``reliability="semtools"``: ω = (Σλ)²ψ / 1'S1 and
    AVE = Σλ²ψ / Σ s_ii on the unstandardized loadings λ, the factor variance ψ and the
    observed (ML) covariances S of the factor's items, as ``semTools::compRelSEM(fit)``
    and ``semTools::AVE(fit)``; they differ when item variances differ.

    Agreement with lavaan 0.6-14 (HolzingerSwineford1939 3-factor, with a cross-loading and
    with df = 0; a simulated model with χ² < df; bfi 5 x 5): fit indices within 5e-8,
    estimates within 1e-6 and SEs within 2e-6, except bfi loadings (2.5e-5), where lavaan's
    optimizer stops earlier (its χ² is 4e-7 above ours). Tests allow 1e-3 (fit, loadings)
    and 1e-4 (SEs, standardized solution).

    Examples
    --------
    >>> hs = pd.read_csv("tests/reference/HolzingerSwineford1939.csv")
    >>> res = cfa(hs, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
    ...                "speed": ["x7", "x8", "x9"]})
    >>> round(res.fit["chi2"], 3)
    85.306
    # R: fitMeasures(lavaan::cfa("visual =~ x1 + x2 + x3 ...", HolzingerSwineford1939))
    """
    factors, items, model = _check_model(data, model)
    X, excluded = _listwise(data, items)
    n, p = X.shape
    if n < 2:
        raise ValueError(f"cfa: only {n} complete row(s) in the model items")
    spec = _Spec(factors, items, model)
    dof = p * (p + 1) // 2 - spec.q
    if dof < 0:
        raise ValueError(f"cfa: model not identified: {spec.q} free parameters "
                         f"> {p * (p + 1) // 2} variances and covariances")
    S = np.cov(X, rowvar=False, bias=True)
    if np.linalg.matrix_rank(S) < p:
        raise ValueError("cfa: the item covariance matrix is singular (an item is constant or "
                         "a linear combination of others)")
    theta, f_min, vcov, iters = _fit_on_sem_engine(X, factors, items, model, spec)
    sigma = spec.sigma(theta)
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    std, J = _numeric_jacobian(lambda t: _standardize(spec, t), theta)
    lam, phi, psi = spec.unpack(theta)
    if (psi < 0).any():
        warnings.warn(f"cfa: negative residual variance (Heywood case) for "
                      f"{[items[i] for i in np.flatnonzero(psi < 0)]}, as lavaan warns", UserWarning, stacklevel=2)
    if np.linalg.eigvalsh(phi)[0] <= 0:
        warnings.warn("cfa: the factor covariance matrix is not positive definite "
                      "(a factor correlation at or beyond 1)", UserWarning, stacklevel=2)
    # std runs over all loadings (markers too, factor-major), then phi, then residual variances
    std_vcov = J @ vcov @ J.T
    std_se = np.sqrt(np.clip(np.diag(std_vcov), 0, None))
    free_pos = {(int(i), int(f)): k for k, (i, f) in enumerate(spec.lam_idx)}
    rows, crit = [], stats.norm.ppf(0.5 + level / 2)
    std_pos = {(int(i), int(f)): k for k, (f, i) in enumerate(np.argwhere(spec.pattern.T))}
    for f, fac in enumerate(factors):                 # loadings in the model's item order
        for it in model[fac]:
            i = items.index(it)
            k, ks = free_pos.get((i, f)), std_pos[(i, f)]
            b, s = lam[i, f], (se[k] if k is not None else 0.0)
            rows.append((fac, "=~", it, b, s, std[ks], std_se[ks]))
    k_std = len(std_pos)
    for k, (f, g) in enumerate(spec.phi_idx):
        j = spec.n_lam + k
        rows.append((factors[f], "~~", factors[g], theta[j], se[j], std[k_std], std_se[k_std]))
        k_std += 1
    for i in range(p):
        j = spec.n_lam + spec.n_phi + i
        rows.append((items[i], "~~", items[i], theta[j], se[j], std[k_std], std_se[k_std]))
        k_std += 1
    par = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "b", "se", "std", "std_se"])
    par["z"], par["p"] = _z_table(par["b"].to_numpy(), par["se"].to_numpy())
    par["ci_low"] = np.where(par["se"] > 0, par["b"] - crit * par["se"], par["b"])
    par["ci_high"] = np.where(par["se"] > 0, par["b"] + crit * par["se"], par["b"])
    par["std_z"], par["std_p"] = _z_table(par["std"].to_numpy(), par["std_se"].to_numpy())
    par = par[["lhs", "op", "rhs", "b", "se", "z", "p", "ci_low", "ci_high",
               "std", "std_se", "std_z", "std_p"]]

    loadings = (par[par["op"] == "=~"].rename(columns={"lhs": "factor", "rhs": "item"})
                [["factor", "item", "b", "se", "z", "p", "std", "std_se", "std_z", "std_p"]]
                .reset_index(drop=True))
    sd_lv = np.sqrt(np.diag(phi))
    phi_df = pd.DataFrame(phi / np.outer(sd_lv, sd_lv), index=pd.Index(factors, name="factor"),
                          columns=pd.Index(factors, name="factor"))
    if reliability not in ("standardized", "semtools"):
        raise ValueError(f"cfa: reliability must be 'standardized' or 'semtools', got {reliability!r}")
    rel = {}
    for k, f in enumerate(factors):
        sel = loadings["factor"] == f
        if reliability == "semtools":
            lam_u = loadings.loc[sel, "b"].to_numpy()
            idx = [items.index(i) for i in loadings.loc[sel, "item"]]
            s_f = S[np.ix_(idx, idx)]
            rel[f] = {"cr": lam_u.sum() ** 2 * phi[k, k] / s_f.sum(),
                      "ave": np.sum(lam_u ** 2) * phi[k, k] / np.trace(s_f), "n_items": len(idx)}
            continue
        lam_s = loadings.loc[sel, "std"].to_numpy()
        s2, err = lam_s.sum() ** 2, np.sum(1 - lam_s ** 2)
        rel[f] = {"cr": s2 / (s2 + err), "ave": np.mean(lam_s ** 2), "n_items": len(lam_s)}
    reliability = pd.DataFrame.from_dict(rel, orient="index")
    reliability.index.name = "factor"
    sd = np.sqrt(np.diag(S))
    sd_sig = np.sqrt(np.diag(sigma))
    resid = pd.DataFrame(S / np.outer(sd, sd) - sigma / np.outer(sd_sig, sd_sig), index=items, columns=items)
    fit = _fit_indices(S, sigma, f_min, n, dof, p)
    return CFAResult(fit=fit, loadings=loadings, phi=phi_df, reliability=reliability,
                     parameters=par, residuals=resid, excluded=excluded, model=model, iterations=iters)


def _fit_on_sem_engine(X, factors, items, model, spec):
    """Estimate with the :func:`sem` engine (Fisher scoring, expected information) and return
    theta and vcov in ``_Spec``'s order (free loadings by item, factor (co)variances,
    residual variances), which the tables below are built from. The dict is turned into
    formulas directly, so item and factor names need not be lavaan identifiers."""
    parsed = ParsedModel([Formula(f, "=~", it, None, f"{f} =~ {' + '.join(its)}")
                          for f, its in model.items() for it in its])
    problem = Problem(pd.DataFrame(X, columns=items), parsed, func="cfa")
    theta_e, f_min, H, iters, converged = problem.fit(tol=1e-15)   # as the former cfa engine
    if not converged:
        warnings.warn(f"cfa: Fisher scoring did not converge in {iters} iterations; "
                      "estimates are unreliable", RuntimeWarning, stacklevel=3)
    try:
        vcov_e = 2.0 / problem.N * np.linalg.inv(H)
    except np.linalg.LinAlgError:
        raise ValueError("cfa: the information matrix is singular; the model is not "
                         "identified for these data (check factors with 2 items, or "
                         "items that are copies of each other)") from None
    where = {}
    for r in problem.partable:
        if r["free"]:
            key = (r["op"], r["lhs"], r["rhs"])
            where[key] = r["free"] - 1
            if r["op"] == "~~":
                where[("~~", r["rhs"], r["lhs"])] = r["free"] - 1
    perm = [where[("=~", factors[f], items[i])] for i, f in spec.lam_idx]
    perm += [where[("~~", factors[f], factors[g])] for f, g in spec.phi_idx]
    perm += [where[("~~", it, it)] for it in items]
    perm = np.array(perm)
    return theta_e[perm], f_min, vcov_e[np.ix_(perm, perm)], iters


def htmt(data: pd.DataFrame, model: dict, *, absolute: bool = True, htmt2: bool = False) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations (Henseler, Ringle & Sarstedt, 2015).

    Parameters
    ----------
    data : DataFrame
        Item responses; rows with a missing model item are dropped listwise.
    model : dict
        ``{factor: [items]}`` as for :func:`cfa`.
    absolute : bool, keyword-only
        Use absolute correlations (default True, as ``semTools::htmt``).
    htmt2 : bool, keyword-only
        False (default): Henseler et al.'s (2015) HTMT with arithmetic means.
        True: HTMT2 with geometric means (Roemer, Schuberth & Henseler, 2021), which is
        ``semTools::htmt``'s default from version 0.5-6 on (absolute values implied).

    Returns
    -------
    DataFrame
        factor x factor, symmetric, 1 on the diagonal.

    Notes
    -----
    HTMT_ij = mean(r between items of i and items of j) /
    sqrt(mean(r among items of i, off-diagonal) · mean(r among items of j, off-diagonal)),
    on Pearson correlations of the listwise-complete rows (HTMT2 uses geometric means). Values above 0.85 (or 0.90)
    suggest poor discriminant validity.

    Examples
    --------
    >>> htmt(hs, model)  # doctest: +SKIP
    # R: semTools::htmt("visual =~ x1 + x2 + x3 ...", data = HolzingerSwineford1939, htmt2 = FALSE)
    >>> htmt(hs, model, htmt2=True)  # doctest: +SKIP
    # R: semTools::htmt("visual =~ x1 + x2 + x3 ...", data = HolzingerSwineford1939)
    """
    factors, items, model = _check_model(data, model)
    X, _ = _listwise(data, items)
    R = pd.DataFrame(np.corrcoef(X, rowvar=False), index=items, columns=items)
    if absolute or htmt2:
        R = R.abs()
    mean = (lambda a: np.exp(np.mean(np.log(a)))) if htmt2 else np.mean
    mono = {}
    for f in factors:
        r = R.loc[model[f], model[f]].to_numpy()
        mono[f] = mean(r[np.tril_indices(len(r), -1)])
    out = pd.DataFrame(np.eye(len(factors)), index=pd.Index(factors, name="factor"),
                       columns=pd.Index(factors, name="factor"))
    for a in range(len(factors)):
        for b in range(a + 1, len(factors)):
            fa, fb = factors[a], factors[b]
            het = mean(R.loc[model[fa], model[fb]].to_numpy())
            out.iloc[a, b] = out.iloc[b, a] = het / np.sqrt(mono[fa] * mono[fb])
    return out
