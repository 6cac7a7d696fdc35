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

from __future__ import annotations

import io
import math
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "format_table",
    "significance_note",
    "to_docx",
    "to_latex",
    "to_markdown",
    "write_table",
    "as_frame",
    "DEFAULT_LABELS",
    "BOUNDED_COLUMNS",
    "STAR_COLUMNS",
]

#: Header labels for the project's column vocabulary; other columns keep their name.
DEFAULT_LABELS = {
    "beta": "β",
    "chi2": "χ²",
    "dof": "df",
    "r2": "R²",
    "adj_r2": "Adj. R²",
    "ci_low": "95% CI LL",
    "ci_high": "95% CI UL",
    "sd": "SD",
    "se": "SE",
    "mean": "M",
    "vif": "VIF",
    "cfi": "CFI",
    "tli": "TLI",
    "rmsea": "RMSEA",
    "srmr": "SRMR",
    "cr": "CR",
    "ave": "AVE",
}

#: Statistics that cannot exceed 1 in absolute value (APA drops their leading zero).
BOUNDED_COLUMNS = (
    "p", "r", "beta", "r2", "adj_r2", "cfi", "tli", "rmsea", "srmr", "cr", "ave",
    "alpha", "std_alpha", "omega", "omega_h", "omega_total", "r_drop", "eta2", "cramers_v",
)

#: Where stars go by default: the first of these columns present in the table.
STAR_COLUMNS = ("beta", "b", "r", "estimate", "std", "coef", "mean")

#: Columns printed as integers.
INTEGER_COLUMNS = ("n", "dof", "df", "n_obs", "n_items", "count")

_FIXED_DATE = datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_STYLES = ("zh", "apa")


# --------------------------------------------------------------------------- input
def as_frame(table) -> pd.DataFrame:
    """Return ``table`` as a DataFrame.

    Parameters
    ----------
    table : pandas.DataFrame, pandas.Series or result object
        A result object must have ``to_frame()`` or a DataFrame ``.table``.

    Raises
    ------
    TypeError
        When ``table`` is none of these.
    """
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, pd.Series):
        return table.to_frame()
    if hasattr(table, "to_frame") and callable(table.to_frame):
        out = table.to_frame()
        if isinstance(out, pd.DataFrame):
            return out
    if isinstance(getattr(table, "table", None), pd.DataFrame):
        return table.table
    raise TypeError(
        f"expected a DataFrame or a result object with to_frame(), got {type(table).__name__}; "
        "hint: pass result.table or result.to_frame()"
    )


def _check_style(style: str) -> None:
    if style not in _STYLES:
        raise ValueError(f"style must be one of {_STYLES}, got {style!r}")


def _stars(p: float) -> str:
    if p is None or not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _fmt_number(x, decimals: int, drop_zero: bool) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return ""
    x = float(x)
    if not np.isfinite(x):
        return "∞" if x > 0 else "−∞" if x < 0 else ""
    s = f"{x:.{decimals}f}"
    if s.lstrip("-").strip("0.") == "":  # rounds to zero: no "-0.000"
        s = s.lstrip("-")
    if drop_zero:
        if s.startswith("0."):
            s = s[1:]
        elif s.startswith("-0."):
            s = "-" + s[2:]
    return s


def _fmt_integer(x, decimals: int) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = float(x)
    if x.is_integer():
        return str(int(x))
    return _fmt_number(x, decimals, False)  # e.g. a non-integer df (Welch): keep decimals


def _fmt_p(p, decimals: int, drop_zero: bool) -> str:
    if p is None or p is pd.NA or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = float(p)
    floor = 10.0 ** (-decimals)
    if p < floor:
        return "< " + _fmt_number(floor, decimals, drop_zero)
    return _fmt_number(p, decimals, drop_zero)


def significance_note(style: str = "zh") -> str:
    """The star legend, e.g. ``* p < 0.05，** p < 0.01，*** p < 0.001``.

    Parameters
    ----------
    style : {"zh", "apa"}
        ``"zh"`` keeps the leading zero and uses Chinese punctuation;
        ``"apa"`` drops it (``* p < .05. ** p < .01. *** p < .001.``).
    """
    _check_style(style)
    if style == "apa":
        return "* p < .05. ** p < .01. *** p < .001."
    return "* p < 0.05，** p < 0.01，*** p < 0.001。"


# ---------------------------------------------------------------------- formatter
def format_table(
    table,
    *,
    decimals: int = 3,
    stars: bool = True,
    star_column: str | None = None,
    p_column: str = "p",
    style: str = "zh",
    bounded=BOUNDED_COLUMNS,
    integer_columns=INTEGER_COLUMNS,
    labels: dict | None = None,
    index: bool | None = None,
) -> pd.DataFrame:
    """Format a table's numbers as strings for publication.

    Parameters
    ----------
    table : DataFrame or result object with ``to_frame()``
    decimals : int, default 3
        Decimals for numbers and p-values.
    stars : bool, default True
        Append ``*``/``**``/``***`` to ``star_column`` when the table has ``p_column``.
    star_column : str, optional
        Column that gets the stars; default the first of :data:`STAR_COLUMNS` present.
    p_column : str, default "p"
        p-values print as ``< 0.001`` (``"zh"``) or ``< .001`` (``"apa"``) below
        ``10**-decimals``.
    style : {"zh", "apa"}, default "zh"
        ``"apa"`` drops the leading zero of ``bounded`` columns (see module notes).
    bounded : sequence of str
        Columns that cannot exceed 1 in absolute value (:data:`BOUNDED_COLUMNS`).
    integer_columns : sequence of str
        Columns printed without decimals (:data:`INTEGER_COLUMNS`).
    labels : dict, optional
        Column -> header text. Default :data:`DEFAULT_LABELS` (``beta`` -> ``β`` …);
        pass ``{}`` to keep the names as they are.
    index : bool, optional
        Keep the index as the first column. Default: yes unless it is a plain
        ``RangeIndex``.

    Returns
    -------
    pandas.DataFrame
        All cells ``str`` (missing -> ``""``), a ``RangeIndex``, headers relabelled.
        ``attrs["stars"]`` is True when stars were added.
    """
    _check_style(style)
    if not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative int, got {decimals!r}")
    df = as_frame(table)
    if df.columns.duplicated().any():
        dup = list(df.columns[df.columns.duplicated()])
        raise ValueError(f"table has duplicated columns {dup}; hint: rename them first")
    if index is None:
        index = not isinstance(df.index, pd.RangeIndex)
    if index:
        names = [n for n in df.index.names if n is not None]
        df = df.reset_index()
        if not names:
            df = df.rename(columns={df.columns[0]: ""})
    df = df.copy()
    df.columns = [str(c) for c in df.columns]

    has_p = p_column in df.columns and pd.api.types.is_numeric_dtype(df[p_column])
    if star_column is None:
        star_column = next((c for c in STAR_COLUMNS if c in df.columns), None)
    elif star_column not in df.columns:
        raise ValueError(
            f"star_column {star_column!r} is not a column; columns: {', '.join(df.columns)}"
        )
    add_stars = bool(stars and has_p and star_column is not None)
    bounded = set(bounded)
    integer_columns = set(integer_columns)

    out = {}
    for col in df.columns:
        s = df[col]
        drop_zero = style == "apa" and col in bounded
        if col == p_column and has_p:
            vals = [_fmt_p(v, decimals, style == "apa") for v in s.tolist()]
        elif pd.api.types.is_bool_dtype(s):
            vals = ["" if pd.isna(v) else str(bool(v)) for v in s.tolist()]
        elif pd.api.types.is_numeric_dtype(s):
            if col in integer_columns or pd.api.types.is_integer_dtype(s):
                vals = [_fmt_integer(v, decimals) for v in s.tolist()]
            else:
                vals = [_fmt_number(v, decimals, drop_zero) for v in s.tolist()]
        else:
            vals = ["" if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))
                    else str(v) for v in s.tolist()]
        out[col] = vals
    if add_stars:
        pvals = pd.to_numeric(df[p_column], errors="coerce").tolist()
        out[star_column] = [
            v + _stars(p) if v != "" else v for v, p in zip(out[star_column], pvals)
        ]
    res = pd.DataFrame(out, columns=list(df.columns), dtype=object)
    lab = DEFAULT_LABELS if labels is None else labels
    res.columns = [lab.get(c, c) for c in res.columns]
    res.attrs["stars"] = add_stars
    res.attrs["style"] = style
    return res


def _notes_text(notes, formatted: pd.DataFrame, style: str) -> str | None:
    parts = []
    if notes:
        parts.extend([notes] if isinstance(notes, str) else list(notes))
    if formatted.attrs.get("stars"):
        parts.append(significance_note(style))
    if not parts:
        return None
    if style == "zh":
        return "；".join(p.strip().rstrip("。；;.") for p in parts[:-1]) + (
            "；" if len(parts) > 1 else "") + parts[-1].strip()
    return " ".join(p.strip() if p.strip().endswith(".") else p.strip() + "." for p in parts)


def _title_text(title, number, style) -> str | None:
    if title is None and number is None:
        return None
    if number is None:
        return str(title)
    prefix = f"表{number}" if style == "zh" else f"Table {number}"
    return prefix if title is None else f"{prefix}  {title}"


# --------------------------------------------------------------------------- docx
def _set_run_font(run, font_en: str, font_zh: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = font_en  # w:ascii and w:hAnsi
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:ascii"), font_en)
    rfonts.set(qn("w:hAnsi"), font_en)
    rfonts.set(qn("w:cs"), font_en)
    rfonts.set(qn("w:eastAsia"), font_zh)
    run.font.size = Pt(size_pt)
    run.font.bold = bold


def _border_el(tag: str, val: str, sz: int | None = None):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), val)
    if sz is not None:
        el.set(qn("w:sz"), str(sz))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    return el


def _set_table_borders(tbl, thick: int, thin: int) -> None:
    """Top/bottom rules on the table; no vertical or inner lines."""
    from docx.oxml import OxmlElement

    tblPr = tbl._tbl.tblPr
    for old in tblPr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblBorders"):
        tblPr.remove(old)
    borders = OxmlElement("w:tblBorders")
    borders.append(_border_el("top", "single", thick))
    borders.append(_border_el("left", "nil"))
    borders.append(_border_el("bottom", "single", thick))
    borders.append(_border_el("right", "nil"))
    borders.append(_border_el("insideH", "nil"))
    borders.append(_border_el("insideV", "nil"))
    tblPr.append(borders)


def _set_cell_borders(cell, *, top=None, bottom=None) -> None:
    from docx.oxml import OxmlElement

    tcPr = cell._tc.get_or_add_tcPr()
    tcb = OxmlElement("w:tcBorders")
    if top is not None:
        tcb.append(_border_el("top", "single", top))
    if bottom is not None:
        tcb.append(_border_el("bottom", "single", bottom))
    tcPr.append(tcb)


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry dates/attributes, ``[Content_Types].xml`` first."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", names.index(n)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name), compresslevel=6)
    return buf.getvalue()


def to_docx(
    table,
    path,
    *,
    title: str | None = None,
    number=None,
    notes=None,
    stars: bool = True,
    decimals: int = 3,
    style: str = "zh",
    font_zh: str = "宋体",
    font_en: str = "Times New Roman",
    font_size: float = 10.5,
    thick_pt: float = 1.5,
    thin_pt: float = 0.75,
    **format_options,
) -> Path:
    """Write a 三线表 (APA three-line table) to a Word .docx file.

    Rules: a top rule (``thick_pt``, 1.5 pt), a rule under the header (``thin_pt``,
    0.75 pt) and a bottom rule (1.5 pt); no vertical lines, no other horizontal
    lines. Every run has ``w:rFonts`` with ``w:eastAsia=font_zh`` (宋体) and
    ``w:ascii/w:hAnsi=font_en`` (Times New Roman), 五号 (10.5 pt) by default.

    Parameters
    ----------
    table : DataFrame or result object with ``to_frame()``
    path : str or Path
        Output file; parent folders are created.
    title : str, optional
        Caption above the table.
    number : int or str, optional
        Table number; the caption becomes ``表{number}  {title}`` (``Table {number}``
        with ``style="apa"``).
    notes : str or list of str, optional
        Printed below the table after ``注：`` (``Note.``); the star legend is added
        when stars were used.
    stars, decimals, style, **format_options
        Passed to :func:`format_table` (``star_column``, ``p_column``, ``labels``,
        ``bounded``, ``integer_columns``, ``index``).
    font_zh, font_en : str
        East Asian and Latin fonts.
    font_size : float, default 10.5
        Point size (五号).

    Returns
    -------
    pathlib.Path
        The file written. Same table and options give byte-identical files: core
        properties are fixed (created/modified/last printed 2000-01-01, revision 1,
        no author) and the zip entries carry the date 1980-01-01.
    """
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    fmt = format_table(table, stars=stars, decimals=decimals, style=style, **format_options)
    path = Path(path)
    doc = Document()

    normal = doc.styles["Normal"]
    normal.font.name = font_en
    normal.font.size = Pt(font_size)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font_zh)

    def para(text, *, align, bold=False, space_before=0, space_after=0):
        p = doc.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = Pt(space_before)
        p.paragraph_format.space_after = Pt(space_after)
        _set_run_font(p.add_run(text), font_en, font_zh, font_size, bold)
        return p

    caption = _title_text(title, number, style)
    if caption:
        para(caption, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, space_after=3)

    n_rows, n_cols = fmt.shape
    if n_cols == 0:
        raise ValueError("table has no columns to write")
    tbl = doc.add_table(rows=n_rows + 1, cols=n_cols)
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    thick, thin = int(round(thick_pt * 8)), int(round(thin_pt * 8))  # eighths of a point
    _set_table_borders(tbl, thick, thin)

    def fill(cell, text, col, bold=False):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if col == 0 else WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(1)
        p.paragraph_format.space_after = Pt(1)
        _set_run_font(p.add_run(text), font_en, font_zh, font_size, bold)

    for j, name in enumerate(fmt.columns):
        cell = tbl.rows[0].cells[j]
        fill(cell, str(name), j)
        _set_cell_borders(cell, top=thick, bottom=thin)
    values = fmt.to_numpy()
    for i in range(n_rows):
        row = tbl.rows[i + 1]
        last = i == n_rows - 1
        for j in range(n_cols):
            fill(row.cells[j], values[i, j], j)
            if last:
                _set_cell_borders(row.cells[j], bottom=thick)

    note = _notes_text(notes, fmt, style)
    if note:
        lead = "注：" if style == "zh" else "Note. "
        para(lead + note, align=WD_ALIGN_PARAGRAPH.LEFT, space_before=3)

    cp = doc.core_properties
    cp.author = ""
    cp.last_modified_by = ""
    cp.title = caption or ""
    cp.created = _FIXED_DATE
    cp.modified = _FIXED_DATE
    cp.last_printed = _FIXED_DATE
    cp.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_deterministic_zip(buf.getvalue()))
    return path


# -------------------------------------------------------------------------- LaTeX
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"$<$", ">": r"$>$", "β": r"$\beta$", "χ": r"$\chi$", "η": r"$\eta$",
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
def _width(text: str) -> int:
    """Display width: East Asian wide/full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
    written when it is not a plain ``RangeIndex``.
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
            df.to_csv(p, index=not isinstance(df.index, pd.RangeIndex), encoding="utf-8-sig",
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
