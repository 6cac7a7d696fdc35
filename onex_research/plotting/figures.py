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

__all__ = ["theme", "save_figure", "HASH_SALT", "FIGURE_FORMATS", "style_rc"]

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
