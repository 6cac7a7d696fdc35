"""The single-machine path on the same data: the reference the Dask path must equal.

Only :mod:`onex_research.text` functions, in one process, on a pandas DataFrame: one
:class:`~onex_research.text.Redactor` over the answers in order,
:meth:`~onex_research.text.Segmenter.cut_many`, :func:`~onex_research.text.code`,
:func:`~onex_research.text.code_matrix`, :func:`~onex_research.text.exemplars`,
:func:`~onex_research.text.frequencies` and :func:`~onex_research.text.tfidf_keywords`.
Used by the tests (equality) and by ``benchmarks/bench_scale.py`` (speed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from onex_research.paths import CORPUS
from onex_research.text import (Redactor, Segmenter, code, code_matrix, exemplars, fit_topics, frequencies,
                                load_frame, tfidf_keywords)

__all__ = ["SingleMachineResult", "single_machine"]


@dataclass(frozen=True)
class SingleMachineResult:
    """Outputs of :func:`single_machine` (same names as the Dask path's)."""

    texts: list
    tokens: list
    hits: pd.DataFrame
    codes: pd.DataFrame
    exemplars: pd.DataFrame
    frequencies: pd.DataFrame
    keywords: pd.DataFrame
    mapping: dict = field(repr=False)
    topics: object = None


def single_machine(df, column, *, group=None, roster=None, schools=None, frame=None, segmenter=None,
                   top_terms=30, top_keywords=10, k=None, seed=0, n_jobs=1) -> SingleMachineResult:
    """Run the text steps on one machine, the reference for :func:`~onex_research.scale.run_open_ended`.

    Parameters
    ----------
    df : DataFrame
    column, group, roster, schools, frame, top_terms, top_keywords
        As for :func:`~onex_research.scale.run_open_ended`.
    segmenter : Segmenter, optional
        Default ``Segmenter(cache_dir=None, n_jobs=n_jobs)``.
    k : int, optional
        Also fit a batch topic model (:func:`~onex_research.text.fit_topics`) with ``k`` topics.
    """
    frame = load_frame(frame if frame is not None else CORPUS / "coding_frame.yaml") \
        if not hasattr(frame, "codes") else frame
    red = Redactor(roster, schools=schools)
    texts = [red.redact(t if isinstance(t, str) else "") for t in df[column]]
    seg = segmenter or Segmenter(cache_dir=None, n_jobs=n_jobs, progress=False)
    tokens = seg.fit().cut_many(texts)
    groups = (df[group].astype(object).where(df[group].notna(), "").to_numpy() if group is not None
              else np.array(["all"] * len(df), dtype=object))
    units = pd.DataFrame({"doc": np.arange(len(df)), "group": groups, "text": texts})
    hits = code(units, frame)
    hits["group"] = groups[hits["doc"].to_numpy()]
    data = pd.DataFrame({"tokens": tokens, "group": groups})
    topics = fit_topics(tokens, k, seed=seed) if k else None
    return SingleMachineResult(
        texts=texts, tokens=tokens, hits=hits,
        codes=code_matrix(hits, units, by="group", id_col="doc", frame=frame),
        exemplars=exemplars(hits, frame=frame),
        frequencies=frequencies(data, by="group", top=top_terms),
        keywords=tfidf_keywords(data, by="group", top=top_keywords),
        mapping=dict(red.mapping_), topics=topics)
