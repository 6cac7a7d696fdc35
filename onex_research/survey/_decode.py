"""Turn the cells of one export column into codes (vectorised over distinct values).

Each function factorises the column, decodes every *distinct* cell once and maps the
result back, so the cost grows with the number of distinct answers, not of rows.
Undecodable cells are appended to ``bad`` as ``(where, value, rows, hint)``;
``where`` is ``(path, column letter, header, item code)``.
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from ._headers import norm
from .privacy import on_uniques, scrub_pii

__all__ = ["MISSING_TOKENS", "MULTI_SEPARATORS", "decode_codes", "decode_multi", "decode_option",
           "decode_text", "decode_numeric"]

MISSING_TOKENS = frozenset(norm(x) for x in ("", "(跳过)", "跳过", "-3", "-2", "(空)", "nan", "NaN",
                                             "None", "<NA>", "N/A"))
"""Cells read as missing (after NFKC and removing spaces): empty, ``(跳过)`` skipped,
``-3`` skipped (codes export), ``-2`` not shown by skip logic, ``(空)``."""

MULTI_SEPARATORS = re.compile(r"[┋|]")
_OTHER = re.compile(r"^(.*?)〖(.*)〗\s*$", re.S)
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")


def _rows(mask_idx, rid) -> str:
    idx = np.asarray(mask_idx)[:8]
    more = " ..." if len(mask_idx) > 8 else ""
    ids = ", ".join(str(x) for x in rid.iloc[idx].tolist())
    return f"file row(s) {', '.join(str(i + 2) for i in idx)}{more} (respondent_id {ids}{more})"


def _hint(value: str, labels) -> str:
    near = difflib.get_close_matches(norm(value), [norm(x) for x in labels], n=1, cutoff=0.0)
    return (f"the scale has {len(labels)} labels: {' / '.join(labels)}"
            + (f"; closest: {labels[[norm(x) for x in labels].index(near[0])]!r}" if near else "")
            + "; was the export made from a different version of the questionnaire?")


def _split_other(u: str):
    m = _OTHER.match(u)
    return (m.group(1), m.group(2)) if m else (u, None)


def decode_codes(col: pd.Series, labels, where, rid, bad, codes=None):
    """Single-choice/Likert cells -> float codes (NaN missing), other-text or None.

    ``codes`` gives each label's code (default ``1..k``). A number in a cell is kept as
    that code (no shift); ``-3``/``-2`` read as skipped only when they are not codes of
    the scale (a -3..3 scale keeps them).
    """
    codes = list(codes) if codes is not None else list(range(1, len(labels) + 1))
    lab = {norm(x): c for x, c in zip(labels, codes)}
    missing = MISSING_TOKENS - {str(c) for c in codes}
    fac, uniq = pd.factorize(col, use_na_sentinel=True)
    vals = np.full(len(uniq) + 1, np.nan)     # last slot: pandas' NA sentinel -1
    other = np.full(len(uniq) + 1, None, dtype=object)
    for j, u in enumerate(uniq):
        base, txt = _split_other(str(u))
        v = norm(base)
        if txt is not None and txt.strip():
            other[j] = txt.strip()
        if v in missing:
            continue
        if v in lab:
            vals[j] = lab[v]
        elif _INT.match(v):
            vals[j] = int(float(v))
        else:
            bad.append((where, str(u), _rows(np.flatnonzero(fac == j), rid), _hint(v, labels)))
    out = vals[fac]
    if any(o is not None for o in other[:-1]):
        return out, scrub_pii(pd.Series(other[fac], dtype="string"))
    return out, None


def decode_multi(col: pd.Series, labels, where, rid, bad):
    """Joined multi-select cells (``A┋B``, ``1┋3``) -> n x k 0/1 matrix (NaN row = skipped)."""
    k = len(labels)
    lab = {norm(x): i + 1 for i, x in enumerate(labels)}
    fac, uniq = pd.factorize(col, use_na_sentinel=True)
    mat = np.full((len(uniq) + 1, k), np.nan)
    other = np.full(len(uniq) + 1, None, dtype=object)
    for j, u in enumerate(uniq):
        if norm(u) in MISSING_TOKENS:
            continue
        mat[j] = 0
        texts = []
        for token in MULTI_SEPARATORS.split(str(u)):
            base, txt = _split_other(token)
            if txt is not None and txt.strip():
                texts.append(txt.strip())
            v = norm(base)
            if not v:
                continue
            code = lab.get(v)
            if code is None and _INT.match(v) and 1 <= int(float(v)) <= k:
                code = int(float(v))
            if code is None:
                bad.append((where, token, _rows(np.flatnonzero(fac == j), rid), _hint(v, labels)))
                continue
            mat[j, code - 1] = 1
        if texts:
            other[j] = "；".join(texts)
    has_other = any(o is not None for o in other[:-1])
    return mat[fac], (scrub_pii(pd.Series(other[fac], dtype="string")) if has_other else None)


def decode_option(col: pd.Series, label, where, rid, bad):
    """One spread multi-select column: ``1``/the label = chosen, ``0`` = not chosen."""
    fac, uniq = pd.factorize(col, use_na_sentinel=True)
    vals = np.full(len(uniq) + 1, np.nan)
    key = norm(label)
    for j, u in enumerate(uniq):
        v = norm(_split_other(str(u))[0])
        if v in MISSING_TOKENS:
            continue
        if v in ("1", key, "1.0", "是", "选中"):
            vals[j] = 1
        elif v in ("0", "0.0", "否", "未选中"):
            vals[j] = 0
        else:
            bad.append((where, str(u), _rows(np.flatnonzero(fac == j), rid),
                        f"a spread multi-select column holds 1/0 or the option label {label!r}"))
    return vals[fac]


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def decode_numeric(col: pd.Series, where, rid, bad):
    """Numeric answers (age, amounts) -> float (NaN missing); a unit suffix such as 岁/元 is dropped."""
    fac, uniq = pd.factorize(col, use_na_sentinel=True)
    vals = np.full(len(uniq) + 1, np.nan)
    for j, u in enumerate(uniq):
        v = norm(u)
        if v in MISSING_TOKENS or v in ("-3", "-2"):
            continue
        num = re.sub(r"(岁|元|周岁|年|个|次|人|小时|分钟|万元|万)$", "", v).replace(",", "")
        if _NUMBER.match(num):
            vals[j] = float(num)
        else:
            bad.append((where, str(u), _rows(np.flatnonzero(fac == j), rid),
                        "a numeric item holds numbers (e.g. 23, 23岁, 1,500); change the item's type "
                        "to text if it holds words"))
    return vals[fac]


def decode_text(col: pd.Series) -> pd.Series:
    """Free text: missing tokens -> <NA>, personal data scrubbed."""
    def one(u):
        u = u.astype("string").str.strip()
        return u.mask(u.map(norm, na_action="ignore").isin(MISSING_TOKENS))

    return scrub_pii(on_uniques(col, one)).reset_index(drop=True)
