"""One bilingual registry of the headers a table can carry: column name -> (中文, English).

:func:`~onex_research.report.format_table` replaces every column name found here with its
Chinese (``style="zh"``) or English (``style="apa"``) label, so that no ``snake_case`` name
reaches a paper. Statistical symbols are the same in both languages (β, SE, R², ΔR², χ²).
"""

from __future__ import annotations

__all__ = ["LABELS", "label", "labels_for"]

#: column -> (zh, en)
LABELS = {
    # descriptives
    "n": ("n", "n"), "count": ("n", "n"), "mean": ("M", "M"), "sd": ("SD", "SD"), "std": ("标准化估计", "Std. estimate"),
    "se": ("SE", "SE"), "min": ("最小值", "Min"), "max": ("最大值", "Max"), "skew": ("偏度", "Skewness"),
    "kurtosis": ("峰度", "Kurtosis"), "25%": ("P25", "P25"), "50%": ("中位数", "Median"), "75%": ("P75", "P75"),
    "median": ("中位数", "Median"), "value": ("值", "Value"), "statistic": ("统计量", "Statistic"),
    # inference
    "b": ("b", "b"), "beta": ("β", "β"), "t": ("t", "t"), "z": ("z", "z"), "p": ("p", "p"), "f": ("F", "F"),
    "ci": ("95% CI", "95% CI"), "ci_low": ("95% CI 下限", "95% CI LL"), "ci_high": ("95% CI 上限", "95% CI UL"),
    "dof": ("df", "df"), "df": ("df", "df"), "df1": ("df₁", "df₁"), "df2": ("df₂", "df₂"),
    "chi2": ("χ²", "χ²"), "chi2_dof": ("χ²/df", "χ²/df"), "vif": ("VIF", "VIF"), "gvif": ("GVIF", "GVIF"),
    "r": ("r", "r"), "r2": ("R²", "R²"), "adj_r2": ("调整 R²", "Adj. R²"), "r2_change": ("ΔR²", "ΔR²"),
    "f_change": ("ΔF", "ΔF"), "p_change": ("ΔF 的 p", "p (ΔF)"), "eta2": ("η²", "η²"), "omega2": ("ω²", "ω²"),
    "welch_f": ("Welch F", "Welch F"), "welch_df2": ("Welch df₂", "Welch df₂"), "welch_p": ("Welch p", "Welch p"),
    "diff": ("均值差", "Difference"), "reject": ("显著", "Significant"), "group1": ("组 1", "Group 1"),
    "group2": ("组 2", "Group 2"), "dv": ("因变量", "Outcome"), "term": ("变量", "Term"), "step": ("步骤", "Step"),
    "predictors": ("新增变量", "Predictors added"), "path": ("路径", "Path"), "effect": ("效应", "Effect"),
    "lhs": ("结果变量", "Outcome"), "rhs": ("预测变量", "Predictor"),
    "std_se": ("β 的 SE", "SE (β)"), "std_z": ("β 的 z", "z (β)"), "std_p": ("β 的 p", "p (β)"),
    # measurement
    "alpha": ("α", "α"), "std_alpha": ("标准化 α", "Standardized α"), "omega_total": ("ω", "ω"),
    "omega_h": ("ωh", "ωh"), "average_r": ("平均题间相关", "Mean inter-item r"), "r_drop": ("校正题总相关", "Corrected item-total r"),
    "min_r_drop": ("最小校正题总相关", "Min. corrected item-total r"), "alpha_if_deleted": ("删除该题后的 α", "α if item deleted"),
    "n_items": ("题数", "Items"), "item": ("题目", "Item"), "construct": ("构念", "Construct"), "factor": ("因子", "Factor"),
    "label": ("名称", "Label"), "label_zh": ("名称", "Label"), "h2": ("共同度", "h²"), "u2": ("独特性", "u²"),
    "complexity": ("复杂度", "Complexity"), "ss_loadings": ("载荷平方和", "SS loadings"),
    "proportion": ("方差比例", "Proportion of variance"), "proportion_explained": ("解释比例", "Proportion explained"),
    "cumulative": ("累计方差比例", "Cumulative variance"), "cumulative_explained": ("累计解释比例", "Cumulative explained"),
    "congruence": ("Tucker 一致性", "Tucker congruence"), "truth": ("理论构念", "Hypothesised construct"),
    "pc_observed": ("主成分特征值", "PC eigenvalue"), "pc_simulated": ("模拟主成分特征值（95%）", "Simulated PC (95th)"),
    "pc_simulated_mean": ("模拟主成分特征值（均值）", "Simulated PC (mean)"),
    "fa_observed": ("因子特征值", "FA eigenvalue"), "fa_simulated": ("模拟因子特征值（95%）", "Simulated FA (95th)"),
    "fa_simulated_mean": ("模拟因子特征值（均值）", "Simulated FA (mean)"),
    "cfi": ("CFI", "CFI"), "tli": ("TLI", "TLI"), "rmsea": ("RMSEA", "RMSEA"), "srmr": ("SRMR", "SRMR"),
    "rmsea_ci_low": ("RMSEA 90% CI 下限", "RMSEA 90% CI LL"), "rmsea_ci_high": ("RMSEA 90% CI 上限", "RMSEA 90% CI UL"),
    "gfi": ("GFI", "GFI"), "agfi": ("AGFI", "AGFI"), "nfi": ("NFI", "NFI"), "ifi": ("IFI", "IFI"),
    "aic": ("AIC", "AIC"), "bic": ("BIC", "BIC"), "cr": ("CR", "CR"), "ave": ("AVE", "AVE"),
    "level": ("层级", "Level"), "delta_chi2": ("Δχ²", "Δχ²"), "delta_dof": ("Δdf", "Δdf"), "delta_p": ("Δχ² 的 p", "p (Δχ²)"),
    "delta_cfi": ("ΔCFI", "ΔCFI"), "delta_rmsea": ("ΔRMSEA", "ΔRMSEA"), "delta_srmr": ("ΔSRMR", "ΔSRMR"),
    "decision": ("结论", "Decision"), "model": ("模型", "Model"),
    # sample flow and cleaning
    "rule": ("规则", "Rule"), "n_flagged": ("标记人数", "Flagged"), "n_excluded": ("剔除人数", "Excluded"),
    "n_remaining": ("剩余人数", "Remaining"), "setting": ("规则设置", "Setting"), "n_truth": ("真值人数", "Planted (truth)"),
    "n_planted": ("植入人数", "Planted"), "recall_planted": ("植入召回率", "Recall of planted"),
    "tp": ("真阳性", "TP"), "fp": ("假阳性", "FP"), "fn": ("假阴性", "FN"), "precision": ("精确率", "Precision"),
    "recall": ("召回率", "Recall"), "score": ("得分", "Score"), "scale": ("量表", "Scale"),
    # interviews
    "role": ("角色", "Role"), "gender": ("性别", "Gender"), "school_type": ("学校类型", "School type"),
    "major": ("专业大类", "Field"), "tenure": ("年级或工龄", "Grade or tenure"), "interview_id": ("访谈编号", "Interview"), "interviews": ("访谈数", "Interviews"),
    "turns": ("话轮数", "Turns"), "characters": ("字数", "Characters"), "code": ("编码", "Code"),
    "quote": ("引述", "Quote"), "rank": ("排名", "Rank"), "words": ("主题词", "Words"), "topic": ("主题", "Topic"),
    "n_interviews": ("访谈数", "Interviews"), "n_coded": ("提及数", "Coded"), "prevalence_pct": ("提及率/%", "Prevalence/%"),
    "pct_interviews": ("提及率/%", "Prevalence/%"), "mentions_per_interview": ("次/访谈", "Mentions per interview"),
    "k": ("主题数 K", "K"), "coherence": ("一致性", "Coherence"), "coherence_sd": ("一致性 SD", "Coherence SD"),
    "coherence_se": ("一致性 SE", "Coherence SE"), "diversity": ("多样性", "Diversity"), "stability": ("稳定性", "Stability"),
    "stability_resample": ("重抽样稳定性", "Resample stability"), "chosen": ("选定", "Chosen"), "runner_up": ("次优", "Runner-up"),
    "qualifies": ("入选", "Qualifies"), "kappa": ("κ", "κ"), "agreement": ("一致率", "Agreement"),
    "p_e": ("期望一致率", "Expected agreement"), "n_manual": ("人工编码数", "Manually coded"), "pair": ("词对", "Pair"),
    "w": ("权重", "Weight"), "sign": ("方向", "Sign"), "group": ("组别", "Group"),
    # regression tables (issue 13)
    "w_level": ("调节变量水平", "Moderator level"), "w_value": ("调节变量取值", "Moderator value"),
    "gvif_adj": ("GVIF^(1/(2df))", "GVIF^(1/(2df))"),
    # group comparisons (issue 13)
    "levene_f": ("Levene F", "Levene F"), "levene_p": ("Levene p", "Levene p"),
    "welch_df1": ("Welch df₁", "Welch df₁"), "cramers_v": ("Cramér's V", "Cramér's V"),
    "cramers_v_adj": ("校正 Cramér's V", "Cramér's V (adj.)"), "comparison": ("比较", "Comparison"),
    "test": ("检验", "Test"),
    # row names of the study's tables (issue 13): cleaning rules, fit indices, model comparisons
    "duplicate": ("重复提交", "Duplicate submission"), "speeder": ("作答过快", "Speeder"),
    "attention": ("注意力题错误", "Failed attention check"), "straightliner": ("直线作答", "Straight-lining"),
    "missing": ("缺失过多", "Too many missing answers"), "out_of_range": ("超出取值范围", "Out of range"),
    "chi2_baseline": ("基线模型 χ²", "Baseline χ²"), "dof_baseline": ("基线模型 df", "Baseline df"),
    "prevalence": ("占比", "Prevalence"), "number": ("序号", "No."), "f_dof": ("F 的 df", "df (F)"),
    "kmo": ("KMO", "KMO"), "min_msa": ("最小题项 MSA", "Min. item MSA"), "bartlett_chi2": ("Bartlett χ²", "Bartlett χ²"),
    "respondent": ("受访者", "Respondent"), "cell": ("单元格", "Cell"), "baseline": ("基线", "Baseline"),
    "supported": ("成立", "Supported"), "not supported": ("不成立", "Not supported"), "one_factor": ("单因子模型", "Single-factor model"), "measurement": ("测量模型", "Measurement model"),
    "configural": ("形态等值", "Configural"), "metric": ("弱等值（因子载荷）", "Metric"),
    "scalar": ("强等值（截距）", "Scalar"), "strict": ("严格等值（残差）", "Strict"),
}


def label(column, style: str = "zh") -> str:
    """The display label of ``column`` in ``style`` (``"zh"`` or ``"apa"``); unknown names as given."""
    pair = LABELS.get(str(column))
    if pair is None:
        return str(column)
    return pair[0] if style == "zh" else pair[1]


def labels_for(style: str = "zh") -> dict:
    """``{column: label}`` for every registered column, in ``style``."""
    i = 0 if style == "zh" else 1
    return {k: v[i] for k, v in LABELS.items()}
