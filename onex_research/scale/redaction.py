"""Redaction over partitions with one deterministic pseudonym mapping.

:class:`~onex_research.text.Redactor` numbers identifiers in order of first appearance
(``[电话1]`` is the first phone number it meets). Over partitions that order is
recovered in two passes:

1. :func:`partition_identifiers` runs the reference redactor on one partition and
   records, in order, every identifier it replaces (``original, kind``);
2. :func:`merge_identifiers` walks the partitions' lists in partition order and gives
   each new identifier the next label of its kind: the order in which one redactor
   would have met them reading the whole export from top to bottom;
3. :func:`redact_partition` redacts a partition with the merged mapping.

The result does not depend on the partitioning or the scheduler, and equals one
:class:`~onex_research.text.Redactor` run over the texts in order.
"""

from __future__ import annotations

import pandas as pd

from onex_research.text.redact import Redactor, _letters

__all__ = ["partition_identifiers", "merge_identifiers", "redact_partition", "redact_texts"]


class _Recorder(Redactor):
    """The reference redactor, recording what it replaces; O(1) per new identifier."""

    def __init__(self, roster=None, *, schools=None, generic_schools=True):
        super().__init__(roster, schools=schools, generic_schools=generic_schools)
        self.seen_ = []  # (original, kind, lettered) in order of first appearance
        self._used = {}

    def _pseudonym(self, original, kind, lettered):
        label = self.mapping_.get(original)
        if label is None:
            n = self._used.get(kind, 0)
            self._used[kind] = n + 1
            label = self.mapping_[original] = f"[{kind}{_letters(n) if lettered else n + 1}]"
            self.seen_.append((original, kind, bool(lettered)))
        return label


def _texts(texts):
    return [t if isinstance(t, str) else "" for t in texts]


def partition_identifiers(texts, roster=None, *, schools=None, generic_schools=True) -> list:
    """The identifiers one partition's texts hold, in order of first appearance.

    Parameters
    ----------
    texts : iterable of str
        A partition's texts (missing values count as empty).
    roster, schools, generic_schools
        As for :class:`~onex_research.text.Redactor`.

    Returns
    -------
    list of tuple
        ``(original, kind, lettered)``; ``kind`` is the label's stem (电话, 教师, 学校 ...).
    """
    rec = _Recorder(roster, schools=schools, generic_schools=generic_schools)
    for t in _texts(texts):
        rec.redact(t)
    return rec.seen_


def merge_identifiers(per_partition) -> dict:
    """Merge the partitions' identifier lists into one mapping, original -> pseudonym.

    Parameters
    ----------
    per_partition : iterable of list
        :func:`partition_identifiers` of each partition, in partition order.

    Returns
    -------
    dict
        original -> pseudonym, numbered per kind in order of first appearance across
        the partitions taken in order; insertion-ordered like ``Redactor.mapping_``.
    """
    mapping, used = {}, {}
    for seen in per_partition:
        for original, kind, lettered in seen:
            if original in mapping:
                continue
            n = used.get(kind, 0)
            used[kind] = n + 1
            mapping[original] = f"[{kind}{_letters(n) if lettered else n + 1}]"
    return mapping


def redact_texts(texts, mapping, roster=None, *, schools=None, generic_schools=True) -> list:
    """Redact texts with a fixed, merged mapping (from :func:`merge_identifiers`).

    Raises
    ------
    RuntimeError
        If a text holds an identifier the mapping lacks (the mapping was merged from
        other data): its label would depend on the partitioning.
    """
    red = Redactor(roster, schools=schools, generic_schools=generic_schools)
    red.mapping_ = dict(mapping)  # not through __init__: that would turn labels into roster entries
    n = len(red.mapping_)
    out = [red.redact(t) for t in _texts(texts)]
    if len(red.mapping_) != n:
        raise RuntimeError(f"{len(red.mapping_) - n} identifiers are not in the merged mapping; "
                           f"merge the mapping from the same data")
    return out


def redact_partition(df: pd.DataFrame, column: str, mapping, roster=None, *, schools=None,
                     generic_schools=True) -> pd.DataFrame:
    """A copy of a partition with ``column`` redacted by the merged ``mapping``."""
    out = df.copy()
    out[column] = redact_texts(df[column], mapping, roster, schools=schools,
                               generic_schools=generic_schools)
    return out
