"""A corpus's own multiword terms: cohesion (PMI) + boundary entropy, for review before use.

``onex-research terms CORPUS`` prints and writes the ranked table; the researcher reads
it, keeps the terms that are terms, and passes them to
``Segmenter(terms=...)`` or adds them, with a source, to ``corpus/vocational_lexicon.tsv``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from .normalize import normalize

__all__ = ["discover_terms", "read_corpus_texts"]  # add_parser, run: the CLI hook

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
# characters that begin or end no term (particles, pronouns, conjunctions, measure words)
_EDGE = set("的了是在和与及或也都就而但对把被让给从向于为以其之这那我你他她它们个些每各该本此等着过吗呢吧啊")


def _entropy(counter) -> float:
    total = sum(counter.values())
    if not total:
        return 0.0
    return -sum(c / total * math.log(c / total) for c in counter.values())


def discover_terms(texts, *, min_freq: int = 5, min_len: int = 2, max_len: int = 6, min_pmi: float = 2.0,
                   min_entropy: float = 1.0, known=None, top: int | None = None,
                   dictionary_words: bool = False) -> pd.DataFrame:
    """Find multiword terms: frequent, cohesive strings with varied neighbours.

    Parameters
    ----------
    texts : iterable of str
        The corpus (normalised inside with :func:`normalize`).
    min_freq : int, default 5
        Frequency floor: a candidate occurs at least this often.
    min_len, max_len : int, default 2, 6
        Length of candidates in characters (CJK only).
    min_pmi : float, default 2.0
        Lower bound on cohesion: the weakest split's pointwise mutual information
        (natural log).
    min_entropy : float, default 1.0
        Lower bound on both the left and the right boundary entropy (nats).
    known : iterable of str, optional
        Words already known (e.g. the lexicon); marked in ``known`` and not removed.
    top : int, optional
        Return only the best ``top`` rows.
    dictionary_words : bool, default False
        Keep candidates that are already one word of jieba's dictionary (应当, 宿舍);
        by default only strings jieba would cut into several words are terms to review.

    Returns
    -------
    DataFrame
        Indexed by ``term``, ranked by ``score``: ``n`` (occurrences), ``pmi`` (weakest
        split), ``left_entropy``, ``right_entropy``, ``score``, ``known`` (bool). A
        candidate that is part of a longer candidate with nearly the same count
        (>= 90 %) is dropped: the longer string is the term (教育行政 inside 教育行政部门).

    Notes
    -----
    For a string w = c1..ck with count n(w) among N characters,
    PMI(w) = min over splits w = a + b of log( n(w) N / (n(a) n(b)) ); the left (right)
    boundary entropy is the entropy of the characters just before (after) w
    (Chen & Huang's "new word discovery", as in Matrix67's 2012 essay and the
    ``smoothnlp``/``jieba`` add-ons). ``score = log(n) * pmi * min(left, right)``.
    Boundaries at the start or end of a run of CJK text count as one distinct
    neighbour each time.
    """
    if isinstance(texts, str):
        raise TypeError("discover_terms() expects an iterable of texts, not one str")
    runs = []
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"discover_terms(): texts must be str, got {type(t).__name__}")
        runs += _RUN.findall(normalize(t))
    counts = Counter()
    for n in range(1, max_len + 1):
        for r in runs:
            if len(r) >= n:
                counts.update(r[i:i + n] for i in range(len(r) - n + 1))
    total = sum(len(r) for r in runs) or 1
    cands = {w: c for w, c in counts.items()
             if min_len <= len(w) <= max_len and c >= min_freq and w[0] not in _EDGE and w[-1] not in _EDGE}
    if not dictionary_words:
        from .pii import _freq

        freq = _freq()
        cands = {w: c for w, c in cands.items() if not freq.get(w)}
    rows = []
    for w, c in cands.items():
        pmi = min(math.log(c * total / (counts[w[:i]] * counts[w[i:]])) for i in range(1, len(w)))
        if pmi >= min_pmi:
            rows.append((w, c, pmi))
    keep = {w for w, _, _ in rows}
    left, right = defaultdict(Counter), defaultdict(Counter)
    for r in runs:
        n_r = len(r)
        for n in range(min_len, max_len + 1):
            for i in range(n_r - n + 1):
                w = r[i:i + n]
                if w in keep:
                    left[w][r[i - 1] if i else f"<{len(left[w])}"] += 1  # a run's edge: a new neighbour
                    right[w][r[i + n] if i + n < n_r else f">{len(right[w])}"] += 1
    known = set(known or ())
    out = []
    for w, c, pmi in rows:
        hl, hr = _entropy(left[w]), _entropy(right[w])
        if min(hl, hr) >= min_entropy:
            out.append({"term": w, "n": c, "pmi": pmi, "left_entropy": hl, "right_entropy": hr,
                        "score": math.log(c) * pmi * min(hl, hr), "known": w in known})
    df = pd.DataFrame(out, columns=["term", "n", "pmi", "left_entropy", "right_entropy", "score", "known"])
    if len(df):  # drop a candidate inside a longer one that explains (almost) all its occurrences
        n_of = dict(zip(df["term"], df["n"]))
        longer = sorted(n_of, key=len, reverse=True)
        drop = {w for w in n_of for v in longer if len(v) > len(w) and w in v and n_of[v] >= 0.9 * n_of[w]}
        df = df[~df["term"].isin(drop)]
    df = df.sort_values(["score", "term"], ascending=[False, True]).set_index("term")
    df["score"] = df["score"].astype(float).round(4)
    return df.head(top) if top else df


def read_corpus_texts(path) -> list[str]:
    """Texts of a file or a folder (.txt, .md and .docx transcripts, recursively)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"corpus not found: {path}")
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*")
                                                 if p.suffix.lower() in (".txt", ".md", ".docx"))
    if not files:
        raise ValueError(f"{path}: no .txt, .md or .docx files")
    out = []
    for p in files:
        if p.suffix.lower() == ".docx":
            import docx

            out.append("\n".join(par.text for par in docx.Document(str(p)).paragraphs))
        else:
            out.append(p.read_text(encoding="utf-8-sig", errors="replace"))
    return out


# -- command line: onex-research terms CORPUS ----------------------------------------
def add_parser(subparsers, parents=()):
    """Add the ``terms`` command to an argparse ``subparsers``."""
    p = subparsers.add_parser("terms", parents=list(parents), help="discover a corpus's multiword terms for review",
                              description="Rank a corpus's multiword terms by frequency, cohesion (PMI) and "
                              "boundary entropy. Review the table; pass the terms you keep to Segmenter(terms=...) "
                              "or add them, with a source, to corpus/vocational_lexicon.tsv.")
    p.add_argument("corpus", type=Path, help="a text file or a folder of .txt/.md/.docx files")
    p.add_argument("--out", type=Path, help="write the table as CSV (UTF-8 with BOM, opens in Excel)")
    p.add_argument("--min-freq", type=int, default=5, help="frequency floor (default: %(default)s)")
    p.add_argument("--max-len", type=int, default=6, help="longest term in characters (default: %(default)s)")
    p.add_argument("--min-pmi", type=float, default=2.0, help="cohesion floor (default: %(default)s)")
    p.add_argument("--min-entropy", type=float, default=1.0, help="boundary entropy floor (default: %(default)s)")
    p.add_argument("--top", type=int, default=50, help="rows to print (default: %(default)s)")
    p.add_argument("--new-only", action="store_true", help="leave out terms already in the lexicon")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Run ``onex-research terms``; returns the exit code."""
    from .lexicon import load_lexicon

    known = set(load_lexicon()["term"])
    df = discover_terms(read_corpus_texts(args.corpus), min_freq=args.min_freq, max_len=args.max_len,
                        min_pmi=args.min_pmi, min_entropy=args.min_entropy, known=known)
    if args.new_only:
        df = df[~df["known"]]
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(args.out, encoding="utf-8-sig")
    with pd.option_context("display.max_rows", args.top, "display.width", 120):
        print(df.head(args.top).round(3).to_string())
    print(f"{len(df)} candidate terms" + (f"; wrote {args.out}" if args.out else "")
          + ". Review them before they join the dictionary.")
    return 0


