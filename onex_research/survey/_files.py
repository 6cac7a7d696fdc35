"""Open an export file read-only and hand back its header and cells as strings.

CSV encodings are detected: strict UTF-8 (with or without BOM) first, then GB18030
(a superset of GBK and GB2312), then charset-normalizer's best guess. The file is
read once in binary mode and never written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import (EmptyExportError, HeaderOnlyExportError, SurveyExportError,
                      TruncatedExportError)

__all__ = ["load_table", "decode_bytes"]


def decode_bytes(data: bytes, path) -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding name)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, ("utf-8" if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf")
                      else enc)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SurveyExportError(f"{path}: cannot tell the text encoding (tried UTF-8, GB18030 "
                                "and charset-normalizer); save the export as UTF-8 CSV or .xlsx")
    return str(best), best.encoding


def _check_shape(frame: pd.DataFrame, path) -> None:
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise EmptyExportError(f"{path}: the export is empty (no header row, no submissions)")
    if frame.shape[0] == 1:
        raise HeaderOnlyExportError(
            f"{path}: the export has a header row ({frame.shape[1]} columns) but no submissions; "
            "hint: export again after responses have come in, or check the date filter")


def _read_csv(path: Path, data: bytes):
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise EmptyExportError(f"{path}: the file is empty ({len(data)} bytes)")
    text, encoding = decode_bytes(data, path)
    first = text.split("\n", 1)[0]
    sep = "\t" if first.count("\t") > first.count(",") else ","
    # parse the bytes, not the decoded text: a large StringIO is several times slower
    pd_enc = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030"}.get(encoding)
    source = io.BytesIO(data) if pd_enc else io.StringIO(text)
    try:
        frame = pd.read_csv(source, header=None, dtype=str, keep_default_na=False, encoding=pd_enc,
                            sep=sep, skip_blank_lines=True, engine="c")
    except pd.errors.ParserError as exc:
        msg = str(exc)
        if "EOF inside string" in msg:
            raise TruncatedExportError(
                f"{path}: the file ends inside a quoted cell ({msg.split('C error: ')[-1]}); "
                "the export looks truncated - download it again") from None
        raise SurveyExportError(f"{path}: rows do not line up with the header "
                                f"({msg.split('C error: ')[-1]})") from None
    except pd.errors.EmptyDataError:
        raise EmptyExportError(f"{path}: the file holds no rows") from None
    _check_shape(frame, path)
    # a cut-off file: the last row has fewer fields than the header
    tail = text.rstrip("\r\n\x00").rsplit("\n", 1)[-1]
    n_last = len(next(csv.reader([tail], delimiter=sep), []))
    if n_last < frame.shape[1]:
        row = frame.shape[0] - 1
        raise TruncatedExportError(
            f"{path}: the last row (file row {row + 1}, submission {row}) has {n_last} of "
            f"{frame.shape[1]} fields; it stops at column {frame.iat[0, max(n_last - 1, 0)]!r}. "
            "The export looks truncated - download it again")
    return frame, encoding


def _cell_text(v) -> str:
    """A spreadsheet cell as the text Excel shows: 3.0 -> "3", None -> ""."""
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def _rows_to_frame(rows) -> pd.DataFrame:
    """List of row lists -> DataFrame of str; each distinct cell is converted once.

    Columns that hold only strings (the answer labels of a text export) are taken as
    they are (one C-level check); the others are factorised and each distinct value
    converted once.
    """
    from pandas._libs import lib

    width = max((len(r) for r in rows), default=0)
    arr = np.empty((len(rows), width), dtype=object)
    arr[:] = ""
    for i, r in enumerate(rows):    # rows of the sheet, not respondents' answers: a copy only
        arr[i, :len(r)] = r
    cols = {}
    for j in range(width):
        col = arr[:, j]
        if lib.is_string_array(col, skipna=False):
            cols[j] = col
            continue
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        text = None
        if len(uniq) > 1000 and lib.is_float_array(np.asarray(uniq, dtype=object)):
            v = np.asarray(uniq, dtype=float)          # ids, ages: many distinct numbers at once
            if np.isfinite(v).all() and (v == np.round(v)).all() and np.abs(v).max() < 2**53:
                text = np.append(v.astype(np.int64).astype(str).astype(object), "")
        if text is None:
            text = np.array([_cell_text(u) for u in uniq] + [""], dtype=object)
        cols[j] = text[codes]
    return pd.DataFrame(cols, dtype=object)


def _drop_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop rows and columns that are empty throughout (a sheet's used range can be wider).

    Short-circuits: a column is checked until its first non-empty cell, and rows stay
    candidates for blankness only while every column seen so far is empty there.
    """
    arrays = [frame[c].to_numpy() for c in frame.columns]
    keep_cols = [any(v != "" for v in a) for a in arrays]
    candidate = np.ones(len(frame), bool)
    for a in arrays:
        if not candidate.any():
            break
        idx = np.flatnonzero(candidate)
        candidate[idx] = a[idx] == ""
    if candidate.any() or not all(keep_cols):
        frame = frame.loc[~candidate, keep_cols]
    return frame


def _read_xlsx(path: Path, data: bytes):
    if not data:
        raise EmptyExportError(f"{path}: the file is empty (0 bytes)")
    try:   # python-calamine (Rust) reads ~15x faster than openpyxl; openpyxl is the fallback
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a declared dependency
        CalamineWorkbook = None
    try:
        if CalamineWorkbook is not None:
            try:
                sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
                frame = _rows_to_frame(sheet.to_python())
            except CalamineError as exc:
                raise zipfile.BadZipFile(str(exc)) from None
        else:  # pragma: no cover
            frame = pd.read_excel(io.BytesIO(data), header=None, dtype=str, engine="openpyxl",
                                  keep_default_na=False, na_values=[""]).fillna("").astype(str)
    except (zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise TruncatedExportError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc}); the file looks "
            "truncated or damaged - download it again, or save it from Excel") from None
    except ValueError as exc:
        raise SurveyExportError(f"{path}: cannot read the workbook ({exc})") from None
    frame = _drop_blank(frame)
    frame.columns = range(frame.shape[1])
    _check_shape(frame, path)
    return frame, "xlsx"


def _read_sav(path: Path):
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
        if path.stat().st_size == 0:
            raise EmptyExportError(f"{path}: the file is empty (0 bytes)") from None
        raise TruncatedExportError(f"{path}: not a readable SPSS .sav file ({exc})") from None
    if df.shape[1] == 0:
        raise EmptyExportError(f"{path}: the .sav file has no variables")
    if df.shape[0] == 0:
        raise HeaderOnlyExportError(f"{path}: the .sav file has {df.shape[1]} variables but no cases")
    cols = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_numeric_dtype(s):
            v = s.to_numpy(dtype=float, na_value=np.nan)
            whole = np.isfinite(v) & (v == np.round(v))
            txt = pd.Series(v, index=s.index).astype(str)
            txt[whole] = pd.Series(v[whole]).astype(np.int64).astype(str).to_numpy()
            cols[c] = txt.where(np.isfinite(v), "")
        else:
            cols[c] = s.astype(str).where(s.notna(), "")
    body = pd.DataFrame(cols)
    header = pd.DataFrame([list(df.columns)], columns=df.columns)
    frame = pd.concat([header, body], ignore_index=True)
    frame.columns = range(frame.shape[1])
    labels = [meta.column_names_to_labels.get(c) or "" for c in df.columns]
    values = {i: dict(meta.variable_value_labels.get(c) or {}) for i, c in enumerate(df.columns)}
    return frame, "sav", labels, values


def load_table(path) -> tuple[list[str], pd.DataFrame, dict]:
    """Read an export as strings: (headers, cells, info).

    Returns
    -------
    headers : list of str
        The header row as written.
    cells : pandas.DataFrame
        One row per submission, columns ``0..m-1``, every cell a ``str`` (``""`` empty).
    info : dict
        ``file_format`` (csv, xlsx, sav) and ``encoding``; for .sav also ``labels``
        (variable label per column, ``""`` when none) and ``value_labels``
        (column position -> {code: label}).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such export file")
    suffix = path.suffix.lower()
    extra = {}
    if suffix == ".sav":
        frame, enc, labels, values = _read_sav(path)
        fmt = "sav"
        extra = {"labels": labels, "value_labels": values}
    else:
        with open(path, "rb") as fh:        # read-only; the raw export is never changed
            data = fh.read()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame, enc = _read_xlsx(path, data)
            fmt = "xlsx"
        elif suffix in (".csv", ".txt", ".tsv"):
            frame, enc = _read_csv(path, data)
            fmt = "csv"
        else:
            raise SurveyExportError(f"{path}: unsupported file type {suffix!r}; "
                                    "expected .xlsx, .csv or .sav")
    headers = [str(h) for h in frame.iloc[0].tolist()]
    cells = frame.iloc[1:].reset_index(drop=True)
    cells.columns = range(cells.shape[1])
    return headers, cells, {"file_format": fmt, "encoding": enc, **extra}
