"""Open-ended answers at scale on Dask: throughput, peak memory per worker, vs single machine.

Run: .venv/bin/python benchmarks/bench_scale.py [--n 1000000] [--slice 100000] [--workers 1 2]

1. Writes ``--n`` simulated answers (``simulate.write_open_ended``, about 31 characters
   each: 1,000,000 answers are about 31 M characters) as CSV, once, under ``--data``.
2. For each worker count: a ``distributed.LocalCluster`` of one-thread worker processes
   (memory limit 2 GB each) runs the whole open-ended pipeline from the CSV (read in
   partitions, identifiers, redaction + segmentation, coding and counts, keywords, the
   streamed online LDA). Prints answers/s and characters/s, the seconds per pass and
   the peak resident memory of each worker process (sampled every 0.1 s) and of the
   client.
3. On the first ``--slice`` answers: the single-machine path (:func:`onex_research.scale.
   single_machine`: one Redactor, ``Segmenter.cut_many`` in one process, code, code_matrix,
   exemplars, frequencies, tfidf_keywords; no topic model) against the Dask path on the
   same slice with the largest worker count, and the Dask path's time without its topic
   pass, which the single-machine path does not do.

It prints figures; it is not a test. The machine is shared: figures vary with load.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd


def _start_sampler():
    import threading

    import psutil

    state = {"peak": 0, "stop": False}
    proc = psutil.Process()

    def loop():
        while not state["stop"]:
            state["peak"] = max(state["peak"], proc.memory_info().rss)
            time.sleep(0.1)

    threading.Thread(target=loop, daemon=True).start()
    import builtins

    builtins._onex_mem = state  # found again by _stop_sampler in this worker process
    return True


def _stop_sampler():
    import builtins

    state = builtins._onex_mem
    state["stop"] = True
    return state["peak"]


def _data(folder: Path, n: int, seed: int) -> Path:
    from onex_research.simulate import write_open_ended

    meta = folder / "meta.json"
    if meta.exists():
        m = json.loads(meta.read_text(encoding="utf-8"))
        if m.get("n") == n and m.get("seed") == seed:
            return folder / "answers.csv"
    t0 = time.perf_counter()
    write_open_ended(folder, n, seed=seed)
    print(f"simulated {n:,} answers in {time.perf_counter() - t0:.0f} s -> {folder}", flush=True)
    return folder / "answers.csv"


def _slice(path: Path, m: int, folder: Path) -> Path:
    out = folder / f"slice_{m}.csv"
    if not out.exists():
        pd.read_csv(path, dtype=str, keep_default_na=False, nrows=m).to_csv(out, index=False)
    return out


def _dask_run(path, workers, args, roster, schools):
    from distributed import Client, LocalCluster

    from onex_research.scale import Runner, read_export, run_open_ended

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit="2GB",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        client.run(_start_sampler)
        t0 = time.perf_counter()
        ddf = read_export(path, ["answer", "role"], blocksize=args.blocksize)
        res = run_open_ended(ddf, "answer", Runner(client, progress=False), group="role", roster=roster,
                             schools=schools, k=8)
        seconds = time.perf_counter() - t0
        peaks = client.run(_stop_sampler)
    return res, seconds, sorted(peaks.values()), ddf.npartitions


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="answers (default: %(default)s)")
    ap.add_argument("--slice", type=int, default=100_000, help="answers for the single-machine comparison")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default: 1 2)")
    ap.add_argument("--blocksize", type=int, default=4_000_000, help="bytes per CSV partition")
    ap.add_argument("--seed", type=int, default=20240512)
    ap.add_argument("--data", type=Path, default=Path("/tmp/onex_bench_scale"), help="where the simulated export goes")
    ap.add_argument("--skip-full", action="store_true", help="only the slice comparison")
    args = ap.parse_args(argv)

    from onex_research.scale import single_machine
    from onex_research.simulate import OPEN_ENDED_ROSTER, OPEN_ENDED_SCHOOLS

    roster, schools = dict(OPEN_ENDED_ROSTER), list(OPEN_ENDED_SCHOOLS)
    path = _data(args.data / f"n{args.n}_s{args.seed}", args.n, args.seed)
    chars = int(pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["answer"])["answer"].str.len().sum())
    print(f"export: {path} ({path.stat().st_size / 1e6:.0f} MB, {args.n:,} answers, {chars / 1e6:.1f} M characters)")
    if not args.skip_full:
        for w in args.workers:
            res, sec, peaks, nparts = _dask_run(path, w, args, roster, schools)
            passes = ", ".join(f"{k} {v:.0f}" for k, v in res.seconds.items())
            print(f"dask, {w} worker{'s' if w > 1 else ''} ({nparts} partitions): {sec:.0f} s, "
                  f"{args.n / sec:,.0f} answers/s, {chars / sec / 1e6:.2f} M chars/s; passes (s): {passes}")
            print(f"  peak RSS per worker: {', '.join(f'{p / 2**30:.2f} GB' for p in peaks)} (limit 2 GB: "
                  f"{'ok' if max(peaks) <= 2 * 2**30 else 'EXCEEDED'})", flush=True)
    m = min(args.slice, args.n)
    sl = _slice(path, m, path.parent)
    df = pd.read_csv(sl, dtype=str, keep_default_na=False)
    t0 = time.perf_counter()
    ref = single_machine(df, "answer", group="role", roster=roster, schools=schools, n_jobs=1)
    t_single = time.perf_counter() - t0
    res, t_dask, peaks, _ = _dask_run(sl, max(args.workers), args, roster, schools)
    same = list(res.mapping.items()) == list(ref.mapping.items())
    for name in ("codes", "exemplars", "keywords"):
        try:
            pd.testing.assert_frame_equal(getattr(res, name).reset_index(drop=True),
                                          getattr(ref, name).reset_index(drop=True), check_dtype=False)
        except AssertionError:
            same = False
    no_topics = t_dask - res.seconds.get("topics", 0.0)
    print(f"slice of {m:,} answers: single machine (one process) {t_single:.0f} s; dask with {max(args.workers)} "
          f"workers {t_dask:.0f} s ({t_single / t_dask:.2f}x), without its topic pass {no_topics:.0f} s "
          f"({t_single / no_topics:.2f}x); same pseudonyms, codes, exemplars and keywords: {same}")
    print(f"client peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
