"""Draft an instrument (codebook) from a questionnaire export: :func:`draft_instrument`.

Everything the export carries goes into the draft: question numbers and wording
(``N、``, ``N：``, ``N(子题)``, ``第N题``, ``Q…``, ``1.1``, ``3、(1)`` and unnumbered
headers), matrix stems and rows (``7、题干—子题`` then ``7、子题``), .sav variable
and value labels, the answer labels of text exports, multi-select options (``┋``),
``〖other〗`` text, the platforms' metadata columns, and attention items with their
correct answer (``请选择“非常符合”``, ``请选5``). Every item carries the exact
header it was drafted from (and its column position when the export repeats a
header), so the draft reads its own export with no edits.

What an export cannot tell is left as ``# TODO`` comments: constructs (a construct
is proposed per matrix of rating items), roles, reverse keys, labels of code-only
scales and the order of unordered answer labels.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ..instrument import META_FIELDS, Instrument
from ._decode import MISSING_TOKENS, MULTI_SEPARATORS
from ._draft_answers import (_ATTENTION, _ATTENTION_WORDS, _CODE_TOKENS, _ENDS, _INT, _OPEN, _RANGE,
                             LIKERT_SCALES, _answers, _base, _counts, _numbers, _order_labels)
from ._files import load_table
from ._headers import IGNORED_COLUMNS, META_ALIASES, norm

__all__ = ["draft_instrument", "draft_summary", "LIKERT_SCALES"]

_META = {**META_ALIASES, **{k: "ignore" for k in IGNORED_COLUMNS}}
_SUBNUM = re.compile(r"^(?:第)?\s*(\d+[.．]\d+)\s*(?:题)?[、.:：,，．]?\s*(.*)$", re.S)
_PAREN_SUB = re.compile(r"^(?:第)?\s*(\d+)\s*(?:题)?[、.:：,，．]\s*[(（]\s*(\d+)\s*[)）][,，、]?\s*(.*)$", re.S)
_SUB = re.compile(r"^(?:第)?\s*(\d+)\s*(?:题)?\s*[(（](.+)[)）]$", re.S)
_TITLE = re.compile(r"^(?:第)?\s*(\d+)\s*(?:题)?[、.:：,，．]\s*(.*)$", re.S)
_TENCENT = re.compile(r"^[QqＱ](\d+)(?:[、.:：_-]\s*(.*))?$", re.S)


def _parse(header: str):
    """(question ref or None, stem, row/sub text or None, wording) of a header.

    Parsed on the header as written (stripped), so the wording keeps its full-width
    punctuation; the reader matches after NFKC anyway.
    """
    h = unicodedata.normalize("NFC", str(header)).strip().lstrip("@").strip()
    h = re.sub(r"^[０-９]+", lambda m: unicodedata.normalize("NFKC", m.group(0)), h)
    m = _PAREN_SUB.match(h)
    if m:
        q, k, rest = m.groups()
        return f"{q}.{k}", None, None, rest or f"{q}({k})"
    m = _SUBNUM.match(h)
    if m:
        q, rest = m.groups()
        return q.replace("．", "."), None, None, rest or q
    m = _SUB.match(h)
    if m:
        return int(m.group(1)), None, m.group(2), m.group(2)
    m = _TITLE.match(h)
    if m:
        q, rest = int(m.group(1)), m.group(2)
        if "—" in rest:
            stem, row = rest.rsplit("—", 1)
            return q, stem, row, row
        return q, None, None, rest
    m = _TENCENT.match(h)
    if m:
        q, rest = int(m.group(1)), m.group(2) or ""
        return q, None, None, rest or f"Q{q}"
    return None, None, None, h


class _Draft:
    def __init__(self, path, headers, cells, info, name):
        self.path, self.headers, self.cells, self.info = path, headers, cells, info
        self.name = name
        self.items, self.scales, self.scale_codes, self.notes = [], {}, {}, {}
        self.columns, self.constructs = {}, {}
        self.codes_used = set()
        self._counts = {}

    def counts(self, pos) -> pd.Series:
        if pos not in self._counts:
            self._counts[pos] = _counts(self.cells[pos])
        return self._counts[pos]

    # -- scales ---------------------------------------------------------------
    def scale(self, labels, codes=None, hint=None, note=None) -> str:
        labels = [str(x) for x in labels]
        for name, existing in self.scales.items():
            if existing == labels and self.scale_codes.get(name) == (list(codes) if codes else None):
                return name
        name = next((n for n, s in LIKERT_SCALES.items() if s == labels and not codes), None)
        if name is None or name in self.scales:
            base = hint or f"s{len(self.scales) + 1}"
            name, i = base, 1
            while name in self.scales:
                i += 1
                name = f"{base}_{i}"
        self.scales[name] = labels
        if codes is not None:
            self.scale_codes[name] = [int(c) for c in codes]
        if note:
            self.notes[f"scale:{name}"] = note
        return name

    def code(self, q, pos, row_index) -> str:
        if q is None:
            base = f"item{pos + 1}"
        elif row_index is not None:
            base = f"q{str(q).replace('.', '_')}_{row_index}"
        else:
            base = f"q{str(q).replace('.', '_')}"
        code, i = base, 1
        while code in self.codes_used:
            i += 1
            code = f"{base}_{i}"
        self.codes_used.add(code)
        return code


def _meta_field(header, label):
    for h in (header, label):
        if h:
            key = norm(h).lower()
            if key in _META:
                return _META[key]
    return None


def draft_instrument(path, *, name: str | None = None) -> Instrument:
    """Draft an instrument from a questionnaire export.

    Parameters
    ----------
    path : str or pathlib.Path
        A Wenjuanxin, Tencent Questionnaire, Tencent Docs, 金数据 or Credamo export
        (.xlsx or .csv, answers as text or as codes) or an SPSS .sav file.
    name : str, optional
        The instrument's name (default: the file's stem).

    Returns
    -------
    Instrument
        Items in column order with ``question, sub, text_zh, type, scale`` and the
        exact ``header`` (plus ``position`` for repeated headers); ``meta["columns"]``
        maps the metadata columns; ``meta["notes"]`` holds the TODOs that
        :meth:`Instrument.to_yaml` writes as comments and :func:`draft_summary`
        counts. Write it with ``ins.to_yaml("my_instrument.yaml")``.

    Notes
    -----
    Item types: ``likert`` (a known rating scale, a matrix row, or codes on a short
    range in a matrix), ``single``, ``multi`` (answers joined with ``┋`` or ``|``),
    ``numeric`` (numbers on a wide range: age, amounts), ``text`` (many distinct
    answers, fill-in blanks ``___``) and ``attention`` (wording such as 请选择“同意”).
    Code-only answers get the observed code range as their scale, marked TODO; a
    rating range stated in the wording (``从1-7``) widens it.
    """
    path = Path(path)
    headers, cells, info = load_table(path)
    labels = info.get("labels") or [""] * len(headers)
    value_labels = info.get("value_labels") or {}
    d = _Draft(path, headers, cells, info, name or path.stem)
    keys = [norm(h) for h in headers]
    repeats = {k for k in keys if keys.count(k) > 1}
    stems = {}
    rows_per_q = {}
    parsed = {}
    for pos, h in enumerate(headers):
        field = _meta_field(h, labels[pos])
        if field is not None:
            if field == "respondent_id":
                c = d.counts(pos)
                if (c > 1).any() or (c.index.astype(str).str.strip() == "").any():
                    field = "ignore"
                    d.notes[f"column:{h}"] = (f"{h} repeats ids or has empty ones (e.g. two exports pasted "
                                              "together); respondent_id is the row number instead")
            d.columns[str(h)] = field
            continue
        source = labels[pos] if labels[pos] else h
        q, stem, row, text = _parse(source)
        if q is None and labels[pos]:
            q2 = _parse(h)
            q, stem, row, text = (q2 if q2[0] is not None else (q, stem, row, text))
        if q is not None and stem is not None:
            stems[q] = stem
        parsed[pos] = (q, stem, row, text)
        if q is not None:
            rows_per_q.setdefault(q, []).append(pos)
    # a matrix: several columns under one question number (the stem is on the first only)
    for pos, (q, stem, row, text) in list(parsed.items()):
        if q is not None and len(rows_per_q[q]) > 1 and row is None and not isinstance(q, str):
            sub = _parse(headers[pos])[2]
            parsed[pos] = (q, stems.get(q), sub if sub else text, text)

    # the rows of a matrix share one scale: pool their answer labels
    pooled = {}
    for q, positions in rows_per_q.items():
        if len(positions) > 1 and not isinstance(q, str):
            pool = {}
            for p in positions:
                for v, n in _answers(cells[p], d.counts(p)).items():
                    b = _base(v)
                    if b and norm(b) not in MISSING_TOKENS:
                        pool[b] = pool.get(b, 0) + int(n)
            pooled[q] = pool
    d.pooled = pooled
    for pos in sorted(parsed):
        _draft_column(d, pos, parsed[pos], repeats, keys, rows_per_q, value_labels.get(pos, {}))
    items = pd.DataFrame(d.items, dtype=object).set_index("code") if d.items else None
    if items is None:
        from ..errors import SurveyExportError

        raise SurveyExportError(f"{path}: no question columns found; headers: {headers[:8]}")
    if all(isinstance(q, int) for q in items["question"]):
        items["question"] = items["question"].astype(int)
    items["reverse"] = items["reverse"].astype(bool)
    constructs = pd.DataFrame(
        [{"construct": c, **v} for c, v in d.constructs.items()],
        columns=["construct", "label_zh", "label_en", "role"]).set_index("construct")
    meta = {"version": "draft", "platform": _platform(keys, info), "source_file": path.name,
            "columns": d.columns, "notes": d.notes}
    return Instrument(name=d.name, title_zh="TODO 问卷标题", title_en="TODO questionnaire title",
                      scales=d.scales, constructs=constructs, items=items, path=None, meta=meta,
                      scale_codes=d.scale_codes)


def _platform(keys, info):
    if info.get("file_format") == "sav":
        return "spss"
    if "答题序号" in keys or any(k.startswith("提交者") for k in keys):
        return "tencent_docs"
    if any(re.match(r"^[Qq]\d+", k) for k in keys) or "编号" in keys:
        return "tencent"
    if "提交答卷时间" in keys or "所用时间" in keys or any(re.match(r"^\d+、", k) for k in keys):
        return "wenjuanxin"
    return "unknown"


def _draft_column(d: _Draft, pos, parsed, repeats, keys, rows_per_q, vlabels):
    q, stem, row, text = parsed
    header = d.headers[pos]
    col = d.cells[pos]
    all_counts = d.counts(pos)
    counts = _answers(col, all_counts)
    in_matrix = q is not None and len(rows_per_q.get(q, [])) > 1 and not isinstance(q, str)
    row_index = rows_per_q[q].index(pos) + 1 if in_matrix else None
    code = d.code(q, pos, row_index)
    wording = f"{stem}—{row}" if stem and row and in_matrix and row_index == 1 else text
    spec = {"code": code, "question": q, "sub": row if in_matrix else None,
            "text_zh": row if in_matrix and row else (text or header), "text_en": "TODO",
            "construct": None, "scale": None, "reverse": False, "type": "text", "correct": None,
            "header": str(header), "position": pos + 1 if norm(header) in repeats else None}
    notes = []
    values = [str(u) for u in counts.index]
    nums = _numbers(values) if values else None
    if nums is None:                       # -3/-2 among words: skipped cells, not answers
        counts = counts.loc[[u for u in counts.index if norm(u) not in _CODE_TOKENS]]
        values = [str(u) for u in counts.index]
    n_answered = int(counts.sum())
    full = norm(f"{stem or ''}{wording}{header}")
    blank = "___" in str(header) or "[___" in full
    is_multi = any(MULTI_SEPARATORS.search(v) for v in values)
    if not values:
        notes.append("no answers in the export; type guessed as text")
    elif blank:
        pass
    elif vlabels:
        codes = sorted(set(int(k) for k in vlabels) | {int(x) for x in (nums if nums is not None else [])
                                                         if float(x).is_integer()})
        labs = [str(vlabels.get(c, vlabels.get(float(c), c))) for c in codes]
        spec["scale"] = d.scale(labs, codes=codes if codes != list(range(1, len(codes) + 1)) else None,
                                hint=f"q{str(q).replace('.', '_')}" if q is not None else None)
        spec["type"] = "likert" if in_matrix else "single"
    elif nums is not None:
        whole = np.all(nums == np.round(nums))
        obs = nums
        if whole and (obs >= 0).any() and set(obs[obs < 0]) <= {-2.0, -3.0}:
            obs = obs[obs >= 0]                    # -3 skipped, -2 not shown (codes exports)
        lo, hi = (int(obs.min()), int(obs.max())) if len(obs) else (1, 1)
        stated = _RANGE.search(full)
        ends = dict((int(a), lab.strip()) for a, lab in _ENDS.findall(full)) if whole else {}
        if len(ends) >= 2:
            a, b = min(ends), max(ends)
            if a < b and b - a <= 10:
                lo, hi = min(lo, a), max(hi, b)
                stated = True
        elif stated and whole:
            a, b = int(stated.group(1)), int(stated.group(2))
            if a < b and b - a <= 10 and a <= lo and hi <= b:
                lo, hi = a, b
            else:
                stated = None
        if whole and lo == 2 and hi >= 5:
            lo = 1                                 # nobody chose the lowest point of a 1..k rating
            notes.append("assumed the scale starts at 1 (lowest code seen: 2)")
        if whole and in_matrix and set(obs) <= {0.0, 1.0} and lo == 0:
            # 0/1 under one question: a multi-select spread over columns (Tencent Q6:题目-选项)
            spec["scale"] = d.scale(["未选", "选中"], codes=[0, 1], hint="chosen01")
            spec["type"] = "single"
            notes.append("0/1 column: one option of a multi-select spread over columns")
        elif whole and hi - lo <= 10 and len(set(obs)) <= 11 and not (len(set(obs)) > 7 and not in_matrix
                                                                     and n_answered > 50 and lo > 10):
            codes = list(range(lo, hi + 1))
            labs = [ends.get(c, str(c)) for c in codes]
            if len(set(labs)) < len(labs):
                labs = [str(c) for c in codes]
            spec["scale"] = d.scale(labs, codes=None if codes == list(range(1, len(codes) + 1)) else codes,
                                    hint=f"codes{lo}_{hi}".replace("-", "m"),
                                    note=f"codes {lo}..{hi} (seen in the export"
                                    + (", or named in the wording" if stated else "")
                                    + "); write each code's label")
            spec["type"] = "likert" if (in_matrix or stated) else "single"
            notes.append(f"code-only answers {lo}..{hi}; label the scale")
        else:
            spec["type"] = "numeric"
            if q is None:
                notes.append("numbers with no question number: a score the author computed? delete it "
                             "from items and list the header under columns as ignore")
    elif is_multi:
        opts, seen = [], set()
        for v in values:
            for tok in MULTI_SEPARATORS.split(v):
                b = _base(tok)
                if b and norm(b) not in MISSING_TOKENS and norm(b) not in seen:
                    seen.add(norm(b))
                    opts.append(b)
        spec["type"] = "multi"
        spec["scale"] = d.scale(opts, hint=f"{code}_options")
        notes.append("options as seen in the export, in order of first appearance; add options nobody chose")
    else:
        base = {}
        for v, n in counts.items():
            b = _base(v)
            if norm(b) in MISSING_TOKENS or not b:
                continue
            base[b] = base.get(b, 0) + int(n)
        pool = d.pooled.get(q) if in_matrix else None
        if pool and len(pool) <= 15 and set(base) <= set(pool):
            base = dict(pool)                       # every row of the matrix gets the whole scale
        # stray numbers among word labels (a miskeyed code): kept as codes for clean to judge
        strays = {b: n for b, n in base.items() if _INT.match(norm(b))}
        words = {b: n for b, n in base.items() if b not in strays}
        if strays and words and sum(strays.values()) <= 0.05 * sum(base.values()):
            base = words
            notes.append(f"{sum(strays.values())} answer(s) are numbers off the word scale "
                         f"(e.g. {next(iter(strays))}); clean blanks them as out of range")
        labs = list(base)
        long_text = np.mean([len(x) for x in labs]) > 30 if labs else True
        # Wenjuanxin writes (空) for an empty fill-in answer, (跳过) for a skipped question
        fill_in = any(norm(u) == norm("(空)") for u in all_counts.index[:1000])
        closed = labs and len(labs) <= 15 and not long_text and not _OPEN.search(full) and not fill_in and (
            len(labs) <= max(2, 0.5 * n_answered) or n_answered <= 20 and len(labs) <= 5)
        known = _order_labels(labs, list(base.values()))[1] is None if labs else False
        if closed or known:
            ordered, note = _order_labels(labs, [base[x] for x in labs])
            spec["scale"] = d.scale(ordered, hint=f"{code}_scale" if note else None)
            is_rating = any(ordered == s for s in LIKERT_SCALES.values())
            spec["type"] = "likert" if is_rating or (in_matrix and note is None) else "single"
            if note:
                notes.append(note)
        else:
            spec["type"] = "text"
    # attention items: 请选择“同意”, 请选5
    m = _ATTENTION.search(full)
    if m and spec["scale"] and _ATTENTION_WORDS.search(full):
        want = norm(m.group(1))
        labs = d.scales[spec["scale"]]
        codes = d.scale_codes.get(spec["scale"]) or list(range(1, len(labs) + 1))
        hit = [c for c, lab in zip(codes, labs) if norm(lab) == want]
        if hit:
            spec["correct"] = int(hit[0])
        else:
            nums = _numbers(values)
            top = int(nums[np.argmax(counts.to_numpy())]) if nums is not None and len(values) else codes[0]
            spec["correct"] = top if top in codes else codes[0]
            notes.append(f"attention item: the wording asks for {m.group(1)!r}, which is no label of the scale; "
                         f"correct is taken as the most common answer ({spec['correct']}): check it")
        spec["type"] = "attention"
    if spec["type"] == "likert" and in_matrix:
        cons = f"c{q}"
        if cons not in d.constructs:
            d.constructs[cons] = {"label_zh": stem or f"第{q}题", "label_en": "TODO", "role": None}
            d.notes[f"construct:{cons}"] = ("proposed from matrix question "
                                            f"{q}: check which items belong, set label_en and role "
                                            "(driver | barrier | facilitator | outcome)")
        spec["construct"] = cons
        notes.append("reverse-keyed? (set reverse: true)")
    if notes:
        d.notes[code] = "; ".join(notes)
    d.items.append(spec)


def draft_summary(instrument: Instrument) -> str:
    """A short report of a drafted instrument: what was found, what is left to fill in."""
    it = instrument.items
    notes = instrument.meta.get("notes", {})
    types = it["type"].value_counts()
    lines = [f"drafted {len(it)} items: " + ", ".join(f"{n} {t}" for t, n in types.items()),
             f"metadata columns: " + (", ".join(f"{h} -> {f}" for h, f in instrument.columns().items()) or "none")]
    att = instrument.attention_items
    if att:
        lines.append("attention items: " + ", ".join(f"{c} (correct {it.at[c, 'correct']})" for c in att))
    todo_scales = [k.split(":", 1)[1] for k in notes if k.startswith("scale:")]
    todo_items = [k for k in notes if k in it.index]
    lines.append("still to fill in (marked TODO in the YAML):")
    lines.append(f"  - {len(instrument.constructs)} proposed construct(s): check their items, set label_en and "
                 "role" if len(instrument.constructs) else "  - constructs: none proposed; group the rating "
                 "items into constructs")
    n_lik = int((it["type"] == "likert").sum())
    lines.append(f"  - reverse keys of {n_lik} rating item(s)")
    if todo_scales:
        lines.append(f"  - labels of {len(todo_scales)} code-only scale(s): {', '.join(todo_scales[:8])}")
    if todo_items:
        lines.append(f"  - {len(todo_items)} item note(s), e.g. {todo_items[0]}: {notes[todo_items[0]]}")
    for k, v in notes.items():
        if k.startswith("column:"):
            lines.append(f"  - {v}")
    lines.append("  - text_en of every item and the questionnaire title")
    return "\n".join(lines)
