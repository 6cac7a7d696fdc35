"""Render a simulated study as a Wenjuanxin (问卷星) export and write its files, byte for byte.

Used by ``onex_research.simulate.survey``; the public names are re-exported there.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..paths import DEFAULT_STUDY

WJX_META_HEADERS = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
SKIP_TEXT = "(跳过)"
SKIP_CODE = -3
MULTI_SEP = "┋"
_FIXED_DATE = (2024, 5, 26, 0, 0, 0)
_FIXED_ISO = b"2024-05-26T00:00:00Z"


def _multi_masks(values: pd.Series, k: int) -> np.ndarray:
    """Bit masks from code strings ``1┋3`` (vectorised over the unique values)."""
    uniq, inv = np.unique(values.fillna("").to_numpy(dtype=object).astype(str), return_inverse=True)
    table = np.array([sum(1 << (int(c) - 1) for c in u.split(MULTI_SEP) if c) for u in uniq], dtype=np.int64)
    return table[inv]


def export_wenjuanxin(study, *, answers: str = "text", multi: str = "joined") -> pd.DataFrame:
    """The study as the DataFrame a Wenjuanxin export holds.

    Parameters
    ----------
    study : SurveyStudy
    answers : {"text", "codes"}, default "text"
        按选项文本 (option labels; skipped = ``(跳过)``; an out-of-range code is the bare
        number string) or 按序号 (codes; skipped = ``-3``).
    multi : {"joined", "spread"}, default "joined"
        Multi-select answers joined with ``┋`` in one column, or spread over 0/1 columns
        headed ``N(选项)``.

    Returns
    -------
    pandas.DataFrame
        Columns 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, then one column per
        item headed ``instrument.header(item)`` (per option when spread).
    """
    if answers not in ("text", "codes"):
        raise ValueError(f"export_wenjuanxin: answers must be 'text' or 'codes', got {answers!r}")
    if multi not in ("joined", "spread"):
        raise ValueError(f"export_wenjuanxin: multi must be 'joined' or 'spread', got {multi!r}")
    ins, r, meta = study.instrument, study.responses, study.meta
    out = {
        "序号": np.asarray(r.index, dtype=np.int64),
        "提交答卷时间": meta["submitted"].to_numpy(dtype=object),
        "所用时间": (meta["seconds"].astype(str) + "秒").to_numpy(dtype=object),
        "来源": meta["source"].to_numpy(dtype=object),
        "来源详情": meta["source_detail"].to_numpy(dtype=object),
        "来自IP": meta["ip"].to_numpy(dtype=object),
    }
    for code in ins.items.index:
        typ = ins.items.at[code, "type"]
        header = ins.header(code)
        col = r[code]
        if typ == "text":
            out[header] = col.fillna("").to_numpy(dtype=object)
            continue
        labels = ins.labels(code)
        k = len(labels)
        if typ == "multi":
            masks = _multi_masks(col, k)
            if multi == "spread":
                q = int(ins.items.at[code, "question"])
                for b, lab in enumerate(labels):
                    out[f"{q}({lab})"] = (masks >> b & 1).astype(np.int64)
            elif answers == "codes":
                out[header] = col.fillna("").to_numpy(dtype=object)
            else:
                uniq, inv = np.unique(masks, return_inverse=True)
                table = np.array([MULTI_SEP.join(labels[b] for b in range(k) if m >> b & 1) for m in uniq],
                                 dtype=object)
                out[header] = table[inv]
            continue
        gap = col.isna().to_numpy()
        v = col.fillna(SKIP_CODE).to_numpy(dtype=np.int64)
        if answers == "codes":
            out[header] = v
            continue
        valid = (v >= 1) & (v <= k)
        lab = np.array([""] + labels, dtype=object)
        cell = np.where(valid, lab[np.where(valid, v, 0)], v.astype(str).astype(object))
        cell[gap] = SKIP_TEXT
        out[header] = cell
    df = pd.DataFrame(out)
    if len(set(df.columns)) != df.shape[1]:
        dup = df.columns[df.columns.duplicated()].tolist()
        raise ValueError(f"export_wenjuanxin: the instrument gives duplicated headers {dup}")
    return df


def _normalise_xlsx(raw: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed entry dates and fixed core.xml timestamps."""
    zin = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>" + _FIXED_ISO + rb"\g<3>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    return buf.getvalue()


def _xlsx_bytes(df: pd.DataFrame) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append([str(c) for c in df.columns])
    arrays = [df[c].to_numpy(dtype=object) for c in df.columns]
    for row in zip(*arrays):
        ws.append([None if (v is None or v == "") else (int(v) if isinstance(v, (np.integer, int)) else str(v))
                   for v in row])
    wb.properties.creator = "onex_research"
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_xlsx(buf.getvalue())


def write_wenjuanxin(study, path, *, answers: str = "text", multi: str = "joined",
                     encoding: str = "gbk") -> Path:
    """Write the study as a Wenjuanxin export (.xlsx or .csv), byte-deterministic.

    Parameters
    ----------
    study : SurveyStudy
    path : str or pathlib.Path
        ``.xlsx`` (sheet ``Sheet1``) or ``.csv`` (CRLF line ends).
    answers, multi
        As in :func:`export_wenjuanxin`.
    encoding : str, default "gbk"
        Encoding of a .csv (Wenjuanxin writes GBK); ignored for .xlsx.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    df = export_wenjuanxin(study, answers=answers, multi=multi)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        path.write_bytes(_xlsx_bytes(df))
    elif suffix == ".csv":
        text = df.to_csv(index=False, lineterminator="\r\n")
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError as exc:
            raise ValueError(f"write_wenjuanxin: {path}: {exc.object[exc.start:exc.end]!r} cannot be "
                             f"encoded as {encoding}; try encoding='gb18030' or 'utf-8-sig'") from None
        path.write_bytes(data)
    else:
        raise ValueError(f"write_wenjuanxin: {path}: the file must end in .xlsx or .csv")
    return path


STUDY_FILES = ("README.md", "wjx_text.xlsx", "wjx_codes.csv", "truth.json", "truth_dirty.csv", "truth_latent.csv")


def _readme(study) -> str:
    t = study.truth
    rows = "\n".join(f"| {r.rule} | {r.rows} | {r.cells} |" for r in study.summary().itertuples())
    return f"""# Simulated study: {t['instrument']} (seed {t['seed']})

Made by `onex_research.simulate.simulate_study` (n = {t['n']} respondents, {t['n_rows']} export rows
with the planted duplicates) and `write_study`; regenerate the default study with
`python scripts/make_default_study.py`. Nothing here is real: names, phone numbers and
IP addresses are invented.

| file | what |
|---|---|
| `wjx_text.xlsx` | Wenjuanxin export, answers as option text (按选项文本); skipped = `(跳过)` |
| `wjx_codes.csv` | Wenjuanxin export, answers as codes (按序号), GBK; skipped = `-3` |
| `truth.json` | the model (loadings, factor correlations, paths, role shifts, thresholds), the rates, the dirty rows and the population regression; `_readme` explains each key |
| `truth_dirty.csv` | `序号, rule, item, value, detail`: one row per planted reason |
| `truth_latent.csv` | latent factor scores, role and `copy_of` per 序号 |

Planted dirt (rows = distinct 序号, cells = rows of `truth_dirty.csv`):

| rule | rows | cells |
|---|---|---|
{rows}
"""



def write_study(study, folder) -> dict:
    """Write the exports and the truth of ``study`` into ``folder`` (created if needed).

    Files: ``README.md``, ``wjx_text.xlsx`` (option text), ``wjx_codes.csv`` (codes, GBK),
    ``truth.json``, ``truth_dirty.csv`` and ``truth_latent.csv`` (UTF-8, LF). The same
    study gives the same bytes.

    Returns
    -------
    dict
        File name -> pathlib.Path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in STUDY_FILES}
    paths["README.md"].write_bytes(_readme(study).encode("utf-8"))
    write_wenjuanxin(study, paths["wjx_text.xlsx"], answers="text")
    write_wenjuanxin(study, paths["wjx_codes.csv"], answers="codes", encoding="gbk")
    paths["truth.json"].write_text(json.dumps(study.truth, ensure_ascii=False, indent=1) + "\n",
                                   encoding="utf-8", newline="\n")
    paths["truth_dirty.csv"].write_bytes(study.dirty.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    latent = study.latent.reset_index()
    paths["truth_latent.csv"].write_bytes(
        latent.to_csv(index=False, lineterminator="\n", float_format="%.4f").encode("utf-8"))
    return paths


# -- reading the truth back ------------------------------------------------------
def read_truth(folder=None) -> dict:
    """``truth.json`` of a written study (default: ``surveys/default_study``)."""
    path = Path(DEFAULT_STUDY if folder is None else folder) / "truth.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no truth here; run scripts/make_default_study.py --out "
                                f"{path.parent}") from None


def read_truth_dirty(folder=None) -> pd.DataFrame:
    """``truth_dirty.csv`` of a written study: ``序号`` (int), ``rule, item, value, detail`` (str, "" = none)."""
    path = Path(DEFAULT_STUDY if folder is None else folder) / "truth_dirty.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df["序号"] = df["序号"].astype(int)
    return df


def truth_loadings(truth: dict, *, raw: bool = False) -> pd.DataFrame:
    """The true loading matrix, items x factors (zeros off the item's own factor).

    Parameters
    ----------
    truth : dict
        ``SurveyStudy.truth`` or :func:`read_truth`.
    raw : bool, default False
        False: loadings on the reverse-keyed metric (all positive), to compare with an
        EFA of reverse-keyed items; True: raw answers (reverse items negative).

    Returns
    -------
    pandas.DataFrame
        Index item codes, columns ``truth["predictors"] + truth["outcomes"]``.
    """
    factors = list(truth["predictors"]) + list(truth["outcomes"])
    key = "raw_loading" if raw else "loading"
    rows = {item: {f: (d[key] if d["construct"] == f else 0.0) for f in factors}
            for item, d in truth["loadings"].items() if d["construct"] is not None}
    return pd.DataFrame.from_dict(rows, orient="index", columns=factors)
