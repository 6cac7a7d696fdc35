"""The study's comparison of respondent roles: one-way ANOVA of every construct (η², ω², Welch,
Levene), post-hoc tests chosen by Levene's test, and the χ² crosstab of role by a
multi-choice option (by default "no certificate yet")."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import OnexError
from ._labels import register

__all__ = ["group_tables", "GroupTables"]

#: The constructs whose pairwise differences notebook 03 reports.
POSTHOC_CONSTRUCTS = ("resources", "execution")

_TEST_ZH = {"tukey": "Tukey HSD", "games_howell": "Games–Howell"}


@dataclass(frozen=True)
class GroupTables:
    """Result of :func:`group_tables`: the ANOVA rows (``compare_groups``), the post-hoc
    result of each construct (``posthoc``, by construct) and the crosstab (or None)."""

    anova: pd.DataFrame
    posthoc: dict
    crosstab: object = None


def _option_text(survey, column: str) -> str:
    """``certificates__8`` -> the 8th answer of the multi-choice item (尚未获得证书)."""
    code, _, k = column.partition("__")
    scales = survey.instrument.scales
    scale = survey.instrument.items["scale"].get(code) if code else None
    options = scales.get(scale) if scale is not None else None
    if options and k.isdigit() and 1 <= int(k) <= len(options):
        return options[int(k) - 1]
    return column


def _levene_sentence(res) -> str:
    lev = res.levene
    return f"Levene 检验（以中位数为中心）F({lev['df1']:g}, {lev['df2']:g}) = {lev['f']:.2f}，p {_p_text(lev['p'])}"


def group_tables(survey, rep, *, group: str = "role", constructs=None, posthoc_constructs=POSTHOC_CONSTRUCTS,
                 crosstab_column: str | None = "certificates__8", alpha: float = 0.05) -> GroupTables:
    """Differences between the levels of ``group`` (respondent roles), as notebook 03 reports them.

    Registers

    * ``anova_by_<group>``: per construct the group means, the one-way ANOVA (``f, df1,
      df2, p``), ``eta2`` and ``omega2``, Welch's ANOVA (``welch_f, welch_df2, welch_p``;
      its df₁ is the ANOVA's) and Levene's test (``levene_f, levene_p``, centred on the
      median as ``car::leveneTest``);
    * ``<test>_<construct>_by_<group>`` for each of ``posthoc_constructs``: pairwise
      differences by Tukey HSD (``tukey_…``) when Levene's p ≥ ``alpha``, by Games–Howell
      (``games_howell_…``) when Levene's p < ``alpha``; the note gives the Levene result and
      the test chosen. So the table's name always says which test it holds;
    * ``crosstab_<group>_no_certificate`` (observed counts) and
      ``chisq_<group>_no_certificate`` (``chi2, dof, p, cramers_v, cramers_v_adj, n``) for
      ``crosstab_column="certificates__8"``; ``crosstab_<group>_<column>`` and
      ``chisq_<group>_<column>`` for another column; nothing when it is None.

    Parameters
    ----------
    survey : Survey
    rep : Report
    group : str, keyword-only
        A single-choice column of the cleaned data (default ``"role"``).
    constructs : list of str, optional
        Default: every construct of the instrument.
    posthoc_constructs : sequence of str
        Default: resources and execution.
    crosstab_column : str or None
        A column crossed with ``group`` (default ``"certificates__8"``, "no certificate yet").
    alpha : float
        Level of Levene's test that chooses the post-hoc test (default 0.05).

    Returns
    -------
    GroupTables
    """
    from ..regression import compare_groups, crosstab, posthoc
    from ..report.labels import label

    if group not in survey.data.columns:
        raise OnexError(f"no column {group!r} in the cleaned data; single-choice items: "
                        f"{', '.join(survey.instrument.demographics)}")
    names = survey.instrument.constructs["label_zh"].to_dict()
    constructs = list(survey.scales) if constructs is None else list(constructs)
    unknown = [c for c in [*constructs, *posthoc_constructs] if c not in survey.scores.columns]
    if unknown:
        raise OnexError(f"not constructs with scores: {unknown}; choose from {', '.join(survey.scores.columns)}")
    extra = [crosstab_column] if crosstab_column else []
    missing = [c for c in extra if c not in survey.data.columns]
    if missing:
        raise OnexError(f"no column {missing[0]!r} in the cleaned data for the crosstab")
    data = survey.data[[group, *extra]].join(survey.scores)
    group_zh, group_en = label(group), label(group, "apa")

    # -- ANOVA of every construct ------------------------------------------------------
    table = compare_groups(data, constructs, group)
    shown = table.drop(columns="welch_df1").rename(index=names)
    shown.index.name = "construct"
    unequal = [names.get(c, c) for c in table.index[table["levene_p"] < alpha]]
    register(rep, survey, shown, name=f"anova_by_{group}", caption_zh=f"不同{group_zh}受访者各构念得分的方差分析",
              caption_en=f"One-way ANOVA of construct scores by {group_en.lower()}",
              made_by="onex_research.regression.compare_groups", decimals=3,
              notes=(f"注：{'、'.join(map(str, table.columns[:table.columns.get_loc('f')]))}列为该{group_zh}的构念得分均值；F、df₁、df₂、p 为单因素方差分析；"
                     "ω² 为 (SS组间 − df组间·MS组内)/(SS总 + MS组内)，为负时记为 0；Welch F 不假定方差齐性，其 df₁ 同方差分析；"
                     "Levene F 以组中位数为中心（Brown–Forsythe），df 同方差分析。"
                     + (f"Levene 检验 p < {alpha:g} 的构念（{'、'.join(unequal)}）应以 Welch F 为准。" if unequal
                        else f"各构念 Levene 检验均 p ≥ {alpha:g}。")
                     + "各组 n：" + "，".join(f"{g} {n}" for g, n in data[group].value_counts(sort=False).items()
                                             if n) + "。"))

    # -- post-hoc tests, chosen by Levene ----------------------------------------------
    results = {}
    for c in posthoc_constructs:
        res = posthoc(data, c, group, alpha=alpha)
        results[c] = res
        test = _TEST_ZH[res.method]
        why = (f"；p < {alpha:g}，方差不齐，故采用 Games–Howell 检验" if res.method == "games_howell"
               else f"；p ≥ {alpha:g}，未见方差不齐，故采用 Tukey HSD 检验")
        pairs = res.table.drop(columns=["group1", "group2", "reject"])
        pairs.index.name = "comparison"
        register(rep, survey, pairs, name=f"{res.method}_{c}_by_{group}",
                  caption_zh=f"{names.get(c, c)}的 {test} 事后比较（按{group_zh}）",
                  caption_en=f"{res.label} pairwise comparisons of {c} by {group_en.lower()}",
                  made_by=f"onex_research.regression.{res.method}", decimals=3,
                  notes=(f"注：{_levene_sentence(res)}{why}。均值差 = 前者 − 后者；"
                         "p 与 95% 置信区间已按多重比较校正" + ("（学生化极差分布，各对使用 Welch 标准误与自由度）。"
                                                    if res.method == "games_howell" else "（学生化极差分布）。")))

    # -- crosstab ----------------------------------------------------------------------
    ct = None
    if crosstab_column:
        option = _option_text(survey, crosstab_column)
        stem = "no_certificate" if crosstab_column == "certificates__8" else crosstab_column
        ct = crosstab(data, group, crosstab_column, adjust=True)
        observed = ct.observed.rename(columns={0: f"未选“{option}”", 1: f"选“{option}”"})
        observed.columns.name = None
        share = f"选“{option}”的比例/%"
        if 1 in ct.observed.columns:     # the row percentage a reader compares the groups by
            observed[share] = 100 * ct.observed[1] / ct.observed.sum(axis=1)
        register(rep, survey, observed, name=f"crosstab_{group}_{stem}", caption_zh=f"{group_zh}与“{option}”的列联表",
                  caption_en=f"{group_en} by '{option}' (observed counts and row %)",
                  made_by="onex_research.regression.crosstab", column_decimals={share: 1},
                  notes=f"注：χ²({ct.dof}) = {ct.chi2:.2f}，p {_p_text(ct.p)}，Cramér's V = {ct.cramers_v:.3f}，n = {ct.n}。")
        summary = ct.to_frame()
        summary.index = pd.Index([f"{group_zh} × {option}"], name="test")
        register(rep, survey, summary, name=f"chisq_{group}_{stem}", caption_zh=f"{group_zh}与“{option}”的 χ² 独立性检验",
                  caption_en=f"Chi-square test of {group_en.lower()} by '{option}'",
                  made_by="onex_research.regression.crosstab", decimals=3,
                  notes=("注：Pearson χ² 检验" + ("（2 × 2 表，Yates 连续性校正）" if ct.observed.shape == (2, 2) else "")
                         + "；校正 Cramér's V 为 Bergsma (2013) 的偏差校正值。"))
    return GroupTables(anova=table, posthoc=results, crosstab=ct)


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"
