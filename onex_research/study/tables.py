"""The study's tables, made once for the CLI and the notebooks.

Each function computes one analysis on a :class:`~onex_research.study.Survey` or
:class:`~onex_research.study.Corpus`, registers its tables (and figures) with a
:class:`~onex_research.report.Report`, and returns the result so that a notebook can show
it. ``onex-research measure`` and notebook 02, ``regress`` and notebook 03, ``interviews``
and notebook 04 call the same functions, so they write the same tables byte for byte.
"""

from __future__ import annotations

import pandas as pd

from ..errors import OnexError
from ._effects_tables import mediation_tables, moderation_tables
from ._group_tables import group_tables
from ._labels import TERM as _TERM
from ._labels import register as _register
from ._labels import construct_names as _construct_names
from ._labels import reference_note as _reference_note
from ._labels import term_label as _term_label

__all__ = ["item_descriptives", "reliability_tables", "factorability_table", "parallel_analysis_tables",
           "efa_tables", "cfa_tables", "predictor_blocks", "hierarchical_tables", "MEASUREMENT_STEPS", "SYNONYMS",
           "corpus_overview", "segment_units", "coding_tables", "topic_tables", "STRUCTURAL_PATHS",
           "structural_model", "sem_tables", "invariance_table", "harman_table", "correlation_table",
           "mediation_tables", "moderation_tables", "group_tables"]


def item_descriptives(survey, rep):
    """Item descriptives (n, mean, sd, min, max, skew, kurtosis) by construct."""
    from ..psychometrics import descriptives

    desc = descriptives(survey.items)
    desc.insert(0, "construct", survey.instrument.items.loc[desc.index, "construct"])
    _register(rep, survey, desc[["construct", "n", "mean", "sd", "min", "max", "skew", "kurtosis"]], name="item_descriptives",
              caption_zh="题目描述统计", caption_en="Item descriptives",
              made_by="onex_research.psychometrics.descriptives", decimals=2)
    return desc


def reliability_tables(survey, rep):
    """Cronbach's α (Feldt CI) and McDonald's ω per construct; item-total statistics.

    Returns
    -------
    (DataFrame, DataFrame)
        The construct table and the item table.
    """
    from ..psychometrics import reliability, scale_reliability

    items, scales = survey.items, survey.scales
    rel = scale_reliability(items, scales)
    _register(rep, survey, rel, name="reliability", caption_zh="各构念的信度（Cronbach's α 与 McDonald's ω）",
              caption_en="Reliability of each construct (Cronbach's alpha and McDonald's omega)",
              made_by="onex_research.psychometrics.scale_reliability", decimals=3,
              notes="注：CI 为 α 的 95% Feldt 置信区间；ω 为单因子 minres 解的 ω total。")
    item_rel = pd.concat({c: reliability(items[its]).items for c, its in scales.items()},
                         names=["construct", "item"])
    _register(rep, survey, item_rel[["n", "mean", "sd", "r_drop", "alpha_if_deleted"]], name="item_total",
              caption_zh="校正题总相关与删除该题后的 α",
              caption_en="Corrected item-total correlations and alpha if item deleted",
              made_by="onex_research.psychometrics.reliability", decimals=3)
    return rel, item_rel


#: Kaiser's (1974) words for the overall MSA, as Chinese textbooks give them
_KAISER_ZH = {"marvelous": "极好", "meritorious": "良好", "middling": "中等", "mediocre": "一般",
              "miserable": "较差", "unacceptable": "不可接受"}


def factorability_table(survey, rep):
    """KMO and Bartlett's test of sphericity on all construct items."""
    from ..psychometrics import bartlett, kmo

    items = survey.items
    k, b = kmo(items), bartlett(items)
    table = pd.DataFrame({"value": [k.overall, k.per_item.min(), b.chi2, b.dof, b.p]},
                         index=pd.Index(["kmo", "min_msa", "bartlett_chi2", "dof", "p"], name="statistic"))
    _register(rep, survey, table, name="kmo_bartlett", caption_zh="KMO 与 Bartlett 球形检验",
              caption_en="KMO and Bartlett's test of sphericity", made_by="onex_research.psychometrics.kmo",
              decimals=3, notes=(f"注：KMO = {k.overall:.3f}，按 Kaiser (1974) 为“{_KAISER_ZH.get(k.label, k.label)}”；"
                                 f"Bartlett 球形检验 χ²({b.dof:.0f}) = {b.chi2:.2f}；n = {b.n}。"))
    return table


def parallel_analysis_tables(survey, rep, *, seed, n_iter=100):
    """Parallel analysis (``psych::fa.parallel``): scree figure and eigenvalue table."""
    from ..plotting import use_cjk_font
    from ..psychometrics import parallel_analysis, scree_plot

    use_cjk_font()          # the title is Chinese
    pa = parallel_analysis(survey.items, n_iter=n_iter, seed=seed)
    fig = scree_plot(pa)
    fig.axes[0].set_title(f"平行分析碎石图 / Parallel analysis: {pa.n_factors} factors, {pa.n_components} components")
    rep.figure(fig, name="scree", caption_zh="平行分析碎石图", caption_en="Scree plot with parallel analysis",
               made_by="onex_research.psychometrics.parallel_analysis")
    _register(rep, survey, pa.eigenvalues.head(15), name="parallel_analysis", caption_zh="平行分析：实际与模拟特征值（前 15 个）",
              caption_en="Parallel analysis: observed and simulated eigenvalues (first 15)",
              made_by="onex_research.psychometrics.parallel_analysis", decimals=3,
              notes=(f"注：模拟特征值来自 {n_iter} 组同样大小的随机数据（取第 95 百分位与均值，psych::fa.parallel）；"
                     "因子特征值为约减相关矩阵（对角线为共同度估计）的特征值，可以为负。"
                     f"实际值大于模拟值第 95 百分位的个数：因子 {pa.n_factors} 个，主成分 {pa.n_components} 个。"))
    return pa


def efa_tables(survey, rep, *, n_factors=None, method="minres", rotation="oblimin"):
    """EFA with the factors matched to the hypothesised constructs (Tucker congruence).

    ``n_factors`` defaults to the number of constructs. Loadings below .30 are blanked.

    Returns
    -------
    (EFAResult, DataFrame)
        The EFA and the factor-to-construct matching.
    """
    from ..psychometrics import efa, match_factors

    items, scales = survey.items, survey.scales
    fa = efa(items, n_factors or len(scales), method=method, rotation=rotation)
    target = pd.DataFrame({c: items.columns.isin(its).astype(float) for c, its in scales.items()},
                          index=items.columns)
    matched = match_factors(fa.loadings, target)
    labels = _construct_names(survey)
    names = {f: labels.get(t, t) for f, t in zip(matched["factor"], matched["truth"])}
    _register(rep, survey, fa.format_loadings(threshold=0.3).rename(columns=names), name="efa_loadings",
              caption_zh=f"探索性因子分析的载荷矩阵（{method}，{rotation} 旋转）",
              caption_en=f"EFA pattern loadings ({method}, {rotation} rotation)",
              made_by="onex_research.psychometrics.efa",
              decimals=2, notes="注：|载荷| < 0.30 未显示；因子按与理论构念的 Tucker 一致性命名；复杂度为 Hoffman 指数。")
    _register(rep, survey, fa.variance.rename(index=names), name="efa_variance", caption_zh="各因子解释的方差",
              caption_en="Variance accounted for by each factor", made_by="onex_research.psychometrics.efa",
              decimals=3)
    _register(rep, survey, matched.set_index("truth"), name="efa_congruence",
              caption_zh="EFA 因子与理论构念的 Tucker 一致性系数",
              caption_en="Tucker congruence of EFA factors with the hypothesised constructs",
              made_by="onex_research.psychometrics.match_factors", decimals=3)
    return fa, matched


def cfa_tables(survey, rep):
    """CFA of the constructs on the complete cases (lavaan's ``missing = "listwise"``):
    fit, standardized loadings, CR/AVE, Fornell-Larcker and HTMT."""
    from ..psychometrics import cfa, htmt

    items, model = survey.items, survey.scales
    complete = items.dropna()
    cf = cfa(complete, model)
    fit = cf.fit.to_frame("value")
    fit.index.name = "statistic"
    fit.loc["chi2_dof"] = cf.fit["chi2"] / cf.fit["dof"]
    fit = fit.reindex(["n", "chi2", "dof", "p", "chi2_dof"] + [i for i in fit.index
                                                              if i not in ("n", "chi2", "dof", "p", "chi2_dof")])
    _register(rep, survey, fit, name="cfa_fit", caption_zh="验证性因子分析的拟合指数",
              caption_en="CFA fit indices", made_by="onex_research.psychometrics.cfa", decimals=3,
              notes=f"注：最大似然估计；列表删除后 n = {int(cf.fit['n'])}；RMSEA 区间为 90% 置信区间。")
    loadings = cf.loadings.set_index(["factor", "item"])
    marker = loadings["z"].isna() & (loadings["se"] == 0)
    loadings.loc[marker, "se"] = float("nan")         # fixed to 1: no SE, no test
    _register(rep, survey, loadings, name="cfa_loadings", caption_zh="CFA 因子载荷（非标准化 b 与标准化估计）",
              caption_en="CFA loadings (unstandardized b and standardized estimates)",
              made_by="onex_research.psychometrics.cfa", decimals=3,
              notes="注：每个因子的第一个题目为标记题，其非标准化载荷固定为 1，不作检验；标准化估计为 std.all。")
    rel = cf.reliability
    low = [n for n in rel.index if rel.at[n, "ave"] < 0.5]
    ave_note = ("" if not low else
                f"{len(low)} 个因子的 AVE 低于 0.50（最低 {rel['ave'].min():.3f}）；按 Fornell & Larcker (1981)，"
                f"AVE < 0.50 而 CR > 0.60 时收敛效度仍可接受"
                + ("" if (rel.loc[low, "cr"] > 0.6).all() else "，但有因子的 CR 也未达 0.60") + "。")
    _register(rep, survey, rel, name="cfa_cr_ave", caption_zh="组合信度（CR）与平均方差抽取量（AVE）",
              caption_en="Composite reliability (CR) and average variance extracted (AVE)",
              made_by="onex_research.psychometrics.cfa", decimals=3,
              notes=("注：CR 与 AVE 由标准化载荷计算。" + ave_note))
    labels = _construct_names(survey)
    _register(rep, survey, cf.fornell_larcker.rename(index=labels, columns=labels), name="fornell_larcker", caption_zh="Fornell-Larcker 区分效度检验",
              caption_en="Fornell-Larcker test of discriminant validity",
              made_by="onex_research.psychometrics.fornell_larcker", decimals=3,
              notes="注：对角线为 AVE 的平方根，非对角线为因子相关。")
    _register(rep, survey, htmt(complete, model).rename(index=labels, columns=labels), name="htmt", caption_zh="HTMT 区分效度指标",
              caption_en="Heterotrait-monotrait ratios (HTMT)", made_by="onex_research.psychometrics.htmt",
              decimals=3, notes="注：HTMT < 0.85（严格）或 < 0.90（宽松）表示区分效度良好（Henseler et al., 2015）。")
    return cf


#: The measurement steps in the order notebook 02 and ``onex-research measure`` run them.
MEASUREMENT_STEPS = ("item_descriptives", "reliability_tables", "factorability_table", "parallel_analysis_tables",
                     "efa_tables", "cfa_tables", "harman_table", "invariance_table")


def predictor_blocks(survey, outcome, controls=None) -> list[list[str]]:
    """Blocks of a hierarchical regression: controls, then drivers, barriers, facilitators.

    Constructs whose ``role`` is ``driver``, ``barrier`` or ``facilitator`` enter in that
    order; the outcome itself never does. Empty blocks are left out.
    """
    roles = survey.instrument.constructs["role"]
    controls = survey.controls if controls is None else list(controls)
    blocks = [controls] if controls else []
    for role in ("driver", "barrier", "facilitator"):
        block = [c for c in survey.scales if roles.get(c) == role and c != outcome]
        if block:
            blocks.append(block)
    return blocks


def hierarchical_tables(survey, rep, outcome, *, controls=None):
    """Hierarchical regression of ``outcome``: model summary per step and final coefficients.

    Parameters
    ----------
    survey : Survey
    rep : Report
    outcome : str
        A construct of the instrument.
    controls : list of str, optional
        Default: :func:`~onex_research.study.default_controls`. Categorical controls keep
        the instrument's order, so the first answer label is the reference level.

    Returns
    -------
    HierarchicalResult
    """
    from ..regression import hierarchical

    constructs = survey.instrument.constructs
    if outcome not in survey.scales:
        raise OnexError(f"outcome {outcome!r} is not a construct with items; choose from {', '.join(survey.scales)}")
    controls = survey.controls if controls is None else list(controls)
    missing = [c for c in controls if c not in survey.data.columns]
    if missing:
        raise OnexError(f"no column {', '.join(missing)} in the cleaned data for the controls; "
                        f"single-choice items: {', '.join(survey.instrument.demographics)}")
    blocks = predictor_blocks(survey, outcome, controls)
    data = survey.data[[c for c in controls]].join(survey.scores)
    res = hierarchical(data, outcome, blocks)
    label = constructs.at[outcome, "label_zh"]
    summary = res.fit.assign(predictors=[
        "、".join(_term_label(t.strip(), survey) for t in str(s).split("+")) for s in res.fit["predictors"]])
    summary.index = summary.index.rename("model")
    _register(rep, survey, summary, name=f"hierarchical_{outcome}_summary",
              caption_zh=f"{label}的分层回归模型摘要",
              caption_en=f"Hierarchical regression of {outcome}: model summary",
              made_by="onex_research.regression.hierarchical")
    models = res.format_models("beta")
    models.index = [_term_label(t, survey) for t in models.index]
    models.index.name = "term"
    models.columns = [f"模型 {k}" for k in models.columns]
    _register(rep, survey, models, name=f"hierarchical_{outcome}_models",
              caption_zh=f"{label}的分层回归：模型 1–{len(blocks)}",
              caption_en=f"Hierarchical regression of {outcome}: Models 1-{len(blocks)} side by side",
              made_by="onex_research.regression.hierarchical", stars=False,
              notes=(f"表中为标准化回归系数 β（SPSS 的 Beta，虚拟变量按其自身标准差标准化）；"
                     f"ΔR² 与 ΔF 为相对上一模型（模型 1 相对仅含截距的模型）的变化；n = {res.steps[-1].n}。"
                     + _reference_note(survey, controls)
                     + "* p < 0.05，** p < 0.01，*** p < 0.001（双侧）。"))
    last = res.steps[-1]
    final = res.coefficients[res.coefficients["step"] == len(blocks)].set_index("term").drop(columns=["step", "vif"])
    gvif = last.gvif
    final["gvif"] = [gvif.at[_TERM.sub(r"\1", t) if _TERM.match(t) else t, "gvif"] if t != "Intercept" else float("nan")
                     for t in final.index]
    final = final.rename(index=lambda t: _term_label(t, survey))
    factors = [f"{_term_label(t, survey)}（df = {int(gvif.at[t, 'dof'])}，GVIF^(1/(2df)) = {gvif.at[t, 'gvif_adj']:.3f}）"
               for t in gvif.index if gvif.at[t, "dof"] > 1]
    _register(rep, survey, final, name=f"hierarchical_{outcome}_coefficients",
              caption_zh=f"{label}的最终回归模型系数",
              caption_en=f"Hierarchical regression of {outcome}: coefficients of the final step",
              made_by="onex_research.regression.hierarchical",
              notes=(_reference_note(survey, controls)
                     + f"模型 {len(blocks)}：R² = {last.r2:.3f}，调整 R² = {last.adj_r2:.3f}，"
                       f"F({last.df_model:g}, {last.df_resid:g}) = {last.f:.2f}，n = {last.n}。"
                       "GVIF 为广义方差膨胀因子（Fox & Monette, 1992），按变量计算，"
                       "类别变量的各虚拟变量共用一个值；数值变量的 GVIF 即 VIF"
                     + ("。多类别变量：" + "；".join(factors) if factors else "") + "。"))
    return res


# -- interviews ------------------------------------------------------------------------
#: Synonyms merged before counting: a company is an enterprise in this field's talk.
SYNONYMS = {"公司": "企业"}


def corpus_overview(corpus, rep):
    """Interviews, turns and characters (before redaction) per role, interviewers' turns included."""
    overview = (corpus.turns.groupby("role").agg(interviews=("interview_id", "nunique"), turns=("turn", "size"),
                                     characters=("chars", "sum")))
    rep.table(overview, name="corpus_overview", caption_zh="访谈语料概况", caption_en="The interview corpus",
              made_by="onex_research.text.read_transcripts")
    return overview


def segment_units(corpus, *, cache_dir=None, progress=True):
    """The interviewees' turns with a ``tokens`` column (jieba with the project's lexicon).

    ``cache_dir``: a folder for the segmentation cache, ``"auto"`` for the project's
    ``.cache/``, or None for no cache.
    """
    from ..text import Segmenter

    seg = Segmenter(synonyms=SYNONYMS, cache_dir=cache_dir, progress=progress)
    units = corpus.units
    return units.assign(tokens=seg.cut_many(units["text"]))


def coding_tables(corpus, rep, units):
    """Deductive coding: share of interviews mentioning each code by role, exemplar quotes.

    Returns
    -------
    (DataFrame, DataFrame, DataFrame)
        The coded sentences (``code``'s hits), the code matrix and the exemplars.
    """
    from ..text import code, code_matrix, exemplars

    frame = corpus.frame
    hits = code(units, frame)
    matrix = code_matrix(hits, units, frame=frame)
    pct = matrix.pivot(index="label_zh", columns="group", values="pct_interviews").reindex(
        [c.label_zh for c in frame.codes]).round(0)
    pct.index.name = "code"
    rep.table(pct, name="code_by_role", caption_zh="各编码在不同身份访谈中的提及比例（%）",
              caption_en="Share of interviews mentioning each code, by role (%)",
              made_by="onex_research.text.code_matrix", decimals=0)
    ex = exemplars(hits, n=2, frame=frame)
    rep.table(ex[["code", "interview_id", "role", "quote"]], name="exemplar_quotes", caption_zh="各编码的典型引语",
              caption_en="Exemplar quotes by code", made_by="onex_research.text.exemplars",
              row_labels={c.name: c.label_zh for c in frame.codes})
    return hits, matrix, ex


def topic_tables(units, rep, *, seed, frame, k=None, ks=range(2, 8)):
    """Topic model of the interviewees' turns: K chosen by coherence and stability (unless
    given), the top words of each topic.

    Words in more than a quarter of the turns (证书, 学校, 学生 ...) are left out
    (``max_df=0.25``): they say little about what a topic is.

    Returns
    -------
    (KSelection or None, TopicResult)
    """
    from ..text import fit_topics, select_k

    docs = list(units["tokens"])
    selection = None
    if k is None:
        selection = select_k(docs, ks, method="lda", seeds=(seed, seed + 1, seed + 2), max_df=0.25, n_jobs=1)
        rep.table(selection.table.round(3), name="k_selection", caption_zh="主题数选择：一致性、多样性与稳定性",
                  caption_en="Choosing K: coherence, diversity and stability", made_by="onex_research.text.select_k")
        k = selection.k
    topics = fit_topics(docs, k, method="lda", seed=seed, n_init=2, max_df=0.25)
    rep.table(topics.to_frame().round(3), name="topics_top_words", caption_zh="各主题高频词",
              caption_en="Top words of each topic", made_by="onex_research.text.fit_topics")
    return selection, topics


# -- structural models, invariance, common-method bias ---------------------------------
#: The study's structural model: drivers -> recognition and execution -> effectiveness -> intention.
STRUCTURAL_PATHS = {
    "recognition": ["demand", "motivation", "enterprise_drive", "government"],
    "execution": ["demand", "motivation", "enterprise_drive", "government"],
    "effectiveness": ["recognition", "execution", "resources"],
    "intention": ["effectiveness"],
}


def structural_model(survey, paths=None) -> str:
    """lavaan syntax of the structural model: one ``=~`` line per construct in ``paths``, the
    regressions, and ``:=`` indirect effects of each driver on effectiveness through each
    mediator (``ind_<driver>_<mediator>``)."""
    paths = STRUCTURAL_PATHS if paths is None else paths
    scales = survey.scales
    used = list(dict.fromkeys([c for lhs, rhs in paths.items() for c in [lhs, *rhs]]))
    missing = [c for c in used if c not in scales]
    if missing:
        raise OnexError(f"the structural model names constructs without items: {missing}")
    lines = [f"{c} =~ " + " + ".join(scales[c]) for c in used]
    labels = {}
    for lhs, rhs in paths.items():
        terms = []
        for r in rhs:
            labels[(lhs, r)] = f"b_{r}_{lhs}"
            terms.append(f"{labels[(lhs, r)]}*{r}")
        lines.append(f"{lhs} ~ " + " + ".join(terms))
    outcome = "effectiveness"
    for (lhs, r), lab in labels.items():       # driver -> mediator -> outcome
        if (outcome, lhs) in labels:
            lines.append(f"ind_{r}_{lhs} := {lab}*{labels[(outcome, lhs)]}")
    return "\n".join(lines)


def sem_tables(survey, rep, *, seed, bootstrap=500, paths=None):
    """The structural model as a latent SEM (ML, complete cases): fit indices, structural
    paths with standardized coefficients, indirect effects with bias-corrected bootstrap
    intervals (as PROCESS), and the path diagram.

    Returns
    -------
    SEMResult
    """
    from ..psychometrics import plot_path_diagram, sem

    model = structural_model(survey, paths)
    used = [i for line in model.splitlines() if "=~" in line for i in line.split("=~")[1].replace(" ", "").split("+")]
    complete = survey.items[used].dropna()
    res = sem(complete, model, bootstrap=bootstrap, ci="bc", seed=seed)
    fit = res.fit[["n", "chi2", "dof", "p", "chi2_dof", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
                   "srmr", "gfi", "agfi", "nfi", "ifi", "aic", "bic"]].to_frame("value")
    fit.index.name = "statistic"
    _register(rep, survey, fit, name="sem_fit", caption_zh="结构方程模型的拟合指数", caption_en="Fit of the structural equation model",
              made_by="onex_research.psychometrics.sem", decimals=3,
              notes=f"注：最大似然估计，列表删除后 n = {int(res.fit['n'])}；RMSEA 区间为 90% 置信区间。")
    par = res.parameters
    paths_table = par[par["op"] == "~"][["lhs", "rhs", "b", "se", "z", "p", "std"]].set_index(["lhs", "rhs"])
    r2 = "，".join(f"{_construct_names(survey)[v]} {r:.3f}" for v, r in zip(res.r2["variable"], res.r2["r2"])
                  if v in (STRUCTURAL_PATHS if paths is None else paths))     # the latent outcomes, not the items
    _register(rep, survey, paths_table, name="sem_paths", caption_zh="结构方程模型的路径系数",
              caption_en="Structural paths (std = standardized coefficient)",
              made_by="onex_research.psychometrics.sem", decimals=3,
              notes=(f"注：最大似然估计，列表删除后 n = {int(res.fit['n'])}；b 为非标准化系数，标准化估计为 std.all；"
                     f"内生变量的 R²：{r2}。"))
    defined = res.defined[["lhs", "b", "se", "ci_low", "ci_high", "std"]].set_index("lhs")
    defined.index.name = "effect"
    names = _construct_names(survey)
    chains = {f"ind_{r}_{m}": f"{names.get(r, r)} → {names.get(m, m)} → {names.get('effectiveness', 'effectiveness')}"
              for m, rhs in (STRUCTURAL_PATHS if paths is None else paths).items() for r in rhs}
    _register(rep, survey, defined, row_labels=chains, name="sem_indirect", caption_zh="间接效应（偏差校正 Bootstrap 置信区间）",
              caption_en=f"Indirect effects (bias-corrected bootstrap, {bootstrap} draws)",
              made_by="onex_research.psychometrics.sem", decimals=3,
              notes=(f"注：{int(100 * 0.95)}% 偏差校正 Bootstrap 置信区间（{bootstrap} 次重抽样，种子 {seed}），"
                     "区间不含 0 即间接效应显著；SE 为 delta 法标准误；标准化估计为 std.all。"))
    labels = survey.instrument.constructs["label_zh"].to_dict()
    fig = plot_path_diagram(res, labels=labels, show_indicators=False, show_covariances=False)
    rep.figure(fig, name="sem_path_diagram", caption_zh="结构方程模型路径图（标准化系数）",
               caption_en="Path diagram of the structural model (standardized coefficients)",
               made_by="onex_research.psychometrics.plot_path_diagram")
    return res


def invariance_table(survey, rep, *, group="role", n_groups=2):
    """Measurement invariance of the constructs' CFA across the ``n_groups`` largest groups
    (configural, metric, scalar, strict), with Chen's (2007) decisions.

    Returns None, with a warning that says why, when a group has no more complete cases
    than items (its covariance matrix is then singular and no model can be fitted).
    """
    import warnings

    from ..psychometrics import measurement_invariance

    counts = survey.data[group].value_counts()
    keep = list(counts.index[:n_groups])
    model = "\n".join(f"{c} =~ " + " + ".join(its) for c, its in survey.scales.items())
    data = survey.items.join(survey.data[[group]])
    data = data[data[group].isin(keep)].dropna()
    data[group] = data[group].astype(str)
    n_items = survey.items.shape[1]
    small = {g: int(n) for g, n in data[group].value_counts().items() if n <= n_items}
    if small:
        warnings.warn(f"measurement invariance not run: group(s) {small} have no more complete cases than the "
                      f"{n_items} items, so their covariance matrices are singular", UserWarning, stacklevel=2)
        return None
    table = measurement_invariance(data, model, group)
    _register(rep, survey, table, name="invariance", caption_zh=f"测量不变性检验（{'、'.join(map(str, keep))}）",
              caption_en=f"Measurement invariance across {group} ({', '.join(map(str, keep))})",
              made_by="onex_research.psychometrics.measurement_invariance", decimals=3,
              row_labels={"baseline": "基线", "supported": "成立", "not supported": "不成立"},
              notes="注：按 Chen (2007) 标准，ΔCFI ≥ −0.010 且 ΔRMSEA ≤ 0.015 视为不变性成立；"
                    f"列表删除后 n = {len(data)}（"
                    + "，".join(f"{g} {int((data[group] == str(g)).sum())}" for g in keep) + "）。")
    return table


def harman_table(survey, rep):
    """Harman's single-factor test: the first unrotated component's share, and the
    single-factor CFA against the measurement model."""
    from ..psychometrics import harman_test

    complete = survey.items.dropna()
    res = harman_test(complete, model=survey.scales)
    comparison = res.comparison.copy()
    comparison.index.name = "model"
    _register(rep, survey, comparison, name="harman", caption_zh="共同方法偏差检验（Harman 单因子检验）",
              caption_en="Common-method bias: Harman's single-factor test",
              made_by="onex_research.psychometrics.harman_test", decimals=3,
              notes=_harman_note(res))
    return res


def _harman_note(res, threshold=0.5) -> str:
    """The Harman result as a Chinese sentence for the table note (``res.sentence`` is English)."""
    below = res.proportion < threshold
    text = (f"未旋转的第一个主成分解释了 {res.proportion:.1%} 的总方差（{res.n_items} 个题目，n = {res.n}），"
            f"{'低于' if below else '高于'} {threshold:.0%} 的临界值，"
            + ("单一因子不能解释大部分变异，共同方法偏差不严重。" if below else
               "单一因子解释了大部分变异，可能存在共同方法偏差。"))
    c = res.comparison
    if c is not None:
        one, full = c.loc["one_factor"], c.loc["measurement"]
        worse = "显著差于" if one["delta_p"] < 0.05 else "并不显著差于"
        text += (f"单因子 CFA 的拟合{worse}测量模型（Δχ²({one['delta_dof']:.0f}) = {one['delta_chi2']:.2f}，"
                 f"CFI {one['cfi']:.3f} 对 {full['cfi']:.3f}）。")
    return text


def correlation_table(survey, rep, *, diagonal="alpha"):
    """Table 1 of a survey paper: construct means, SDs and Pearson correlations with stars,
    Cronbach's α or √AVE on the diagonal (as ``apaTables::apa.cor.table``, with the
    diagonal filled).

    Correlations are pairwise on the construct scores (``psych::corr.test``, unadjusted).
    ``diagonal="alpha"`` (default) prints the α of :func:`reliability_tables`;
    ``diagonal="sqrt_ave"`` prints √AVE of the CFA of :func:`cfa_tables` (complete cases), so
    the table doubles as a Fornell–Larcker check: each √AVE should exceed its row's and
    column's correlations.

    Returns
    -------
    DataFrame
        The table as printed: ``M``, ``SD`` and one column per construct (numbered).
    """
    from ..psychometrics import cfa, correlations, scale_reliability

    if diagonal not in ("alpha", "sqrt_ave"):
        raise ValueError(f"diagonal must be 'alpha' or 'sqrt_ave', got {diagonal!r}")
    scores = survey.scores[list(survey.scales)]
    res = correlations(scores)
    if diagonal == "alpha":
        diag, what = scale_reliability(survey.items, survey.scales)["alpha"], "Cronbach's α"
    else:
        diag = cfa(survey.items.dropna(), survey.scales).reliability["ave"] ** 0.5
        what = "AVE 的平方根（验证性因子分析，列表删除）"
    names = _construct_names(survey)
    k = scores.shape[1]
    cells = res.format_matrix(digits=2)
    for i, c in enumerate(scores.columns):
        cells.iat[i, i] = f"({diag[c]:.2f})"
    cells.columns = [str(i + 1) for i in range(k)]
    table = pd.concat([pd.DataFrame({"mean": scores.mean().to_numpy(), "sd": scores.std(ddof=1).to_numpy()},
                                    index=cells.index), cells], axis=1)
    table.index = [f"{i + 1}. {names.get(c, c)}" for i, c in enumerate(scores.columns)]
    table.index.name = "construct"
    n_lo, n_hi = int(res.n.to_numpy().min()), int(res.n.to_numpy().max())
    n_text = f"n = {n_lo}" if n_lo == n_hi else f"n = {n_lo}–{n_hi}（成对删除）"
    _register(rep, survey, table, name="correlations", caption_zh="各构念的均值、标准差与相关系数",
              caption_en="Means, standard deviations and correlations of the constructs",
              made_by="onex_research.psychometrics.correlations", decimals=2,
              notes=f"对角线括号内为 {what}；{n_text}；* p < 0.05，** p < 0.01，*** p < 0.001（双侧）。")
    return table
