"""Figures: one house style and deterministic saving (same figure, same bytes).

:func:`theme` applies the style every figure of the project uses (seaborn "ticks",
paper context, colour-blind palette, the CJK font). :func:`save_figure` writes PNG
without the ``Software`` tag, SVG without a date and with a fixed hash salt, and PDF
without a creation date, so reruns give identical files.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

import numpy as np

from .fonts import FontChoice, set_theme, use_cjk_font

__all__ = ["theme", "save_figure", "plot_joint_theme", "HASH_SALT", "FIGURE_FORMATS", "style_rc"]

#: Salt for the ids matplotlib writes into SVG files.
HASH_SALT = "onex_research"
FIGURE_FORMATS = ("png", "svg", "pdf")

_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def style_rc() -> dict:
    """rcParams of the house style beyond seaborn's theme."""
    return {
        "svg.hashsalt": HASH_SALT,
        "figure.dpi": 100,
        "savefig.bbox": "tight",
        "axes.spines.right": False,
        "axes.spines.top": False,
    }


def theme(*, context: str = "paper", style: str = "ticks", palette: str = "colorblind",
          font_scale: float = 1.1) -> FontChoice:
    """Apply the project's figure style (seaborn theme + CJK font + fixed SVG salt).

    Parameters
    ----------
    context, style, palette, font_scale
        Passed to ``seaborn.set_theme``.

    Returns
    -------
    FontChoice
        The CJK font in use (see :func:`onex_research.plotting.fonts.use_cjk_font`).
    """
    font = set_theme(context=context, style=style, palette=palette, font_scale=font_scale)
    mpl.rcParams.update(style_rc())
    return font


def save_figure(fig, stem, *, dpi: int = 300, formats=("png", "svg")) -> list[Path]:
    """Save ``fig`` as ``stem.png``, ``stem.svg`` (and/or ``stem.pdf``) reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : str or Path
        Output path without suffix; parent folders are created.
    dpi : int, default 300
        Resolution of raster output.
    formats : sequence of {"png", "svg", "pdf"}

    Returns
    -------
    list of pathlib.Path
        In the order of ``formats``.

    Notes
    -----
    PNG is written with ``metadata={"Software": None}``; SVG with
    ``metadata={"Date": None, "Creator": None}`` under ``svg.hashsalt = HASH_SALT``
    (text as paths, the default); PDF without creation/modification dates. Two
    saves of the same figure therefore give byte-identical files.
    """
    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad:
        raise ValueError(f"unknown figure format(s) {bad}; choose from {FIGURE_FORMATS}")
    if not hasattr(fig, "savefig"):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__name__}")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    with mpl.rc_context({"svg.hashsalt": HASH_SALT, "svg.fonttype": "path"}):
        for fmt in formats:
            path = stem.with_name(stem.name + "." + fmt)
            fig.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA[fmt], bbox_inches="tight")
            paths.append(path)
    return paths


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
