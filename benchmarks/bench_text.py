"""Speed of onex_research.text: cut_many vs plain jieba, cached rerun, K selection.

Run: .venv/bin/python benchmarks/bench_text.py [--mb 2.5] [--repeats 3]
Prints medians over repeats and the ratios the issue asks for:
- cut_many (all cores) >= 1.7x the throughput of single-process ``jieba.lcut`` on >= 2 MB;
- a cached rerun (new Segmenter, same texts) >= 20x;
- select_k over K = 2..12, 3 seeds (+ 2 document resamples, its default since issue 11), on
  1,000 documents in <= 60 s (simulate_topic_corpus).
The text is built from jieba's own dictionary words in random order, so no clause
repeats and no cache or memo inside the tokenizer can help the cold run.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import sys
import tempfile
import time

import jieba

from onex_research.text import Segmenter, select_k

from _timing import median_time  # benchmarks/ is on sys.path

jieba.setLogLevel(logging.WARNING)


def make_texts(mb: float, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    with open(jieba.get_dict_file().name, encoding="utf-8") as fh:
        words = [line.split()[0] for line in fh][::3]
    words += ["1+X证书", "书证融通", "校企合作", "产教融合", "培训评价组织", "1+X"] * 50
    texts, size = [], 0
    while size < mb * 1e6:
        n = rng.randint(150, 600)
        t = "".join(rng.choice(words) + rng.choice(["", "", "", "，", "。", "的", "了", "我们"])
                    for _ in range(n))
        texts.append(t)
        size += len(t.encode("utf-8"))
    return texts


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-k", action="store_true")
    args = ap.parse_args(argv)
    texts = make_texts(args.mb)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"load average {os.getloadavg()[0]:.2f} (other processes share the cores; rerun on an idle machine)")
    print(f"python {sys.version.split()[0]}, jieba {jieba.__version__}, cores {os.cpu_count()}, "
          f"{len(texts)} texts, {mb:.2f} MB")

    jieba.initialize()  # dictionary loading is not part of either timing
    t_jieba = median_time(lambda: [jieba.lcut(t) for t in texts], args.repeats)
    seg = Segmenter(cache_dir=None, progress=False).fit()
    seg.tokenizer_
    t_par = median_time(lambda: seg.cut_many(texts), args.repeats)
    t_serial = median_time(lambda: [seg.cut(t) for t in texts], 1)

    cache = tempfile.mkdtemp(prefix="bench_text_cache_")
    try:
        Segmenter(cache_dir=cache, progress=False).cut_many(texts)  # fill the cache
        t_cached = median_time(lambda: Segmenter(cache_dir=cache, progress=False).cut_many(texts),
                               args.repeats)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"jieba.lcut, 1 process        : {t_jieba:7.2f} s  ({mb / t_jieba:.2f} MB/s)")
    print(f"Segmenter.cut, 1 process     : {t_serial:7.2f} s  (x{t_jieba / t_serial:.2f})")
    print(f"Segmenter.cut_many, cold     : {t_par:7.2f} s  (x{t_jieba / t_par:.2f}, target >= 1.7)")
    print(f"Segmenter.cut_many, cached   : {t_cached:7.3f} s  (x{t_jieba / t_cached:.1f}, target >= 20)")

    if not args.skip_k:
        from onex_research.simulate import simulate_topic_corpus
        from onex_research.text import fit_topics, topic_recovery

        tc = simulate_topic_corpus(1000, n_topics=8, seed=0)
        for method in ("lda", "nmf"):
            t0 = time.perf_counter()
            sel = select_k(tc.token_lists, range(2, 13), method=method, seeds=(0, 1, 2))
            t_k = time.perf_counter() - t0
            rec = topic_recovery(fit_topics(tc.token_lists, 8, method=method, seed=0, n_init=2), tc.topic_word)
            print(f"select_k {method.upper()}, K=2..12 x 3 seeds, 1000 docs: {t_k:6.1f} s (target <= 60), "
                  f"chosen K={sel.k} (true 8), runner-up {sel.runner_up}; recovery at K=8: mean cosine {rec.mean_cosine:.3f}")


if __name__ == "__main__":
    main()
