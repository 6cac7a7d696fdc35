"""Publication tables: 三线表 (APA three-line) .docx, LaTeX booktabs, Markdown and CSV.

All writers share one formatter, :func:`format_table`, so a table reads the same in
Word, LaTeX and Markdown. Output is deterministic: the same table gives the same
bytes, in every format (the .docx has fixed core properties and fixed zip dates).

Two number styles are offered (``style=``):

``"zh"`` (default, Chinese journal practice, e.g. 《心理学报》)
    Leading zeros are kept everywhere (``0.045``, ``< 0.001``); the star note is
    ``注：* p < 0.05，** p < 0.01，*** p < 0.001。``
``"apa"`` (APA 7th edition)
    The leading zero is dropped for statistics that cannot exceed 1 in absolute
    value (``bounded=``: p, r, beta, R², fit indices …), e.g. ``.045``,
    ``< .001``; the note is ``Note. * p < .05. ** p < .01. *** p < .001.``
"""

from pathlib import Path

import pandas as pd

from ._docx import to_docx
from ._format import (
    BOUNDED_COLUMNS,
    COLUMN_DECIMALS,
    DEFAULT_LABELS,
    INTEGER_COLUMNS,
    STAR_COLUMNS,
    _notes_text,
    _title_text,
    _width,
    as_frame,
    keeps_index,
    format_table,
    significance_note,
)

__all__ = [
    "format_table",
    "significance_note",
    "to_docx",
    "to_latex",
    "to_markdown",
    "write_table",
    "as_frame",
    "latex_escape",
    "DEFAULT_LABELS",
    "BOUNDED_COLUMNS",
    "STAR_COLUMNS",
    "INTEGER_COLUMNS",
    "COLUMN_DECIMALS",
]


# -------------------------------------------------------------------------- LaTeX
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"$<$", ">": r"$>$", "[": "{[}", "]": "{]}", "β": r"$\beta$", "χ": r"$\chi$", "η": r"$\eta$",
    "ω": r"$\omega$", "α": r"$\alpha$", "ρ": r"$\rho$", "²": r"\textsuperscript{2}",
    "−": r"$-$", "∞": r"$\infty$",
}


def latex_escape(text: str) -> str:
    """Escape LaTeX special characters (and map β, χ, ² … to math)."""
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in str(text))


def _write(text: str, path) -> None:
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def to_latex(
    table,
    path=None,
    *,
    caption: str | None = None,
    label: str | None = None,
    notes=None,
    stars: bool = True,
    decimals: int = 3,
    style: str = "zh",
    float_env: bool = True,
    **format_options,
) -> str:
    """Render a booktabs table (``\\toprule``, ``\\midrule``, ``\\bottomrule``).

    Needs ``\\usepackage{booktabs}``; Chinese text needs XeLaTeX with ``ctex``.

    Parameters
    ----------
    table : DataFrame or result object with ``to_frame()``
    path : str or Path, optional
        Also write the text there (UTF-8, ``\\n`` line ends).
    caption, label : str, optional
        ``\\caption`` and ``\\label`` (inside a ``table`` float).
    notes : str or list of str, optional
        Printed below the tabular in ``\\footnotesize``, with the star legend.
    float_env : bool, default True
        Wrap in ``\\begin{table}[htbp]``; False returns the bare tabular.
    stars, decimals, style, **format_options
        Passed to :func:`format_table`.

    Returns
    -------
    str
        The LaTeX source, special characters escaped.
    """
    fmt = format_table(table, stars=stars, decimals=decimals, style=style, **format_options)
    cols = "l" + "c" * (fmt.shape[1] - 1)
    lines = [rf"\begin{{tabular}}{{{cols}}}", r"\toprule",
             " & ".join(latex_escape(c) for c in fmt.columns) + r" \\", r"\midrule"]
    for row in fmt.itertuples(index=False):
        lines.append(" & ".join(latex_escape(v) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    note = _notes_text(notes, fmt, style)
    if float_env:
        head = [r"\begin{table}[htbp]", r"\centering"]
        if caption is not None:
            head.append(rf"\caption{{{latex_escape(caption)}}}")
        if label is not None:
            head.append(rf"\label{{{label}}}")
        lines = head + lines
        if note:
            lead = "注：" if style == "zh" else r"\textit{Note.} "
            lines += [r"\par\smallskip", rf"{{\footnotesize {lead}{latex_escape(note)}\par}}"]
        lines.append(r"\end{table}")
    elif note:
        lead = "注：" if style == "zh" else r"\textit{Note.} "
        lines += [r"\par\smallskip", rf"{{\footnotesize {lead}{latex_escape(note)}\par}}"]
    text = "\n".join(lines) + "\n"
    _write(text, path)
    return text


# ----------------------------------------------------------------------- Markdown
def _md_cell(v) -> str:
    return str(v).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(
    table,
    path=None,
    *,
    title: str | None = None,
    number=None,
    notes=None,
    stars: bool = True,
    decimals: int = 3,
    style: str = "zh",
    **format_options,
) -> str:
    """Render a GitHub/pandoc pipe table (no ``tabulate`` needed).

    Parameters
    ----------
    table : DataFrame or result object with ``to_frame()``
    path : str or Path, optional
        Also write the text there (UTF-8, ``\\n`` line ends).
    title, number : optional
        A bold caption line above the table (``**表1  title**``).
    notes : str or list of str, optional
        A line below the table, with the star legend.
    stars, decimals, style, **format_options
        Passed to :func:`format_table`.

    Returns
    -------
    str
        First column left-aligned, the others centred; ``|`` escaped.
    """
    fmt = format_table(table, stars=stars, decimals=decimals, style=style, **format_options)
    header = [_md_cell(c) for c in fmt.columns]
    body = [[_md_cell(v) for v in row] for row in fmt.itertuples(index=False)]
    widths = [max([_width(header[j]), 3] + [_width(r[j]) for r in body]) for j in range(len(header))]

    def line(cells):
        return "| " + " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)) + " |"

    rule = [":" + "-" * (w - 1) if j == 0 else ":" + "-" * (w - 2) + ":" for j, w in enumerate(widths)]
    lines = []
    caption = _title_text(title, number, style)
    if caption:
        lines += [f"**{caption}**", ""]
    lines += [line(header), "| " + " | ".join(rule) + " |"] + [line(r) for r in body]
    note = _notes_text(notes, fmt, style)
    if note:
        lead = "注：" if style == "zh" else "*Note.* "
        lines += ["", lead + note.replace("*", r"\*")]
    text = "\n".join(lines) + "\n"
    _write(text, path)
    return text


# ---------------------------------------------------------------------- write all
def write_table(
    table,
    stem,
    *,
    formats=("csv", "docx", "tex", "md"),
    title: str | None = None,
    number=None,
    notes=None,
    label: str | None = None,
    csv_float_format: str = "%.8g",
    **options,
) -> list[Path]:
    """Write a table in several formats: ``stem.csv``, ``stem.docx``, ``stem.tex``, ``stem.md``.

    Parameters
    ----------
    table : DataFrame or result object with ``to_frame()``
    stem : str or Path
        Output path without suffix; parent folders are created.
    formats : sequence of {"csv", "docx", "tex", "md"}
    title, number, notes : optional
        Caption and notes for docx/tex/md (``title`` is the LaTeX caption).
    label : str, optional
        LaTeX label.
    csv_float_format : str, default "%.8g"
        The CSV keeps the raw numbers (no stars, no rounding to ``decimals``) in this
        fixed format, so reruns give the same bytes.
    **options
        Passed to the docx/tex/md writers (``stars``, ``decimals``, ``style``,
        ``font_zh`` …; docx-only options are ignored by the others).

    Returns
    -------
    list of pathlib.Path
        In the order of ``formats``.

    Notes
    -----
    The CSV is UTF-8 *with* a byte-order mark (``utf-8-sig``) so that Excel on
    Chinese Windows opens 中文 headers correctly; lines end with ``\\n``. The index is
    written unless it is a plain (unnamed) ``RangeIndex``.
    """
    known = ("csv", "docx", "tex", "md")
    bad = [f for f in formats if f not in known]
    if bad:
        raise ValueError(f"unknown table format(s) {bad}; choose from {known}")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    df = as_frame(table)
    docx_only = {"font_zh", "font_en", "font_size", "thick_pt", "thin_pt"}
    shared = {k: v for k, v in options.items() if k not in docx_only}
    paths = []
    for f in formats:
        p = stem.with_name(stem.name + "." + f)
        if f == "csv":
            df.to_csv(p, index=keeps_index(df), encoding="utf-8-sig",
                      lineterminator="\n", float_format=csv_float_format)
        elif f == "docx":
            to_docx(df, p, title=title, number=number, notes=notes, **options)
        elif f == "tex":
            cap = _title_text(title, None, shared.get("style", "zh")) if title else None
            to_latex(df, p, caption=cap, label=label, notes=notes, **shared)
        elif f == "md":
            to_markdown(df, p, title=title, number=number, notes=notes, **shared)
        paths.append(p)
    return paths
