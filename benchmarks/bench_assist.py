"""Speed of the code suggester (issue 11: training on 1,000 units in <= 5 s).

Run: .venv/bin/python benchmarks/bench_assist.py [--units 1000]

Units: the held-out sentences plus the codebook's examples, cycled with a unit number
appended so that no two units are identical, up to ``--units``. Timed: ``fit`` (jieba
word n-grams + character n-grams, TF-IDF, 8 calibrated linear SVMs), once with a warm
jieba (its dictionary load is not counted), and ``predict_proba`` + ``review_queue`` on
1,000 uncoded units.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1000)
    args = ap.parse_args()
    from onex_research.paths import CORPUS
    from onex_research.text import load_frame
    from onex_research.text.assist import CodeSuggester, codebook_examples

    frame = load_frame(CORPUS / "coding_frame.yaml")
    held = pd.read_csv(ROOT / "tests" / "reference" / "heldout_coding.csv", keep_default_na=False)
    pool = pd.concat([held[["text", "codes"]], codebook_examples(frame)], ignore_index=True)
    rows = [(f"{pool.text[i % len(pool)]}（{i}）", pool.codes[i % len(pool)]) for i in range(args.units)]
    texts, labels = [t for t, _ in rows], [c for _, c in rows]
    CodeSuggester().fit(texts[:200], labels[:200])  # warm jieba
    t0 = time.perf_counter()
    s = CodeSuggester().fit(texts, labels)
    fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    s.review_queue(texts)
    pred = time.perf_counter() - t0
    print(f"fit on {len(texts)} units, {len(s.codes_)} codes: {fit:.2f} s  target <= 5 s")
    print(f"predict + review queue on {len(texts)} units: {pred:.2f} s")


if __name__ == "__main__":
    main()
