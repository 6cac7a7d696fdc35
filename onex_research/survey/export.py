"""Write clean survey data for the next tool: CSV (Excel-friendly) and SPSS .sav with labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OnexError
from ..instrument import Instrument
from ._atomic import atomic_path

__all__ = ["to_csv", "to_sav", "variable_labels", "value_labels", "META_LABELS"]

META_LABELS = {
    "respondent_id": "序号", "submitted_at": "提交答卷时间", "started_at": "开始答题时间",
    "duration_s": "所用时间（秒）", "source": "来源", "source_detail": "来源详情",
    "ip_hash": "IP哈希值（加盐SHA-256）", "ip_region": "IP所在地区",
}


def _base_item(col: str, instrument: Instrument):
    if col in instrument.items.index:
        return col, None
    if "__" in col:
        item, rest = col.split("__", 1)
        if item in instrument.items.index:
            return item, rest
    return None, None


def variable_labels(data: pd.DataFrame, instrument: Instrument) -> dict:
    """Column -> SPSS variable label: the item's ``text_zh`` (``题目：选项`` for 0/1 columns)."""
    out = {}
    for c in data.columns:
        item, rest = _base_item(c, instrument)
        if item is None:
            out[c] = META_LABELS.get(c, c)
        elif rest is None:
            out[c] = instrument.items.at[item, "text_zh"]
        elif rest == "other":
            out[c] = f"{instrument.items.at[item, 'text_zh']}：其他（请注明）"
        else:
            out[c] = f"{instrument.items.at[item, 'text_zh']}：{instrument.labels(item)[int(rest) - 1]}"
    return out


def value_labels(data: pd.DataFrame, instrument: Instrument) -> dict:
    """Column -> {code: label} for coded items (1..k) and 0/1 multi-select columns."""
    out = {}
    for c in data.columns:
        item, rest = _base_item(c, instrument)
        if item is None or instrument.items.at[item, "type"] == "text" or rest == "other":
            continue
        if instrument.items.at[item, "type"] == "numeric":
            continue
        if rest is None:
            out[c] = {float(code): lab for code, lab in zip(instrument.codes(item), instrument.labels(item))}
        else:
            out[c] = {0.0: "未选", 1.0: "选中"}
    return out


def to_csv(data: pd.DataFrame, path, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``data`` as CSV (UTF-8 with BOM by default, so Excel shows Chinese); returns the path.

    Categoricals are written as their labels, missing values as empty cells; the
    output is byte-for-byte deterministic for the same data.
    """
    path = Path(path)
    with atomic_path(path, suffix=".csv") as tmp:
        data.to_csv(tmp, index=False, encoding=encoding, lineterminator="\n")
    return path


SAV_NAME_BYTES = 64
"""Longest SPSS variable name, in bytes of UTF-8 (a Chinese character takes 3)."""


def _check_sav_names(columns, path) -> None:
    """Name every column SPSS cannot take, with a proposed shorter name."""
    import re

    too_long = [c for c in columns if len(str(c).encode("utf-8")) > SAV_NAME_BYTES]
    bad_start = [c for c in columns if c not in too_long and re.match(r"^[0-9_.$#@]", str(c))]
    if not too_long and not bad_start:
        return
    taken = {str(c) for c in columns}
    lines = []
    for c in too_long + bad_start:
        base = re.sub(r"[^0-9A-Za-z_\u4e00-\u9fff]", "_", str(c))
        if not re.match(r"^[A-Za-z\u4e00-\u9fff]", base):
            base = "v" + base
        short = base.encode("utf-8")[:SAV_NAME_BYTES - 4].decode("utf-8", errors="ignore")
        cand, i = short, 1
        while cand in taken:
            i += 1
            cand = f"{short}_{i}"
        taken.add(cand)
        why = (f"is {len(str(c).encode('utf-8'))} bytes (SPSS allows {SAV_NAME_BYTES})" if c in too_long
               else "starts with a character SPSS does not allow")
        lines.append(f"{c!r} {why}; proposed name {cand!r}")
    raise OnexError(f"{path}: cannot write .sav: {len(lines)} variable name(s) SPSS cannot take: "
                    + "; ".join(lines) + ". Hint: pass rename={old: new} to to_sav, or give the item a "
                    "shorter code in the instrument; nothing was written")


def _sav_frame(data: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    cols = {}
    for c in data.columns:
        s = data[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            pos = s.cat.codes.to_numpy()
            item, _ = _base_item(c, instrument) if instrument is not None else (None, None)
            declared = np.array(instrument.codes(item), float) if item and instrument.codes(item) else \
                np.arange(1, len(s.cat.categories) + 1, dtype=float)
            cols[c] = np.where(pos < 0, np.nan, declared[np.maximum(pos, 0)])
        elif pd.api.types.is_bool_dtype(s):
            cols[c] = s.astype(float).to_numpy()
        elif pd.api.types.is_numeric_dtype(s):
            cols[c] = s.to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_datetime64_any_dtype(s):
            cols[c] = s.astype("datetime64[ns]").to_numpy()
        else:
            cols[c] = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
    return pd.DataFrame(cols)


def to_sav(data: pd.DataFrame, path, instrument: Instrument, *, rename: dict | None = None) -> Path:
    """Write ``data`` as SPSS .sav with variable labels (``text_zh``) and value labels.

    Parameters
    ----------
    data : pandas.DataFrame
        Usually ``clean(...).data``; categoricals become codes 1..k with their labels.
    path : str or pathlib.Path
    instrument : Instrument
    rename : dict, optional
        ``{column: SPSS name}`` for columns whose names SPSS cannot take (longer than
        64 bytes, or starting with a digit); the error lists them with a proposal.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OnexError
        A variable name SPSS cannot take; the message names it and proposes a name.
        Nothing is written (the file is written to a temporary name and moved into
        place only when complete).

    Notes
    -----
    Written with ``pyreadstat.write_sav`` (UTF-8). Multi-select 0/1 columns get the
    value labels 未选/选中. ReadStat stamps the file with its creation time, so two
    .sav files of the same data differ in the header bytes only.
    """
    import pyreadstat

    path = Path(path)
    frame = _sav_frame(data, instrument)
    labels = variable_labels(data, instrument)
    values = value_labels(data, instrument)
    rename = dict(rename or {})
    names = [rename.get(c, c) for c in frame.columns]
    _check_sav_names(names, path)
    column_labels = [labels[c] for c in frame.columns]
    values = {rename.get(c, c): v for c, v in values.items()}
    frame.columns = names
    with atomic_path(path, suffix=".sav") as tmp:
        pyreadstat.write_sav(frame, str(tmp), column_labels=column_labels, variable_value_labels=values)
    return path
