"""Shared number, p-value and star formatting of the publication tables.

See :mod:`onex_research.report.tables` for the two styles (``"zh"``, ``"apa"``).
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

from ..vocabulary import significance_note
from .labels import labels_for
from ..vocabulary import stars as _star_marks

__all__ = ["format_table", "significance_note", "as_frame", "DEFAULT_LABELS", "BOUNDED_COLUMNS",
           "STAR_COLUMNS", "INTEGER_COLUMNS", "COLUMN_DECIMALS"]

#: Column -> header of the ``"zh"`` style; :mod:`.labels` holds both languages.
DEFAULT_LABELS = labels_for("zh")

#: Statistics that cannot exceed 1 in absolute value (APA drops their leading zero).
BOUNDED_COLUMNS = (
    "p", "r", "beta", "r2", "adj_r2", "cfi", "tli", "rmsea", "srmr", "cr", "ave",
    "alpha", "std_alpha", "omega", "omega_h", "omega_total", "r_drop", "eta2", "cramers_v",
    "omega2", "cramers_v_adj",
)

#: Where stars go by default: the first of these columns present in the table.
STAR_COLUMNS = ("beta", "b", "r", "estimate", "std", "coef", "mean")

#: Decimals for particular columns (percentages), overriding ``decimals``.
COLUMN_DECIMALS = {"prevalence_pct": 1, "pct": 1, "percent": 1, "mentions_per_interview": 1, "welch_df2": 2}

#: Columns whose values are codes (construct, factor, model variable) that ``row_labels`` names.
CODE_COLUMNS = ("construct", "factor", "lhs", "rhs", "truth", "dv", "code", "outcome", "predictor", "decision",
                "item", "level")

#: Columns printed as integers.
INTEGER_COLUMNS = ("n", "dof", "df", "n_obs", "n_items", "count", "delta_dof", "dof_baseline")

_STYLES = ("zh", "apa")


# --------------------------------------------------------------------------- input
def keeps_index(df: pd.DataFrame) -> bool:
    """Whether a table prints its index: always, unless it is an unnamed ``RangeIndex``
    (0, 1, 2 … that carries no information)."""
    return not (isinstance(df.index, pd.RangeIndex) and all(n is None for n in df.index.names))


def as_frame(table) -> pd.DataFrame:
    """Return ``table`` as a DataFrame.

    Parameters
    ----------
    table : pandas.DataFrame, pandas.Series or result object
        A result object must have ``to_frame()`` or a DataFrame ``.table``.

    Raises
    ------
    TypeError
        When ``table`` is none of these.
    """
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, pd.Series):
        return table.to_frame()
    if hasattr(table, "to_frame") and callable(table.to_frame):
        out = table.to_frame()
        if isinstance(out, pd.DataFrame):
            return out
    if isinstance(getattr(table, "table", None), pd.DataFrame):
        return table.table
    raise TypeError(
        f"expected a DataFrame or a result object with to_frame(), got {type(table).__name__}; "
        "hint: pass result.table or result.to_frame()"
    )


def _check_style(style: str) -> None:
    if style not in _STYLES:
        raise ValueError(f"style must be one of {_STYLES}, got {style!r}")


def _stars(p) -> str:
    if p is None or p is pd.NA:
        return ""
    return _star_marks(p)


def _fmt_number(x, decimals: int, drop_zero: bool) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return ""
    x = float(x)
    if not np.isfinite(x):
        return "∞" if x > 0 else "−∞" if x < 0 else ""
    s = f"{x:.{decimals}f}"
    if s.lstrip("-").strip("0.") == "":  # rounds to zero: no "-0.000"
        s = s.lstrip("-")
    if drop_zero:
        if s.startswith("0."):
            s = s[1:]
        elif s.startswith("-0."):
            s = "-" + s[2:]
    return s


def _fmt_integer(x, decimals: int) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = float(x)
    if x.is_integer():
        return str(int(x))
    return _fmt_number(x, decimals, False)  # e.g. a non-integer df (Welch): keep decimals


def _fmt_p(p, decimals: int, drop_zero: bool) -> str:
    if p is None or p is pd.NA or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = float(p)
    floor = 10.0 ** (-decimals)
    if p < floor:
        return "< " + _fmt_number(floor, decimals, drop_zero)
    return _fmt_number(p, decimals, drop_zero)




# ---------------------------------------------------------------------- formatter
def format_table(
    table,
    *,
    decimals: int = 3,
    stars: bool = True,
    star_column: str | None = None,
    p_column: str = "p",
    style: str = "zh",
    bounded=BOUNDED_COLUMNS,
    integer_columns=INTEGER_COLUMNS,
    column_decimals: dict | None = None,
    combine_ci: bool = True,
    labels: dict | None = None,
    index: bool | None = None,
    row_labels: dict | None = None,
) -> pd.DataFrame:
    """Format a table's numbers as strings for publication.

    Parameters
    ----------
    table : DataFrame or result object with ``to_frame()``
    decimals : int, default 3
        Decimals for numbers and p-values.
    stars : bool, default True
        Append ``*``/``**``/``***`` to ``star_column`` when the table has ``p_column``.
    star_column : str, optional
        Column that gets the stars; default the first of :data:`STAR_COLUMNS` present.
    p_column : str, default "p"
        p-values print as ``< 0.001`` (``"zh"``) or ``< .001`` (``"apa"``) below
        ``10**-decimals``.
    style : {"zh", "apa"}, default "zh"
        ``"apa"`` drops the leading zero of ``bounded`` columns (see module notes).
    bounded : sequence of str
        Columns that cannot exceed 1 in absolute value (:data:`BOUNDED_COLUMNS`).
    integer_columns : sequence of str
        Columns printed without decimals (:data:`INTEGER_COLUMNS`).
    column_decimals : dict, optional
        Column -> decimals, overriding ``decimals``; merged over
        :data:`COLUMN_DECIMALS` (percentages to 1 decimal).
    combine_ci : bool, default True
        Print ``ci_low``/``ci_high`` as one column ``95% CI`` with ``[low, high]``
        (APA); its header comes from ``labels["ci"]`` when given.
    labels : dict, optional
        Column -> header text. Default: the bilingual registry of :mod:`.labels` in
        ``style``'s language (``r2_change`` -> ``ΔR²``, ``role`` -> 角色 / Role …);
        pass ``{}`` to keep the names as they are.
    index : bool, optional
        Keep the index as the first column. Default: yes unless it is a plain
        (unnamed) ``RangeIndex``; a named one, such as the steps 1–k of a hierarchical
        regression (pandas ≥ 3 makes ``set_index`` of 1, 2, 3 a ``RangeIndex``), is kept.
    row_labels : dict, optional
        Row name -> display text for the row names (the index column, or a ``statistic``
        column), merged over the label registry: ``chi2`` -> χ², ``rmsea_ci_low`` ->
        RMSEA 90% CI 下限, and e.g. construct codes -> their labels. A row named ``p``
        (or ``*_p``) prints as a p-value and a row named ``dof``/``df``/``n`` as an integer.

    Returns
    -------
    pandas.DataFrame
        All cells ``str`` (missing -> ``""``), a ``RangeIndex``, headers relabelled,
        the CI bounds combined unless ``combine_ci=False``.
        ``attrs["stars"]`` is True when stars were added.
    """
    _check_style(style)
    if not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative int, got {decimals!r}")
    df = as_frame(table)
    if df.columns.duplicated().any():
        dup = list(df.columns[df.columns.duplicated()])
        raise ValueError(f"table has duplicated columns {dup}; hint: rename them first")
    if index is None:
        index = keeps_index(df)
    if index:
        names = [n for n in df.index.names if n is not None]
        df = df.reset_index()
        if not names:
            df = df.rename(columns={df.columns[0]: ""})
    df = df.copy()
    df.columns = [" ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in df.columns]

    has_p = p_column in df.columns and pd.api.types.is_numeric_dtype(df[p_column])
    # every p-value column prints as a p-value (p_change, welch_p, delta_p ...), never 0.000
    p_like = {c for c in df.columns if (c == p_column or re.search(r"(^p_|_p$)", c))
              and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])}
    if star_column is None:
        star_column = next((c for c in STAR_COLUMNS if c in df.columns), None)
    elif star_column not in df.columns:
        raise ValueError(
            f"star_column {star_column!r} is not a column; columns: {', '.join(df.columns)}"
        )
    add_stars = bool(stars and has_p and star_column is not None)
    bounded = set(bounded)
    integer_columns = set(integer_columns)

    header_labels = labels_for(style) if labels is None else labels
    value_labels = {**header_labels, **(row_labels or {})}   # row names and code columns
    out = {}
    col_dec = {**COLUMN_DECIMALS, **(column_decimals or {})}
    for col in df.columns:
        s = df[col]
        drop_zero = style == "apa" and col in bounded
        dec = col_dec.get(col, decimals)
        if col in p_like:
            vals = [_fmt_p(v, decimals, style == "apa") for v in s.tolist()]
        elif pd.api.types.is_bool_dtype(s):
            yes, no = ("是", "否") if style == "zh" else ("Yes", "No")
            vals = ["" if pd.isna(v) else (yes if v else no) for v in s.tolist()]
        elif pd.api.types.is_numeric_dtype(s):
            if col in integer_columns or pd.api.types.is_integer_dtype(s):
                vals = [_fmt_integer(v, decimals) for v in s.tolist()]
            else:
                vals = [_fmt_number(v, dec, drop_zero) for v in s.tolist()]
        else:
            vals = ["" if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)))
                    else str(v) for v in s.tolist()]
        out[col] = vals
    # long "statistic | value" tables (fit indices, KMO/Bartlett) and tables whose rows are
    # statistics: a p row prints as p-values, a df row as integers, and the row names by
    # the label registry (merged with row_labels)
    key = "statistic" if "statistic" in df.columns else (df.columns[0] if index and len(df.columns) else None)
    if key is not None:
        names = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                 for v in df[key].tolist()]
        for i, name in enumerate(names):
            k = name.strip()
            is_p = k == "p" or bool(re.search(r"(^p_|_p$)", k))
            is_int = k in ("dof", "df", "n", "dof_baseline", "n_items")
            if not (is_p or is_int):
                continue
            for col in df.columns:
                v = df[col].iloc[i]
                if col == key or not pd.api.types.is_numeric_dtype(df[col]):
                    continue
                out[col][i] = _fmt_p(v, decimals, style == "apa") if is_p else _fmt_integer(v, decimals)
        if not pd.api.types.is_numeric_dtype(df[key]):
            out[key] = [value_labels.get(n, n) for n in names]
    # columns that hold codes (constructs, factors, items, decisions) print by their labels
    for col in CODE_COLUMNS:
        if col in df.columns and col != key and not pd.api.types.is_numeric_dtype(df[col]):
            out[col] = [value_labels.get(v, v) for v in out[col]]
    if add_stars:
        pvals = pd.to_numeric(df[p_column], errors="coerce").tolist()
        out[star_column] = [
            v + _stars(p) if v != "" else v for v, p in zip(out[star_column], pvals)
        ]
    columns = list(df.columns)
    if combine_ci and "ci_low" in out and "ci_high" in out:
        out["ci_low"] = [f"[{lo}, {hi}]" if lo != "" and hi != "" else ""
                         for lo, hi in zip(out["ci_low"], out["ci_high"])]
        del out["ci_high"]
        columns.remove("ci_high")
    res = pd.DataFrame(out, columns=columns, dtype=object)
    lab = header_labels
    if combine_ci and "ci_high" not in columns and "ci_low" in columns:
        lab = {**lab, "ci_low": lab.get("ci", "95% CI")}
    res.columns = [lab.get(c, c) for c in res.columns]
    res.attrs["stars"] = add_stars
    res.attrs["style"] = style
    return res


def _notes_text(notes, formatted: pd.DataFrame, style: str) -> str | None:
    parts = []
    if notes:
        parts.extend([notes] if isinstance(notes, str) else list(notes))
    # the writers print the lead (注：/ Note.) themselves: a note that brings its own loses it
    parts = [re.sub(r"^\s*(?:注\s*[：:]|Notes?\.\s*)", "", str(p)) for p in parts]
    parts = [p for p in parts if p.strip()]
    if formatted.attrs.get("stars"):
        parts.append(significance_note(style))
    if not parts:
        return None
    if style == "zh":
        return "；".join(p.strip().rstrip("。；;.") for p in parts[:-1]) + (
            "；" if len(parts) > 1 else "") + parts[-1].strip()
    return " ".join(p.strip() if p.strip().endswith(".") else p.strip() + "." for p in parts)


def _title_text(title, number, style) -> str | None:
    if title is None and number is None:
        return None
    if number is None:
        return str(title)
    prefix = f"表{number}" if style == "zh" else f"Table {number}"
    return prefix if title is None else f"{prefix}  {title}"



def _width(text: str) -> int:
    """Display width: East Asian wide/full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
