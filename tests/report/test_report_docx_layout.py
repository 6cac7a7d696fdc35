"""Page and column layout of the .docx tables: A4, widths from the content, no wrapped numbers."""

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from onex_research.report._layout import (A4_LANDSCAPE, A4_PORTRAIT, MIN_FONT_PT, is_number,
                                          is_text_column, layout_table, text_twips)
from onex_research.report.tables import to_docx

A4_TWIPS = (11906, 16838)  # 210 x 297 mm at 1440 twips an inch


def _page(doc):
    pg = doc.sections[0]._sectPr.find(qn("w:pgSz"))
    mar = doc.sections[0]._sectPr.find(qn("w:pgMar"))
    w, h = int(pg.get(qn("w:w"))), int(pg.get(qn("w:h")))
    usable = w - int(mar.get(qn("w:left"))) - int(mar.get(qn("w:right")))
    return w, h, pg.get(qn("w:orient")), usable


def _grid(tbl):
    return [int(g.get(qn("w:w"))) for g in tbl._tbl.tblGrid.findall(qn("w:gridCol"))]


def _cell_margins(tbl):
    mar = tbl._tbl.tblPr.find(qn("w:tblCellMar"))
    return int(mar.find(qn("w:left")).get(qn("w:w"))) + int(mar.find(qn("w:right")).get(qn("w:w")))


def _font_pt(tbl):
    sizes = {int(r._element.rPr.find(qn("w:sz")).get(qn("w:val")))
             for row in tbl.rows for c in row.cells for p in c.paragraphs for r in p.runs}
    assert len(sizes) == 1
    return sizes.pop() / 2


def _digits_em(text):
    """A lower bound that does not use the model: digits are 0.5 em in Times New Roman, '.' 0.25 em."""
    return sum(0.5 if ch.isdigit() else 0.25 if ch == "." else 0.0 for ch in text)


@pytest.fixture
def htmt12():
    """A 12 x 12 matrix of '0.019'-style numbers with CJK construct names, like the HTMT table."""
    names = ["社会认可度", "社会需求", "学生动力", "企业推动", "政府支持", "制度执行", "资金与资源投入",
             "证书质量与评价标准", "教师培训与专业能力", "校企合作", "试点成效", "考证意愿"]
    rng = np.random.default_rng(3)
    arr = rng.uniform(0.01, 0.6, (12, 12))
    np.fill_diagonal(arr, 1.0)
    m = pd.DataFrame(arr, index=names, columns=names)
    m.iloc[0, 1] = 0.019
    return m.rename_axis("factor")


# --------------------------------------------------------------------- the model
def test_width_model_counts_cjk_twice_a_digit():
    assert text_twips("教", 10) == 2 * text_twips("0", 10) == 200  # 1 em = 10 pt = 200 twips
    assert text_twips("0.019", 10.5) == 473  # 2.25 em at 10.5 pt, rounded up
    assert text_twips("管理人员", 10.5) == 4 * 210


@pytest.mark.parametrize("text", ["0.019", "-0.020***", "< 0.001", "528", "[3.495, 3.662]", "(0.74)",
                                  "100.0", "44411.449", "0.33**"])
def test_numbers_are_numbers(text):
    assert is_number(text)


@pytest.mark.parametrize("text", ["教师", "configural", "eff1", "0.1 and 0.2", ""])
def test_labels_are_not_numbers(text):
    assert not is_number(text)


def test_long_text_column_is_told_from_labels_and_numbers():
    assert is_text_column(["管理人员", "三是在校企合作协议里，把认可证书作为一个条款，请合作企业在招聘时优先录用持证学生。"])
    assert not is_text_column(["管理人员", "教师", "学生"])
    assert not is_text_column(["44411.449", "[3.495, 3.662]"])


# --------------------------------------------------------------------- the page
def test_small_table_is_on_a4_portrait_at_full_size(tmp_path):
    df = pd.DataFrame({"r2": [0.019, 0.034], "n": [528, 528], "df": [7, 9]})
    doc = Document(str(to_docx(df, tmp_path / "t.docx", title="摘要")))
    w, h, orient, usable = _page(doc)
    assert (w, h) == A4_TWIPS and orient in (None, "portrait")
    assert usable == A4_PORTRAIT.usable_width == 11906 - 2 * 1800
    tbl = doc.tables[0]
    assert _font_pt(tbl) == 10.5
    assert sum(_grid(tbl)) == usable  # fills the text width, like a printed 三线表
    for row in tbl.rows:
        assert [c.width.twips for c in row.cells] == _grid(tbl)


def test_twelve_number_columns_go_landscape_and_no_column_is_too_narrow(htmt12, tmp_path):
    doc = Document(str(to_docx(htmt12, tmp_path / "htmt.docx", title="HTMT")))
    w, h, orient, usable = _page(doc)
    assert (w, h) == A4_TWIPS[::-1] and orient == "landscape"
    assert usable == A4_LANDSCAPE.usable_width
    tbl = doc.tables[0]
    grid, size, margins = _grid(tbl), _font_pt(tbl), _cell_margins(tbl)
    assert MIN_FONT_PT <= size <= 10.5
    assert sum(grid) <= usable
    assert tbl._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    body = [[c.text for c in row.cells] for row in tbl.rows[1:]]
    assert body[0][2] == "0.019"
    for j, width in enumerate(grid):
        cells = [r[j] for r in body]
        longest = max(text_twips(c, size) for c in cells)
        assert width >= longest + margins, (j, width, longest)
        if j > 0:  # and by plain arithmetic on the digits, without the model
            assert width >= max(_digits_em(c) for c in cells) * size * 20 + margins
    # number cells are marked no-wrap
    for row in tbl.rows[1:]:
        for c in row.cells[1:]:
            assert c._tc.tcPr.find(qn("w:noWrap")) is not None


def test_a_very_wide_table_gets_a_fitted_font_not_below_7pt(tmp_path):
    df = pd.DataFrame(np.full((3, 14), 44411.449), columns=[f"c{i}" for i in range(14)])
    lay = layout_table(list(df.columns), [["44411.449"] * 14] * 3)
    assert lay.page == A4_LANDSCAPE and lay.fits
    assert MIN_FONT_PT <= lay.font_pt < 10.5
    assert sum(lay.widths) <= A4_LANDSCAPE.usable_width
    doc = Document(str(to_docx(df, tmp_path / "wide.docx")))
    assert _font_pt(doc.tables[0]) == lay.font_pt
    # the caption-free document still has one table whose widths are the layout's
    assert _grid(doc.tables[0]) == lay.widths


def test_a_table_that_cannot_fit_keeps_7pt_and_whole_numbers():
    lay = layout_table([f"c{i}" for i in range(60)], [["44411.449"] * 60])
    assert lay.font_pt == MIN_FONT_PT and not lay.fits
    assert lay.widths == lay.minimum
    assert all(w >= text_twips("44411.449", MIN_FONT_PT) for w in lay.widths)


def test_quote_table_role_column_fits_its_longest_role(tmp_path):
    quote = "三是在校企合作协议里，把认可证书作为一个条款，请合作企业在招聘时优先录用持证学生。" * 3
    df = pd.DataFrame({"code": ["recognition", "quality", "teachers"], "interview": ["T21", "S03", "T07"],
                       "role": ["管理人员", "学生", "教师"], "quote": [quote, quote[:40], quote[:80]]})
    doc = Document(str(to_docx(df, tmp_path / "q.docx", labels={"code": "编码", "interview": "访谈编号",
                                                                  "role": "角色", "quote": "引述"})))
    tbl = doc.tables[0]
    grid, size, margins = _grid(tbl), _font_pt(tbl), _cell_margins(tbl)
    _, _, orient, usable = _page(doc)
    assert orient in (None, "portrait") and size == 10.5 and sum(grid) <= usable
    assert grid[2] >= text_twips("管理人员", size) + margins
    assert grid[1] >= text_twips("访谈编号", size) / 2 + margins  # the header may take two lines
    assert grid[3] == max(grid) and grid[3] > usable / 2  # the quote takes the rest and wraps
    quote_cell = tbl.rows[1].cells[3]
    assert quote_cell._tc.tcPr.find(qn("w:noWrap")) is None
    assert quote_cell.paragraphs[0].alignment == 0  # left, not centred
    assert tbl.rows[1].cells[2]._tc.tcPr.find(qn("w:noWrap")) is not None


def test_landscape_output_is_byte_identical(htmt12, tmp_path):
    a = to_docx(htmt12, tmp_path / "a.docx", title="t", notes="n").read_bytes()
    b = to_docx(htmt12, tmp_path / "b.docx", title="t", notes="n").read_bytes()
    assert a == b


def test_like_headers_break_alike_and_in_halves(htmt12):
    """Four-character headers all take one line, or all break 2 + 2 (never 考证意 / 愿)."""
    formatted = htmt12.round(3).astype(str)
    lay = layout_table(["因子", *formatted.columns], [[i, *r] for i, r in zip(formatted.index, formatted.values)])
    four = [j + 1 for j, h in enumerate(formatted.columns) if len(h) == 4]
    assert len(four) >= 5
    widths = {lay.widths[j] for j in four}
    assert len(widths) == 1
    w = widths.pop() - 2 * lay.cell_margin  # text width inside the cell
    one_char = text_twips("字", lay.font_pt)
    assert w >= 4 * one_char or w < 3 * one_char
