"""report.html: wide tables scroll instead of being cut; numbers stay on one line; quotes wrap."""

import re

import pandas as pd

from onex_research.report.registry import RegistryEntry
from onex_research.report.tables import to_markdown
from onex_research.reproduce.html import _CSS, build_report_html, csv_table_html, markdown_table_html

QUOTE = "三是在校企合作协议里，把认可证书作为一个条款，请合作企业在招聘时优先录用持证学生。"


def _entry(name, files):
    return RegistryEntry(kind="table", name=name, notebook="02_m", caption_zh=name, caption_en=name,
                         made_by="tests", files=tuple(files), notes=None)


def _report(tmp_path):
    wide = pd.DataFrame(0.019, index=[f"因子{i}" for i in range(12)], columns=[str(i) for i in range(1, 13)])
    quotes = pd.DataFrame({"role": ["管理人员", "学生"], "quote": [QUOTE, QUOTE * 2]})
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "wide.md").write_text(to_markdown(wide, title="wide"), encoding="utf-8")
    (tmp_path / "tables" / "quotes.md").write_text(to_markdown(quotes, title="quotes"), encoding="utf-8")
    quotes.to_csv(tmp_path / "tables" / "q.csv", index=False)
    entries = [_entry("wide", ["tables/wide.md"]), _entry("quotes", ["tables/quotes.md"]),
               _entry("q", ["tables/q.csv"])]
    return build_report_html(tmp_path, entries, notebooks=["02_m"],
                             inputs={"survey": {"path": "s.xlsx", "sha256": "ab" * 32}}, seed=1)


def test_every_table_is_in_a_horizontal_scroll_box(tmp_path):
    page = _report(tmp_path)
    n_tables = page.count("<table")
    assert n_tables == 4  # inputs, wide, quotes, q
    assert len(re.findall(r'<div class="table-scroll">\s*<table', page)) == n_tables
    assert re.search(r"\.table-scroll\{[^}]*overflow-x:auto", page)


def test_numbers_do_not_wrap_but_quotes_do():
    assert re.search(r"table\.three-line td\{[^}]*white-space:nowrap", _CSS)
    assert re.search(r"table\.three-line td\.text\{[^}]*white-space:normal", _CSS)
    md = to_markdown(pd.DataFrame({"role": ["管理人员"], "n": [528], "quote": [QUOTE]}))
    html, _ = markdown_table_html(md)
    assert re.search(r'<td class="num"[^>]*>528</td>', html)
    assert f'<td class="text">{QUOTE}</td>' in html
    assert re.search(r"<td[^>]*>管理人员</td>", html) and '<td class="text">管理人员' not in html


def test_csv_fallback_marks_numbers_and_text(tmp_path):
    p = tmp_path / "t.csv"
    pd.DataFrame({"role": ["教师"], "p": ["0.019"], "quote": [QUOTE]}).to_csv(p, index=False)
    html = csv_table_html(p)
    assert '<td class="num">0.019</td>' in html and f'<td class="text">{QUOTE}</td>' in html
