"""Read a questionnaire export into one tidy row per submission.

``read_export(path, instrument)`` understands Wenjuanxin (问卷星) and Tencent
Questionnaire (腾讯问卷) exports (.xlsx/.csv, answers as option text or as codes), SPSS
.sav files and plain tables whose columns are item codes. See :func:`read_export`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import (DuplicateHeaderError, LabelNotOnScaleError, MissingQuestionError,
                      RespondentIdError, SurveyExportError, UnknownColumnError,
                      WrongQuestionnaireError)
from ..instrument import Instrument
from ._decode import decode_codes, decode_multi, decode_numeric, decode_option, decode_text
from ._files import load_table
from ._headers import closest, declared_positions, map_header, norm
from .privacy import DEFAULT_SALT, hash_ip, split_ip

__all__ = ["read_export", "META_COLUMNS", "multi_columns", "other_column"]

META_COLUMNS = ("respondent_id", "submitted_at", "started_at", "duration_s", "source",
                "source_detail", "ip_hash", "ip_region")
"""Metadata columns of :func:`read_export`, in order (absent fields are all missing)."""


def multi_columns(instrument: Instrument, item: str) -> list[str]:
    """The 0/1 columns of a multi-select item: ``<item>__1 .. <item>__k`` (option codes)."""
    return [f"{item}__{k}" for k in range(1, instrument.n_points(item) + 1)]


def other_column(item: str) -> str:
    """The column holding the ``〖…〗`` other-text of ``item``: ``<item>__other``."""
    return f"{item}__other"


def _col_name(pos: int) -> str:
    """Spreadsheet letter of a 0-based column position (A, B, ..., AA)."""
    name, pos = "", pos + 1
    while pos:
        pos, r = divmod(pos - 1, 26)
        name = chr(65 + r) + name
    return name


def _where(path, pos, header) -> str:
    return f"{path}: column {_col_name(pos)} {header!r}"


def _map_columns(path, headers, instrument, labels=None):
    """Targets per column position, after the header checks.

    ``labels`` (a .sav file's variable labels) are tried when a variable name maps to
    nothing, so that Wenjuanxin's ``index``/``Q1`` names still find 序号 and the item.
    """
    keys = [norm(h) for h in headers]
    repeated_ok = {k for k, entries in declared_positions(instrument).items()
                   if any(p is not None for _, p in entries)}
    seen = {}
    for pos, (h, k) in enumerate(zip(headers, keys)):
        if not k or k.lower() in ("nan", "none") or k.startswith("Unnamed:"):
            raise UnknownColumnError(f"{_where(path, pos, h)} has no header; hint: delete the empty "
                                     "column or give it the question's header")
        if k in seen and k not in repeated_ok:
            same = [p for p, kk in enumerate(keys) if kk == k]
            cols = " and ".join(f"{_col_name(p)} {headers[p]!r}" for p in same)
            raise DuplicateHeaderError(
                f"{path}: columns {cols} have the same header. Hint: if they are different "
                "questions (a wording used twice, or a Tencent cascading select 级联题 that repeats its "
                "header once per level), declare each in the instrument with `header:` and its 1-based "
                f"column `position:` ({', '.join(str(p + 1) for p in same)}), as `onex-research "
                "draft-instrument` does; if the same question was exported twice, delete the extra column")
        seen[k] = pos
    targets, unknown, n_question = {}, [], 0
    for pos, h in enumerate(headers):
        target, questionish = map_header(h, instrument, position=pos + 1)
        if target is None and labels is not None and labels[pos]:
            target, q2 = map_header(labels[pos], instrument, position=pos + 1)
            questionish = questionish or q2
        n_question += questionish
        if target is None:
            unknown.append((pos, h, questionish))
        else:
            targets[pos] = target
    n_items = sum(t.kind in ("item", "option", "other") for t in targets.values())
    n_unmatched_q = sum(q for _, _, q in unknown)
    n_q = n_items + n_unmatched_q
    if n_items == 0 or (n_unmatched_q and n_items < 0.5 * n_q):
        shown = [h for _, h, q in unknown if q] or [h for _, h, _ in unknown] or headers
        listed = "; ".join(repr(h) for h in shown[:5]) + (f"; and {len(shown) - 5} more" if len(shown) > 5 else "")
        numbered = sum(bool(re.match(r"^(?:第)?\d+|^[Qq]\d+", norm(h))) for h in headers)
        hint = (f"pass the instrument this export was made from, or draft one from the export with "
                f"`onex-research draft-instrument {path} --out my_instrument.yaml`")
        if numbered == 0:
            hint += ("; the headers carry no question numbers, so items are matched by their wording "
                     "(text_zh) or a declared `header:`")
        raise WrongQuestionnaireError(
            f"{path}: this export is not of the questionnaire {instrument.name!r} "
            f"({instrument.title_zh}): {n_items} of {n_q} question columns match its items. "
            f"Unmatched question headers: {listed}. Hint: {hint}")
    if unknown:
        lines = [f"column {_col_name(p)} {h!r} (closest expected header: {closest(h, instrument)!r})"
                 for p, h, _ in unknown]
        raise UnknownColumnError(f"{path}: {len(unknown)} column(s) match no item of {instrument.name!r} "
                                 "and no metadata field: " + "; ".join(lines)
                                 + ". Hint: add the header to the instrument's `columns:` as `ignore` (or a "
                                 "metadata field), or add the item")
    owner = {}
    for pos, t in targets.items():
        if t.kind in ("ignore",) or (t.kind == "meta" and t.name == "ip_region"):
            continue
        key = (t.kind, t.name, t.option)
        if key in owner:
            p0 = owner[key]
            raise DuplicateHeaderError(
                f"{path}: columns {_col_name(p0)} {headers[p0]!r} and {_col_name(pos)} {headers[pos]!r} "
                f"both hold {t.name if t.kind != 'option' else f'{t.name} option {t.option}'}; "
                "hint: keep one of them")
        owner[key] = pos
    return targets


def _check_coverage(path, targets, instrument):
    joined = {t.name for t in targets.values() if t.kind == "item"}
    options = {}
    for t in targets.values():
        if t.kind == "option":
            options.setdefault(t.name, set()).add(t.option)
    missing = []
    for code in instrument.items.index:
        if code in joined:
            continue
        if code in options and len(options[code]) == instrument.n_points(code):
            continue
        if code in options:
            lacking = sorted(set(range(1, instrument.n_points(code) + 1)) - options[code])
            missing.append(f"{code} options {lacking} (expected headers like "
                           f"{int(instrument.items.at[code, 'question'])}({instrument.labels(code)[lacking[0] - 1]}))")
        else:
            missing.append(f"{code} (expected header {instrument.header(code)!r})")
    if missing:
        raise MissingQuestionError(f"{path}: {len(missing)} item(s) of {instrument.name!r} have no column: "
                                   + "; ".join(missing[:12]) + ("; ..." if len(missing) > 12 else "")
                                   + ". Hint: export every question, or use an instrument without them")


def _respondent_ids(path, pos, header, col: pd.Series | None, n: int) -> pd.Series:
    if col is None:
        return pd.Series(pd.array(np.arange(1, n + 1), dtype="Int64"), name="respondent_id")
    num = pd.to_numeric(col, errors="coerce")
    s = col if num.notna().all() else col.map(norm)
    num = num if num.notna().all() else pd.to_numeric(s, errors="coerce")
    if num.notna().all() and (num == np.round(num)).all():
        ids = pd.Series(pd.array(num.astype(np.int64), dtype="Int64"))
    else:
        bad = s[s.eq("")]
        if len(bad):
            raise RespondentIdError(f"{_where(path, pos, header)} is empty in file row(s) "
                                    f"{(bad.index + 2).tolist()[:10]}; hint: every submission needs an id")
        ids = s.astype("string").reset_index(drop=True)
    dup = ids[ids.duplicated(keep=False)]
    if len(dup):
        raise RespondentIdError(
            f"{_where(path, pos, header)} repeats ids {sorted(set(dup.astype(str)))[:10]} in file row(s) "
            f"{(dup.index + 2).tolist()[:10]}; hint: the id must be unique per submission")
    return ids.rename("respondent_id")


_DT_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M")


def _datetimes(path, pos, header, col: pd.Series) -> pd.Series:
    s = col.str.strip().replace("", None)
    for fmt in _DT_FORMATS:
        out = pd.to_datetime(s, format=fmt, errors="coerce")
        if (out.notna() | s.isna()).all():
            return out
    out = pd.to_datetime(s, format="mixed", errors="coerce")
    bad = s[out.isna() & s.notna()]
    if len(bad):
        raise SurveyExportError(f"{_where(path, pos, header)}: cannot read date-times {bad.unique().tolist()[:5]} "
                                f"in file row(s) {(bad.index + 2).tolist()[:10]}; hint: expected 2024/5/12 10:23:45")
    return out


_DURATION = re.compile(r"^(?:(\d+)(?:小时|时|h))?(?:(\d+)(?:分钟|分|min|m))?(?:(\d+(?:\.\d+)?)(?:秒|s))?$")


def _durations(path, pos, header, col: pd.Series) -> pd.Series:
    codes, uniq = pd.factorize(col, use_na_sentinel=True)
    sec = _durations_of(path, pos, header, pd.Series(uniq, dtype=object), codes).to_numpy(dtype=float,
                                                                                        na_value=np.nan)
    out = np.where(codes < 0, np.nan, sec[np.where(codes < 0, 0, codes)] if len(sec) else np.nan)
    return pd.Series(out, dtype="Float64").rename("duration_s")


def _durations_of(path, pos, header, col: pd.Series, codes) -> pd.Series:
    """Seconds of the distinct duration cells (``codes`` maps back to file rows)."""
    s = col.map(norm).replace("", None)
    secs = pd.to_numeric(s, errors="coerce")
    rest = s[secs.isna() & s.notna()]
    if len(rest):
        hms = rest.str.extract(r"^(\d+):(\d{1,2}):(\d{1,2})$").astype(float)
        part = rest.str.extract(_DURATION).astype(float)
        got = part.notna().any(axis=1)
        val = (part.fillna(0) * [3600, 60, 1]).sum(axis=1).where(got)
        val = val.fillna((hms * [3600, 60, 1]).sum(axis=1, min_count=3))
        secs.loc[rest.index] = val
        bad = rest[val.isna()]
        if len(bad):
            rows = np.flatnonzero(np.isin(codes, bad.index.to_numpy())) + 2
            raise SurveyExportError(f"{_where(path, pos, header)}: cannot read durations {bad.unique().tolist()[:5]} "
                                    f"in file row(s) {rows.tolist()[:10]}; hint: expected 420秒, "
                                    "7分0秒, 00:07:00 or seconds")
    return secs.astype("Float64")


def _metadata(path, headers, cells, targets, salt):
    n = len(cells)
    meta = {t.name: pos for pos, t in targets.items() if t.kind == "meta" and t.name != "ip_region"}
    regions = [pos for pos, t in targets.items() if t.kind == "meta" and t.name == "ip_region"]
    pos = meta.get("respondent_id")
    out = {"respondent_id": _respondent_ids(path, pos, headers[pos] if pos is not None else None,
                                            cells[pos] if pos is not None else None, n)}
    na_time = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
    for field in ("submitted_at", "started_at"):
        p = meta.get(field)
        out[field] = (_datetimes(path, p, headers[p], cells[p]).astype("datetime64[us]")
                      if p is not None else na_time)
    p = meta.get("duration_s")
    if p is not None:
        out["duration_s"] = _durations(path, p, headers[p], cells[p])
    else:
        out["duration_s"] = ((out["submitted_at"] - out["started_at"]).dt.total_seconds()).astype("Float64")
    for field in ("source", "source_detail"):
        p = meta.get(field)
        s = cells[p].astype("string").str.strip() if p is not None else pd.Series(pd.NA, index=cells.index,
                                                                                dtype="string")
        out[field] = s.mask(s.isin(["", "N/A", "n/a", "(空)"]))
    region = pd.Series(pd.NA, index=cells.index, dtype="string")
    if "ip" in meta:
        ip, region = split_ip(cells[meta["ip"]])
        out["ip_hash"] = hash_ip(ip, salt=salt)
    elif "ip_hash" in meta:
        out["ip_hash"] = cells[meta["ip_hash"]].astype("string").replace("", pd.NA)
    else:
        out["ip_hash"] = pd.Series(pd.NA, index=cells.index, dtype="string")
    if regions:
        joined = cells[regions].astype(str).agg("-".join, axis=1) if len(regions) > 1 else cells[regions[0]]
        joined = joined.astype("string").str.strip("- ").replace("", pd.NA)
        region = region.fillna(joined)
    out["ip_region"] = region
    frame = pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in out.items()})
    return frame[list(META_COLUMNS)]


def read_export(path, instrument: Instrument, *, salt: str = DEFAULT_SALT) -> pd.DataFrame:
    """Read a questionnaire export: one row per raw submission, nothing dropped.

    Parameters
    ----------
    path : str or pathlib.Path
        Wenjuanxin or Tencent Questionnaire export (.xlsx or .csv, answers as option text
        or as codes), SPSS .sav, or a plain CSV/XLSX whose columns are item codes. CSV
        encoding is detected (UTF-8, UTF-8 with BOM, GBK, GB18030). Opened read-only.
    instrument : Instrument
        The codebook (:func:`onex_research.instrument.load_instrument`).
    salt : str, keyword-only
        Salt of the IP hash (:data:`privacy.DEFAULT_SALT`, fixed so runs are deterministic).

    Returns
    -------
    pandas.DataFrame
        One row per submission in file order, with columns

        * ``respondent_id`` (``Int64``, or ``string`` for non-numeric ids): the export's
          序号/编号, else the 1-based row position;
        * ``submitted_at``, ``started_at`` (datetime), ``duration_s`` (``Float64``
          seconds; 所用时间/答题时长, else end minus start), ``source``,
          ``source_detail``, ``ip_hash`` (salted SHA-256, 16 hex digits), ``ip_region``;
        * one ``Int64`` column per single/Likert/attention item, named by item code,
          holding the scale's codes (1..k, or the declared codes such as 0..10 or
          -3..3; missing = ``<NA>``; numbers outside the declared codes are kept as
          they are, for :func:`clean` to log);
        * one ``Float64`` column per numeric item (age, amounts);
        * per multi-select item, 0/1 ``Int64`` columns ``<item>__1 .. <item>__k``
          (option codes; :func:`multi_columns`);
        * ``<item>__other`` (``string``) for items whose answers carry ``〖…〗``
          other-text, PII-scrubbed (:func:`other_column`);
        * one ``string`` column per text item, PII-scrubbed.

        ``attrs`` holds ``source_file``, ``file_format``, ``encoding``,
        ``export_style`` (wenjuanxin, tencent, codes), ``instrument`` and the column
        counts ``n_columns``, ``n_matched``, ``n_question_columns``,
        ``n_meta_columns``, ``n_ignored_columns``.

    Raises
    ------
    EmptyExportError, HeaderOnlyExportError, TruncatedExportError
        The file holds nothing, only a header, or ends mid-row.
    DuplicateHeaderError, UnknownColumnError, MissingQuestionError
        Header problems; the message names the column and the closest expected header.
    LabelNotOnScaleError
        An answer label that is not on the item's scale (all such cells are listed).
    WrongQuestionnaireError
        Most question headers match no item of ``instrument``.
    RespondentIdError
        A repeated or empty 序号/编号.

    Notes
    -----
    Missing answers: empty cells, ``(跳过)`` (skipped), ``-3`` (skipped, codes export),
    ``-2`` (not shown by skip logic) and ``(空)``. Headers and labels are matched after
    NFKC normalisation with all whitespace removed. Tencent headers (``Q7:标题-子题``)
    are matched by their ending (see ``onex_research.survey._headers``).

    Examples
    --------
    >>> from onex_research.paths import DEFAULT_INSTRUMENT, DEFAULT_STUDY
    >>> ins = load_instrument(DEFAULT_INSTRUMENT)                    # doctest: +SKIP
    >>> raw = read_export(DEFAULT_STUDY / "wjx_text.xlsx", ins)      # doctest: +SKIP
    """
    if not isinstance(instrument, Instrument):
        raise TypeError(f"read_export: instrument must be an Instrument (load_instrument(path)), "
                        f"got {type(instrument).__name__}")
    path = Path(path)
    headers, cells, info = load_table(path)
    targets = _map_columns(path, headers, instrument, info.pop("labels", None))
    _check_coverage(path, targets, instrument)
    meta = _metadata(path, headers, cells, targets, salt)
    rid = meta["respondent_id"]
    it = instrument.items
    cols, bad = {}, []
    others = {}
    spread = {}
    for pos, t in targets.items():
        where = (path, _col_name(pos), headers[pos], t.name)
        if t.kind == "option":
            spread.setdefault(t.name, {})[t.option] = decode_option(cells[pos], instrument.labels(t.name)[t.option - 1],
                                                                    where, rid, bad)
        elif t.kind == "other":
            others[t.name] = decode_text(cells[pos])
        elif t.kind == "item":
            kind = it.at[t.name, "type"]
            if kind == "text":
                cols[t.name] = decode_text(cells[pos])
            elif kind == "numeric":
                cols[t.name] = decode_numeric(cells[pos], where, rid, bad)
            elif kind == "multi":
                mat, other = decode_multi(cells[pos], instrument.labels(t.name), where, rid, bad)
                for k in range(mat.shape[1]):
                    cols[f"{t.name}__{k + 1}"] = mat[:, k]
                if other is not None:
                    others[t.name] = other
            else:
                cols[t.name], other = decode_codes(cells[pos], instrument.labels(t.name), where, rid, bad,
                                                   codes=instrument.codes(t.name))
                if other is not None:
                    others[t.name] = other
    if bad:
        lines = [f"column {w[1]} {w[2]!r} (item {w[3]}): value {v!r} in {rows}; {hint}"
                 for w, v, rows, hint in bad[:15]]
        raise LabelNotOnScaleError(f"{path}: {len(bad)} answer value(s) are not on the item's scale: "
                                   + " | ".join(lines) + (" | ..." if len(bad) > 15 else ""))
    ordered = {}
    for code in it.index:
        if it.at[code, "type"] == "multi":
            for k in range(1, instrument.n_points(code) + 1):
                name = f"{code}__{k}"
                ordered[name] = cols[name] if name in cols else spread[code][k]
        else:
            ordered[code] = cols[code]
        if code in others:
            ordered[other_column(code)] = others[code]
    items = pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in ordered.items()})
    for c in items.columns:
        if c in it.index and it.at[c, "type"] == "text" or c.endswith("__other"):
            continue
        if c in it.index and it.at[c, "type"] == "numeric":
            items[c] = items[c].astype("Float64")
            continue
        items[c] = items[c].astype("Int64")
    out = pd.concat([meta, items], axis=1)
    headers_n = [norm(h) for h in headers]
    style = ("tencent" if any(re.match(r"^[Qq]\d+", h) for h in headers_n) or "编号" in headers_n
             else "codes" if all(t.kind != "item" or norm(headers[p]) in it.index for p, t in targets.items())
             else "wenjuanxin")
    kinds = [t.kind for t in targets.values()]
    out.attrs = {"source_file": str(path), **{k: v for k, v in info.items() if k != "value_labels"},
                 "export_style": style, "instrument": instrument.name,
                 "n_columns": len(headers), "n_matched": len(targets),
                 "n_question_columns": sum(k in ("item", "option", "other") for k in kinds),
                 "n_meta_columns": kinds.count("meta"), "n_ignored_columns": kinds.count("ignore")}
    return out
