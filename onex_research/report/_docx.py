"""The 三线表 .docx writer (python-docx), with deterministic bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from ._format import _notes_text, _title_text, format_table
from ._layout import layout_table

__all__ = ["to_docx"]

_FIXED_DATE = datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


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
    from docx.oxml.ns import qn

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
    # schema order: ... tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    after = [tblPr.find(qn(f"w:{t}")) for t in ("shd", "tblLayout", "tblCellMar", "tblLook")]
    after = [a for a in after if a is not None]
    if after:
        after[0].addprevious(borders)
    else:
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


def _set_page(doc, page) -> None:
    """A4 in ``page``'s orientation and margins on the document's (only) section."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Twips

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE if page.orientation == "landscape" else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Twips(page.width), Twips(page.height)
    sec.top_margin, sec.bottom_margin = Twips(page.top), Twips(page.bottom)
    sec.left_margin, sec.right_margin = Twips(page.left), Twips(page.right)


def _set_column_widths(tbl, widths) -> None:
    """Fixed layout: the table width, every ``w:gridCol`` and every cell's ``w:tcW`` in twips."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    tbl.autofit = False  # w:tblLayout w:type="fixed"
    tblPr = tbl._tbl.tblPr
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(sum(widths)))
    grid = tbl._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(w))
    for row in tbl.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = Twips(w)


def _set_cell_margins(tbl, side: int) -> None:
    """``w:tblCellMar``: left and right cell margins of ``side`` twips (top/bottom 0)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblPr = tbl._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for tag, w in (("top", 0), ("left", side), ("bottom", 0), ("right", side)):
        el = OxmlElement(f"w:{tag}")
        el.set(qn("w:w"), str(w))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    # schema order: ... tblBorders, shd, tblLayout, tblCellMar, tblLook ...
    look = tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(mar)
    else:
        tblPr.append(mar)


def _set_mark_size(paragraph, size_pt: float) -> None:
    """The paragraph mark's font size (``w:pPr/w:rPr/w:sz``): it sets the height of an empty cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(round(size_pt * 2))))
        rpr.append(el)
    paragraph._p.get_or_add_pPr().append(rpr)


def _set_no_wrap(cell) -> None:
    """``w:noWrap``: the cell's text stays on one line (after ``w:tcBorders``, schema order)."""
    from docx.oxml import OxmlElement

    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _repeat_header(row) -> None:
    """The header row repeats at the top of each page a long table runs onto."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _keep_row_together(row) -> None:
    """``w:cantSplit``: a row (a long quote) is never broken across two pages."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


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

    Page and widths (:func:`onex_research.report._layout.layout_table`): the page is
    A4 (21 x 29.7 cm; margins 2.54 cm top/bottom, 3.18 cm left/right). Column widths
    follow the content, measured with a per-character model (CJK 1 em, digits 0.5 em):
    a column of numbers or short labels is never narrower than its longest cell, and
    its cells carry ``w:noWrap``, so no number wraps; a long-text column (quotes)
    takes the remaining width, wraps and is left-aligned. A table too wide for the
    portrait text width (14.6 cm) is written on an A4 landscape page (24.6 cm); if
    still too wide, its cells get the largest half-point font that fits, not below
    7 pt. The caption and notes keep ``font_size``.

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
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
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
    values = fmt.to_numpy()
    layout = layout_table([str(c) for c in fmt.columns], values.tolist(), font_pt=font_size)
    _set_page(doc, layout.page)
    tbl = doc.add_table(rows=n_rows + 1, cols=n_cols)
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    thick, thin = int(round(thick_pt * 8)), int(round(thin_pt * 8))  # eighths of a point
    _set_table_borders(tbl, thick, thin)
    _set_column_widths(tbl, layout.widths)
    _set_cell_margins(tbl, layout.cell_margin)
    _repeat_header(tbl.rows[0])

    def fill(cell, text, col, bold=False):
        p = cell.paragraphs[0]
        left = col == 0 or layout.text_columns[col]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(1)
        p.paragraph_format.space_after = Pt(1)
        _set_run_font(p.add_run(text), font_en, font_zh, layout.font_pt, bold)
        _set_mark_size(p, layout.font_pt)  # an empty cell's line is as high as a full one's

    for j, name in enumerate(fmt.columns):
        cell = tbl.rows[0].cells[j]
        fill(cell, str(name), j)
        _set_cell_borders(cell, top=thick, bottom=thin)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM  # two-line headers sit on the rule
    for i in range(n_rows):
        row = tbl.rows[i + 1]
        _keep_row_together(row)
        last = i == n_rows - 1
        for j in range(n_cols):
            fill(row.cells[j], values[i, j], j)
            if last:
                _set_cell_borders(row.cells[j], bottom=thick)
            if not layout.text_columns[j]:
                _set_no_wrap(row.cells[j])

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

