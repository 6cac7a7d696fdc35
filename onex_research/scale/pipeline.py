"""The open-ended pipeline over a ``dask.dataframe``: redact, segment, code, count, model.

Passes over the partitions (each a list of ``dask.delayed`` tasks, one per partition):

1. identifiers and row counts (:func:`~onex_research.scale.partition_identifiers`);
   the client merges the pseudonym mapping and the partitions' row offsets;
2. redaction with the merged mapping and segmentation, kept in the cluster's memory;
3. coding, code matrix, exemplar candidates and term counts by group;
4. TF-IDF keyword sums by group over the vocabulary of pass 3;
5. the topic model, streamed over the partitions in order, then topic shares by group.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from dask import delayed

from onex_research.paths import CORPUS
from onex_research.text import exemplars as _exemplars
from onex_research.text import load_frame, mapping_summary, npmi_coherence

from . import steps
from ._worker import SegmenterSpec
from .io import check_columns
from .redaction import merge_identifiers, partition_identifiers
from .topics import StreamingTopics, topic_vocabulary

__all__ = ["OpenEndedResult", "run_open_ended", "identifier_pass", "prepare"]


@dataclass(frozen=True)
class OpenEndedResult:
    """Tables of one open-ended run (the interview strand's, by group).

    Attributes
    ----------
    corpus : DataFrame
        Per group: ``answers``, ``empty`` (answers without tokens), ``tokens``.
    codes : DataFrame
        As :func:`onex_research.text.code_matrix` (``interviews`` counts answers).
    exemplars : DataFrame
        As :func:`onex_research.text.exemplars` (``interview_id`` is the export row).
    frequencies : DataFrame
        As :func:`onex_research.text.frequencies` by group.
    keywords : DataFrame
        As :func:`onex_research.text.tfidf_keywords` by group.
    topics : DataFrame
        Per topic: ``top_words``, ``coherence`` (NPMI) and the mean share in each group.
    top_words : DataFrame
        ``topic, rank, word, weight``.
    redactions : DataFrame
        :func:`onex_research.text.mapping_summary`: identifiers replaced, per kind.
    n_answers : int
    seconds : dict
        Wall-clock seconds per pass (``identifiers``, ``prepare``, ``coding``, ``keywords``,
        ``topics``).
    mapping : dict
        original -> pseudonym. Private: never write it into reports.
    """

    corpus: pd.DataFrame
    codes: pd.DataFrame
    exemplars: pd.DataFrame
    frequencies: pd.DataFrame
    keywords: pd.DataFrame
    topics: pd.DataFrame
    top_words: pd.DataFrame
    redactions: pd.DataFrame
    n_answers: int
    mapping: dict = field(repr=False)
    seconds: dict = field(default_factory=dict)

    def tables(self) -> dict:
        """name -> table, the public tables (no mapping)."""
        return {k: getattr(self, k) for k in ("corpus", "codes", "exemplars", "frequencies", "keywords",
                                              "topics", "redactions")}


def _ids_and_len(part, column, roster, schools):
    return partition_identifiers(part[column].tolist(), roster, schools=schools), len(part)


def identifier_pass(ddf, column, runner, *, roster=None, schools=None):
    """Pass 1: the merged pseudonym mapping and each partition's first row.

    Returns
    -------
    mapping : dict
    offsets : list of int
        Row of the export where each partition starts; ``offsets[-1]`` is the total.
    """
    parts = ddf[[column]].to_delayed()
    res = runner.compute([delayed(_ids_and_len)(p, column, roster, schools) for p in parts],
                         desc="pass 1/5: identifiers to pseudonymise")
    mapping = merge_identifiers(seen for seen, _ in res)
    offsets = np.concatenate([[0], np.cumsum([n for _, n in res])]).astype(int).tolist()
    return mapping, offsets


def prepare(ddf, column, runner, *, group=None, spec=None, mapping, offsets, roster=None, schools=None):
    """Pass 2: redacted and segmented partitions (delayed, persisted in the cluster)."""
    spec = spec or SegmenterSpec()
    shared = runner.shared(mapping)
    cols = [column] + ([group] if group is not None and group != column else [])
    parts = ddf[cols].to_delayed()
    out = [delayed(steps.prepare_partition)(p, offsets[i], column=column, group=group, spec=spec,
                                            mapping=shared, roster=roster, schools=schools)
           for i, p in enumerate(parts)]
    return runner.persist(out, desc="pass 2/5: redaction and segmentation")


def _topic_sums(prepared, model, vocab):
    X = steps.vectorize_partition(prepared, vocab)
    W = model.transform(X)
    groups = prepared["group"].to_numpy()
    return {g: (W[groups == g].sum(axis=0), int((groups == g).sum())) for g in pd.unique(groups)}


def _binary_columns(prepared, vocab, cols):
    X = steps.vectorize_partition(prepared, vocab, binary=True)
    return X[:, cols]


def run_open_ended(ddf, column, runner, *, group=None, roster=None, schools=None, frame=None,
                   segmenter=None, k=8, method="lda", min_df=2, max_df=1.0, batch_size=4096, passes=1,
                   seed=0, top_words=10, top_terms=30, top_keywords=10) -> OpenEndedResult:
    """Run the open-ended pipeline on a ``dask.dataframe`` of answers.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The export; ``column`` holds the answers, ``group`` (optional) a grouping.
    runner : Runner
        From :func:`onex_research.scale.connect`.
    roster, schools
        As for :class:`onex_research.text.Redactor`.
    frame : path or CodingFrame, default ``corpus/coding_frame.yaml``
    segmenter : Segmenter or SegmenterSpec, optional
        Default: ``Segmenter()`` (project dictionary and stop words).
    k, method, min_df, max_df, batch_size, passes, seed
        Of the topic model (:class:`~onex_research.scale.StreamingTopics`).
    top_words, top_terms, top_keywords : int
        Words per topic, per group in ``frequencies`` and in ``keywords``.

    Returns
    -------
    OpenEndedResult

    Raises
    ------
    MissingColumnError
        If ``column`` or ``group`` is not a column of ``ddf``.
    """
    check_columns(ddf.columns, [column, group], None)
    frame = frame if frame is not None else CORPUS / "coding_frame.yaml"
    frame_obj = load_frame(frame) if not hasattr(frame, "codes") else frame
    frame_arg = frame if not hasattr(frame, "codes") else frame_obj
    if segmenter is None:
        spec = SegmenterSpec()
    elif isinstance(segmenter, SegmenterSpec):
        spec = segmenter
    else:
        spec = SegmenterSpec.from_segmenter(segmenter)
    clock, seconds = time.perf_counter(), {}

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = now - clock
        clock = now

    mapping, offsets = identifier_pass(ddf, column, runner, roster=roster, schools=schools)
    lap("identifiers")
    n = offsets[-1]
    if n == 0:
        raise ValueError(f"the export has no answers in column {column!r}")
    prepared = prepare(ddf, column, runner, group=group, spec=spec, mapping=mapping, offsets=offsets,
                       roster=roster, schools=schools)
    runner.wait(prepared)
    lap("prepare")
    # pass 3: coding and counts
    hits = [delayed(steps.code_partition)(p, frame_arg) for p in prepared]
    tasks = ([delayed(steps.code_matrix_partition)(p, h, frame_arg) for p, h in zip(prepared, hits)]
             + [delayed(steps.exemplar_candidates)(h) for h in hits]
             + [delayed(steps.count_partition)(p) for p in prepared])
    res = runner.compute(tasks, desc="pass 3/5: coding and counting")
    m = len(prepared)
    codes = steps.combine_code_matrix(res[:m])
    ex = _exemplars(pd.concat(res[m:2 * m], ignore_index=True), frame=frame_obj)
    counts = steps.combine_counts(res[2 * m:])
    freqs = steps.frequencies_table(counts, top=top_terms)
    totals = counts[counts["word"] == ""].sort_values("first")
    group_order = list(totals["group"])
    lap("coding")
    # pass 4: keywords with the corpus IDF over every term
    df_all = counts[counts["word"] != ""].groupby("word")["docs"].sum().sort_index()
    terms = list(df_all.index)
    idf = np.log((1 + n) / (1 + df_all.to_numpy(dtype=float))) + 1.0
    vocab_all = runner.shared({t: j for j, t in enumerate(terms)})
    idf_shared = runner.shared(idf)
    kw = runner.compute([delayed(steps.keyword_partition)(p, vocab_all, idf_shared) for p in prepared],
                        desc="pass 4/5: keywords")
    keywords = steps.keywords_table(kw, terms, group_order, top=top_keywords)
    lap("keywords")
    # pass 5: streamed topic model
    tv = topic_vocabulary(counts, min_df=min_df, max_df=max_df, n_docs=n)
    tv_index = {t: j for j, t in enumerate(tv)}
    tv_shared = runner.shared(tv_index)
    tm_idf = np.log((1 + n) / (1 + df_all.loc[tv].to_numpy(dtype=float))) + 1.0 if tv else None
    model = StreamingTopics(k, method=method, batch_size=batch_size, passes=passes, top_n=top_words,
                            random_state=seed)
    if runner.progress:
        import sys

        print(f"pass 5/5: streaming {method} over {m} partitions, then topic shares", file=sys.stderr)
    blocks = lambda: runner.iter_compute([delayed(steps.vectorize_partition)(p, tv_shared) for p in prepared])  # noqa: E731
    model.fit(blocks, tv, n_docs=n, idf=tm_idf)
    H = model.topic_word_.to_numpy()
    top_cols = sorted({int(j) for row in H for j in np.argsort(-row, kind="stable")[:top_words]})
    model_shared = runner.shared(model)
    res = runner.compute([delayed(_topic_sums)(p, model_shared, tv_shared) for p in prepared]
                         + [delayed(_binary_columns)(p, tv_shared, top_cols) for p in prepared],
                         desc="")
    from scipy import sparse

    Xb = sparse.vstack(res[m:], format="csr")
    coh = npmi_coherence(H[:, top_cols], Xb, top_n=top_words)
    topics = pd.DataFrame({"top_words": model.top_words_.groupby("topic")["word"].apply(" ".join),
                           "coherence": coh}, index=model.topic_word_.index)
    sums = {}
    for part in res[:m]:
        for g, (s, c) in part.items():
            a, b = sums.get(g, (0.0, 0))
            sums[g] = (a + s, b + c)
    for g in group_order:
        topics[f"share_{g}"] = sums[g][0] / max(sums[g][1], 1)
    corpus = pd.DataFrame({"group": totals["group"].to_numpy(), "answers": totals["docs"].to_numpy(),
                           "empty": totals["empty"].to_numpy(), "tokens": totals["n"].to_numpy()})
    corpus = corpus.set_index("group").astype("int64")
    lap("topics")
    return OpenEndedResult(corpus=corpus, codes=codes, exemplars=ex, frequencies=freqs, keywords=keywords,
                           topics=topics, top_words=model.top_words_, redactions=mapping_summary(mapping),
                           n_answers=int(n), mapping=mapping, seconds=seconds)
