"""Group differences for comparing respondent roles and school types: t-tests with Cohen's d,
one-way ANOVA (with η², ω² and Welch's F), Levene's test, and χ² crosstabs with Cramér's V
(optionally bias-corrected). Pairwise comparisons (Tukey HSD, Games–Howell) live in
:mod:`.pairwise`.

Validated against R's ``t.test``, ``effectsize::cohens_d``, ``aov``, ``oneway.test``,
``effectsize::eta_squared``/``omega_squared``, ``car::leveneTest``, ``chisq.test`` and
``effectsize::cramers_v`` (``tests/reference/make_reference_regression.R`` and
``tests/reference/make_reference_groups.R``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["ttest", "TTestResult", "anova", "AnovaResult", "levene", "crosstab", "CrosstabResult",
           "describe_groups", "compare_groups"]


_FMT = {"float_format": lambda v: f"{v:.3f}"}


def _groups(data, dv, group, who, numeric=True):
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in (dv, group) if c not in data.columns]
    if missing:
        raise ValueError(f"{who}: columns not in data: {missing}; data has {list(data.columns)[:30]}")
    if numeric and not pd.api.types.is_numeric_dtype(data[dv]):
        raise TypeError(f"{who}: {dv!r} must be numeric, got {data[dv].dtype}")
    keep = data[[dv, group]].notna().all(axis=1)
    if (~keep).any():
        warnings.warn(f"{who}: dropped {int((~keep).sum())} of {len(data)} rows with missing "
                      f"{dv!r} or {group!r}", UserWarning, stacklevel=3)
    sub = data.loc[keep, [dv, group]]
    g = sub[group]
    if pd.api.types.is_float_dtype(g) and np.all(np.mod(g.to_numpy(float), 1) == 0):
        sub = sub.assign(**{group: g.astype("int64")})   # 1.0, 2.0 (a column with NaN) -> 1, 2
    return sub


def describe_groups(data: pd.DataFrame, dv: str, group: str, *, level: float | None = None) -> pd.DataFrame:
    """``n, mean, sd`` (n − 1) of ``dv`` per level of ``group`` (sorted levels, or the
    category order), indexed by the group level.

    With ``level`` (e.g. 0.95) also ``se`` and the t interval of the mean, ``ci_low,
    ci_high`` (NaN for a group of one), as R's ``t.test(x, conf.level = level)$conf.int``.

    Examples
    --------
    >>> describe_groups(mtcars, "mpg", "cyl")  # doctest: +SKIP
    # R: aggregate(mpg ~ cyl, mtcars, function(v) c(n = length(v), mean = mean(v), sd = sd(v)))
    """
    sub = _groups(data, dv, group, "describe_groups")
    out = sub.groupby(group, sort=True, observed=True)[dv].agg(n="count", mean="mean", sd="std")
    out["n"] = out["n"].astype(int)
    if level is not None:
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        n = out["n"].to_numpy(float)
        se = out["sd"].to_numpy(float) / np.sqrt(n)
        with np.errstate(invalid="ignore"):
            half = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * se, np.nan)
        out["se"] = np.where(n > 1, se, np.nan)
        out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    return out


# --------------------------------------------------------------------------- t-test
def _ncp_ci(t, dof, level):
    """Noncentrality parameters whose t distributions put t at the upper/lower tail
    (``effectsize:::.get_ncp_t``)."""
    def solve(target):
        g = lambda ncp: stats.nct.cdf(t, dof, ncp) - target
        lo, hi = t - 1, t + 1          # step out slowly: scipy's nct.cdf can be NaN far in the tails
        while g(lo) < 0:
            lo -= 1
        while g(hi) > 0:
            hi += 1
        return optimize.brentq(g, lo, hi, xtol=1e-12)
    return solve((1 + level) / 2), solve((1 - level) / 2)


@dataclass(frozen=True)
class TTestResult:
    """Result of :func:`ttest`."""

    table: pd.DataFrame
    descriptives: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_html_(self) -> str:
        return self.descriptives.to_html(**_FMT) + self.table.to_html(**_FMT)


def ttest(data: pd.DataFrame, dv: str, group: str, *, levels: list | None = None,
          level: float = 0.95) -> TTestResult:
    """Independent-samples t-tests (Student and Welch) with Cohen's d and its CI.

    Parameters
    ----------
    data : DataFrame
    dv : str
        Numeric outcome column.
    group : str
        Grouping column with exactly two levels (or pick two with ``levels``).
    levels : list of two, optional, keyword-only
        The two levels, in the order of the difference (first − second). Default: the
        sorted levels, as R's factor order.
    level : float, keyword-only
        Confidence level (default 0.95).

    Returns
    -------
    TTestResult
        ``table`` indexed by ``test`` (``student``, ``welch``) with ``t, dof, p, mean_diff,
        ci_low, ci_high`` (of the mean difference), ``d, d_ci_low, d_ci_high``;
        ``descriptives``: ``n, mean, sd`` per group.

    Notes
    -----
    Student's row: pooled SD, d = (m1 − m2)/s_pooled. Welch's row: Welch–Satterthwaite df,
    d = (m1 − m2)/sqrt((s1² + s2²)/2). CIs of d invert the noncentral t distribution, as
    ``effectsize::cohens_d`` (``pooled_sd = TRUE``/``FALSE``).

    Examples
    --------
    >>> ttest(mtcars, "mpg", "am")  # doctest: +SKIP
    # R: t.test(mpg ~ am, mtcars, var.equal = TRUE); t.test(mpg ~ am, mtcars)
    #    effectsize::cohens_d(mpg ~ am, data = mtcars)
    """
    sub = _groups(data, dv, group, "ttest")
    found = sorted(sub[group].unique().tolist()) if levels is None else list(levels)
    if len(found) != 2:
        raise ValueError(f"ttest: {group!r} must have exactly 2 levels, found {found}; "
                         f"pass levels=[a, b] to pick two")
    x = sub.loc[sub[group] == found[0], dv].to_numpy(float)
    y = sub.loc[sub[group] == found[1], dv].to_numpy(float)
    n1, n2 = len(x), len(y)
    if min(n1, n2) < 2:
        raise ValueError(f"ttest: each group needs >= 2 observations, got {found[0]}: {n1}, {found[1]}: {n2}")
    m1, m2, v1, v2 = x.mean(), y.mean(), x.var(ddof=1), y.var(ddof=1)
    diff = m1 - m2
    rows = {}
    sp = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    se_w = np.sqrt(v1 / n1 + v2 / n2)
    dof_w = se_w ** 4 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    s_avg = np.sqrt((v1 + v2) / 2)
    specs = {"student": (sp * np.sqrt(1 / n1 + 1 / n2), n1 + n2 - 2, sp, 1 / n1 + 1 / n2),
             "welch": (se_w, dof_w, s_avg, 2 * (n2 * v1 + n1 * v2) / (n1 * n2 * (v1 + v2)))}
    for name, (se, dof, s, hn) in specs.items():
        t = diff / se
        crit = stats.t.ppf((1 + level) / 2, dof)
        lo, hi = _ncp_ci(t, dof, level)
        rows[name] = {"t": t, "dof": dof, "p": 2 * stats.t.sf(abs(t), dof), "mean_diff": diff,
                      "ci_low": diff - crit * se, "ci_high": diff + crit * se,
                      "d": diff / s, "d_ci_low": lo * np.sqrt(hn), "d_ci_high": hi * np.sqrt(hn)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "test"
    desc = pd.DataFrame({"n": [n1, n2], "mean": [m1, m2], "sd": np.sqrt([v1, v2])},
                        index=pd.Index(found, name=group))
    return TTestResult(table=table, descriptives=desc)


# --------------------------------------------------------------------------- ANOVA
@dataclass(frozen=True)
class AnovaResult:
    """Result of :func:`anova`."""

    table: pd.DataFrame
    eta2: float
    welch: pd.Series
    descriptives: pd.DataFrame
    omega2: float = np.nan

    @property
    def f(self) -> float:
        return float(self.table.loc["between", "f"])

    @property
    def p(self) -> float:
        return float(self.table.loc["between", "p"])

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_html_(self) -> str:
        return (self.descriptives.to_html(**_FMT) + self.table.to_html(**_FMT)
                + f"<p>η² = {self.eta2:.3f}, ω² = {self.omega2:.3f}; Welch F({self.welch['df1']:g}, {self.welch['df2']:.2f}) = "
                f"{self.welch['f']:.3f}, p = {self.welch['p']:.3g}</p>")


def anova(data: pd.DataFrame, dv: str, group: str) -> AnovaResult:
    """One-way ANOVA with η² and ω², and Welch's ANOVA for unequal variances.

    Parameters
    ----------
    data : DataFrame
    dv : str
        Numeric outcome column.
    group : str
        Grouping column (two or more levels).

    Returns
    -------
    AnovaResult
        ``table`` indexed by ``source`` (``between, within, total``) with ``ss, dof, ms, f,
        p``; ``eta2`` = SS_between/SS_total; ``omega2`` (see Notes); ``welch``: Series
        ``f, df1, df2, p``; ``descriptives``: ``n, mean, sd`` per group; ``f`` and ``p``
        properties.

    Notes
    -----
    ω² = (SS_b − df_b·MS_w)/(SS_t + MS_w) (Hays 1963), the less biased estimate of the
    population η². It is negative when F < 1; like ``effectsize::omega_squared`` (0.8.x:
    ``pmax(0, Omega2)``) it is then reported as 0.

    Welch (1951): w_i = n_i/s_i², F = [Σw_i(ȳ_i − ȳ_w)²/(k − 1)] /
    [1 + 2(k − 2)/(k² − 1)·Σ(1 − w_i/W)²/(n_i − 1)], df2 = (k² − 1)/(3Σ(1 − w_i/W)²/(n_i − 1)).

    Examples
    --------
    >>> anova(mtcars, "mpg", "cyl")  # doctest: +SKIP
    # R: summary(aov(mpg ~ factor(cyl), mtcars)); oneway.test(mpg ~ cyl, mtcars)
    #    fit <- aov(mpg ~ factor(cyl), mtcars)
    #    effectsize::eta_squared(fit, partial = FALSE); effectsize::omega_squared(fit, partial = FALSE)
    """
    sub = _groups(data, dv, group, "anova")
    desc = sub.groupby(group, sort=True, observed=True)[dv].agg(n="count", mean="mean", sd="std")
    k = len(desc)
    if k < 2:
        raise ValueError(f"anova: {group!r} has {k} level(s) with data; need at least 2")
    if (desc["n"] < 2).any():
        raise ValueError(f"anova: every group needs >= 2 observations: {desc['n'].to_dict()}")
    y = sub[dv].to_numpy(float)
    n, grand = len(y), y.mean()
    ss_b = float(np.sum(desc["n"] * (desc["mean"] - grand) ** 2))
    ss_t = float(np.sum((y - grand) ** 2))
    ss_w = ss_t - ss_b
    df_b, df_w = k - 1, n - k
    f = (ss_b / df_b) / (ss_w / df_w)
    table = pd.DataFrame({"ss": [ss_b, ss_w, ss_t], "dof": [df_b, df_w, n - 1],
                          "ms": [ss_b / df_b, ss_w / df_w, np.nan],
                          "f": [f, np.nan, np.nan], "p": [stats.f.sf(f, df_b, df_w), np.nan, np.nan]},
                         index=pd.Index(["between", "within", "total"], name="source"))
    nn, mm, vv = desc["n"].to_numpy(float), desc["mean"].to_numpy(), desc["sd"].to_numpy() ** 2
    w = nn / vv
    W = w.sum()
    mw = np.sum(w * mm) / W
    tmp = np.sum((1 - w / W) ** 2 / (nn - 1))
    fw = (np.sum(w * (mm - mw) ** 2) / (k - 1)) / (1 + 2 * (k - 2) / (k ** 2 - 1) * tmp)
    df2 = (k ** 2 - 1) / (3 * tmp)
    welch = pd.Series({"f": fw, "df1": float(k - 1), "df2": df2, "p": stats.f.sf(fw, k - 1, df2)}, name="welch")
    desc["n"] = desc["n"].astype(int)
    omega2 = max(0.0, (ss_b - df_b * ss_w / df_w) / (ss_t + ss_w / df_w))
    return AnovaResult(table=table, eta2=ss_b / ss_t, welch=welch, descriptives=desc, omega2=omega2)


def levene(data: pd.DataFrame, dv: str, group: str, *, center: str = "median") -> pd.Series:
    """Levene's test of equal variances across the levels of ``group``.

    Parameters
    ----------
    data : DataFrame
    dv : str
        Numeric outcome column.
    group : str
        Grouping column (two or more levels).
    center : {"median", "mean"}, keyword-only
        ``"median"`` (default, as ``car::leveneTest``): the Brown–Forsythe variant, robust
        to skewed data; ``"mean"``: Levene's (1960) original test.

    Returns
    -------
    Series
        ``f, df1, df2, p`` (``df1 = k − 1``, ``df2 = n − k``), named ``levene``; its
        ``attrs["center"]`` says which centre was used.

    Notes
    -----
    The one-way ANOVA F of the absolute deviations |y_ij − c_i|, where c_i is the median
    (or mean) of group i. Rows with a missing ``dv`` or ``group`` are dropped with a warning.

    Examples
    --------
    >>> levene(mtcars, "mpg", "cyl")  # doctest: +SKIP
    # R: car::leveneTest(mpg ~ factor(cyl), mtcars)                 # center = median
    #    car::leveneTest(mpg ~ factor(cyl), mtcars, center = mean)
    """
    if center not in ("median", "mean"):
        raise ValueError(f"levene: center must be 'median' or 'mean', got {center!r}")
    sub = _groups(data, dv, group, "levene")
    by = sub.groupby(group, sort=True, observed=True)[dv]
    k, n = by.ngroups, len(sub)
    if k < 2:
        raise ValueError(f"levene: {group!r} has {k} level(s) with data; need at least 2")
    if n <= k:
        raise ValueError(f"levene: {n} observations in {k} groups leave no residual df")
    dev = (sub[dv] - by.transform(center)).abs()
    g = dev.groupby(sub[group], sort=True, observed=True)
    ss_b = float(np.sum(g.count() * (g.mean() - dev.mean()) ** 2))
    ss_w = float(np.sum((dev - g.transform("mean")) ** 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (ss_b / (k - 1)) / (ss_w / (n - k))
    out = pd.Series({"f": f, "df1": float(k - 1), "df2": float(n - k), "p": stats.f.sf(f, k - 1, n - k)},
                    name="levene")
    out.attrs["center"] = center
    return out


def compare_groups(data: pd.DataFrame, dvs: list, group: str, *, center: str = "median") -> pd.DataFrame:
    """One-way ANOVA of several outcomes on one grouping column, one row per outcome, with the
    effect sizes and the checks a reviewer asks for.

    Parameters
    ----------
    data : DataFrame
    dvs : list of str
        Numeric outcome columns.
    group : str
        Grouping column.
    center : {"median", "mean"}, keyword-only
        Centre of :func:`levene` (default ``"median"``, as ``car::leveneTest``).

    Returns
    -------
    DataFrame
        indexed by ``dv`` with the group means (one column per level, named by the level),
        ``f, df1, df2, p, eta2, omega2`` (classical ANOVA, see :func:`anova`),
        ``welch_f, welch_df1, welch_df2, welch_p`` (Welch's ANOVA) and ``levene_f,
        levene_p`` (Levene's test; its df are ``df1, df2``). Each outcome uses its own
        complete rows.

    Examples
    --------
    >>> compare_groups(scores, ["resources", "execution"], "role")  # doctest: +SKIP
    # R: sapply(c("resources", "execution"), function(v) summary(aov(scores[[v]] ~ role))[[1]][1, ])
    #    effectsize::omega_squared(aov(resources ~ role, scores), partial = FALSE)
    #    oneway.test(resources ~ role, scores); car::leveneTest(resources ~ role, scores)
    """
    rows = {}
    for dv in dvs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # per-outcome missing rows
            res = anova(data, dv, group)
            lev = levene(data, dv, group, center=center)
        t = res.table
        rows[dv] = {**res.descriptives["mean"].to_dict(),
                    "f": t.loc["between", "f"], "df1": int(t.loc["between", "dof"]), "df2": int(t.loc["within", "dof"]),
                    "p": t.loc["between", "p"], "eta2": res.eta2, "omega2": res.omega2,
                    "welch_f": res.welch["f"], "welch_df1": res.welch["df1"], "welch_df2": res.welch["df2"],
                    "welch_p": res.welch["p"], "levene_f": lev["f"], "levene_p": lev["p"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "dv"
    return out


# --------------------------------------------------------------------------- crosstab
@dataclass(frozen=True)
class CrosstabResult:
    """Result of :func:`crosstab`."""

    observed: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    chi2: float
    dof: int
    p: float
    cramers_v: float
    n: int
    correction: bool
    cramers_v_adj: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row: ``chi2, dof, p, cramers_v``, ``cramers_v_adj`` (when ``crosstab`` was
        called with ``adjust=True``), ``n``."""
        row = {"chi2": self.chi2, "dof": self.dof, "p": self.p, "cramers_v": self.cramers_v}
        if self.cramers_v_adj is not None:
            row["cramers_v_adj"] = self.cramers_v_adj
        return pd.DataFrame([{**row, "n": self.n}])

    def _repr_html_(self) -> str:
        adj = "" if self.cramers_v_adj is None else f" (bias-corrected {self.cramers_v_adj:.3f})"
        return (self.observed.to_html() + f"<p>χ²({self.dof}) = {self.chi2:.3f}, p = {self.p:.3g}, "
                f"Cramér's V = {self.cramers_v:.3f}{adj}, n = {self.n}</p>")


def crosstab(data: pd.DataFrame, row: str, col: str, *, correction: bool = True,
             adjust: bool = False) -> CrosstabResult:
    """Pearson χ² test of independence on a crosstab, with Cramér's V.

    Parameters
    ----------
    data : DataFrame
    row, col : str
        Categorical columns.
    correction : bool, keyword-only
        Yates' continuity correction for 2 x 2 tables (default True, as R's ``chisq.test``
        and scipy; it has no effect on larger tables). Cramér's V always uses the
        uncorrected χ² (as ``effectsize::cramers_v``).
    adjust : bool, keyword-only
        Also compute the bias-corrected V of Bergsma (2013), ``cramers_v_adj`` (default
        False). Note that ``effectsize::cramers_v`` (0.8.x) defaults to ``adjust = TRUE``;
        ``cramers_v`` here is always the unadjusted V, its ``adjust = FALSE``.

    Returns
    -------
    CrosstabResult
        ``observed`` and ``expected`` counts (row levels x column levels), ``residuals``
        (adjusted standardized residuals, as SPSS), ``chi2, dof, p, cramers_v, n``, and
        ``cramers_v_adj`` (None unless ``adjust=True``).

    Notes
    -----
    V = sqrt(χ²/(n·(min(r, c) − 1))), with the uncorrected χ². The bias-corrected V
    (Bergsma 2013, J. Korean Stat. Soc. 42, 323–328) replaces φ² = χ²/n by
    φ²_adj = max(0, φ² − (r − 1)(c − 1)/(n − 1)) and r, c by r̃ = r − (r − 1)²/(n − 1),
    c̃ = c − (c − 1)²/(n − 1): V_adj = sqrt(φ²_adj/(min(r̃, c̃) − 1)). It is 0 when the
    association is no larger than chance would give. A warning is raised when an expected
    count is below 5 (as R's "Chi-squared approximation may be incorrect").

    Examples
    --------
    >>> crosstab(mtcars, "cyl", "gear", adjust=True)  # doctest: +SKIP
    # R: chisq.test(table(mtcars$cyl, mtcars$gear))
    #    effectsize::cramers_v(table(mtcars$cyl, mtcars$gear), adjust = FALSE)   # cramers_v
    #    effectsize::cramers_v(table(mtcars$cyl, mtcars$gear), adjust = TRUE)    # cramers_v_adj
    """
    sub = _groups(data, row, col, "crosstab", numeric=False)
    obs = pd.crosstab(sub[row], sub[col])
    if min(obs.shape) < 2:
        raise ValueError(f"crosstab: need at least 2 levels in each of {row!r}, {col!r}; got {obs.shape}")
    chi2, p, dof, exp = stats.chi2_contingency(obs.to_numpy(), correction=correction)
    raw = stats.chi2_contingency(obs.to_numpy(), correction=False)[0]
    n = int(obs.to_numpy().sum())
    if (exp < 5).any():
        warnings.warn(f"crosstab: {int((exp < 5).sum())} expected count(s) below 5 in {row} x {col}; "
                      f"the χ² approximation may be poor", UserWarning, stacklevel=2)
    rs, cs = obs.sum(axis=1).to_numpy()[:, None] / n, obs.sum(axis=0).to_numpy()[None, :] / n
    adj = (obs.to_numpy() - exp) / np.sqrt(exp * (1 - rs) * (1 - cs))
    expected = pd.DataFrame(exp, index=obs.index, columns=obs.columns)
    residuals = pd.DataFrame(adj, index=obs.index, columns=obs.columns)
    v = float(np.sqrt(raw / (n * (min(obs.shape) - 1))))
    v_adj = _cramers_v_adj(raw, n, *obs.shape) if adjust else None
    return CrosstabResult(observed=obs, expected=expected, residuals=residuals, chi2=float(chi2),
                          dof=int(dof), p=float(p), cramers_v=v, n=n, correction=correction,
                          cramers_v_adj=v_adj)


def _cramers_v_adj(chi2: float, n: int, r: int, c: int) -> float:
    """Bergsma's (2013) bias-corrected Cramér's V (``effectsize:::.adjust_phi`` and
    ``chisq_to_cramers_v(adjust = TRUE)``); NaN when n is too small for the correction."""
    if n < 2:
        return float("nan")
    phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
    k = min(r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)) - 1
    return float(np.sqrt(phi2 / k)) if k > 0 else float("nan")
