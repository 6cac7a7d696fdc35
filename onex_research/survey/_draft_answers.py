"""Answer cells of a drafted item: distinct answers, numbers, scale order (for :mod:`.draft`).

Known Chinese rating scales (:data:`LIKERT_SCALES`) put text answers in scale order;
``-3``/``-2`` are told apart from codes; ``〖other〗`` text is stripped from labels.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._decode import MISSING_TOKENS
from ._headers import norm

__all__ = ["LIKERT_SCALES"]

LIKERT_SCALES = {
    "agree5": ["非常不同意", "不同意", "一般", "同意", "非常同意"],
    "agree5b": ["完全不同意", "不同意", "一般", "同意", "完全同意"],
    "agree5c": ["非常不同意", "比较不同意", "一般", "比较同意", "非常同意"],
    "agree7": ["非常不同意", "不同意", "有点不同意", "一般", "有点同意", "同意", "非常同意"],
    "accord5": ["非常不符合", "不符合", "一般", "符合", "非常符合"],
    "accord5b": ["完全不符合", "比较不符合", "一般", "比较符合", "完全符合"],
    "endorse5": ["完全不认同", "不认同", "一般", "认同", "非常认同"],
    "endorse5b": ["非常不认同", "不认同", "一般", "认同", "非常认同"],
    "important5": ["非常不重要", "不重要", "一般", "重要", "非常重要"],
    "satisfied5": ["非常不满意", "不满意", "一般", "满意", "非常满意"],
    "attitude5": ["非常负面", "比较负面", "中立", "比较正向", "非常正向"],
    "likely5": ["非常不可能", "不太可能", "不确定", "比较可能", "非常可能"],
    "frequency5": ["从不", "很少", "有时", "经常", "总是"],
}
"""Ordered Chinese rating scales recognised in text exports (a subset of labels suffices)."""


_OTHER = re.compile(r"〖.*?〗", re.S)
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_NUM = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_ATTENTION = re.compile(r"(?:此题|本题|该题)?请(?:您)?(?:务必)?(?:选择|选|勾选|点选)[“\"「『']?([^”\"」』'，。,.；;！!？?）)]+)")
_ATTENTION_WORDS = re.compile(r"注意力|检测题|测谎|认真作答|请选择|请选")
_RANGE = re.compile(r"从?(-?\d+)\s*[-—~～到至]\s*(-?\d+)(?:分)?")
_ENDS = re.compile(r"(-?\d+)\s*=\s*([^,，;；、)）]+)")
_OPEN = re.compile(r"建议|意见|补充|请说明|请注明|为什么|原因|看法是|想法|其他想说|留言|评价一下")


_CODE_TOKENS = {"-3", "-2"}


def _counts(col: pd.Series) -> pd.Series:
    """Every distinct cell with its count, in order of first appearance (one hash pass)."""
    codes, uniq = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=True)
    n = np.bincount(codes[codes >= 0], minlength=len(uniq))
    return pd.Series(n, index=pd.Index(uniq, dtype=object))


def _answers(col: pd.Series, counts: pd.Series | None = None):
    """Distinct non-missing cells with their counts, in order of first appearance.

    ``-3``/``-2`` (skipped / not shown in Wenjuanxin codes exports) are kept here, for
    the caller to tell a skip from a code of a -3..3 scale.
    """
    counts = _counts(col) if counts is None else counts
    keep = [u for u in counts.index if norm(u) not in MISSING_TOKENS or norm(u) in _CODE_TOKENS]
    return counts.loc[keep]


def _base(u: str) -> str:
    return _OTHER.sub("", str(u)).strip()


def _numbers(values) -> np.ndarray | None:
    """The cells as numbers, or None when one is not a number."""
    out = []
    for u in values:
        v = norm(u)
        if not _NUM.match(v):
            return None
        out.append(float(v))
    return np.array(out)


def _order_labels(labels: list[str], counts) -> tuple[list[str], str | None]:
    """Labels in scale order when the order can be told, else by frequency (with a note)."""
    keys = [norm(x) for x in labels]
    for name, scale in LIKERT_SCALES.items():
        if set(keys) <= {norm(x) for x in scale} and len(keys) >= 2:
            return list(scale), None
    lead = [re.match(r"^(\d+(?:\.\d+)?)", k) for k in keys]
    if all(lead) and len(keys) > 1:
        def rank(i):
            k = keys[i]
            return (float(lead[i].group(1)), 1 if "以上" in k or "及以上" in k else -1 if "以下" in k else 0)
        order = sorted(range(len(labels)), key=rank)
        return [labels[i] for i in order], None
    order = sorted(range(len(labels)), key=lambda i: -int(counts[i]))
    return [labels[i] for i in order], "order of the labels is by frequency; put them in questionnaire order"
