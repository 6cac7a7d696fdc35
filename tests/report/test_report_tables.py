"""Publication tables: 三线表 .docx, booktabs LaTeX, Markdown, CSV; deterministic bytes."""

import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from onex_research.report.tables import (
    format_table,
    significance_note,
    to_docx,
    to_latex,
    to_markdown,
    write_table,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def coef():
    return pd.DataFrame(
        {
            "b": [0.5123, -0.00001, 1.2],
            "se": [0.1, 0.2, 0.3],
            "beta": [0.31, -0.02, 0.5],
            "t": [5.1, -0.1, 4.0],
            "p": [0.00001, 0.92, 0.012],
            "n": [100, 100, 100],
        },
        index=pd.Index(["截距", "教师", "资源_投入"], name="term"),
    )


# ------------------------------------------------------------------ formatting
def test_format_zh_keeps_leading_zero_and_stars(coef):
    f = format_table(coef)
    assert list(f.columns) == ["变量", "b", "SE", "β", "t", "p", "n"]   # the label registry, zh
    assert f.loc[0, "p"] == "< 0.001"
    assert f.loc[1, "p"] == "0.920"
    assert f.loc[0, "β"] == "0.310***"
    assert f.loc[2, "β"] == "0.500*"
    assert f.loc[1, "β"] == "-0.020"
    assert f.loc[1, "b"] == "0.000"  # no "-0.000"
    assert f.loc[0, "n"] == "100"
    assert f.attrs["stars"]


def test_format_apa_drops_leading_zero_of_bounded_only(coef):
    f = format_table(coef, style="apa")
    assert f.loc[0, "p"] == "< .001"
    assert f.loc[1, "β"] == "-.020"
    assert f.loc[0, "b"] == "0.512"  # b is unbounded: zero kept
    assert f.loc[1, "t"] == "-0.100"


def test_format_options(coef):
    f = format_table(coef, decimals=2, stars=False, labels={}, star_column="b")
    assert f.loc[0, "beta"] == "0.31"
    assert f.loc[0, "p"] == "< 0.01"
    g = format_table(coef, star_column="b")
    assert g.loc[0, "b"] == "0.512***" and g.loc[0, "β"] == "0.310"
    with pytest.raises(ValueError, match="star_column 'nope'"):
        format_table(coef, star_column="nope")
    with pytest.raises(ValueError, match="style"):
        format_table(coef, style="mla")


def test_format_missing_and_range_index():
    df = pd.DataFrame({"x": [1.5, np.nan], "label": ["a", None]})
    f = format_table(df)
    assert list(f.columns) == ["x", "名称"]  # RangeIndex dropped; label -> 名称
    assert f.loc[1, "x"] == "" and f.loc[1, "名称"] == ""


def test_result_object_with_to_frame(coef):
    @dataclass(frozen=True)
    class Result:
        t: pd.DataFrame

        def to_frame(self):
            return self.t

    assert format_table(Result(coef)).equals(format_table(coef))
    with pytest.raises(TypeError, match="to_frame"):
        format_table([1, 2, 3])


# ------------------------------------------------------------------------ docx
def _borders(el, tag):
    node = el.find(f"{W}{tag}")
    return {} if node is None else {c.tag.replace(W, ""): c for c in node}


def test_docx_three_line_table(coef, tmp_path):
    path = to_docx(coef, tmp_path / "t.docx", title="回归结果", number=1, notes="因变量为认可度")
    doc = Document(str(path))
    assert len(doc.tables) == 1
    tbl = doc.tables[0]
    tb = _borders(tbl._tbl.tblPr, "tblBorders")
    assert tb["top"].get(qn("w:val")) == "single" and tb["top"].get(qn("w:sz")) == "12"
    assert tb["bottom"].get(qn("w:val")) == "single" and tb["bottom"].get(qn("w:sz")) == "12"
    for tag in ("insideV", "insideH", "left", "right"):
        assert tb[tag].get(qn("w:val")) == "nil"
    header = [_borders(c._tc.tcPr, "tcBorders") for c in tbl.rows[0].cells]
    assert all(h["top"].get(qn("w:sz")) == "12" and h["bottom"].get(qn("w:sz")) == "6" for h in header)
    last = [_borders(c._tc.tcPr, "tcBorders") for c in tbl.rows[-1].cells]
    assert all(b["bottom"].get(qn("w:sz")) == "12" for b in last)
    # no rules on body rows in between
    for row in tbl.rows[1:-1]:
        assert all(_borders(c._tc.tcPr, "tcBorders") == {} for c in row.cells)
    # no vertical lines anywhere in the document
    xml = tbl._tbl.xml
    assert 'w:insideV w:val="nil"' in xml
    for side in ("left", "right"):
        for c in tbl._tbl.iter(f"{W}tcBorders"):
            assert c.find(f"{W}{side}") is None
    # content
    assert tbl.cell(0, 3).text == "β"
    assert tbl.cell(1, 0).text == "截距" and tbl.cell(1, 5).text == "< 0.001"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("表1") and "回归结果" in texts[0]
    assert texts[-1].startswith("注：因变量为认可度") and "*** p < 0.001" in texts[-1]


def test_docx_fonts_on_every_run(coef, tmp_path):
    path = to_docx(coef, tmp_path / "t.docx", title="标题", notes="注释")
    doc = Document(str(path))
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert len(runs) == 2 + 4 * 7
    for r in runs:
        fonts = r._element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "宋体"
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
        assert fonts.get(qn("w:hAnsi")) == "Times New Roman"


def test_docx_is_byte_identical(coef, tmp_path):
    a = to_docx(coef, tmp_path / "a.docx", title="t", notes="n").read_bytes()
    b = to_docx(coef, tmp_path / "b.docx", title="t", notes="n").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.docx") as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core
    c = to_docx(coef.assign(b=coef["b"] + 1), tmp_path / "c.docx", title="t", notes="n").read_bytes()
    assert c != a


# ---------------------------------------------------------------- LaTeX and md
def test_latex_booktabs_and_escaping(coef, tmp_path):
    tex = to_latex(coef, tmp_path / "t.tex", caption="结果 50% & more", label="tab:reg", notes="a_b")
    lines = tex.splitlines()
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert lines.count(rule) == 1
    assert lines.index(r"\toprule") < lines.index(r"\midrule") < lines.index(r"\bottomrule")
    assert r"\caption{结果 50\% \& more}" in tex and r"\label{tab:reg}" in tex
    assert r"资源\_投入" in tex and r"$\beta$" in tex and r"$<$ 0.001" in tex
    assert r"\hline" not in tex and "|" not in tex.split(r"\begin{tabular}")[1].splitlines()[0]
    assert "a\\_b" in tex and "*** p $<$ 0.001" in tex
    assert (tmp_path / "t.tex").read_text(encoding="utf-8") == tex


def test_markdown_pipe_table(coef):
    md = to_markdown(coef, title="回归", number=2)
    lines = md.splitlines()
    assert lines[0] == "**表2  回归**"
    assert lines[2].startswith("| 变量") and lines[3].startswith("| :---")
    assert len({line.count("|") for line in lines[2:6]}) == 1
    assert "| 截距      |" in md and "0.310***" in md
    assert md.strip().endswith(r"\*\*\* p < 0.001。")
    bar = to_markdown(pd.DataFrame({"a|b": ["x|y"]}))
    assert r"a\|b" in bar and r"x\|y" in bar


def test_significance_note():
    assert significance_note("apa") == "* p < .05. ** p < .01. *** p < .001."
    assert "0.001" in significance_note()


# ------------------------------------------------------------------ write_table
def test_write_table_all_formats_deterministic(coef, tmp_path):
    paths = write_table(coef, tmp_path / "out" / "reg", title="回归", number=1)
    assert [p.suffix for p in paths] == [".csv", ".docx", ".tex", ".md"]
    first = [p.read_bytes() for p in paths]
    again = [p.read_bytes() for p in write_table(coef, tmp_path / "out" / "reg", title="回归", number=1)]
    assert first == again
    csv = first[0]
    assert csv.startswith(b"\xef\xbb\xbf") and b"\r\n" not in csv
    back = pd.read_csv(paths[0], encoding="utf-8-sig", index_col=0)
    assert back.index.tolist() == ["截距", "教师", "资源_投入"]
    np.testing.assert_allclose(back["b"], coef["b"])
    with pytest.raises(ValueError, match="unknown table format"):
        write_table(coef, tmp_path / "x", formats=("xlsx",))


def test_confidence_interval_columns():
    df = pd.DataFrame({"mean": [3.2, 2.5], "ci_low": [3.05, np.nan], "ci_high": [3.35, np.nan],
                       "prevalence_pct": [66.6667, 0.0]})
    f = format_table(df)
    assert list(f.columns) == ["M", "95% CI", "提及率/%"]
    assert f["95% CI"].tolist() == ["[3.050, 3.350]", ""]
    assert f["提及率/%"].tolist() == ["66.7", "0.0"]
    g = format_table(df, combine_ci=False, column_decimals={"prevalence_pct": 0})
    assert list(g.columns) == ["M", "95% CI 下限", "95% CI 上限", "提及率/%"]
    assert list(format_table(df, combine_ci=False, style="apa").columns) == ["M", "95% CI LL", "95% CI UL",
                                                                            "Prevalence/%"]
    assert g["提及率/%"].tolist() == ["67", "0"]


def test_no_stars_without_a_coefficient_column_and_multiindex_columns():
    df = pd.DataFrame({"t": [2.5], "p": [0.02]})
    f = format_table(df)
    assert not f.attrs["stars"] and f.loc[0, "t"] == "2.500"
    assert "p < 0.05" not in to_markdown(df)
    wide = pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("F1", "std"), ("F2", "std")]))
    assert list(format_table(wide).columns) == ["F1 std", "F2 std"]


def test_a_note_that_brings_its_own_lead_is_not_doubled(tmp_path):
    import pandas as pd

    from onex_research.report import to_markdown

    t = pd.DataFrame({"b": [0.5], "p": [0.01]}, index=pd.Index(["x"], name="term"))
    md = to_markdown(t, notes="注：列表删除后 n = 492。")
    assert "注：注：" not in md and "注：列表删除后 n = 492" in md
    md_en = to_markdown(t, notes="Note. Listwise n = 492.", style="apa")
    assert "Note.* Note." not in md_en and md_en.count("Note.") == 1


def test_every_p_value_column_prints_as_a_p_value():
    t = pd.DataFrame({"r2_change": [0.0191], "f_change": [23.6], "p_change": [6.3e-18], "welch_p": [0.0004],
                      "delta_p": [0.46]}, index=pd.Index([1], name="model"))
    f = format_table(t)
    assert f["ΔF 的 p"].tolist() == ["< 0.001"] and f["Welch p"].tolist() == ["< 0.001"]
    assert list(f.columns) == ["模型", "ΔR²", "ΔF", "ΔF 的 p", "Welch p", "Δχ² 的 p"]
    assert list(format_table(t, style="apa").columns) == ["Model", "ΔR²", "ΔF", "p (ΔF)", "Welch p", "p (Δχ²)"]


def test_a_long_fit_table_prints_its_p_row_as_a_p_value():
    fit = pd.DataFrame({"value": [1234.5, 300.0, 1e-20, 0.03]},
                       index=pd.Index(["chi2", "dof", "p", "rmsea_ci_low"], name="statistic"))
    f = format_table(fit)
    assert f.iloc[:, 1].tolist() == ["1234.500", "300", "< 0.001", "0.030"]
    assert f.iloc[:, 0].tolist() == ["χ²", "df", "p", "RMSEA 90% CI 下限"]


def test_a_named_range_index_is_kept(tmp_path):
    # pandas >= 3 turns set_index of 1, 2, 3 into a RangeIndex: the step column must survive
    summary = pd.DataFrame({"model": [1, 2, 3], "r2": [0.1, 0.2, 0.3]}).set_index("model")
    assert isinstance(summary.index, pd.RangeIndex) or summary.index.name == "model"
    summary.index = pd.RangeIndex(1, 4, name="model")
    assert list(format_table(summary).columns)[:2] == ["模型", "R²"]
    assert list(format_table(summary.reset_index(drop=True)).columns) == ["R²"]      # unnamed: dropped
    paths = write_table(summary, tmp_path / "t", formats=("csv", "md"))
    assert paths[0].read_text(encoding="utf-8-sig").splitlines()[0] == "model,r2"
    assert "| 模型" in paths[1].read_text(encoding="utf-8")
