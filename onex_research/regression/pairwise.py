"""Pairwise comparisons after a one-way ANOVA: Tukey HSD (equal variances), Games–Howell
(unequal variances), and :func:`posthoc`, which picks one by Levene's test and says why.

Validated against R's ``TukeyHSD`` and ``rstatix::games_howell_test``
(``tests/reference/make_reference_regression.R``, ``tests/reference/make_reference_groups.R``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .groups import _groups, levene

__all__ = ["tukey", "games_howell", "posthoc", "PosthocResult"]

_COLUMNS = ["group1", "group2", "diff", "se", "t", "dof", "ci_low", "ci_high", "p", "reject"]


def _levels(labels: pd.Series) -> list:
    """Group levels in R's factor order: the category order of a categorical column (levels
    with data only), else the sorted values."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        return [c for c in labels.cat.categories if (labels == c).any()]
    return sorted(labels.unique().tolist())


def _pairwise(data, dv, group, who, level, *, pooled):
    """Every pair (a, b) of levels, a before b: diff = mean(b) − mean(a), its SE and df, and
    the studentized-range p and interval. ``pooled``: Tukey's SE and df (MS_within, n − k);
    otherwise Welch's per pair (Games–Howell)."""
    if not 0 < level < 1:
        raise ValueError(f"{who}: level must be in (0, 1), got {level!r}")
    sub = _groups(data, dv, group, who)
    levels = _levels(sub[group])
    k = len(levels)
    if k < 2:
        raise ValueError(f"{who}: {group!r} needs at least 2 levels with data, found {levels}")
    by = sub.groupby(group, observed=True)[dv]
    n, m, v = by.count().reindex(levels), by.mean().reindex(levels), by.var(ddof=1).reindex(levels)
    if (n < 2).any():
        raise ValueError(f"{who}: every group needs >= 2 observations: {n.to_dict()}")
    ms_w = float(np.sum((n - 1) * v) / (n.sum() - k))
    rows, index = [], []
    for i in range(k):
        for j in range(i + 1, k):
            a, b = levels[i], levels[j]
            if pooled:
                se, dof = np.sqrt(ms_w * (1 / n[a] + 1 / n[b])), float(n.sum() - k)
            else:
                va, vb = v[a] / n[a], v[b] / n[b]
                se = np.sqrt(va + vb)
                dof = (va + vb) ** 2 / (va ** 2 / (n[a] - 1) + vb ** 2 / (n[b] - 1))
            diff = m[b] - m[a]
            t = diff / se
            p = float(stats.studentized_range.sf(abs(t) * np.sqrt(2), k, dof))
            half = stats.studentized_range.ppf(level, k, dof) / np.sqrt(2) * se
            rows.append([a, b, diff, se, t, dof, diff - half, diff + half, p, p < 1 - level])
            index.append(f"{b}-{a}")
    return pd.DataFrame(rows, columns=_COLUMNS, index=pd.Index(index, name="pair"))


def tukey(data: pd.DataFrame, dv: str, group: str, *, level: float = 0.95) -> pd.DataFrame:
    """Tukey HSD pairwise comparisons (Tukey–Kramer for unequal n) as a tidy frame.

    Parameters
    ----------
    data : DataFrame
    dv : str
        Numeric outcome column.
    group : str
        Grouping column; levels are ordered as R's factor levels (the category order of a
        categorical column, else sorted).
    level : float, keyword-only
        Family-wise confidence level (default 0.95).

    Returns
    -------
    DataFrame
        indexed by ``pair`` ("b-a", as R) with ``group1, group2, diff`` (mean of group2 −
        mean of group1), ``se`` (of the difference), ``t`` (diff/se), ``dof`` (n − k),
        ``ci_low, ci_high`` (simultaneous), ``p`` (adjusted), ``reject`` (p < 1 − level).

    Notes
    -----
    se = sqrt(MS_within·(1/n_a + 1/n_b)); p = P(Q > |t|·√2) and the interval
    diff ± q_{level; k, n−k}·se/√2, with Q the studentized range of k groups (scipy's
    ``studentized_range``, R's ``ptukey``/``qtukey``).

    Examples
    --------
    >>> tukey(mtcars, "mpg", "cyl")  # doctest: +SKIP
    # R: TukeyHSD(aov(mpg ~ factor(cyl), mtcars))
    """
    return _pairwise(data, dv, group, "tukey", level, pooled=True)


def games_howell(data: pd.DataFrame, dv: str, group: str, *, level: float = 0.95) -> pd.DataFrame:
    """Games–Howell pairwise comparisons, for groups with unequal variances (and sizes).

    Parameters
    ----------
    data : DataFrame
    dv : str
        Numeric outcome column.
    group : str
        Grouping column, ordered as in :func:`tukey`.
    level : float, keyword-only
        Family-wise confidence level (default 0.95).

    Returns
    -------
    DataFrame
        shaped as :func:`tukey`: indexed by ``pair`` ("b-a") with ``group1, group2, diff``
        (mean of group2 − mean of group1), ``se`` = sqrt(s²_a/n_a + s²_b/n_b), ``t``
        (diff/se, signed), ``dof`` (Welch–Satterthwaite, per pair), ``ci_low, ci_high``,
        ``p`` (adjusted), ``reject`` (p < 1 − level).

    Notes
    -----
    Games & Howell (1976): as Tukey's test, but each pair has its own Welch SE and df:
    p = P(Q_{k, df} > |t|·√2), interval diff ± q_{level; k, df}·se/√2. This is
    ``rstatix::games_howell_test`` (0.7.x), whose ``se`` column is our se/√2, whose
    ``statistic`` is |t|, and whose ``p.adj`` is rounded to 3 decimals (we do not round).

    Examples
    --------
    >>> games_howell(mtcars, "mpg", "cyl")  # doctest: +SKIP
    # R: rstatix::games_howell_test(transform(mtcars, cyl = factor(cyl)), mpg ~ cyl, detailed = TRUE)
    """
    return _pairwise(data, dv, group, "games_howell", level, pooled=False)


@dataclass(frozen=True)
class PosthocResult:
    """Result of :func:`posthoc`: the pairwise ``table``, the ``method`` used, and the
    ``levene`` test (``f, df1, df2, p``) it was chosen by."""

    table: pd.DataFrame
    method: str
    levene: pd.Series
    alpha: float
    chosen_by: str

    @property
    def label(self) -> str:
        """``"Tukey HSD"`` or ``"Games–Howell"``."""
        return {"tukey": "Tukey HSD", "games_howell": "Games–Howell"}[self.method]

    @property
    def reason(self) -> str:
        """One English sentence: the test, and the Levene result that chose it."""
        lev = self.levene
        stat = (f"Levene's test (center = {lev.attrs.get('center', 'median')}) "
                f"F({lev['df1']:g}, {lev['df2']:g}) = {lev['f']:.2f}, p = {lev['p']:.3f}")
        if self.chosen_by != "levene":
            return f"{self.label} (requested); {stat}."
        if self.method == "games_howell":
            return f"{self.label}, because variances differ: {stat} < {self.alpha:g}."
        return f"{self.label}, because variances do not differ: {stat} ≥ {self.alpha:g}."

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_html_(self) -> str:
        return self.table.to_html(float_format=lambda v: f"{v:.3f}") + f"<p>{self.reason}</p>"


def posthoc(data: pd.DataFrame, dv: str, group: str, *, method: str = "auto", level: float = 0.95,
            alpha: float = 0.05, center: str = "median") -> PosthocResult:
    """Pairwise comparisons with the test chosen by Levene's test of equal variances.

    Parameters
    ----------
    data : DataFrame
    dv, group : str
        Numeric outcome and grouping column.
    method : {"auto", "tukey", "games_howell"}, keyword-only
        ``"auto"`` (default): Tukey HSD when Levene's p ≥ ``alpha``, Games–Howell when
        Levene's p < ``alpha``. The others force one test (Levene is still reported).
    level : float, keyword-only
        Family-wise confidence level of the intervals (default 0.95).
    alpha : float, keyword-only
        Significance level of Levene's test for the choice (default 0.05).
    center : {"median", "mean"}, keyword-only
        Centre of :func:`~onex_research.regression.levene` (default ``"median"``, as
        ``car::leveneTest``).

    Returns
    -------
    PosthocResult
        ``table`` (as :func:`tukey`), ``method`` (``"tukey"`` or ``"games_howell"``),
        ``levene``, ``alpha``, ``chosen_by`` (``"levene"`` or ``"user"``); ``label`` and
        ``reason`` (a sentence for a table note).

    Notes
    -----
    Choosing the test by a preliminary test is common practice (e.g. Field, *Discovering
    Statistics*); Games–Howell keeps its error rate when variances are equal too, so a
    reader who prefers one test throughout can pass ``method="games_howell"``.

    Examples
    --------
    >>> posthoc(mtcars, "mpg", "cyl").method  # doctest: +SKIP
    'games_howell'
    # R: car::leveneTest(mpg ~ factor(cyl), mtcars)   # p = 0.0094 < .05, so
    #    rstatix::games_howell_test(transform(mtcars, cyl = factor(cyl)), mpg ~ cyl)
    """
    if method not in ("auto", "tukey", "games_howell"):
        raise ValueError(f"posthoc: method must be 'auto', 'tukey' or 'games_howell', got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"posthoc: alpha must be in (0, 1), got {alpha!r}")
    lev = levene(data, dv, group, center=center)
    chosen_by = "levene" if method == "auto" else "user"
    if method == "auto":
        method = "games_howell" if lev["p"] < alpha else "tukey"
    fn = games_howell if method == "games_howell" else tukey
    return PosthocResult(table=fn(data, dv, group, level=level), method=method, levene=lev,
                         alpha=alpha, chosen_by=chosen_by)
