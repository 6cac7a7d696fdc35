"""Write clean survey data for the next tool: CSV (Excel-friendly) and SPSS .sav with labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..instrument import Instrument

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
        if rest is None:
            out[c] = {float(i + 1): lab for i, lab in enumerate(instrument.labels(item))}
        else:
            out[c] = {0.0: "未选", 1.0: "选中"}
    return out


def to_csv(data: pd.DataFrame, path, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``data`` as CSV (UTF-8 with BOM by default, so Excel shows Chinese); returns the path.

    Categoricals are written as their labels, missing values as empty cells; the
    output is byte-for-byte deterministic for the same data.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data.to_csv(path, index=False, encoding=encoding, lineterminator="\n")
    return path


def _sav_frame(data: pd.DataFrame) -> pd.DataFrame:
    cols = {}
    for c in data.columns:
        s = data[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.cat.codes.to_numpy().astype(float) + 1
            cols[c] = np.where(codes == 0, np.nan, codes)
        elif pd.api.types.is_bool_dtype(s):
            cols[c] = s.astype(float).to_numpy()
        elif pd.api.types.is_numeric_dtype(s):
            cols[c] = s.to_numpy(dtype=float, na_value=np.nan)
        elif pd.api.types.is_datetime64_any_dtype(s):
            cols[c] = s.astype("datetime64[ns]").to_numpy()
        else:
            cols[c] = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
    return pd.DataFrame(cols)


def to_sav(data: pd.DataFrame, path, instrument: Instrument) -> Path:
    """Write ``data`` as SPSS .sav with variable labels (``text_zh``) and value labels.

    Parameters
    ----------
    data : pandas.DataFrame
        Usually ``clean(...).data``; categoricals become codes 1..k with their labels.
    path : str or pathlib.Path
    instrument : Instrument

    Returns
    -------
    pathlib.Path

    Notes
    -----
    Written with ``pyreadstat.write_sav`` (UTF-8). Multi-select 0/1 columns get the
    value labels 未选/选中. ReadStat stamps the file with its creation time, so two
    .sav files of the same data differ in the header bytes only.
    """
    import pyreadstat

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = _sav_frame(data)
    labels = variable_labels(data, instrument)
    pyreadstat.write_sav(frame, str(path), column_labels=[labels[c] for c in frame.columns],
                         variable_value_labels=value_labels(data, instrument))
    return path
