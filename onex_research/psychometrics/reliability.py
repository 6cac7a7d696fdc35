"""Item statistics and reliability, as R ``psych``: describe, corr.test, alpha.

Missing values are handled as psych does by default: covariances and correlations on
pairwise-complete observations (R ``use = "pairwise"``), item statistics on the answers
each item has. No row is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..vocabulary import stars
from ._common import as_frame_repr_html, as_items, pairwise_cov, smc

__all__ = [
    "descriptives",
    "correlations",
    "CorrelationResult",
    "reliability",
    "ReliabilityResult",
    "scale_reliability",
]


def descriptives(items: pd.DataFrame) -> pd.DataFrame:
    """Item descriptives: n, mean, sd, median, min, max, skew, kurtosis, se.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item. Missing values are skipped item by item.

    Returns
    -------
    DataFrame
        Indexed by item, with columns ``n`` (answers), ``mean``, ``sd`` (n - 1
        denominator), ``median``, ``min``, ``max``, ``skew``, ``kurtosis`` and ``se``
        (sd / sqrt(n)).

    Notes
    -----
    Skew and kurtosis are psych's default *type 3* (``psych::describe``), i.e. the
    ``b1`` and ``b2`` of Joanes & Gill (1998), used by MINITAB and BMDP:
    ``skew = g1 * ((n - 1) / n) ** 1.5`` and ``kurtosis = (g2 + 3) * (1 - 1/n) ** 2 - 3``,
    where ``g1 = m3 / m2 ** 1.5`` and ``g2 = m4 / m2 ** 2 - 3`` with moments over n.
    Kurtosis is excess kurtosis (0 for a normal distribution). SPSS reports type 2
    (``G1``, ``G2``); for n in the hundreds the difference is in the third decimal.

    Examples
    --------
    >>> descriptives(bfi[["A1", "A2"]])  # doctest: +SKIP
    # R: psych::describe(bfi[1:2])[, c("n", "mean", "sd", "skew", "kurtosis", "se")]
    """
    x = as_items(items, min_items=1, func="descriptives")
    rows = {}
    for col in x.columns:
        v = x[col].dropna().to_numpy()
        n = v.size
        d = v - v.mean()
        m2 = np.mean(d ** 2)
        g1 = np.mean(d ** 3) / m2 ** 1.5
        g2 = np.mean(d ** 4) / m2 ** 2 - 3.0
        sd = v.std(ddof=1)
        rows[col] = {
            "n": n, "mean": v.mean(), "sd": sd, "median": np.median(v),
            "min": v.min(), "max": v.max(),
            "skew": g1 * ((n - 1) / n) ** 1.5,
            "kurtosis": (g2 + 3.0) * (1.0 - 1.0 / n) ** 2 - 3.0,
            "se": sd / np.sqrt(n),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "item"
    out["n"] = out["n"].astype("int64")
    return out


def _stars(p: np.ndarray) -> np.ndarray:
    return np.asarray(stars(p), dtype=object)


@dataclass(frozen=True)
class CorrelationResult:
    """Correlation matrix with pairwise n, p-values and significance stars.

    Attributes
    ----------
    r, p, n : DataFrame
        Item x item matrices of Pearson r, two-sided p (unadjusted) and pairwise n.
    """

    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame

    @property
    def stars(self) -> pd.DataFrame:
        """Item x item matrix of ``*`` (p < .05), ``**`` (< .01), ``***`` (< .001)."""
        s = _stars(self.p.to_numpy())
        np.fill_diagonal(s, "")
        return pd.DataFrame(s, index=self.r.index, columns=self.r.columns)

    def to_frame(self) -> pd.DataFrame:
        """Tidy form: one row per pair (lower triangle) with ``item1, item2, r, n, t, p, stars``."""
        names = list(self.r.index)
        rows = []
        for i in range(len(names)):
            for j in range(i):
                r = self.r.iat[i, j]
                n = self.n.iat[i, j]
                t = r * np.sqrt(n - 2) / np.sqrt(1 - r * r) if abs(r) < 1 else np.inf
                rows.append((names[i], names[j], r, int(n), t, self.p.iat[i, j]))
        out = pd.DataFrame(rows, columns=["item1", "item2", "r", "n", "t", "p"])
        out["stars"] = _stars(out["p"].to_numpy())
        return out

    @property
    def table(self) -> pd.DataFrame:
        """The publication matrix of :meth:`format_matrix` with two decimals."""
        return self.format_matrix()

    def format_matrix(self, *, digits: int = 2) -> pd.DataFrame:
        """Publication matrix: lower triangle of r with stars, diagonal "1", upper blank."""
        names = list(self.r.index)
        k = len(names)
        cells = np.full((k, k), "", dtype=object)
        st = self.stars.to_numpy()
        for i in range(k):
            cells[i, i] = "1"
            for j in range(i):
                cells[i, j] = f"{self.r.iat[i, j]:.{digits}f}{st[i, j]}"
        return pd.DataFrame(cells, index=names, columns=names)

    def _repr_html_(self) -> str:
        return as_frame_repr_html(self.table, "Correlations (* p<.05, ** p<.01, *** p<.001)")


def correlations(items: pd.DataFrame) -> CorrelationResult:
    """Pearson correlations with pairwise n, p-values and stars, as ``psych::corr.test``.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item; pairwise-complete observations are used.

    Returns
    -------
    CorrelationResult
        ``.r``, ``.p``, ``.n`` (item x item DataFrames), ``.stars``; ``.to_frame()``
        gives one row per pair with columns ``item1, item2, r, n, t, p, stars``;
        ``.table`` the lower-triangle matrix with stars for a paper.

    Notes
    -----
    ``t = r * sqrt(n - 2) / sqrt(1 - r^2)`` with the pairwise n, ``p = 2 * P(T > |t|)``
    on n - 2 df; p-values are not adjusted for multiplicity (psych's lower triangle,
    ``adjust = "none"``).

    Examples
    --------
    >>> correlations(bfi[["A1", "A2", "A3"]]).p  # doctest: +SKIP
    # R: psych::corr.test(bfi[1:3], adjust = "none")$p
    """
    x = as_items(items, func="correlations")
    a = x.to_numpy()
    ok = (~np.isnan(a)).astype("float64")
    n = ok.T @ ok
    r = x.corr().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(n - 2) / np.sqrt(1 - r ** 2)
        p = 2 * stats.t.sf(np.abs(t), n - 2)
    np.fill_diagonal(p, 0.0)
    idx = x.columns
    return CorrelationResult(
        r=pd.DataFrame(r, index=idx, columns=idx),
        p=pd.DataFrame(p, index=idx, columns=idx),
        n=pd.DataFrame(n.astype("int64"), index=idx, columns=idx),
    )


@dataclass(frozen=True)
class ReliabilityResult:
    """Cronbach's alpha with item statistics (see :func:`reliability`)."""

    alpha: float
    std_alpha: float
    g6: float
    average_r: float
    ci_low: float
    ci_high: float
    n: int
    n_items: int
    mean: float
    sd: float
    items: pd.DataFrame
    reversed: tuple = ()

    @property
    def ci(self) -> tuple[float, float]:
        """Feldt confidence interval ``(ci_low, ci_high)``."""
        return (self.ci_low, self.ci_high)

    def to_frame(self) -> pd.DataFrame:
        """One-row summary: ``n, n_items, alpha, std_alpha, g6, average_r, ci_low, ci_high, mean, sd``."""
        return pd.DataFrame([{
            "n": self.n, "n_items": self.n_items, "alpha": self.alpha,
            "std_alpha": self.std_alpha, "g6": self.g6, "average_r": self.average_r,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "mean": self.mean, "sd": self.sd,
        }])

    def _repr_html_(self) -> str:
        head = (f"Cronbach's alpha = {self.alpha:.3f} (standardized {self.std_alpha:.3f}), "
                f"95% Feldt CI [{self.ci_low:.3f}, {self.ci_high:.3f}], n = {self.n}, "
                f"{self.n_items} items")
        return as_frame_repr_html(self.items, head)


def _alpha_parts(c: np.ndarray, r: np.ndarray) -> tuple[float, float, float, float]:
    k = c.shape[0]
    raw = (1 - np.trace(c) / c.sum()) * k / (k - 1)
    std = (1 - k / r.sum()) * k / (k - 1)
    g6 = 1 - (k - smc(r).sum()) / r.sum()
    av_r = (r.sum() - k) / (k * (k - 1))
    return raw, std, g6, av_r


def _keys(keys, columns) -> np.ndarray:
    cols = list(columns)
    if keys is None:
        return np.ones(len(cols))
    if isinstance(keys, str):
        keys = [keys]
    if isinstance(keys, dict):
        bad = [k for k in keys if k not in cols]
        if bad:
            raise ValueError(f"reliability: keys name items not in the data: {bad}")
        return np.array([float(np.sign(keys.get(c, 1))) or 1.0 for c in cols])
    keys = list(keys)
    if all(isinstance(k, str) for k in keys):
        names = [k.lstrip("-") for k in keys]
        bad = [k for k in names if k not in cols]
        if bad:
            raise ValueError(f"reliability: keys name items not in the data: {bad}. "
                             f"Items are {cols}.")
        return np.array([-1.0 if c in names else 1.0 for c in cols])
    if len(keys) != len(cols) or not all(k in (1, -1) for k in keys):
        raise ValueError("reliability: numeric keys must be one 1 or -1 per item, "
                         f"got {keys} for {len(cols)} items")
    return np.asarray(keys, dtype="float64")


def reliability(items: pd.DataFrame, *, keys=None, level: float = 0.95) -> ReliabilityResult:
    """Cronbach's alpha (raw and standardized) with Feldt CI and item statistics.

    Mirrors ``psych::alpha`` with its defaults (``use = "pairwise"``, no automatic
    reversal).

    Parameters
    ----------
    items : DataFrame
        One numeric column per item (at least 2).
    keys : list of str, sequence of +1/-1, or dict, optional
        Items to reverse. Names (``["A1"]``; a leading ``-`` is allowed) or one sign
        per item, as ``psych::alpha(x, keys = ...)``. A reversed item becomes
        ``max + min - x`` with min and max over all items, as psych does.
    level : float, default 0.95
        Coverage of the Feldt interval.

    Returns
    -------
    ReliabilityResult
        Scalars ``alpha`` (raw), ``std_alpha``, ``g6`` (Guttman's lambda 6 from SMCs),
        ``average_r``, ``ci_low``/``ci_high`` (Feldt; also ``.ci``), ``n`` (rows),
        ``n_items``, ``mean`` and ``sd`` of the scale score (row mean of the answered
        items). ``items`` is a DataFrame indexed by item with columns:

        - ``n``: answers to the item;
        - ``mean``, ``sd``: of the (reversed, if keyed) item;
        - ``raw_r``: correlation of the item with the scale score;
        - ``std_r``: the same from the correlation matrix;
        - ``r_cor``: item-total r corrected for overlap and reliability (psych's ``r.cor``);
        - ``r_drop``: corrected item-total r (item vs the sum of the other items);
        - ``alpha_if_deleted``, ``std_alpha_if_deleted``: alpha of the other items.

    Notes
    -----
    With C the pairwise covariance matrix of k items and R its correlation matrix,
    ``alpha = k/(k-1) * (1 - tr(C)/sum(C))`` and
    ``std_alpha = k/(k-1) * (1 - k/sum(R))``. ``r_drop_i = (sum(C_i.) - C_ii) /
    sqrt(C_ii * sum(C_-i,-i))``. The Feldt (1965) interval is
    ``1 - (1 - alpha) * F_{q}(n - 1, (n - 1)(k - 1))`` at q = (1 +/- level)/2, with n the
    number of rows (psych's ``alpha.ci``).

    Missing values: pairwise-complete covariances (psych's default); n counts all rows.

    Examples
    --------
    >>> res = reliability(bfi[["A1", "A2", "A3", "A4", "A5"]], keys=["A1"])  # doctest: +SKIP
    >>> res.alpha, res.std_alpha  # doctest: +SKIP
    # R: a <- psych::alpha(bfi[1:5], keys = "A1"); a$total$raw_alpha; a$total$std.alpha
    #    a$item.stats$r.drop; a$alpha.drop$raw_alpha; a$feldt
    """
    x = as_items(items, func="reliability")
    k = x.shape[1]
    key = _keys(keys, x.columns)
    if (key < 0).any():
        a = x.to_numpy()
        adjust = np.nanmax(a) + np.nanmin(a)
        x = x.copy()
        for j in np.flatnonzero(key < 0):
            x.iloc[:, j] = adjust - x.iloc[:, j]
    c = pairwise_cov(x)
    d = np.sqrt(np.diag(c))
    r = c / np.outer(d, d)
    raw, std, g6, av_r = _alpha_parts(c, r)

    drop_raw = np.full(k, np.nan)
    drop_std = np.full(k, np.nan)
    r_drop = np.empty(k)
    for i in range(k):
        keep = np.arange(k) != i
        if k > 2:
            drop_raw[i], drop_std[i], _, _ = _alpha_parts(c[np.ix_(keep, keep)], r[np.ix_(keep, keep)])
        r_drop[i] = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * c[np.ix_(keep, keep)].sum())
    if k == 2:  # psych's convention for two items
        drop_raw[:] = [c[0, 1] / c[1, 1], c[0, 1] / c[0, 0]]
        drop_std[:] = r[0, 1]
    std_r = r.sum(axis=0) / np.sqrt(r.sum())
    rc = r.copy()
    np.fill_diagonal(rc, smc(r))
    r_cor = rc.sum(axis=0) / np.sqrt(rc.sum())
    total = x.mean(axis=1, skipna=True)
    raw_r = x.corrwith(total)

    n = int(x.shape[0])
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    ci_high = 1 - (1 - raw) * stats.f.ppf(lo_q, df1, df2)
    ci_low = 1 - (1 - raw) * stats.f.ppf(hi_q, df1, df2)

    table = pd.DataFrame({
        "n": x.notna().sum().astype("int64"),
        "mean": x.mean(), "sd": x.std(),
        "raw_r": raw_r.to_numpy(), "std_r": std_r, "r_cor": r_cor, "r_drop": r_drop,
        "alpha_if_deleted": drop_raw, "std_alpha_if_deleted": drop_std,
    }, index=x.columns)
    table.index.name = "item"
    return ReliabilityResult(
        alpha=float(raw), std_alpha=float(std), g6=float(g6), average_r=float(av_r),
        ci_low=float(ci_low), ci_high=float(ci_high), n=n, n_items=k,
        mean=float(total.mean()), sd=float(total.std()), items=table,
        reversed=tuple(c for c, s in zip(x.columns, key) if s < 0),
    )


def scale_reliability(data: pd.DataFrame, scales: dict, *, keys: dict | None = None) -> pd.DataFrame:
    """Reliability of several scales at once: alpha with Feldt CI and omega total.

    Parameters
    ----------
    data : DataFrame
        Item columns (reverse-keyed items recoded, or listed in ``keys``).
    scales : dict
        ``{scale: [items]}``, e.g. ``instrument.construct_items()``.
    keys : dict, optional
        ``{scale: [items to reverse]}``, passed to :func:`reliability`.

    Returns
    -------
    DataFrame
        Indexed by scale, columns ``n_items, n, alpha, std_alpha, ci_low, ci_high,
        omega_total, average_r, min_r_drop``. ``omega_total`` is McDonald's omega from a
        one-factor minres solution (``psych::omega(x, nfactors = 1)$omega.tot``).

    Examples
    --------
    >>> scale_reliability(items, ins.construct_items())  # doctest: +SKIP
    # R: sapply(scales, function(s) psych::alpha(x[s])$total$raw_alpha)
    """
    from .omega import omega  # omega imports efa, which needs this module's neighbours

    if not isinstance(scales, dict) or not scales:
        raise TypeError("scale_reliability: scales must be a non-empty {scale: [items]} dict")
    rows = {}
    for name, cols in scales.items():
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ValueError(f"scale_reliability: scale {name!r} names items not in the data: {missing}")
        rel = reliability(data[list(cols)], keys=(keys or {}).get(name))
        om = omega(data[list(cols)], n_factors=1) if len(cols) >= 3 else None
        rows[name] = {"n_items": rel.n_items, "n": rel.n, "alpha": rel.alpha, "std_alpha": rel.std_alpha,
                      "ci_low": rel.ci_low, "ci_high": rel.ci_high,
                      "omega_total": om.omega_total if om is not None else np.nan,
                      "average_r": rel.average_r, "min_r_drop": rel.items["r_drop"].min()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "scale"
    return out
