"""The joint display's figure: survey means and interview prevalence of one theme by role."""

from __future__ import annotations

import numpy as np

from ..plotting.fonts import use_cjk_font

__all__ = ["plot_joint_theme"]


def plot_joint_theme(display, *, lang: str = "zh", scale=(1, 5), measure=None, figsize=None):
    """Survey means with CI (left) next to interview prevalence bars (right), by role.

    Parameters
    ----------
    display : onex_research.mixed.joint.ThemeDisplay
        Its ``table`` (indexed by role: ``mean, ci_low, ci_high, prevalence,
        prevalence_ci_low, prevalence_ci_high, n_coded, n_interviews``) and labels.
    lang : {"zh", "en"}, default "zh"
        Language of titles and axis labels (role names stay as in the data).
    scale : tuple, default (1, 5)
        x range of the survey panel (the Likert scale).
    measure : {"prevalence", "mentions_per_interview"}, optional
        What the bars show; default ``display.measure`` (mentions per interview when
        every role's prevalence is saturated). The bars are labelled with
        ``n_coded/n_interviews`` either way.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    use_cjk_font()
    t = display.table
    roles = list(t.index)
    y = np.arange(len(roles))
    c1, c2 = sns.color_palette("colorblind", 2)
    fig, (a1, a2) = plt.subplots(1, 2, sharey=True, figsize=figsize or (8, 1.0 + 0.55 * len(roles)),
                                 layout="constrained")
    err = np.vstack([t["mean"] - t["ci_low"], t["ci_high"] - t["mean"]])
    a1.errorbar(t["mean"], y, xerr=np.clip(np.nan_to_num(err), 0, None), fmt="o", color=c1, capsize=3)
    a1.set_xlim(*scale)
    a1.set_xticks(np.arange(scale[0], scale[1] + 1))
    measure = measure or getattr(display, "measure", "prevalence")
    if measure == "prevalence":
        bars, top = 100 * t["prevalence"].fillna(0), 100.0
        perr = 100 * np.vstack([t["prevalence"] - t["prevalence_ci_low"],
                                t["prevalence_ci_high"] - t["prevalence"]])
        a2.barh(y, bars, color=c2, xerr=np.clip(np.nan_to_num(perr), 0, None), capsize=3,
                error_kw={"elinewidth": 0.8})
    elif measure == "mentions_per_interview":
        bars = t["mentions_per_interview"].fillna(0)
        top = max(1.0, float(bars.max()))
        a2.barh(y, bars, color=c2)
    else:
        raise ValueError(f"measure must be 'prevalence' or 'mentions_per_interview', got {measure!r}")
    for yi, k, n in zip(y, t["n_coded"], t["n_interviews"]):
        a2.text(top * 1.04, yi, f"{k}/{n}", va="center", fontsize="small")
    a2.set_xlim(0, top * 1.18)
    a1.set_yticks(y, labels=roles)
    a1.invert_yaxis()
    if lang == "zh":
        a1.set_xlabel("问卷均值（95% CI）")
        a2.set_xlabel("访谈提及率（%，95% CI）" if measure == "prevalence" else "每次访谈的提及次数（均值）")
        fig.suptitle(f"{display.label_zh}：问卷与访谈")
    else:
        a1.set_xlabel("Survey mean (95% CI)")
        a2.set_xlabel("Interviews mentioning it (%, 95% CI)" if measure == "prevalence"
                      else "Mentions per interview (mean)")
        fig.suptitle(f"{display.label_en.capitalize()}: survey and interviews")
    for ax in (a1, a2):
        ax.grid(axis="x", alpha=0.3)
    return fig
