"""Assisted coding at scale: a suggester trained on the researcher's coded units, applied
to every answer partition by partition.

Training stays on one machine (a few hundred to a few thousand coded units); the fitted
:class:`~onex_research.text.CodeSuggester` is sent to every worker once and scores each
partition. Its features are a fitted vocabulary, so a text's probabilities do not depend on
the partition it falls in: the result equals ``suggester.predict_proba`` on the whole column.
"""

from __future__ import annotations

import pandas as pd

from .errors import MissingColumnError

__all__ = ["suggest_codes"]


def _suggest_partition(part, column, suggester):
    texts = part[column].fillna("").astype(str).tolist()
    out = suggester.predict_proba(texts)
    out.index = part.index
    return out


def suggest_codes(ddf, column, suggester, runner=None) -> pd.DataFrame:
    """Probability of each code for every row of a ``dask.dataframe``.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The answers (redact them first: :func:`run_open_ended` or :class:`RedactionPlan`).
    column : str
        The text column.
    suggester : CodeSuggester
        Fitted on the researcher's coded units (:meth:`CodeSuggester.fit`).
    runner : Runner, optional
        Default: the local threaded scheduler, no progress bar.

    Returns
    -------
    DataFrame
        Indexed like ``ddf``, one probability column per code, rows in ``ddf``'s order.
    """
    from dask import delayed

    from .cluster import Runner

    if column not in ddf.columns:
        raise MissingColumnError(f"suggest_codes: no column {column!r}; columns: {', '.join(map(str, ddf.columns))}")
    if not getattr(suggester, "models_", None):
        raise ValueError("suggest_codes: the suggester is not fitted; call CodeSuggester.fit on coded units first")
    runner = runner or Runner(progress=False)
    shared = runner.shared(suggester)
    parts = ddf[[column]].to_delayed()
    out = runner.compute([delayed(_suggest_partition)(p, column, shared) for p in parts],
                         desc="suggesting codes")
    return pd.concat(out) if out else pd.DataFrame(columns=suggester.codes_)
