"""Words the whole study shares, defined once: respondent roles and significance stars.

The survey, the interviews and the joint display name the same four roles; the tables
of every strand mark p-values with the same stars and print the same legend.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ROLES", "ROLE_ALIASES", "canonical_role", "STAR_LEVELS", "stars", "significance_note"]

#: The four respondent roles of the 1+X study, in display order (the survey's answer order).
ROLES = ("学生", "教师", "管理人员", "企业人员")

#: Other spellings of the roles (transcript headers, other instruments), onto :data:`ROLES`.
#: Keys are matched after ``strip().lower()``.
ROLE_ALIASES = {
    **{r: r for r in ROLES},
    "student": "学生", "students": "学生",
    "teacher": "教师", "teachers": "教师", "专任教师": "教师",
    "administrator": "管理人员", "administrators": "管理人员", "admin": "管理人员",
    "管理者": "管理人员", "行政人员": "管理人员", "学校管理人员": "管理人员",
    "enterprise": "企业人员", "enterprise staff": "企业人员", "mentor": "企业人员",
    "企业导师": "企业人员", "企业代表": "企业人员", "企业": "企业人员",
}


def canonical_role(value, aliases=None):
    """The role :data:`ROLE_ALIASES` (or ``aliases``) gives ``value``; unknown values are
    returned stripped, unchanged otherwise; missing values as they are."""
    if not isinstance(value, str):
        return value
    table = ROLE_ALIASES if aliases is None else aliases
    key = value.strip()
    return table.get(key, table.get(key.lower(), key))


#: (threshold, stars), strictest first: ``*** p < .001``, ``** p < .01``, ``* p < .05``.
STAR_LEVELS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))


def stars(p):
    """Significance stars of p-values (:data:`STAR_LEVELS`): a string for a scalar, an
    array of strings for an array; NaN gets ``""``."""
    arr = np.asarray(p, dtype=float)
    out = np.select([arr < t for t, _ in STAR_LEVELS], [s for _, s in STAR_LEVELS], default="")
    return str(out) if out.ndim == 0 else out


def significance_note(style: str = "zh") -> str:
    """The star legend, e.g. ``* p < 0.05，** p < 0.01，*** p < 0.001。``

    Parameters
    ----------
    style : {"zh", "apa"}
        ``"zh"`` keeps the leading zero and uses Chinese punctuation; ``"apa"`` drops it
        (``* p < .05. ** p < .01. *** p < .001.``).
    """
    if style not in ("zh", "apa"):
        raise ValueError(f"style must be one of ('zh', 'apa'), got {style!r}")
    levels = sorted(STAR_LEVELS, key=lambda ts: -ts[0])
    if style == "apa":
        return " ".join(f"{s} p < {str(t)[1:]}." for t, s in levels)
    return "，".join(f"{s} p < {t}" for t, s in levels) + "。"
