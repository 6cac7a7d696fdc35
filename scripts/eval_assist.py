"""Assisted coding vs the keyword frame on the held-out hand-labelled sentences (issue 11).

Usage::

    python scripts/eval_assist.py [--splits 5] [--seed 0]

Cross-validates :class:`~onex_research.text.CodeSuggester` on
``tests/reference/heldout_coding.csv`` (320 sentences, 8 codes; written and labelled
without sight of the coding frame, see HELDOUT_README.md): out-of-fold precision, recall
and F1 per code and micro-averaged, printed beside the keyword frame's
(``corpus/coding_frame.yaml``, each sentence one unit). Two suggesters: trained on the
held-out training folds only, and on those plus the codebook's own examples
(:func:`codebook_examples`: code descriptions, keywords, the project's example sentences).
The suggester's settings (C, n-gram ranges, threshold 0.5, the codebook prior) were
chosen by looking at this cross-validation, so its figure is mildly optimistic.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from onex_research.paths import CORPUS  # noqa: E402
from onex_research.text import code, coding_f1, load_frame  # noqa: E402
from onex_research.text.assist import codebook_examples, cross_validate_suggester  # noqa: E402

HELDOUT = ROOT / "tests" / "reference" / "heldout_coding.csv"
REAL = ROOT / "tests" / "reference" / "real_policy_coding.csv"


def _scores(pred_sets, true_sets, codes):
    rows = []
    for c in list(codes) + ["micro"]:
        tp = fp = fn = 0
        for p, t in zip(pred_sets, true_sets):
            p_, t_ = (p, t) if c == "micro" else (p & {c}, t & {c})
            tp, fp, fn = tp + len(p_ & t_), fp + len(p_ - t_), fn + len(t_ - p_)
        rows.append({"code": c, "n": tp + fn, "precision": tp / (tp + fp) if tp + fp else float("nan"),
                     "recall": tp / (tp + fn) if tp + fn else float("nan"),
                     "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")})
    return pd.DataFrame(rows).set_index("code")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    df = pd.read_csv(HELDOUT, keep_default_na=False)
    frame = load_frame(CORPUS / "coding_frame.yaml")
    hits = code(list(df["text"]), frame, unit="turn")
    truth = (df.assign(doc=range(len(df)), code=df["codes"].str.split(";"))
             .explode("code").query("code != ''")[["doc", "code"]])
    kw = coding_f1(hits, truth, keys=("doc",), codes=frame.names).set_index("code")
    t0 = time.perf_counter()
    text_only = cross_validate_suggester(df["text"], df["codes"], n_splits=args.splits, random_state=args.seed)
    with_frame = cross_validate_suggester(df["text"], df["codes"], extra=codebook_examples(frame),
                                          n_splits=args.splits, random_state=args.seed)
    dt = time.perf_counter() - t0
    table = pd.DataFrame({
        "n": truth["code"].value_counts().reindex(frame.names + ["micro"]).fillna(len(truth)).astype(int),
        "keyword_p": kw["precision"], "keyword_r": kw["recall"], "keyword_f1": kw["f1"],
        "suggest_p": text_only["precision"], "suggest_r": text_only["recall"], "suggest_f1": text_only["f1"],
        "+codebook_p": with_frame["precision"], "+codebook_r": with_frame["recall"],
        "+codebook_f1": with_frame["f1"]}).round(3)
    print(f"held-out set: {len(df)} sentences, {len(truth)} (sentence, code) labels; "
          f"{args.splits}-fold CV, seed {args.seed} ({dt:.1f} s)")
    print(table.to_string())
    real = pd.read_csv(REAL, keep_default_na=False)
    true = [set(filter(None, c.split(";"))) for c in real["codes"]]
    kw_hits = code(list(real["text"]), frame, unit="turn")
    kw_sets = [set(kw_hits.loc[kw_hits["doc"] == i, "code"]) for i in range(len(real))]
    from onex_research.text.assist import CodeSuggester

    sug = CodeSuggester().fit(df["text"], df["codes"], extra=codebook_examples(frame))
    p = sug.predict_proba(real["text"])
    sug_sets = [set(p.columns[p.loc[i] >= sug.threshold]) for i in range(len(real))]
    real_table = pd.concat({"keyword": _scores(kw_sets, true, frame.names),
                            "suggester": _scores(sug_sets, true, frame.names)}, axis=1).round(3)
    print(f"\nreal policy sentences ({REAL.name}, {len(real)} sentences labelled before coding; suggester "
          f"trained on all {len(df)} held-out sentences + codebook examples):")
    print(real_table.to_string())
    print(f"\nmicro F1: keyword frame {kw.at['micro', 'f1']:.3f}, suggester {text_only.at['micro', 'f1']:.3f}, "
          f"suggester + codebook examples {with_frame.at['micro', 'f1']:.3f} (aim >= 0.80)")


if __name__ == "__main__":
    main()
