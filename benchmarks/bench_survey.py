"""Benchmark: read + clean + score 100,000 respondents x 60 Likert items (target <= 10 s, 2 cores).

The export is simulated (``onex_research.simulate`` with 16 filler items, so the
instrument has 60 Likert items plus demographics, attention check and open text) and
written as a Wenjuanxin 按选项文本 CSV (UTF-8, option labels: the slower decode path)
and 按序号 CSV (GBK, codes) to a temporary folder (with ``--xlsx`` also as .xlsx, read
with python-calamine). Generation is not timed.

Run: ``.venv/bin/python benchmarks/bench_survey.py [--n 100000] [--repeats 3]``
Prints the median seconds of each step over the repeats.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from onex_research.instrument import load_instrument
from onex_research.paths import DEFAULT_INSTRUMENT
from onex_research.simulate import extend_instrument, simulate_study, write_wenjuanxin
from onex_research.survey import clean, read_export, score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--xlsx", action="store_true",
                    help="also time a 按选项文本 .xlsx (writing it with openpyxl takes minutes)")
    args = ap.parse_args()
    base = load_instrument(DEFAULT_INSTRUMENT)
    ins = extend_instrument(base, 60 - len(base.likert_items))
    t0 = time.perf_counter()
    study = simulate_study(ins, n=args.n, seed=args.seed, population_n=0)
    with tempfile.TemporaryDirectory() as tmp:
        files = {"text CSV (UTF-8)": write_wenjuanxin(study, Path(tmp) / "text.csv", answers="text",
                                                      encoding="utf-8"),
                 "codes CSV (GBK)": write_wenjuanxin(study, Path(tmp) / "codes.csv", answers="codes")}
        if args.xlsx:
            files["text XLSX"] = write_wenjuanxin(study, Path(tmp) / "text.xlsx", answers="text")
        print(f"generated {study.n_rows} rows x {len(ins.likert_items)} Likert items "
              f"({len(ins.items)} items) in {time.perf_counter() - t0:.1f} s")
        for name, path in files.items():
            times = {"read": [], "clean": [], "score": [], "total": []}
            for _ in range(args.repeats):
                t = time.perf_counter()
                raw = read_export(path, ins)
                t1 = time.perf_counter()
                res = clean(raw, ins)
                t2 = time.perf_counter()
                score(res.data, ins)
                t3 = time.perf_counter()
                for k, v in zip(times, (t1 - t, t2 - t1, t3 - t2, t3 - t)):
                    times[k].append(v)
            med = {k: statistics.median(v) for k, v in times.items()}
            print(f"{name:18s} {path.stat().st_size / 1e6:6.1f} MB  median of {args.repeats}: "
                  + "  ".join(f"{k} {v:5.2f} s" for k, v in med.items())
                  + f"   ({len(res.data)} analysed)")


if __name__ == "__main__":
    main()
