"""Speed of discover_terms (issue 11: 2.5 MB in <= 20 s).

Run: .venv/bin/python benchmarks/bench_terms.py [--mb 2.5]

The text: the project's transcripts plus sentences of jieba dictionary words in random
order, up to ``--mb`` MB of UTF-8 (a Chinese character is 3 bytes). Random word order
gives many more distinct n-grams than real text, so this is the slow case. jieba's
dictionary load (used to skip single dictionary words) is counted.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]


def make_texts(mb: float, seed: int = 0) -> list[str]:
    from onex_research.text import read_transcripts

    rng = random.Random(seed)
    texts = list(read_transcripts(ROOT / "corpus" / "transcripts")["text"])
    with open(jieba.get_dict_file().name, encoding="utf-8") as fh:
        words = [line.split()[0] for line in fh][::7]
    size = sum(len(t.encode("utf-8")) for t in texts)
    while size < mb * 1e6:
        t = "".join(rng.choice(words) + rng.choice(["", "", "，", "。", "的", "了"]) for _ in range(rng.randint(50, 200)))
        texts.append(t)
        size += len(t.encode("utf-8"))
    return texts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.5)
    args = ap.parse_args()
    from onex_research.text.terms import discover_terms

    texts = make_texts(args.mb)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    t0 = time.perf_counter()
    df = discover_terms(texts)
    dt = time.perf_counter() - t0
    print(f"discover_terms: {mb:.2f} MB ({sum(map(len, texts)):,} characters) in {dt:.1f} s, "
          f"{len(df)} candidates  target <= 20 s")


if __name__ == "__main__":
    main()
