"""The mediation and moderation tables of notebook 03 (the study's steps, private module;
use them through :mod:`onex_research.study.tables`)."""

from __future__ import annotations

import pandas as pd

from ..errors import OnexError
from ._labels import register

__all__ = ["mediation_tables", "moderation_tables"]

def _check(survey, *columns):
    missing = [c for c in columns if c not in survey.scores.columns]
    if missing:
        raise OnexError(f"{', '.join(missing)}: not a scored construct; choose from {', '.join(survey.scores.columns)}")


def _data(survey, controls):
    return survey.data[list(controls)].join(survey.scores)


def mediation_tables(survey, rep, x, m, y, *, seed, n_boot=5000, ci="bc", controls=None):
    """Mediation x → m → y with the main regression's controls, its proportion mediated and a
    stated bootstrap interval (:func:`onex_research.regression.mediation`).

    Parameters
    ----------
    survey : Survey
    rep : Report
    x, m, y : str
        Constructs: predictor, mediator, outcome.
    seed : int
        Bootstrap seed (the notebook's ``seed`` parameter).
    n_boot : int
        Bootstrap draws (default 5000, as PROCESS).
    ci : {"percentile", "bc", "bca"}
        Interval type; default bias-corrected, the interval PROCESS users report.
    controls : list of str, optional
        Default: the survey's controls, the same as :func:`hierarchical_tables`.

    Returns
    -------
    MediationResult
    """
    from ..regression import mediation
    from ..report.labels import label
    from ._labels import construct_names, reference_note

    _check(survey, x, m, y)
    controls = list(survey.controls if controls is None else controls)
    res = mediation(_data(survey, controls), x, m, y, covariates=controls, n_boot=n_boot, seed=seed, ci=ci)
    names = construct_names(survey)
    nx, nm, ny = names.get(x, x), names.get(m, m), names.get(y, y)
    rows = {"a": f"a：{nx} → {nm}", "b": f"b：{nm} → {ny}", "c": "c：总效应", "c_prime": "c′：直接效应",
            "indirect": "ab：间接效应", "proportion": "ab/c：中介比例", "sobel": "Sobel 检验（参考）"}
    table = res.paths.rename(index=rows)
    ctl = "、".join(label(c) for c in controls) if controls else "无"
    register(rep, survey, table, name=f"mediation_{x}_{m}", caption_zh=f"{nx}—{nm}—{ny}的中介效应检验",
              caption_en=f"Mediation: {x} -> {m} -> {y} ({ci} bootstrap, {n_boot} draws)",
              made_by="onex_research.regression.mediation",
              notes=(f"b 为非标准化系数；b 路径控制{nx}，c 为{nx}对{ny}的总效应，c′ 为控制{nm}后的直接效应；"
                     f"控制变量与分层回归相同（{ctl}），n = {res.n}。"
                     f"间接效应与中介比例的置信区间为 {res.interval}，其 SE 为 Bootstrap 标准差；"
                     f"其余路径的置信区间为 t 分布区间，Sobel 检验为正态近似。" + reference_note(survey, controls)))
    return res


def moderation_tables(survey, rep, x, w, y, *, controls=None):
    """Moderation of x → y by w with the main regression's controls: the coefficients with
    the interaction row and ΔR², and the simple slopes
    (:func:`onex_research.regression.moderation`).

    Returns
    -------
    ModerationResult
    """
    from ..regression import moderation
    from ._labels import construct_names, reference_note, term_label

    _check(survey, x, w, y)
    controls = list(survey.controls if controls is None else controls)
    res = moderation(_data(survey, controls), x, w, y, covariates=controls)
    names = construct_names(survey)
    nx, nw, ny = names.get(x, x), names.get(w, w), names.get(y, y)
    table = res.table.rename(index=lambda t: f"{nx} × {nw}" if t == f"{x}:{w}" else term_label(t, survey))
    sig = res.p_change < 0.05
    test = (f"交互项使 R² 增加 ΔR² = {res.r2_change:.3f}，F(1, {res.fit.df_resid:g}) = {res.f_change:.2f}，"
            f"p = {res.p_change:.3f}" if res.p_change >= 0.001 else
            f"交互项使 R² 增加 ΔR² = {res.r2_change:.3f}，F(1, {res.fit.df_resid:g}) = {res.f_change:.2f}，p < 0.001")
    register(rep, survey, table.drop(columns="vif"), name=f"moderation_{x}_{w}",
              caption_zh=f"{nw}对{nx}—{ny}关系的调节效应",
              caption_en=f"Moderation of {x} -> {y} by {w}: coefficients with the interaction",
              made_by="onex_research.regression.moderation",
              notes=(f"{nx}与{nw}均已均值中心化；控制变量与分层回归相同；R² = {res.r2:.3f}，n = {res.n}。"
                     + test + "。" + reference_note(survey, controls)))
    slopes = res.slopes.rename(index={"-1 SD": "均值 − 1 SD", "mean": "均值", "+1 SD": "均值 + 1 SD"})
    slopes.index.name = "w_level"
    register(rep, survey, slopes.rename(columns={"w": "w_value"}), name="moderation_simple_slopes",
              caption_zh=f"{nw}对{nx}效应的调节：简单斜率",
              caption_en=f"Simple slopes of {x} on {y} at {w} = mean -1 SD, mean, +1 SD",
              made_by="onex_research.regression.moderation",
              notes=(f"简单斜率为{nx}在{nw}取不同水平时的效应 b。" + test + "。"
                     + ("" if sig else "交互项不显著，各水平的斜率之间没有显著差异，简单斜率仅作描述。")))
    return res
