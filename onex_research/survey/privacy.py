"""Keep personal data out of everything the reader returns.

* ``来自IP`` is replaced by a salted SHA-256 hash (``ip_hash``, for duplicate
  detection) and the region Wenjuanxin prints after it (``ip_region``); the address
  itself is never returned.
* Free text (open answers, ``〖…〗`` other-text) is scrubbed: e-mail addresses, ID-card
  numbers, mobile and landline phone numbers, QQ and WeChat ids, and names introduced
  by 我是/我叫/本人/联系人/姓名/名字 (2–3 characters, 4 with a
  compound surname, stopping before titles such as 老师/同学) become placeholders (``[EMAIL]``, ``[ID]``, ``[PHONE]``,
  ``[QQ]``, ``[WECHAT]``, ``[NAME]``); any other run of 5 or more digits becomes
  ``[NUMBER]``. The patterns are deliberately greedy: a lost digit string costs less
  than a leaked phone number.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_SALT", "hash_ip", "split_ip", "scrub_pii", "PII_PATTERNS", "on_uniques"]

DEFAULT_SALT = "onex_research/ip-salt/v1"
"""Fixed default salt, so the same export gives the same ``ip_hash`` on every run.
Pass your own ``salt`` to :func:`read_export` when hashes must not be linkable across
projects."""

_CN = r"[\u4e00-\u9fff]"
_D = r"[0-9\uff10-\uff19]"          # ASCII or full-width digit
_NOT_D = r"(?<![0-9\uff10-\uff19])", r"(?![0-9\uff10-\uff19])"
_SEP = r"[-. \u3000\uff0d\uff0e]?"  # optional -, ., space (also full-width)
_COMPOUND = "欧阳|司马|诸葛|上官|东方|令狐|慕容|司徒|皇甫|尉迟|公孙|长孙|夏侯|西门|独孤|宇文|端木|南宫|澹台|轩辕"
# a name stops before a title/role word or an obvious non-name continuation
_NAME_STOP = "老师|同学|学生|主任|院长|处长|经理|校长|书记|师傅|教授|是|在|的|和|今年|建议|希望|觉得|认为|来自|现在|目前|就读"
_NAME_CH = r"(?:(?!" + _NAME_STOP + r")" + _CN + r")"
# after 我是/本人 these starts are not names (我是学生, 我是一名…)
_NOT_NAME = ("学生|老师|教师|企业|学校|一名|一个|一位|管理|员工|家长|本校|职工|校长|这|那|在|从|个|名|本|该|"
             "学员|毕业|大一|大二|大三|大四|研究生|专业|行业|做|负责|搞|刚|新|老|男|女|"
             + _NAME_STOP)
PII_PATTERNS = (
    ("[EMAIL]", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("[ID]", re.compile(r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[0-9Xx](?![0-9])")),
    ("[PHONE]", re.compile(_NOT_D[0] + r"(?:[+＋]?[8８][6６][- ]?)?[1１][3-9３-９]" + _D + _SEP + _D + r"{4}"
                           + _SEP + _D + r"{4}" + _NOT_D[1])),
    ("[PHONE]", re.compile(_NOT_D[0] + r"[0０]" + _D + r"{2,3}[-－]" + _D + r"{7,8}" + _NOT_D[1])),
    ("\\1[QQ]", re.compile(r"((?:QQ|qq|Qq|ＱＱ|扣扣)(?:号|号码)?\s*[:：]?\s*)" + _D + r"{5,12}")),
    ("\\1[WECHAT]", re.compile(r"((?:微信|weixin|WeChat|wechat|Wechat|vx|VX|Vx|wx|WX|V信|v信)(?:号)?\s*[:：]?\s*)"
                               r"[A-Za-z][-_A-Za-z0-9]{4,19}")),
    ("\\1[NAME]", re.compile(r"((?:我是|我叫|本人|联系人|姓名|名字|称呼)\s*(?:是|叫)?\s*[:：]?\s*)"
                             r"(?!" + _NOT_NAME + r")"
                             r"(?:(?:" + _COMPOUND + r")" + _NAME_CH + r"{1,2}|" + _CN + _NAME_CH + r"{1,2})")),
    ("[NUMBER]", re.compile(r"\d{5,}")),
)


def on_uniques(s: pd.Series, func) -> pd.Series:
    """Apply a Series -> Series ``func`` to the distinct values of ``s`` only, then map back.

    Exports repeat values (durations, regions, stock answers), and pandas string
    methods loop in Python without pyarrow, so this is often many times faster.
    """
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    res = func(pd.Series(uniq, dtype=object))
    if isinstance(res, pd.DataFrame):
        out = res.take(np.where(codes < 0, 0, codes)) if len(res) else res.reindex(range(len(codes)))
        out = out.reset_index(drop=True)
        out[codes < 0] = None
        out.index = s.index
        return out
    vals = res.to_numpy(dtype=object)
    out = np.where(codes < 0, None, vals[np.where(codes < 0, 0, codes)] if len(vals) else None)
    return pd.Series(out, index=s.index, dtype=res.dtype if res.dtype != object else object)


def scrub_pii(text: pd.Series) -> pd.Series:
    """Replace personal data in free text by placeholders (vectorised).

    Parameters
    ----------
    text : pandas.Series of str
        Free-text answers; missing values stay missing.

    Returns
    -------
    pandas.Series
        Same index, ``string`` dtype, personal data replaced (see the module notes).

    Examples
    --------
    >>> scrub_pii(pd.Series(["我是张伟，电话13812345678"])).iloc[0]
    '我是[NAME]，电话[PHONE]'
    """
    def scrub(u):
        out = u.astype("string")
        for repl, pattern in PII_PATTERNS:
            out = out.str.replace(pattern, repl, regex=True)
        return out

    return on_uniques(text, scrub).astype("string")


_IP_CELL = re.compile(r"^\s*([^()（）\s]*)\s*(?:[(（](.*)[)）])?\s*$", re.S)


def _take(codes: np.ndarray, values: list) -> pd.Series:
    """``values[code]`` per row, missing where ``code < 0``, as ``string``."""
    arr = np.array(values + [None], dtype=object)
    return pd.Series(arr[np.where(codes < 0, len(values), codes)], dtype="string")


def split_ip(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split Wenjuanxin's ``117.136.12.34(江西-南昌)`` into address and region.

    Each distinct cell is split once (one compiled pattern, no pandas string methods).
    """
    codes, uniq = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    ips, regions = [], []
    for u in uniq:
        m = _IP_CELL.match(str(u).strip())
        ip, region = (m.group(1), m.group(2)) if m else (None, None)
        ips.append(ip or None)
        regions.append(region or None)
    ip, region = _take(codes, ips), _take(codes, regions)
    ip.index = region.index = raw.index
    return ip, region


def hash_ip(ip: pd.Series, *, salt: str = DEFAULT_SALT, length: int = 16) -> pd.Series:
    """Salted SHA-256 of each address, first ``length`` hex digits; missing stays missing.

    Each distinct address is hashed once, so the cost grows with the number of
    distinct addresses, not of rows.
    """
    codes, uniq = pd.factorize(ip.astype("string").to_numpy(dtype=object, na_value=None),
                               use_na_sentinel=True)
    table = [hashlib.sha256((salt + "|" + str(v)).encode("utf-8")).hexdigest()[:length] for v in uniq]
    out = _take(codes, table)
    out.index = ip.index
    return out
