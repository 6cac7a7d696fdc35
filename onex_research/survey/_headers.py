"""Map export column headers to item codes and metadata fields.

Headers are compared after NFKC normalisation (full-width letters, digits, colons and
brackets become half-width) with every whitespace character removed, so ``１２（子题）``,
``12 ( 子题 )`` and ``12(子题)`` are the same header. Recognised styles:

============================  ==================================================
Wenjuanxin (问卷星)            ``N、题目``, ``N：题目``, ``N.题目``, ``N(子题)``,
                              ``第N题(子题)``, ``第N题、题目``; a multi-select item
                              spread over 0/1 columns as ``N(选项)``; sub-numbered
                              ``1.1、题目`` and ``3、(1)题目`` (question ``"1.1"``,
                              ``"3.1"``, never 1 or 3); a matrix as ``7、题干—子题``
                              then ``7、子题``
Tencent Questionnaire (腾讯问卷) ``Q1:题目``, ``Q7:矩阵标题-子题``, ``Q6:题目-选项``
plain                         item codes (``rec1``), ``<multi>__<code>``,
                              ``<item>__other``
unnumbered (copied surveys,   the wording itself, matched to ``text_zh``
金数据)
declared                      an item's ``header`` (and ``position`` when the
                              export repeats a header), the instrument's
                              ``columns`` mapping for metadata
============================  ==================================================

The Tencent assumption: a matrix row or a spread multi-select option is named by the
*end* of the header text (whatever joins title and row: ``-``, ``_``, ``:``), so the
row text or option label must be a suffix of the header after normalisation.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["norm", "META_ALIASES", "IGNORED_COLUMNS", "Target", "map_header", "closest"]

_WS = re.compile(r"\s+")


def norm(s) -> str:
    """NFKC-normalise ``s`` and remove all whitespace (the key for matching)."""
    return _WS.sub("", unicodedata.normalize("NFKC", str(s)))


# normalised header -> metadata field (lower-cased for Latin names)
META_ALIASES = {
    "序号": "respondent_id", "编号": "respondent_id", "答卷编号": "respondent_id",
    "答题序号": "respondent_id", "respondent_id": "respondent_id", "id": "respondent_id",
    "提交答卷时间": "submitted_at", "结束答题时间": "submitted_at", "提交时间": "submitted_at",
    "submitted_at": "submitted_at",
    "开始答题时间": "started_at", "开始时间": "started_at", "started_at": "started_at",
    "所用时间": "duration_s", "答题时长": "duration_s", "答题用时": "duration_s",
    "duration_s": "duration_s",
    "来源": "source", "来源渠道": "source", "source": "source",
    "来源详情": "source_detail", "source_detail": "source_detail",
    "来自ip": "ip", "ip": "ip", "ip地址": "ip", "填写者ip": "ip",
    "ip_hash": "ip_hash",
    "ip属地": "ip_region", "地理位置": "ip_region", "所在地区": "ip_region", "ip_region": "ip_region",
    "省份": "ip_region", "城市": "ip_region", "地理位置国家和地区": "ip_region", "省": "ip_region",
    "市": "ip_region",
    # Wenjuanxin's native SPSS export (variable names; the labels are 序号, 所用时间 ...)
    "index": "respondent_id", "totalseconds": "duration_s", "submitdate": "submitted_at",
    "starttime": "started_at",
    # Tencent Questionnaire (腾讯问卷) and Tencent Docs forms (腾讯文档)
    "地理位置省": "ip_region", "地理位置市": "ip_region", "地理位置区": "ip_region",
    "ip省份": "ip_region", "ip城市": "ip_region", "提交时间(自动)": "submitted_at",
    "开始答题时间(自动)": "started_at", "答题时长(秒)": "duration_s", "作答时长": "duration_s",
    "答题时间": "duration_s", "用时": "duration_s", "用时(秒)": "duration_s", "答题用时(秒)": "duration_s",
    # 金数据 and Credamo (见数)
    "填写时间": "submitted_at", "结束时间": "submitted_at", "结束答题时间(自动)": "submitted_at",
    "填写地区": "ip_region", "ip所在地": "ip_region", "ip归属地": "ip_region", "ip所在地区": "ip_region",
    "填写ip": "ip", "ip地址(自动)": "ip", "作答序号": "respondent_id", "答卷id": "respondent_id",
    "开始作答时间": "started_at", "结束作答时间": "submitted_at", "提交作答时间": "submitted_at",
    "作答时长(秒)": "duration_s", "作答用时": "duration_s",
}

# Columns real exports carry that hold no answer, or hold personal data: dropped on read.
IGNORED_COLUMNS = frozenset(norm(x).lower() for x in (
    "昵称", "微信昵称", "用户名", "用户标识", "openid", "姓名", "手机", "手机号", "手机号码",
    "总分", "自定义字段", "用户类型", "答题状态", "答卷状态", "填写设备", "浏览器", "操作系统",
    "甄别结果", "微信openid", "unionid", "公司", "邮箱",
    "提交者(自动)", "提交者", "提交人", "填写人", "修改时间", "更新时间", "创建时间", "设备", "渠道",
    "用户id", "样本id", "作答状态", "审核状态", "答题设备", "来源ip", "filter_$", "微信头像", "qq",
    "地理位置经纬度", "经纬度",
))


@dataclass(frozen=True)
class Target:
    """What a column holds: ``kind`` in meta, item, option, other, ignore."""

    kind: str
    name: str            # metadata field or item code
    option: int = 0      # 1-based option code for kind == "option"


_SUBNUM = re.compile(r"^(?:第)?(\d+[.．]\d+)(?:题)?[、.:,，．:]?(.*)$")
_PAREN_SUB = re.compile(r"^(?:第)?(\d+)(?:题)?[、.:,，．:]\((\d+)\)[,，、]?(.*)$")
_WJX_SUB = re.compile(r"^(?:第)?(\d+)(?:题)?\((.+)\)$")
_WJX_TITLE = re.compile(r"^(?:第)?(\d+)(?:题)?[、.:,，．:](.*)$")
_TENCENT = re.compile(r"^[Qq](\d+)[、.:_-]?(.*)$")
_PLAIN_SUB = re.compile(r"^(.+?)__(.+)$")


_CACHE: dict = {}


def _lookup_tables(instrument):
    """Per question number: [(item code, normalised sub)], plus per-item labels."""
    hit = _CACHE.get(id(instrument))
    if hit is not None and hit[0] is instrument:
        return hit[1]
    it = instrument.items
    by_q = {}
    for code, q, sub, text in zip(it.index, it["question"], it["sub"], it["text_zh"]):
        if q is None or (isinstance(q, float) and q != q):
            continue
        by_q.setdefault(str(q), []).append((code, norm(sub) if isinstance(sub, str) and sub else None,
                                            norm(text)))
    labels = {code: [norm(x) for x in instrument.labels(code)] for code in it.index}
    expected = {norm(instrument.header(c)): instrument.header(c) for c in it.index}
    by_text = {}
    for code, q, text in zip(it.index, it["question"], it["text_zh"]):
        by_text.setdefault(norm(text), []).append(code)
    declared = {}
    if "header" in it.columns:
        for code, h in zip(it.index, it["header"]):
            if isinstance(h, str) and h:
                pos = instrument._opt(code, "position")
                declared.setdefault(norm(h), []).append((code, pos))
    columns = {norm(h).lower(): f for h, f in instrument.columns().items()}
    out = (by_q, labels, expected, by_text, declared, columns)
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[id(instrument)] = (instrument, out)
    return out


def closest(header: str, instrument, extra=()) -> str:
    """The expected header nearest to ``header`` (difflib), for error hints."""
    expected = _lookup_tables(instrument)[2]
    pool = list(expected) + [norm(x) for x in extra] + list(instrument.items.index)
    hit = difflib.get_close_matches(norm(header), pool, n=1, cutoff=0.0)
    if not hit:
        return ""
    return expected.get(hit[0], hit[0])


def _by_suffix(text: str, candidates):
    """The candidate (code, key) whose key is ``text`` or its longest suffix."""
    best = None
    for code, key in candidates:
        if key and (text == key or text.endswith(key)):
            if best is None or len(key) > len(best[1]):
                best = (code, key)
    return best[0] if best else None


def _resolve(instrument, q: str, sub: str | None, title: str | None) -> Target | None:
    by_q, labels = _lookup_tables(instrument)[:2]
    entries = by_q.get(q)
    if not entries:
        return None
    it = instrument.items
    matrix = [(code, s) for code, s, _ in entries if s]
    if sub is not None:
        hit = _by_suffix(sub, matrix) if matrix else None
        if hit and sub == dict(matrix)[hit]:
            return Target("item", hit)
        for code, _, _ in entries:
            if it.at[code, "type"] == "multi":
                opts = [(i + 1, lab) for i, lab in enumerate(labels[code])]
                k = _by_suffix(sub, opts)
                if k and sub == labels[code][k - 1]:
                    return Target("option", code, k)
        return Target("item", hit) if hit else None
    title = title or ""
    if matrix:
        hit = _by_suffix(title, matrix)
        return Target("item", hit) if hit else None
    code, _, text = entries[0]
    if it.at[code, "type"] == "multi" and title != text:
        opts = [(i + 1, lab) for i, lab in enumerate(labels[code])]
        k = _by_suffix(title, opts)
        if k:
            return Target("option", code, k)
    if not title or title in text or text in title:
        return Target("item", code)
    if difflib.SequenceMatcher(None, title, text).ratio() >= 0.6:
        return Target("item", code)
    return None


def declared_positions(instrument) -> dict:
    """Normalised header -> [(item, position)] for the headers the instrument declares."""
    return _lookup_tables(instrument)[4]


def map_header(header, instrument, position: int | None = None) -> tuple[Target | None, bool]:
    """Map one header; returns (target or None, looks_like_a_question).

    ``looks_like_a_question`` tells unknown question headers (which count towards the
    wrong-questionnaire check) from unknown other columns. ``position`` (1-based
    column number) picks among items that declare the same ``header``.
    """
    h = norm(header)
    low = h.lower()
    _, _, _, by_text, declared, columns = _lookup_tables(instrument)
    if low in columns:
        field = columns[low]
        return (Target("ignore", h) if field == "ignore" else Target("meta", field)), False
    if h in declared:
        entries = declared[h]
        hit = [c for c, p in entries if p is not None and p == position]
        if not hit:
            hit = [c for c, p in entries if p is None]
        if hit:
            return Target("item", hit[0]), True
    if low in META_ALIASES:
        return Target("meta", META_ALIASES[low]), False
    if low in IGNORED_COLUMNS:
        return Target("ignore", h), False
    it = instrument.items
    if h in it.index:
        return Target("item", h), True
    m = _PLAIN_SUB.match(h)
    if m and m.group(1) in it.index:
        code, rest = m.groups()
        if rest == "other":
            return Target("other", code), True
        if it.at[code, "type"] == "multi":
            labels = _lookup_tables(instrument)[1]
            if rest.isdigit() and 1 <= int(rest) <= len(labels[code]):
                return Target("option", code, int(rest)), True
            if rest in labels[code]:
                return Target("option", code, labels[code].index(rest) + 1), True
        return None, True
    m = _PAREN_SUB.match(h)
    if m:
        q, k, rest = m.groups()
        return _resolve(instrument, f"{q}.{k}", None, rest), True
    m = _SUBNUM.match(h)
    if m:
        q, rest = m.groups()
        return _resolve(instrument, q.replace("．", "."), None, rest), True
    for pattern, has_sub in ((_WJX_SUB, True), (_WJX_TITLE, False), (_TENCENT, False)):
        m = pattern.match(h)
        if m:
            q, rest = str(int(m.group(1))), m.group(2)
            if not has_sub and "—" in rest:      # Wenjuanxin matrix: first row is 题干—子题
                target = _resolve(instrument, q, None, rest.rsplit("—", 1)[1])
                if target is not None:
                    return target, True
            target = _resolve(instrument, q, rest if has_sub else None, None if has_sub else rest)
            return target, True
    # an unnumbered question (a copied Wenjuanxin survey, 金数据): its wording is the header
    if h in by_text and len(by_text[h]) == 1:
        return Target("item", by_text[h][0]), True
    return None, False
