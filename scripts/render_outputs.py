"""Render a reproduce folder's tables as a reader sees them: .docx via LibreOffice, report.html via Chromium.

Usage::

    python scripts/render_outputs.py REPORTS [--out /tmp/onex_renders] [--tables htmt efa_loadings ...]

``REPORTS`` is a folder written by ``onex-research reproduce --out REPORTS``. Not part of
the test suite: it calls external programs, which must be on the PATH:

- ``soffice`` (LibreOffice Writer), headless, with a throwaway profile
  (``-env:UserInstallation=file:///tmp/lo_profile``): each chosen ``tables/*.docx`` ->
  PDF -> PNG with ``pdftoppm -png -r 110`` (poppler-utils), one PNG per page:
  ``OUT/docx/<stem>-<page>.png``;
- ``chromium --headless``: the top of ``report.html`` (``OUT/html/report-top.png``)
  and each chosen table's block of ``report.html`` (caption, table, notes, under the
  page's own CSS) in a 1400 px window, ``OUT/html/<stem>.png``; the widest table also
  in an 800 px window (``OUT/html/<stem>-narrow.png``) to show the scroll box.

Chinese text needs a CJK font (fonts-noto-cjk); tofu boxes in the PNGs mean it is
missing. By default the chosen tables are the five with the most columns, the first
hierarchical-regression summary and the exemplar-quote table (else the first joint
display). ``--tables`` takes parts of file stems instead. The PNGs are not outputs of
the study: write them outside the repository (default ``/tmp/onex_renders``). The
folder is printed at the end.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

LO_PROFILE = "file:///tmp/lo_profile"


def _columns(md: Path) -> int:
    for line in md.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("|"):
            return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))
    return 0


def choose_tables(tables: Path, wanted: list[str] | None) -> list[str]:
    """File stems of the tables to render (see the module docstring for the default)."""
    stems = sorted(p.stem for p in tables.glob("*.docx"))
    if wanted:
        chosen = [s for w in wanted for s in stems if w in s]
        if not chosen:
            sys.exit(f"no table in {tables} matches {wanted}; tables: {', '.join(stems)}")
        return list(dict.fromkeys(chosen))
    by_width = sorted(stems, key=lambda s: (-_columns(tables / f"{s}.md") if (tables / f"{s}.md").exists()
                                            else 0, s))
    chosen = by_width[:5]
    summary = [s for s in stems if "hierarchical" in s and s.endswith("_summary")]
    quotes = [s for s in stems if "quote" in s] or [s for s in stems if "joint" in s]
    chosen += summary[:1] + quotes[:1]
    return list(dict.fromkeys(chosen))


def _run(cmd: list[str], **kw) -> None:
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        sys.exit(f"failed ({res.returncode}): {' '.join(cmd)}\n{res.stdout}\n{res.stderr}")


def render_docx(tables: Path, stems: list[str], out: Path) -> list[Path]:
    """Each ``<stem>.docx`` -> ``out/pdf/<stem>.pdf`` (LibreOffice) -> ``out/docx/<stem>-N.png``."""
    pdf_dir, png_dir = out / "pdf", out / "docx"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    png_dir.mkdir(parents=True, exist_ok=True)
    _run(["soffice", f"-env:UserInstallation={LO_PROFILE}", "--headless", "--convert-to", "pdf",
          "--outdir", str(pdf_dir), *[str(tables / f"{s}.docx") for s in stems]], timeout=600)
    pngs = []
    for s in stems:
        for old in png_dir.glob(f"{s}-*.png"):
            old.unlink()
        _run(["pdftoppm", "-png", "-r", "110", str(pdf_dir / f"{s}.pdf"), str(png_dir / s)], timeout=120)
        pngs += sorted(png_dir.glob(f"{s}-*.png"))
    return pngs


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    sys.exit("no chromium on the PATH (apt-get install chromium)")


def _shot(url: str, png: Path, width: int, height: int) -> None:
    _run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars=false",
          f"--screenshot={png}", f"--window-size={width},{height}", "--virtual-time-budget=3000", url],
         timeout=120)


def table_blocks(report: Path) -> tuple[str, dict[str, str]]:
    """The page's ``<head>`` and, per table stem, its block (caption, table, notes, links)."""
    page = report.read_text(encoding="utf-8")
    head = page[:page.index("<body>") + len("<body>")]
    blocks = {}
    for m in re.finditer(r'<div class="caption" id="table-\d+">.*?<div class="files">.*?</div>', page, flags=re.S):
        stem = re.search(r'href="tables/([^"]+)\.\w+"', m.group(0))
        if stem:
            blocks.setdefault(stem.group(1), m.group(0))
    return head, blocks


def render_html(report: Path, stems: list[str], out: Path) -> list[Path]:
    """Screenshots of the top of ``report.html`` and of each chosen table's block.

    Headless Chromium does not reliably paint a page scrolled to a ``#fragment``, so each
    table's block is cut from ``report.html`` with the page's own ``<head>`` (its CSS)
    into ``out/html/<stem>.html`` and shot from there, 1400 px wide; the first (widest)
    table also 800 px wide, where its box must scroll.
    """
    html_dir = out / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    head, blocks = table_blocks(report)
    pngs = [html_dir / "report-top.png"]
    _shot(report.resolve().as_uri(), pngs[0], 1400, 1200)
    for i, s in enumerate(stems):
        if s not in blocks:
            print(f"  {s}: not in report.html")
            continue
        page = html_dir / f"{s}.html"
        page.write_text(head + "\n" + blocks[s] + "\n</body>\n</html>\n", encoding="utf-8")
        rows = blocks[s].count("<tr")
        height = 260 + 34 * rows + 22 * blocks[s].count("<br>")
        png = html_dir / f"{s}.png"
        _shot(page.resolve().as_uri(), png, 1400, max(height, 400))
        pngs.append(png)
        if i == 0:  # the widest table in a narrow window: the box scrolls, the page does not
            narrow = html_dir / f"{s}-narrow.png"
            _shot(page.resolve().as_uri(), narrow, 800, max(height, 400))
            pngs.append(narrow)
    return pngs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", type=Path, help="folder written by onex-research reproduce --out")
    ap.add_argument("--out", type=Path, default=Path("/tmp/onex_renders"), help="PNG folder (default: %(default)s)")
    ap.add_argument("--tables", nargs="+", metavar="PART", help="parts of table file stems (default: see above)")
    ap.add_argument("--no-docx", action="store_true", help="skip LibreOffice")
    ap.add_argument("--no-html", action="store_true", help="skip Chromium")
    args = ap.parse_args(argv)
    tables = args.reports / "tables"
    if not tables.is_dir():
        sys.exit(f"{tables} not found; hint: onex-research reproduce --out {args.reports}")
    stems = choose_tables(tables, args.tables)
    print("tables:", *stems, sep="\n  ")
    pngs = []
    if not args.no_docx:
        pngs += render_docx(tables, stems, args.out)
    if not args.no_html:
        report = args.reports / "report.html"
        if report.exists():
            pngs += render_html(report, stems, args.out)
        else:
            print(f"{report} not found: no HTML screenshots")
    print(f"{len(pngs)} PNGs in {args.out.resolve()}:", *pngs, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
