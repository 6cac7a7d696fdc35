"""The questionnaire as a codebook: load and validate an instrument YAML.

An instrument says which questions an export holds, how each answer label maps to a
code, which items measure which construct and which are reverse-keyed. Readers,
cleaning, scoring, the simulator and the measurement models all read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .errors import InstrumentError

__all__ = ["Instrument", "load_instrument", "ITEM_TYPES", "META_FIELDS"]

ITEM_TYPES = ("likert", "single", "multi", "text", "attention", "numeric")
_ITEM_KEYS = ("code", "question", "sub", "text_zh", "text_en", "construct", "scale", "reverse", "type")
_OPTIONAL_KEYS = ("correct", "header", "position")
META_FIELDS = ("respondent_id", "submitted_at", "started_at", "duration_s", "source", "source_detail",
               "ip", "ip_hash", "ip_region", "ignore")
"""Values allowed in an instrument's ``columns:`` mapping (export header -> field)."""


def _question(value):
    """An item's question reference: an int (``7``), a string (``"1.1"``, ``"Q3"``) or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return text or None


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire codebook.

    Attributes
    ----------
    name, title_zh, title_en : str
    scales : dict[str, list[str]]
        Scale name -> ordered answer labels; label ``i`` has code ``i + 1`` unless the
        scale declares its codes (``scale_codes``).
    constructs : pandas.DataFrame
        Indexed by construct code, columns ``label_zh, label_en, role``.
    items : pandas.DataFrame
        Indexed by item code, columns ``question, sub, text_zh, text_en, construct,
        scale, reverse, type, correct, header, position`` in questionnaire order.
        ``question`` is an int, a string such as ``"1.1"`` or missing (unnumbered);
        ``header`` the exact export header when the instrument declares one;
        ``position`` the 1-based column of a header the export repeats.
    path : pathlib.Path or None
        The YAML it was read from.
    meta : dict
        Other top-level keys (``version``, ``platform``, ``columns`` ...).
    scale_codes : dict[str, list[int]]
        Scale name -> the integer code of each label, for scales written as a mapping
        ``{code: label}`` (``0..10``, ``-3..3``); absent scales are coded ``1..k``.
    """

    name: str
    title_zh: str
    title_en: str
    scales: dict
    constructs: pd.DataFrame
    items: pd.DataFrame
    path: Path | None = None
    meta: dict = field(default_factory=dict)
    scale_codes: dict = field(default_factory=dict)

    # -- item groups ---------------------------------------------------------
    @property
    def likert_items(self) -> list[str]:
        """Codes of the Likert items that belong to a construct, in order."""
        it = self.items
        return list(it.index[(it["type"] == "likert") & it["construct"].notna()])

    @property
    def attention_items(self) -> list[str]:
        return list(self.items.index[self.items["type"] == "attention"])

    @property
    def demographics(self) -> list[str]:
        """Single- and multi-choice items outside any construct."""
        it = self.items
        return list(it.index[it["type"].isin(["single", "multi"]) & it["construct"].isna()])

    def construct_items(self, construct: str | None = None) -> dict[str, list[str]] | list[str]:
        """Items per construct (``{construct: [items]}``), or the items of one construct."""
        groups = {c: [] for c in self.constructs.index}
        for code, row in self.items.iterrows():
            if row["construct"] is not None and row["type"] == "likert":
                groups[row["construct"]].append(code)
        if construct is None:
            return groups
        if construct not in groups:
            raise KeyError(f"unknown construct {construct!r}; known: {', '.join(groups)}")
        return groups[construct]

    def reverse_items(self) -> list[str]:
        return list(self.items.index[self.items["reverse"].astype(bool)])

    def labels(self, item: str) -> list[str]:
        """Ordered answer labels of ``item`` (code ``i + 1`` for label ``i``)."""
        scale = self.items.at[item, "scale"]
        return list(self.scales[scale]) if scale else []

    def n_points(self, item: str) -> int:
        return len(self.labels(item))

    def codes(self, item: str) -> list[int]:
        """The integer code of each answer label of ``item`` (``1..k`` unless declared)."""
        scale = self.items.at[item, "scale"]
        if not scale:
            return []
        return list(self.scale_codes.get(scale) or range(1, len(self.scales[scale]) + 1))

    def code_range(self, item: str) -> tuple[int, int]:
        """Lowest and highest declared code of ``item`` (``(1, k)`` for a plain scale)."""
        c = self.codes(item)
        return (min(c), max(c)) if c else (1, 0)

    def columns(self) -> dict:
        """The ``columns:`` mapping of the YAML: export header -> metadata field or ``ignore``."""
        return dict(self.meta.get("columns") or {})

    def _opt(self, item: str, key: str):
        if key not in self.items.columns:
            return None
        v = self.items.at[item, key]
        return None if v is None or (isinstance(v, float) and v != v) else v

    def header(self, item: str) -> str:
        """The column header the export carries for ``item``.

        The declared ``header`` when there is one, else Wenjuanxin's style:
        ``N、题目``, ``N(子题)`` for a matrix row, or the wording alone for an
        unnumbered question.
        """
        row = self.items.loc[item]
        declared = self._opt(item, "header")
        if declared:
            return str(declared)
        q = row["question"]
        if q is None or (isinstance(q, float) and q != q):
            return str(row["text_zh"])
        if isinstance(row["sub"], str) and row["sub"]:
            return f"{q}({row['sub']})"
        return f"{q}、{row['text_zh']}"

    def to_yaml(self, path=None, *, notes: dict | None = None) -> str:
        """Write the instrument as YAML that :func:`load_instrument` reads back.

        Parameters
        ----------
        path : str or pathlib.Path, optional
            Where to write (UTF-8). Written to a temporary file first and moved into
            place, so a failure leaves no partial file.
        notes : dict, optional
            ``{item code or "scale:<name>" or "construct:<code>": text}``: written as
            ``# TODO`` comments after the line they refer to (``meta["notes"]`` when
            not given).

        Returns
        -------
        str
            The YAML text.
        """
        from ._instrument_yaml import dump_instrument

        text = dump_instrument(self, notes if notes is not None else self.meta.get("notes", {}))
        if path is not None:
            from .survey._atomic import atomic_path

            with atomic_path(path) as tmp:
                Path(tmp).write_text(text, encoding="utf-8")
        return text

    def __repr__(self) -> str:
        return (f"Instrument({self.name!r}: {len(self.items)} items, "
                f"{len(self.constructs)} constructs, {len(self.scales)} scales)")


def _fail(path, msg):
    raise InstrumentError(f"{path}: {msg}")


def load_instrument(path) -> Instrument:
    """Read and validate an instrument (codebook) YAML.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file (see ``surveys/onex_instrument.yaml`` for the schema).

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        When a key is missing, a scale or construct is referenced but not defined,
        an item code is repeated, or an attention item has no valid ``correct`` code.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except FileNotFoundError:
        raise InstrumentError(f"{path}: instrument file not found") from None
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict):
        _fail(path, "the top level must be a mapping with keys scales, constructs, items")
    for key in ("scales", "constructs", "items"):
        if key not in doc:
            _fail(path, f"missing top-level key {key!r}")

    scales, scale_codes = {}, {}
    for name, labels in (doc["scales"] or {}).items():
        if isinstance(labels, dict) and labels:
            codes = []
            for k in labels:
                try:
                    codes.append(int(k))
                except (TypeError, ValueError):
                    _fail(path, f"scale {name!r}: {k!r} is not an integer code; write a scale as a list "
                          "of labels (codes 1..k) or as a mapping {code: label} with integer codes")
            if len(set(codes)) != len(codes):
                _fail(path, f"scale {name!r} repeats a code: {codes}")
            scale_codes[str(name)] = codes
            labels = list(labels.values())
        elif not isinstance(labels, list) or not labels:
            _fail(path, f"scale {name!r} must be a non-empty list of labels or a mapping {{code: label}}")
        labels = [str(x) for x in labels]
        if len(set(labels)) != len(labels):
            _fail(path, f"scale {name!r} repeats a label: {labels}")
        scales[str(name)] = labels
        if str(name) not in scale_codes and all(re.fullmatch(r"[+-]?\d+", x.strip()) for x in labels):
            # labels that are numbers (0..10, -3..3) are their own codes: no silent shift to 1..k
            nums = [int(x) for x in labels]
            if nums != list(range(1, len(nums) + 1)) and len(set(nums)) == len(nums):
                scale_codes[str(name)] = nums

    rows = []
    for code, spec in (doc["constructs"] or {}).items():
        spec = spec or {}
        for key in ("label_zh", "label_en"):
            if key not in spec:
                _fail(path, f"construct {code!r} has no {key!r}")
        rows.append({"construct": code, "label_zh": spec["label_zh"], "label_en": spec["label_en"],
                     "role": spec.get("role")})
    constructs = pd.DataFrame(rows, columns=["construct", "label_zh", "label_en", "role"]).set_index("construct")

    items = []
    seen = set()
    for i, spec in enumerate(doc["items"] or []):
        where = f"item #{i + 1} ({spec.get('code', '?')})" if isinstance(spec, dict) else f"item #{i + 1}"
        if not isinstance(spec, dict):
            _fail(path, f"{where} must be a mapping")
        missing = [k for k in _ITEM_KEYS if k not in spec]
        if missing:
            _fail(path, f"{where} is missing {', '.join(missing)}")
        code = str(spec["code"])
        if code in seen:
            _fail(path, f"item code {code!r} appears twice")
        seen.add(code)
        if spec["type"] not in ITEM_TYPES:
            _fail(path, f"{where}: type {spec['type']!r} is not one of {', '.join(ITEM_TYPES)}")
        if spec["scale"] is not None and spec["scale"] not in scales:
            _fail(path, f"{where}: scale {spec['scale']!r} is not defined under scales")
        if spec["type"] not in ("text", "numeric") and spec["scale"] is None:
            _fail(path, f"{where}: a {spec['type']} item needs a scale")
        if spec["construct"] is not None and spec["construct"] not in constructs.index:
            _fail(path, f"{where}: construct {spec['construct']!r} is not defined under constructs")
        correct = spec.get("correct")
        if spec["type"] == "attention":
            codes = scale_codes.get(spec["scale"]) or range(1, len(scales[spec["scale"]]) + 1)
            if isinstance(correct, bool) or not isinstance(correct, int) or correct not in codes:
                _fail(path, f"{where}: an attention item needs `correct`, one of the codes "
                      f"{min(codes)}..{max(codes)} of scale {spec['scale']!r}")
        question = _question(spec["question"])
        if isinstance(spec["question"], float) and not spec["question"].is_integer():
            _fail(path, f"{where}: question {spec['question']!r} reads as a number; write a sub-numbered "
                  f"question as a string, question: \"{spec['question']}\", so that 1.1 and 1.10 stay apart")
        if question is None and not spec.get("header") and not str(spec["text_zh"]).strip():
            _fail(path, f"{where}: an unnumbered question needs text_zh or header to be matched by")
        position = spec.get("position")
        if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 1):
            _fail(path, f"{where}: position must be the 1-based column number, got {position!r}")
        items.append({
            "code": code, "question": question, "sub": spec["sub"] or None,
            "text_zh": str(spec["text_zh"]), "text_en": str(spec["text_en"]),
            "construct": spec["construct"], "scale": spec["scale"], "reverse": bool(spec["reverse"]),
            "type": spec["type"], "correct": correct,
            "header": str(spec["header"]) if spec.get("header") not in (None, "") else None,
            "position": position,
        })
    if not items:
        _fail(path, "no items")
    items = pd.DataFrame(items, dtype=object).set_index("code")
    if all(isinstance(q, int) for q in items["question"]):
        items["question"] = items["question"].astype(int)
    items["reverse"] = items["reverse"].astype(bool)
    meta = {k: v for k, v in doc.items() if k not in ("scales", "constructs", "items")}
    columns = meta.get("columns")
    if columns is not None:
        if not isinstance(columns, dict):
            _fail(path, "`columns` must map export headers to metadata fields")
        bad = {h: f for h, f in columns.items() if f not in META_FIELDS}
        if bad:
            _fail(path, f"`columns`: {bad} are not metadata fields; use one of {', '.join(META_FIELDS)}")
    return Instrument(name=str(doc.get("name", path.stem)), title_zh=str(doc.get("title_zh", "")),
                      title_en=str(doc.get("title_en", "")), scales=scales, constructs=constructs,
                      items=items, path=path, meta=meta, scale_codes=scale_codes)
