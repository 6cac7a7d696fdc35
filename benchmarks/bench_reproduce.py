"""Benchmark: the whole ``reproduce`` on the default study, cold and warm.

Targets (issue 6, item 7), on 2 cores: at most 90 s cold, at most 30 s warm.

* cold: a fresh report folder and empty caches (``cache_dir`` in a new temporary folder);
* warm: the same command again into the same folder, with the caches the cold run left
  (unchanged notebooks are restored from the notebook cache, onex_research.reproduce.nbcache);
* warm, no notebook cache: every notebook runs again, with only the caches inside the
  notebooks (segmentation) warm: ``reproduce --no-cache``.

Each repeat makes a new cold folder; medians are printed, with the per-notebook times
of the last repeat. Run::

    .venv/bin/python benchmarks/bench_reproduce.py            # 1 repeat
    .venv/bin/python benchmarks/bench_reproduce.py --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from onex_research.reproduce.run import reproduce

COLD_TARGET, WARM_TARGET = 90.0, 30.0


def timed(out: Path, cache: Path, notebooks, use_cache=True):
    t = time.perf_counter()
    res = reproduce(out=out, cache_dir=cache, notebooks=notebooks, progress=False, use_cache=use_cache)
    return time.perf_counter() - t, res


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="cold+warm pairs (default: %(default)s)")
    ap.add_argument("--notebooks", nargs="+", help="only these notebooks (default: all)")
    args = ap.parse_args(argv)
    cold, warm, rerun = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="onex-bench-") as tmp:
            out, cache = Path(tmp) / "reports", Path(tmp) / "cache"
            seconds, res_cold = timed(out, cache, args.notebooks)
            cold.append(seconds)
            seconds, res_warm = timed(out, cache, args.notebooks)
            warm.append(seconds)
            seconds, res_rerun = timed(out, cache, args.notebooks, use_cache=False)
            rerun.append(seconds)
    print(f"{'notebook':<22}{'cold s':>8}{'warm s':>8}{'no-cache s':>12}")
    for nb in res_cold.notebooks:
        print(f"{nb:<22}{res_cold.seconds[nb]:>8.1f}{res_warm.seconds[nb]:>8.1f}{res_rerun.seconds[nb]:>12.1f}")
    print(f"notebooks restored from the cache in the warm run: {len(res_warm.cached)} of {len(res_warm.notebooks)}")
    c, w, r = statistics.median(cold), statistics.median(warm), statistics.median(rerun)
    print(f"reproduce cold: median {c:.1f} s over {len(cold)} (target <= {COLD_TARGET:.0f} s) "
          f"{'OK' if c <= COLD_TARGET else 'SLOW'}")
    print(f"reproduce warm: median {w:.1f} s over {len(warm)} (target <= {WARM_TARGET:.0f} s) "
          f"{'OK' if w <= WARM_TARGET else 'SLOW'}")
    print(f"reproduce warm --no-cache: median {r:.1f} s over {len(rerun)}")
    return {"cold": c, "warm": w, "warm_no_cache": r}


if __name__ == "__main__":
    main()
