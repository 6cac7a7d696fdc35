"""``report.html``: every registered table and figure on one page, with numbered captions.

Tables are rendered from their Markdown file (the same formatting as the .docx and
.tex: rounded numbers, significance stars, the notes line); each table sits in a
horizontally scrolling box and its number cells do not wrap, so a wide table (EFA
loadings, HTMT) scrolls instead of being cut at the page edge; figures are shown from
their PNG by a relative ``<img>`` link, so ``report.html`` must stay beside
``tables/`` and ``figures/``. Captions are numbered across the whole report, tables
and figures separately: 表1 / Table 1, 图1 / Figure 1. Sections follow the notebooks'
order and link to each executed notebook's HTML.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from ..report._layout import is_number, is_text_column
from ..report.registry import RegistryEntry

__all__ = ["markdown_table_html", "csv_table_html", "build_report_html", "write_report_html"]

_PIPE = re.compile(r"(?<!\\)\|")
_ALIGN = {(True, True): "center", (False, True): "right", (True, False): "left", (False, False): None}

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #ccc;margin-top:2.5rem}
figure{margin:1.5rem 0}figure img{max-width:100%}
figcaption,.caption{font-size:.95rem}.caption{margin:1.5rem 0 .3rem;text-align:center}
.en{color:#555}
.table-scroll{overflow-x:auto;width:calc(100vw - 4rem);margin-left:calc(50% - 50vw + 2rem)}
table.three-line{border-collapse:collapse;margin:0 auto;border-top:2px solid #000;border-bottom:2px solid #000;
font-size:.92rem}
table.three-line th{border-bottom:1px solid #000;padding:.2rem .5rem;vertical-align:bottom}
table.three-line td{padding:.15rem .5rem;white-space:nowrap}
table.three-line td.text{white-space:normal;min-width:16rem;max-width:42rem;text-align:left}
table.three-line th.text{text-align:left}
.notes{font-size:.85rem;margin:.3rem auto;max-width:50rem}
.files{font-size:.8rem;color:#666;text-align:center}
"""


def _unescape_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.strip())


def _split_row(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [_unescape_md(c) for c in _PIPE.split(inner)]


def markdown_table_html(text: str) -> tuple[str, list[str]]:
    """Render the first pipe table in ``text`` as a three-line HTML table.

    Parameters
    ----------
    text : str
        Markdown as written by :func:`onex_research.report.tables.to_markdown`.

    Returns
    -------
    html : str
        ``<table class="three-line">`` with a header row and the body rows. Cells do
        not wrap (CSS ``white-space: nowrap``) except those of long-text columns
        (:func:`onex_research.report._layout.is_text_column`), which get
        ``class="text"``; number cells get ``class="num"``.
    notes : list of str
        The non-table lines after the table (the notes line), unescaped; the bold
        caption line above the table is dropped (``report.html`` writes its own).
    """
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("|")), None)
    if start is None or start + 1 >= len(lines):
        raise ValueError("no pipe table found in the Markdown")
    end = start
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    header = _split_row(lines[start])
    rule = _split_row(lines[start + 1])
    aligns = [_ALIGN[(c.startswith(":"), c.endswith(":"))] for c in rule]
    rows = [_split_row(ln) for ln in lines[start + 2:end]]
    text = [is_text_column([r[j] for r in rows if j < len(r)]) for j in range(len(header))]

    def cell(tag, value, j):
        if j < len(text) and text[j]:  # long text (quotes) wraps, left-aligned
            return f'<{tag} class="text">{html.escape(value)}</{tag}>'
        cls = ' class="num"' if tag == "td" and is_number(value) else ""
        style = f' style="text-align:{aligns[j]}"' if j < len(aligns) and aligns[j] else ""
        return f"<{tag}{cls}{style}>{html.escape(value)}</{tag}>"

    out = ['<table class="three-line">', "<thead><tr>" + "".join(cell("th", h, j) for j, h in enumerate(header))
           + "</tr></thead>", "<tbody>"]
    out += ["<tr>" + "".join(cell("td", v, j) for j, v in enumerate(r)) + "</tr>" for r in rows]
    out += ["</tbody>", "</table>"]
    notes = [_unescape_md(ln) for ln in lines[end:] if ln.strip()]
    return "\n".join(out), notes


def csv_table_html(path) -> str:
    """Render a CSV (UTF-8, with or without BOM) as a three-line HTML table."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return '<table class="three-line"></table>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    text = [is_text_column([r[j] for r in rows[1:] if j < len(r)]) for j in range(len(rows[0]))]

    def td(c, j):
        cls = ' class="text"' if j < len(text) and text[j] else ' class="num"' if is_number(c) else ""
        return f"<td{cls}>{html.escape(c)}</td>"

    body = "\n".join("<tr>" + "".join(td(c, j) for j, c in enumerate(r)) + "</tr>" for r in rows[1:])
    return f'<table class="three-line">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _scroll(table_html: str) -> str:
    """A table in a horizontally scrolling box: a wide table scrolls, nothing is cut off."""
    return f'<div class="table-scroll">\n{table_html}\n</div>'


def _file(entry: RegistryEntry, ext: str) -> str | None:
    return next((f for f in entry.files if f.endswith("." + ext)), None)


def _caption(prefix_zh, prefix_en, n, entry, tag="div", anchor=""):
    ident = f' id="{anchor}"' if anchor else ""
    return (f'<{tag} class="caption"{ident}><span class="zh">{prefix_zh}{n}&#x2003;{html.escape(entry.caption_zh)}</span><br>'
            f'<span class="en">{prefix_en} {n}&#x2003;{html.escape(entry.caption_en)}</span></{tag}>')


def _links(entry: RegistryEntry) -> str:
    links = " · ".join(f'<a href="{html.escape(f)}">{html.escape(Path(f).suffix[1:])}</a>' for f in entry.files)
    return (f'<div class="files">{links} · <code>{html.escape(entry.made_by)}</code></div>')


def _inputs_html(inputs: dict | None, seed) -> str:
    if not inputs:
        return ""
    rows = [f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(str(v.get('path', '')))}</code></td>"
            f"<td><code>{html.escape(str(v.get('sha256', ''))[:12])}</code></td></tr>"
            for k, v in inputs.items() if isinstance(v, dict) and "path" in v]
    if seed is not None:
        rows.append(f"<tr><td>seed</td><td><code>{html.escape(str(seed))}</code></td><td></td></tr>")
    return _scroll('<table class="three-line inputs"><thead><tr><th>输入 input</th><th>path</th><th>sha256</th></tr>'
                   "</thead><tbody>" + "".join(rows) + "</tbody></table>") + "\n"


def build_report_html(out_dir, entries, *, notebooks, title_zh="研究报告", title_en="Study report",
                      notebook_titles=None, notebook_html=None, inputs=None, seed=None) -> str:
    """Assemble ``report.html``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The report folder (table files are read from it).
    entries : list of RegistryEntry
        Tables and figures, in the order they should appear within a notebook.
    notebooks : list of str
        Notebook stems, in section order.
    title_zh, title_en : str
        Page title.
    notebook_titles : dict, optional
        Notebook stem -> section heading (the notebook's first Markdown heading).
    notebook_html : dict, optional
        Notebook stem -> path of its executed HTML, relative to ``out_dir``.
    inputs : dict, optional
        ``manifest.json``'s inputs (name -> ``{"path", "sha256"}``), listed at the top.
    seed : int, optional

    Returns
    -------
    str
        The page; the same entries and files give the same text.
    """
    out_dir = Path(out_dir)
    notebook_titles = notebook_titles or {}
    notebook_html = notebook_html or {}
    n_tab = n_fig = 0
    body = []
    toc = []
    for nb in notebooks:
        mine = [e for e in entries if e.notebook == nb]
        heading = notebook_titles.get(nb) or nb
        anchor = f"nb-{nb}"
        toc.append(f'<li><a href="#{anchor}">{html.escape(heading)}</a> ({len(mine)})</li>')
        body.append(f'<section id="{anchor}"><h2>{html.escape(heading)}</h2>')
        if nb in notebook_html:
            body.append(f'<p class="files">notebook: <a href="{html.escape(notebook_html[nb])}">'
                        f'{html.escape(nb)}.html</a></p>')
        for e in mine:
            if e.kind == "table":
                n_tab += 1
                body.append(_caption("表", "Table", n_tab, e, anchor=f"table-{n_tab}"))
                md, csvf = _file(e, "md"), _file(e, "csv")
                notes = []
                if md and (out_dir / md).exists():
                    table_html, notes = markdown_table_html((out_dir / md).read_text(encoding="utf-8"))
                elif csvf and (out_dir / csvf).exists():
                    table_html = csv_table_html(out_dir / csvf)
                    notes = [e.notes] if e.notes else []
                else:
                    table_html = "<p><em>table file missing</em></p>"
                body.append(_scroll(table_html))
                body += [f'<p class="notes">{html.escape(n)}</p>' for n in notes]
                body.append(_links(e))
            else:
                n_fig += 1
                png = _file(e, "png") or (e.files[0] if e.files else "")
                body.append(f'<figure><img src="{html.escape(png)}" alt="{html.escape(e.caption_en)}" loading="lazy">')
                body.append(_caption("图", "Figure", n_fig, e, tag="figcaption"))
                body.append(_links(e) + "</figure>")
        if not mine:
            body.append("<p><em>这个笔记本没有登记表格或图。 This notebook registered no tables or figures.</em></p>")
        body.append("</section>")
    head = (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title_zh)} / {html.escape(title_en)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title_zh)}<br><span class=\"en\">{html.escape(title_en)}</span></h1>\n"
            f"<p>{n_tab} 个表格，{n_fig} 幅图。 {n_tab} tables, {n_fig} figures. "
            f'Inputs, versions and hashes: <a href="manifest.json">manifest.json</a>.</p>\n'
            + _inputs_html(inputs, seed) + "<ol>\n" + "\n".join(toc) + "\n</ol>\n")
    return head + "\n".join(body) + "\n</body>\n</html>\n"


def write_report_html(out_dir, entries, **kwargs) -> Path:
    """Write :func:`build_report_html` to ``out_dir/report.html`` (UTF-8) and return the path."""
    path = Path(out_dir) / "report.html"
    path.write_text(build_report_html(out_dir, entries, **kwargs), encoding="utf-8")
    return path
