"""The text steps on one partition, and how their partial results combine.

Every function here takes one partition (a pandas DataFrame) or the list of the
partitions' partial results, and calls the single-machine functions of
:mod:`onex_research.text` (the reference) for the work itself. Partial results are
small (counts per group and word, candidate quotes) and combine exactly: sums, and
selections that the single-machine rule would make on the whole data.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from onex_research.text import code, code_matrix, exemplars, wilson_interval
from onex_research.text._cache import _SEP

from . import _worker
from .redaction import redact_texts

__all__ = ["prepare_partition", "code_partition", "split_tokens", "count_partition", "combine_counts",
           "frequencies_table", "keyword_partition", "keywords_table", "vectorize_partition",
           "code_matrix_partition", "combine_code_matrix", "exemplar_candidates", "TOKEN_SEP"]

TOKEN_SEP = _SEP  #: tokens of one answer are stored joined by this character (never in a token)


def split_tokens(joined) -> list:
    """The token list of a joined ``tokens`` value."""
    return joined.split(TOKEN_SEP) if isinstance(joined, str) and joined else []


def prepare_partition(df, offset, *, column, group, spec, mapping, roster=None, schools=None):
    """Redact and segment one partition.

    Parameters
    ----------
    df : DataFrame
        The partition; ``column`` holds the answers.
    offset : int
        Position of the partition's first row in the whole export.
    group : str or None
        Grouping column, carried as ``group`` (``"all"`` when None).
    spec : SegmenterSpec
    mapping : dict
        Merged pseudonyms (:func:`~onex_research.scale.merge_identifiers`).

    Returns
    -------
    DataFrame
        ``doc`` (row in the export), ``group``, ``text`` (redacted), ``tokens`` (joined by
        :data:`TOKEN_SEP`), ``n_tokens``.
    """
    seg = _worker.segmenter(spec)
    texts = redact_texts(df[column].tolist(), mapping, roster, schools=schools)
    toks = [seg.cut(t) for t in texts]
    groups = (df[group].astype(object).where(df[group].notna(), "").tolist() if group is not None
              else ["all"] * len(df))
    return pd.DataFrame({"doc": np.arange(offset, offset + len(df), dtype="int64"),
                         # Arrow-backed strings: about a third of the memory of Python objects
                         "group": pd.Series(groups, dtype="str"), "text": pd.Series(texts, dtype="str"),
                         "tokens": pd.Series([TOKEN_SEP.join(t) for t in toks], dtype="str"),
                         "n_tokens": np.array([len(t) for t in toks], dtype="int64")})


def code_partition(prepared, frame):
    """Code a prepared partition's redacted answers by sentence (:func:`~onex_research.text.code`).

    Returns
    -------
    DataFrame
        As :func:`~onex_research.text.code`, with ``doc`` the row in the export and a
        ``group`` column.
    """
    frame = _worker.coding_frame(frame)
    hits = code(prepared["text"].tolist(), frame)
    local = hits["doc"].to_numpy()
    hits["doc"] = prepared["doc"].to_numpy()[local]
    hits["group"] = prepared["group"].to_numpy()[local]
    return hits


def code_matrix_partition(prepared, hits, frame):
    """:func:`~onex_research.text.code_matrix` of one partition, answers as the units."""
    frame = _worker.coding_frame(frame)
    units = prepared[["doc", "group"]]
    return code_matrix(hits, units, by="group", id_col="doc", frame=frame)


def combine_code_matrix(parts) -> pd.DataFrame:
    """Sum partitions' code matrices: each answer lives in one partition, so counts add.

    Returns
    -------
    DataFrame
        ``code, label_zh, group, hits, units, interviews, n_interviews, pct_interviews,
        pct_ci_low, pct_ci_high, mentions_per_interview`` as
        :func:`~onex_research.text.code_matrix` on the whole export (``interviews`` counts
        answers; the Wilson interval is text's :func:`~onex_research.text.wilson_interval`).
    """
    df = pd.concat(parts, ignore_index=True)
    codes = list(dict.fromkeys(df["code"]))
    keys = ["code", "label_zh", "group"]
    out = df.groupby(keys, sort=False)[["hits", "units", "interviews", "n_interviews"]].sum().reset_index()
    out["code"] = pd.Categorical(out["code"], categories=codes, ordered=True)
    out = out.sort_values(["code", "group"], kind="stable").reset_index(drop=True)
    out["code"] = out["code"].astype(object)
    n = out["n_interviews"].to_numpy(dtype=float)
    out["pct_interviews"] = np.where(n > 0, 100.0 * out["interviews"] / np.where(n > 0, n, 1), np.nan)
    ci = [wilson_interval(int(k), int(m)) for k, m in zip(out["interviews"], out["n_interviews"])]
    out["pct_ci_low"] = [100.0 * lo for lo, _ in ci]
    out["pct_ci_high"] = [100.0 * hi for _, hi in ci]
    out["mentions_per_interview"] = np.where(n > 0, out["hits"] / np.where(n > 0, n, 1), np.nan)
    for c in ("hits", "units", "interviews", "n_interviews"):
        out[c] = out[c].astype("int64")
    return out


def exemplar_candidates(hits, *, n=3, min_len=12, max_len=150, frame=None) -> pd.DataFrame:
    """The rows of one partition's hits that :func:`~onex_research.text.exemplars` could pick.

    Per code, the best ``n`` answers of the partition by exemplars' own order; the
    global best ``n`` are among the union of the partitions' candidates.
    """
    h = hits.copy()
    h["len"] = h["text"].str.len()
    h = h[(h["len"] >= min_len) & (h["len"] <= max_len)]
    keep = []
    for _, hc in h.groupby("code", sort=False):
        hc = hc.sort_values(["n_matches", "len", "doc", "unit"], ascending=[False, True, True, True])
        keep.append(hc.drop_duplicates("doc").head(n))
    cols = list(hits.columns)
    return pd.concat(keep)[cols] if keep else hits.iloc[:0]


def count_partition(prepared) -> pd.DataFrame:
    """Occurrences and documents per (group, word) in one partition.

    Returns
    -------
    DataFrame
        ``group, word, n, docs``, plus one row per group with ``word`` "" (no token is empty) holding the
        group's answers (``docs``), tokens (``n``) and answers without tokens
        (``empty``), and ``first`` (first doc of the
        group in the partition, to order groups as the single-machine path does).
    """
    counts, docs, first, answers, tokens, empty = {}, {}, {}, Counter(), Counter(), Counter()
    for d, g, joined in zip(prepared["doc"].to_numpy(), prepared["group"], prepared["tokens"]):
        toks = split_tokens(joined)
        if g not in counts:
            counts[g], docs[g], first[g] = Counter(), Counter(), int(d)
        counts[g].update(toks)
        docs[g].update(set(toks))
        answers[g] += 1
        tokens[g] += len(toks)
        empty[g] += not toks
    rows = []
    for g in counts:
        rows += [(g, w, n, docs[g][w], first[g], 0) for w, n in counts[g].items()]
        rows.append((g, "", tokens[g], answers[g], first[g], empty[g]))
    return pd.DataFrame(rows, columns=["group", "word", "n", "docs", "first", "empty"])


def combine_counts(parts) -> pd.DataFrame:
    """Sum :func:`count_partition` results; ``first`` is the minimum."""
    df = pd.concat(parts, ignore_index=True)
    out = df.groupby(["group", "word"], sort=False).agg(n=("n", "sum"), docs=("docs", "sum"),
                                                        first=("first", "min"),
                                                        empty=("empty", "sum")).reset_index()
    return out


def frequencies_table(counts, *, top=None) -> pd.DataFrame:
    """:func:`~onex_research.text.frequencies` (by group) from combined counts.

    Returns
    -------
    DataFrame
        ``group, rank, word, n, share, docs``; groups in order of first appearance,
        words by n descending, then word.
    """
    totals = counts[counts["word"] == ""].set_index("group")
    words = counts[counts["word"] != ""]
    rows = []
    for g in totals.sort_values("first").index:
        wg = words[words["group"] == g]
        total = int(totals.loc[g, "n"]) or 1
        items = sorted(zip(wg["word"], wg["n"], wg["docs"]), key=lambda t: (-t[1], t[0]))[:top]
        rows += [{"group": g, "rank": r, "word": w, "n": int(n), "share": n / total, "docs": int(d)}
                 for r, (w, n, d) in enumerate(items, start=1)]
    return pd.DataFrame(rows, columns=["group", "rank", "word", "n", "share", "docs"])


def vectorize_partition(prepared, vocabulary, *, binary=False):
    """Documents x terms counts of a partition over a fixed vocabulary (CSR).

    ``vocabulary`` maps term -> column (sorted terms, as CountVectorizer); unknown
    tokens are dropped, as CountVectorizer does with a fixed vocabulary.
    """
    from scipy import sparse

    indptr, indices = [0], []
    for joined in prepared["tokens"]:
        indices += [j for j in (vocabulary.get(t) for t in split_tokens(joined)) if j is not None]
        indptr.append(len(indices))
    X = sparse.csr_matrix((np.ones(len(indices), dtype=np.int64), np.array(indices, dtype=np.int64),
                           np.array(indptr, dtype=np.int64)), shape=(len(prepared), len(vocabulary)))
    X.sum_duplicates()
    if binary:
        X.data[:] = 1
    return X


def keyword_partition(prepared, vocabulary, idf):
    """Per group: the sum of the answers' l2-normalised TF-IDF rows, and the answer count."""
    from sklearn.preprocessing import normalize

    X = vectorize_partition(prepared, vocabulary).astype(np.float64)
    X = normalize(X.multiply(idf).tocsr(), norm="l2")
    groups = prepared["group"].to_numpy()
    out = {}
    for g in pd.unique(groups):
        idx = np.flatnonzero(groups == g)
        out[g] = (np.asarray(X[idx].sum(axis=0)).ravel(), len(idx))
    return out


def keywords_table(parts, terms, group_order, *, top=10, scores=False) -> pd.DataFrame:
    """:func:`~onex_research.text.tfidf_keywords` (by group) from :func:`keyword_partition` results.

    Returns
    -------
    DataFrame
        ``group, rank, word, score``; with ``scores=True`` every word's score (no rank
        cut, zero scores kept).
    """
    sums, ns = {}, Counter()
    for part in parts:
        for g, (s, n) in part.items():
            sums[g] = sums[g] + s if g in sums else s.copy()
            ns[g] += n
    terms = np.asarray(terms, dtype=object)
    rows = []
    for g in group_order:
        score = sums[g] / ns[g]
        if scores:
            rows += [{"group": g, "word": w, "score": float(v)} for w, v in zip(terms, score)]
            continue
        order = np.lexsort((terms, -score))[:top]
        rows += [{"group": g, "rank": r, "word": terms[j], "score": float(score[j])}
                 for r, j in enumerate(order, start=1) if score[j] > 0]
    return pd.DataFrame(rows, columns=["group", "word", "score"] if scores else ["group", "rank", "word", "score"])
