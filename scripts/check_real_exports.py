"""Check the survey strand on the real exports: draft-instrument -> read with no edits -> clean.

Not a test: the real exports carry real respondents and live outside the repository
(``../shared/real_exports/<folder>/`` beside the checkout, one export per folder with
a SOURCE.txt). Nothing of them is written into the repository; the drafted YAMLs go
to a temporary folder unless ``--keep DIR`` is given.

    python scripts/check_real_exports.py [REAL_EXPORTS_DIR] [--keep DIR]

Prints one line per export: rows in the file, rows read, rows kept by ``clean`` with
the default rules, and the columns matched (question / metadata / ignored of all).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".xlsx", ".csv", ".sav")


def _default_dir() -> Path:
    for cand in (ROOT.parent / "shared" / "real_exports", ROOT.parent.parent / "shared" / "real_exports"):
        if cand.is_dir():
            return cand
    return ROOT.parent / "shared" / "real_exports"


def check(export: Path, out_dir: Path) -> dict:
    from onex_research.instrument import load_instrument
    from onex_research.survey import clean, draft_instrument, read_export
    from onex_research.survey._files import load_table

    row = {"export": f"{export.parent.name}/{export.name}"}
    t0 = time.perf_counter()
    try:
        _, cells, _ = load_table(export)
        row["rows"] = len(cells)
        yaml_path = out_dir / f"{export.parent.name}.yaml"
        draft_instrument(export).to_yaml(yaml_path)
        ins = load_instrument(yaml_path)                  # the file as written, no edits
        raw = read_export(export, ins)
        row["rows read"] = len(raw)
        res = clean(raw, ins)
        row["kept"] = f"{res.n_analysed} ({100 * res.n_analysed / max(len(raw), 1):.0f}%)"
        a = raw.attrs
        row["columns matched"] = (f"{a['n_matched']}/{a['n_columns']} ({a['n_question_columns']} question, "
                                  f"{a['n_meta_columns']} metadata, {a['n_ignored_columns']} ignored)")
        row["items"] = len(ins.items)
        not_run = res.flow[res.flow["n_flagged"].isna()]["rule"].tolist()
        row["rules not run"] = ", ".join(not_run) or "-"
    except Exception as exc:  # noqa: BLE001 - report every export, then fail at the end
        row["error"] = f"{type(exc).__name__}: {exc}"[:300]
    row["seconds"] = f"{time.perf_counter() - t0:.1f}"
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=_default_dir())
    ap.add_argument("--keep", type=Path, help="write the drafted YAMLs here (outside the repository)")
    args = ap.parse_args(argv)
    exports = sorted(p for p in args.folder.glob("*/*") if p.suffix.lower() in SUFFIXES)
    if not exports:
        print(f"no exports under {args.folder}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        rows = [check(p, out) for p in exports]
    import pandas as pd

    table = pd.DataFrame(rows).fillna("").astype(str)
    cols = list(table.columns)
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|")
    for _, r in table.iterrows():
        print("| " + " | ".join(r[c] for c in cols) + " |")
    return 1 if "error" in table and table["error"].astype(bool).any() else 0


if __name__ == "__main__":
    sys.exit(main())
