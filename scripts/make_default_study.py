#!/usr/bin/env python
"""Generate the default simulated 1+X study into surveys/default_study/.

    python scripts/make_default_study.py            # the committed default study
    python scripts/make_default_study.py --out /tmp/study --n 1000 --seed 7

The same arguments give byte-identical files; tests/test_simulate_survey.py regenerates
the default study and compares it with the committed one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from onex_research.instrument import load_instrument
from onex_research.paths import DEFAULT_INSTRUMENT, DEFAULT_STUDY
from onex_research.simulate import DEFAULT_SEED, simulate_study, write_study

DEFAULT_N = 600


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_STUDY, help="folder to write (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed (default: %(default)s)")
    ap.add_argument("--n", type=int, default=DEFAULT_N, help="respondents before duplicates (default: %(default)s)")
    ap.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help="codebook YAML")
    args = ap.parse_args(argv)
    study = simulate_study(load_instrument(args.instrument), n=args.n, seed=args.seed)
    paths = write_study(study, args.out)
    print(study)
    for name, path in paths.items():
        print(f"  {path}  {path.stat().st_size:>8} bytes")
    return paths


if __name__ == "__main__":
    main()
