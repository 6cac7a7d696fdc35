"""Benchmark: draft-instrument and read + clean + score on a 100,000-row .xlsx export.

Targets (issue 10): ``draft_instrument`` on a 100,000-row export <= 10 s; read + clean
+ score of 100,000 respondents x 60 Likert items from .xlsx <= 10 s.

The export is simulated (``onex_research.simulate``, 16 filler items so that the
instrument has 60 Likert items, plus demographics, a multi-select, an attention check
and open text) and written as a Wenjuanxin 按选项文本 .xlsx the way Wenjuanxin and
Excel write one: cells as indices into ``xl/sharedStrings.xml``. (The simulator's own
.xlsx writer uses inline strings with character references, 15x larger; timings on
it are printed with ``--inline``.) Writing is not timed.

Run: ``python benchmarks/bench_draft.py [--n 100000] [--repeats 3] [--inline]``.
Prints the median wall-clock seconds, and the median CPU seconds of this process
(the figure to compare when the machine is shared), of each step.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from onex_research.instrument import load_instrument
from onex_research.paths import DEFAULT_INSTRUMENT
from onex_research.simulate import export_wenjuanxin, extend_instrument, simulate_study, write_wenjuanxin
from onex_research.survey import clean, draft_instrument, read_export, score

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats'
         '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def _col(j: int) -> str:
    name, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def write_shared_strings_xlsx(frame, path: Path) -> Path:
    """A minimal .xlsx with shared strings (as Wenjuanxin and Excel write), numbers as numbers."""
    sst, index = [], {}
    letters = [_col(j) for j in range(frame.shape[1])]
    rows = [list(frame.columns)] + frame.astype(object).where(frame.notna(), "").values.tolist()
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for i, row in enumerate(rows, start=1):
        cells = []
        for letter, v in zip(letters, row):
            if v == "" or v is None:
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<c r="{letter}{i}"><v>{v}</v></c>')
                continue
            k = index.get(v)
            if k is None:
                k = index[v] = len(sst)
                sst.append(v)
            cells.append(f'<c r="{letter}{i}" t="s"><v>{k}</v></c>')
        parts.append(f'<row r="{i}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    strings = "".join(f"<si><t>{escape(str(s))}</t></si>" for s in sst)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns='
                   f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(sst)}" '
                   f'uniqueCount="{len(sst)}">{strings}</sst>')
        z.writestr("xl/worksheets/sheet1.xml", "".join(parts))
    return path


def _timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--inline", action="store_true", help="also time the simulator's inline-string .xlsx")
    args = ap.parse_args()
    base = load_instrument(DEFAULT_INSTRUMENT)
    ins = extend_instrument(base, 60 - len(base.likert_items))
    t0 = time.perf_counter()
    study = simulate_study(ins, n=args.n, seed=args.seed, population_n=0)
    with tempfile.TemporaryDirectory() as tmp:
        files = {"xlsx (shared strings)": write_shared_strings_xlsx(export_wenjuanxin(study, answers="text"),
                                                                    Path(tmp) / "text.xlsx")}
        if args.inline:
            files["xlsx (inline strings)"] = write_wenjuanxin(study, Path(tmp) / "inline.xlsx", answers="text")
        print(f"generated {study.n_rows} rows x {len(ins.likert_items)} Likert items ({len(ins.items)} items) "
              f"in {time.perf_counter() - t0:.0f} s")
        for name, path in files.items():
            steps = {"draft-instrument": [], "read": [], "clean": [], "score": [], "read+clean+score": []}
            for _ in range(args.repeats):
                _, w, c = _timed(lambda: draft_instrument(path))
                steps["draft-instrument"].append((w, c))
                raw, w1, c1 = _timed(lambda: read_export(path, ins))
                res, w2, c2 = _timed(lambda: clean(raw, ins))
                _, w3, c3 = _timed(lambda: score(res.data, ins))
                steps["read"].append((w1, c1))
                steps["clean"].append((w2, c2))
                steps["score"].append((w3, c3))
                steps["read+clean+score"].append((w1 + w2 + w3, c1 + c2 + c3))
            print(f"{name}: {path.stat().st_size / 1e6:.1f} MB, median of {args.repeats} "
                  f"({len(res.data)} analysed)")
            for step, v in steps.items():
                print(f"  {step:18s} wall {statistics.median(x[0] for x in v):6.2f} s   "
                      f"cpu {statistics.median(x[1] for x in v):6.2f} s")


if __name__ == "__main__":
    main()
