"""Mediation (indirect effect with a seeded percentile, bias-corrected or BCa bootstrap) and moderation
(centred interaction, simple slopes at the mean and ±1 SD of the moderator)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._bootstrap import BOOT_CI, boot_interval
from .linear import OLSResult, _FMT, ols, term

__all__ = ["mediation", "MediationResult", "moderation", "ModerationResult", "plot_simple_slopes"]

_COLS = ["b", "se", "t", "p", "ci_low", "ci_high"]


def _complete(data, columns, who):
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"{who}: columns not in data: {missing}")
    keep = data[columns].notna().all(axis=1)
    if (~keep).any():
        warnings.warn(f"{who}: dropped {int((~keep).sum())} of {len(data)} rows with missing values "
                      f"in {columns}; their index is in result.excluded", UserWarning, stacklevel=3)
    return data.loc[keep], data.index[~keep]


def _row(res: OLSResult, name: str) -> dict:
    return res.table.loc[name, _COLS].to_dict()


@dataclass(frozen=True)
class MediationResult:
    """Result of :func:`mediation`."""

    paths: pd.DataFrame
    indirect: float
    ci_low: float
    ci_high: float
    proportion: float
    n: int
    n_boot: int
    seed: object
    ci: str
    level: float
    covariates: tuple
    boot: np.ndarray = field(repr=False, compare=False)
    excluded: pd.Index = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self.paths.copy()

    @property
    def interval(self) -> str:
        """The interval in words, for a table note: ``"95% 偏差校正 Bootstrap 置信区间（5000 次抽样）"``."""
        return (f"{self.level:.0%} {BOOT_CI[self.ci][0]} 置信区间（{self.n_boot} 次有放回抽样，"
                f"种子 {self.seed}）")

    def _repr_html_(self) -> str:
        return (f"<p>Mediation: indirect = {self.indirect:.4f}, {self.level:.0%} {BOOT_CI[self.ci][1]} CI "
                f"[{self.ci_low:.4f}, {self.ci_high:.4f}] ({self.n_boot} draws, seed {self.seed}); "
                f"proportion mediated = {self.proportion:.3f}</p>" + self.paths.to_html(**_FMT))


def _boot_coef(X: np.ndarray, y: np.ndarray, counts: np.ndarray, j: int) -> np.ndarray:
    """Coefficient j of y on X in each bootstrap sample given as case counts (B, n):
    X'WX and X'Wy for all samples in two matrix products, then a batched solve."""
    k = X.shape[1]
    xx = (X[:, :, None] * X[:, None, :]).reshape(len(X), k * k)
    XtX = (counts @ xx).reshape(-1, k, k)
    Xty = counts @ (X * y[:, None])
    try:
        return np.linalg.solve(XtX, Xty[:, :, None])[:, j, 0]
    except np.linalg.LinAlgError:          # a resample with a constant column: NaN for it
        out = np.full(len(XtX), np.nan)
        for r in range(len(XtX)):
            try:
                out[r] = np.linalg.solve(XtX[r], Xty[r])[j]
            except np.linalg.LinAlgError:
                pass
        return out


def _jackknife_counts(n: int, chunk: int):
    """Leave-one-out case counts, ``chunk`` rows at a time (for the BCa acceleration)."""
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        counts = np.ones((len(rows), n))
        counts[np.arange(len(rows)), rows] = 0.0
        yield counts


def mediation(data: pd.DataFrame, x: str, m: str, y: str, *, covariates: list | None = None,
              n_boot: int = 5000, seed=None, level: float = 0.95, ci: str = "percentile") -> MediationResult:
    """Simple mediation x -> m -> y (Hayes' PROCESS model 4) with a bootstrap CI of a·b.

    Parameters
    ----------
    data : DataFrame
    x, m, y : str
        Numeric columns: predictor, mediator, outcome.
    covariates : list of str, optional, keyword-only
        Columns added to the m, the y and the total-effect equations: numeric columns as
        they are, others (e.g. role) as treatment dummies with the first level (the
        category order) as reference, as :func:`ols`. Pass the main regression's controls
        so that both analyses adjust for the same variables.
    n_boot : int, keyword-only
        Bootstrap resamples of rows (default 5000).
    seed : int or numpy Generator, keyword-only
        Seed of the bootstrap (pass one: same seed, same CI).
    level : float, keyword-only
        Confidence level (default 0.95).
    ci : {"percentile", "bc", "bca"}, keyword-only
        Bootstrap interval: percentile (PROCESS's default since version 3), bias-corrected
        (PROCESS's ``bc`` option, Efron 1982) or bias-corrected and accelerated (BCa;
        acceleration from the leave-one-out jackknife). State it in the table note:
        ``result.interval`` says it in words.

    Returns
    -------
    MediationResult
        ``paths`` indexed by ``path`` (``a``: x -> m; ``b``: m -> y given x; ``c``: total;
        ``c_prime``: direct; ``indirect``: a·b; ``proportion``: a·b / c, the proportion
        mediated; ``sobel``) with ``b, se, t, p, ci_low, ci_high``. For ``indirect`` and
        ``proportion`` the se is the bootstrap SD and the CI the bootstrap interval of type
        ``ci`` (p is NaN); ``sobel`` has the same estimate with the Sobel (first-order
        delta) se, z in ``t``, normal p and CI. ``indirect, ci_low, ci_high, proportion``
        repeat them; ``boot`` holds the draws of a·b.

    Notes
    -----
    a from m ~ x + covariates; b and c' from y ~ x + m + covariates; c from
    y ~ x + covariates; a·b = c − c'. Each bootstrap sample resamples rows with
    replacement; the regressions are solved for all samples at once from case counts.
    Quantiles use linear interpolation (R's ``quantile`` type 7). The proportion mediated
    is unstable when c is near 0; read it only when c is clearly non-zero.

    Examples
    --------
    >>> mediation(mtcars, "hp", "wt", "mpg", covariates=["am"], seed=1, ci="bc")  # doctest: +SKIP
    # R: coef(lm(wt ~ hp + am))["hp"] * coef(lm(mpg ~ hp + wt + am))["wt"];
    #    bootstrap: boot::boot(...); bc interval: quantile(draws, pnorm(2 * z0 + qnorm(c(.025, .975))))
    """
    covariates = list(covariates or [])
    cols = [x, m, y] + covariates
    if len(set(cols)) != len(cols):
        raise ValueError(f"mediation: x, m, y and covariates must be distinct, got {cols}")
    if ci not in BOOT_CI:
        raise ValueError(f"mediation: ci must be one of {tuple(BOOT_CI)}, got {ci!r}")
    sub, excluded = _complete(data, cols, "mediation")
    bad = [c for c in (x, m, y) if not pd.api.types.is_numeric_dtype(sub[c])]
    if bad:
        raise TypeError(f"mediation: x, m and y must be numeric: {bad}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    cov = "".join(f" + {term(sub, c)}" for c in covariates)
    tx, tm, ty = term(sub, x), term(sub, m), term(sub, y)
    fa = ols(sub, f"{tm} ~ {tx}{cov}", level=level)
    fb = ols(sub, f"{ty} ~ {tx} + {tm}{cov}", level=level)
    fc = ols(sub, f"{ty} ~ {tx}{cov}", level=level)
    a, b, c = fa.table.loc[x, "b"], fb.table.loc[m, "b"], fc.table.loc[x, "b"]
    ab = a * b

    # the three designs as the fits built them (dummies included); the columns of x and m
    design = lambda res: np.asarray(res.model.model.exog, dtype=float)
    col = lambda res, name: list(res.table.index).index(name)
    Xa, Xb, Xc = design(fa), design(fb), design(fc)
    ja, jb, jc = col(fa, x), col(fb, m), col(fc, x)
    vm, vy = sub[m].to_numpy(float), sub[y].to_numpy(float)

    def estimates(counts):
        with np.errstate(all="ignore"):
            ea = _boot_coef(Xa, vm, counts, ja) * _boot_coef(Xb, vy, counts, jb)
            return ea, ea / _boot_coef(Xc, vy, counts, jc)

    rng = np.random.default_rng(seed)
    n = len(sub)
    boot, prop = np.empty(n_boot), np.empty(n_boot)
    chunk = max(1, min(n_boot, 4_000_000 // max(n, 1)))
    for start in range(0, n_boot, chunk):
        B = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(B, n))
        counts = np.bincount((idx + n * np.arange(B)[:, None]).ravel(), minlength=B * n)
        boot[start:start + B], prop[start:start + B] = estimates(counts.reshape(B, n).astype(float))
    bad = ~np.isfinite(boot)
    if bad.any():
        warnings.warn(f"mediation: {int(bad.sum())} of {n_boot} bootstrap resamples had a singular "
                      f"design (e.g. a constant covariate) and were left out", UserWarning, stacklevel=2)
    jack = None
    if ci == "bca":
        jack = np.vstack([np.column_stack(estimates(cnt)) for cnt in _jackknife_counts(n, chunk)])
    draws = np.column_stack([boot, prop])[~bad]
    lo, hi = boot_interval(draws, np.array([ab, ab / c]), level, ci, jack)
    alpha = 1 - level
    se_a, se_b = fa.table.loc[x, "se"], fb.table.loc[m, "se"]
    sob_se = np.sqrt(b ** 2 * se_a ** 2 + a ** 2 * se_b ** 2)
    z, zc = ab / sob_se, stats.norm.ppf(1 - alpha / 2)
    paths = pd.DataFrame.from_dict({
        "a": _row(fa, x), "b": _row(fb, m), "c": _row(fc, x), "c_prime": _row(fb, x),
        "indirect": {"b": ab, "se": np.std(draws[:, 0], ddof=1), "t": np.nan, "p": np.nan,
                     "ci_low": lo[0], "ci_high": hi[0]},
        "proportion": {"b": ab / c, "se": np.nanstd(draws[:, 1], ddof=1), "t": np.nan, "p": np.nan,
                       "ci_low": lo[1], "ci_high": hi[1]},
        "sobel": {"b": ab, "se": sob_se, "t": z, "p": 2 * stats.norm.sf(abs(z)),
                  "ci_low": ab - zc * sob_se, "ci_high": ab + zc * sob_se},
    }, orient="index")[_COLS]
    paths.index.name = "path"
    return MediationResult(paths=paths, indirect=float(ab), ci_low=float(lo[0]), ci_high=float(hi[0]),
                           proportion=float(ab / c), n=n, n_boot=n_boot, seed=seed, ci=ci, level=level,
                           covariates=tuple(covariates), boot=boot, excluded=excluded)


@dataclass(frozen=True)
class ModerationResult:
    """Result of :func:`moderation`."""

    table: pd.DataFrame
    slopes: pd.DataFrame
    r2: float
    r2_change: float
    f_change: float
    p_change: float
    n: int
    x: str
    w: str
    y: str
    means: dict
    fit: OLSResult = field(repr=False, compare=False)
    excluded: pd.Index = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self.slopes.copy()

    def plot(self, **kwargs):
        return plot_simple_slopes(self, **kwargs)

    def _repr_html_(self) -> str:
        return (f"<p>Moderation of {self.x} -> {self.y} by {self.w}: R² = {self.r2:.3f}, "
                f"ΔR² (interaction) = {self.r2_change:.3f}, F(1, {self.fit.df_resid:g}) = {self.f_change:.3f}, "
                f"p = {self.p_change:.3g}</p>" + self.table.to_html(**_FMT)
                + "<h5>Simple slopes</h5>" + self.slopes.to_html(**_FMT))


def moderation(data: pd.DataFrame, x: str, w: str, y: str, *, covariates: list | None = None,
               level: float = 0.95) -> ModerationResult:
    """Moderation with a mean-centred interaction and simple slopes at mean ± 1 SD of w.

    Parameters
    ----------
    data : DataFrame
    x, w, y : str
        Numeric columns: focal predictor, moderator, outcome.
    covariates : list of str, optional, keyword-only
        Further predictors (non-numeric columns become dummies).
    level : float, keyword-only
        Confidence level of the CIs (default 0.95).

    Returns
    -------
    ModerationResult
        ``table``: :func:`ols` table of y ~ x_c + w_c + x_c:w_c (+ covariates), terms named
        ``x, w, x:w``; ``slopes`` indexed by ``level`` (``-1 SD, mean, +1 SD``) with ``w``
        (the moderator value), ``b, se, t, p, ci_low, ci_high`` of the slope of x;
        ``r2``; ``r2_change`` from adding the interaction, with its test ``f_change``
        (F(1, df_resid) = t² of the interaction) and ``p_change``; ``fit``: the OLS result.
        Report the interaction row and ΔR² with the simple slopes: slopes of a moderation
        whose interaction is not significant do not differ from one another.

    Notes
    -----
    x and w are centred at their sample means (SD with n − 1). The slope of x at w = w0 is
    b_x + b_xw·(w0 − mean w), with se² = V_xx + (w0 − mean w)²·V_xw,xw + 2(w0 − mean w)·V_x,xw,
    and t on the residual df (Aiken & West, 1991).

    Examples
    --------
    >>> moderation(mtcars, "hp", "wt", "mpg")  # doctest: +SKIP
    # R: lm(mpg ~ hp_c * wt_at, mtcars) with wt_at = wt - (mean(wt) + k * sd(wt))
    """
    covariates = list(covariates or [])
    sub, excluded = _complete(data, [x, w, y] + covariates, "moderation")
    bad = [c for c in (x, w, y) if not pd.api.types.is_numeric_dtype(sub[c])]
    if bad:
        raise TypeError(f"moderation: x, w and y must be numeric: {bad}")
    means = {x: sub[x].mean(), w: sub[w].mean()}
    sd_w = sub[w].std(ddof=1)
    d = pd.DataFrame({"_y": sub[y], "_x": sub[x] - means[x], "_w": sub[w] - means[w]}, index=sub.index)
    cov_terms = "".join(f" + {term(sub, c)}" for c in covariates)
    d = d.join(sub[covariates]) if covariates else d
    full = ols(d, "_y ~ _x * _w" + cov_terms, level=level)
    base = ols(d, "_y ~ _x + _w" + cov_terms, level=level)
    rename = {"_x": x, "_w": w, "_x:_w": f"{x}:{w}"}
    table = full.table.rename(index=rename)
    V = full.model.cov_params()
    bx, bxw = full.table.loc["_x", "b"], full.table.loc["_x:_w", "b"]
    crit = stats.t.ppf(0.5 + level / 2, full.df_resid)
    rows = {}
    for label, k in (("-1 SD", -1), ("mean", 0), ("+1 SD", 1)):
        dw = k * sd_w
        b = bx + bxw * dw
        se = np.sqrt(V.loc["_x", "_x"] + dw ** 2 * V.loc["_x:_w", "_x:_w"] + 2 * dw * V.loc["_x", "_x:_w"])
        t = b / se
        rows[label] = {"w": means[w] + dw, "b": b, "se": se, "t": t,
                       "p": 2 * stats.t.sf(abs(t), full.df_resid), "ci_low": b - crit * se, "ci_high": b + crit * se}
    slopes = pd.DataFrame.from_dict(rows, orient="index")
    slopes.index.name = "level"
    d_r2 = full.r2 - base.r2
    f_ch = d_r2 / ((1 - full.r2) / full.df_resid)
    return ModerationResult(table=table, slopes=slopes, r2=full.r2, r2_change=d_r2, f_change=float(f_ch),
                            p_change=float(stats.f.sf(f_ch, 1, full.df_resid)), n=full.n,
                            x=x, w=w, y=y, means={**means, "sd_" + w: sd_w, "sd_" + x: sub[x].std(ddof=1)},
                            fit=full, excluded=excluded)


def plot_simple_slopes(result: ModerationResult, *, ax=None, xlabel: str | None = None,
                       ylabel: str | None = None, legend_title: str | None = None):
    """Plot the simple slopes of a :func:`moderation` result: predicted y over x (mean ± 1 SD
    of x) at w = mean − 1 SD, mean and mean + 1 SD, covariates at their means.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_simple_slopes(moderation(mtcars, "hp", "wt", "mpg"))  # doctest: +SKIP
    # R: interactions::interact_plot(lm(mpg ~ hp * wt, mtcars), pred = hp, modx = wt)
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, ModerationResult):
        raise TypeError(f"plot_simple_slopes needs a ModerationResult, got {type(result).__name__}")
    fig, ax = (plt.subplots(figsize=(5, 5)) if ax is None else (ax.figure, ax))
    fit = result.fit.model
    X = pd.DataFrame(fit.model.exog, columns=fit.model.exog_names)
    base = X.mean()                               # covariates (and dummies) at their means
    sd_x = result.means["sd_" + result.x]
    xs = np.linspace(-sd_x, sd_x, 2)
    for (label, row), style in zip(result.slopes.iterrows(), ["--", "-", ":"]):
        wc = row["w"] - result.means[result.w]
        pts = pd.DataFrame([base] * len(xs))
        pts["_x"], pts["_w"], pts["_x:_w"] = xs, wc, xs * wc
        yhat = pts.to_numpy() @ fit.params[pts.columns].to_numpy()
        ax.plot(xs + result.means[result.x], yhat, style, color="k",
                label=f"{label} ({row['w']:.2f}): b = {row['b']:.3f}")
    ax.set_xlabel(xlabel or result.x)
    ax.set_ylabel(ylabel or result.y)
    ax.legend(title=legend_title or result.w, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              frameon=False)                       # below the axes: never over a line
    fig.tight_layout()
    return fig
