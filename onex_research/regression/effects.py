"""Mediation (indirect effect with a seeded percentile bootstrap) and moderation
(centred interaction, simple slopes at the mean and ±1 SD of the moderator)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

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
    n: int
    n_boot: int
    seed: object
    boot: np.ndarray = field(repr=False, compare=False)
    excluded: pd.Index = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        return self.paths.copy()

    def _repr_html_(self) -> str:
        return (f"<p>Mediation: indirect = {self.indirect:.4f}, {self.n_boot} bootstrap draws "
                f"(seed {self.seed}), CI [{self.ci_low:.4f}, {self.ci_high:.4f}]</p>" + self.paths.to_html(**_FMT))


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


def mediation(data: pd.DataFrame, x: str, m: str, y: str, *, covariates: list | None = None,
              n_boot: int = 5000, seed=None, level: float = 0.95) -> MediationResult:
    """Simple mediation x -> m -> y (Hayes' PROCESS model 4) with a percentile-bootstrap CI.

    Parameters
    ----------
    data : DataFrame
    x, m, y : str
        Numeric columns: predictor, mediator, outcome.
    covariates : list of str, optional, keyword-only
        Numeric columns added to both the m and the y equations.
    n_boot : int, keyword-only
        Bootstrap resamples of rows (default 5000).
    seed : int or numpy Generator, keyword-only
        Seed of the bootstrap (pass one: same seed, same CI).
    level : float, keyword-only
        Confidence level (default 0.95).

    Returns
    -------
    MediationResult
        ``paths`` indexed by ``path`` (``a``: x -> m; ``b``: m -> y given x; ``c``: total;
        ``c_prime``: direct; ``indirect``: a·b; ``sobel``) with ``b, se, t, p, ci_low,
        ci_high``. For ``indirect`` the se is the bootstrap SD and the CI the bootstrap
        percentile interval (p is NaN); ``sobel`` has the same estimate with the Sobel
        (first-order delta) se, z in ``t``, normal p and CI. ``indirect, ci_low, ci_high``
        repeat the bootstrap result; ``boot`` holds the draws.

    Notes
    -----
    a from m ~ x + covariates; b and c' from y ~ x + m + covariates; c from
    y ~ x + covariates; a·b = c − c'. Each bootstrap sample resamples rows with
    replacement; both regressions are solved for all samples at once from case counts.
    Percentile bounds use linear interpolation (R's ``quantile`` type 7).

    Examples
    --------
    >>> mediation(mtcars, "hp", "wt", "mpg", covariates=["am"], seed=1)  # doctest: +SKIP
    # R: coef(lm(wt ~ hp + am))["hp"] * coef(lm(mpg ~ hp + wt + am))["wt"];
    #    bootstrap: boot::boot(...) with percentile CIs
    """
    covariates = list(covariates or [])
    cols = [x, m, y] + covariates
    if len(set(cols)) != len(cols):
        raise ValueError(f"mediation: x, m, y and covariates must be distinct, got {cols}")
    sub, excluded = _complete(data, cols, "mediation")
    bad = [c for c in cols if not pd.api.types.is_numeric_dtype(sub[c])]
    if bad:
        raise TypeError(f"mediation: columns must be numeric (make dummies first): {bad}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    cov = "".join(f" + {term(sub, c)}" for c in covariates)
    tx, tm, ty = term(sub, x), term(sub, m), term(sub, y)
    fa = ols(sub, f"{tm} ~ {tx}{cov}", level=level)
    fb = ols(sub, f"{ty} ~ {tx} + {tm}{cov}", level=level)
    fc = ols(sub, f"{ty} ~ {tx}{cov}", level=level)
    a, b = fa.table.loc[x, "b"], fb.table.loc[m, "b"]
    ab = a * b

    rng = np.random.default_rng(seed)
    n = len(sub)
    Xa = np.column_stack([np.ones(n), sub[[x] + covariates].to_numpy(float)])
    Xb = np.column_stack([np.ones(n), sub[[x, m] + covariates].to_numpy(float)])
    vm, vy = sub[m].to_numpy(float), sub[y].to_numpy(float)
    boot = np.empty(n_boot)
    chunk = max(1, min(n_boot, 4_000_000 // max(n, 1)))
    for start in range(0, n_boot, chunk):
        B = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(B, n))
        counts = np.bincount((idx + n * np.arange(B)[:, None]).ravel(), minlength=B * n)
        counts = counts.reshape(B, n).astype(float)
        with np.errstate(all="ignore"):
            boot[start:start + B] = _boot_coef(Xa, vm, counts, 1) * _boot_coef(Xb, vy, counts, 2)
    bad = ~np.isfinite(boot)
    if bad.any():
        warnings.warn(f"mediation: {int(bad.sum())} of {n_boot} bootstrap resamples had a singular "
                      f"design (e.g. a constant covariate) and were left out", UserWarning, stacklevel=2)
    alpha = 1 - level
    lo, hi = np.quantile(boot[~bad], [alpha / 2, 1 - alpha / 2])
    se_a, se_b = fa.table.loc[x, "se"], fb.table.loc[m, "se"]
    sob_se = np.sqrt(b ** 2 * se_a ** 2 + a ** 2 * se_b ** 2)
    z, zc = ab / sob_se, stats.norm.ppf(1 - alpha / 2)
    paths = pd.DataFrame.from_dict({
        "a": _row(fa, x), "b": _row(fb, m), "c": _row(fc, x), "c_prime": _row(fb, x),
        "indirect": {"b": ab, "se": np.std(boot[~bad], ddof=1), "t": np.nan, "p": np.nan, "ci_low": lo, "ci_high": hi},
        "sobel": {"b": ab, "se": sob_se, "t": z, "p": 2 * stats.norm.sf(abs(z)),
                  "ci_low": ab - zc * sob_se, "ci_high": ab + zc * sob_se},
    }, orient="index")[_COLS]
    paths.index.name = "path"
    return MediationResult(paths=paths, indirect=float(ab), ci_low=float(lo), ci_high=float(hi), n=n,
                           n_boot=n_boot, seed=seed, boot=boot, excluded=excluded)


@dataclass(frozen=True)
class ModerationResult:
    """Result of :func:`moderation`."""

    table: pd.DataFrame
    slopes: pd.DataFrame
    r2: float
    r2_change: float
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
                f"ΔR² (interaction) = {self.r2_change:.3f}</p>" + self.table.to_html(**_FMT)
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
        ``r2``; ``r2_change`` from adding the interaction; ``fit``: the OLS result.

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
    return ModerationResult(table=table, slopes=slopes, r2=full.r2, r2_change=full.r2 - base.r2, n=full.n,
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
