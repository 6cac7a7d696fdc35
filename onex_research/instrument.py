"""The questionnaire as a codebook: load and validate an instrument YAML.

An instrument says which questions an export holds, how each answer label maps to a
code, which items measure which construct and which are reverse-keyed. Readers,
cleaning, scoring, the simulator and the measurement models all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .errors import InstrumentError

__all__ = ["Instrument", "load_instrument", "ITEM_TYPES"]

ITEM_TYPES = ("likert", "single", "multi", "text", "attention")
_ITEM_KEYS = ("code", "question", "sub", "text_zh", "text_en", "construct", "scale", "reverse", "type")


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire codebook.

    Attributes
    ----------
    name, title_zh, title_en : str
    scales : dict[str, list[str]]
        Scale name -> ordered answer labels; label ``i`` has code ``i + 1``.
    constructs : pandas.DataFrame
        Indexed by construct code, columns ``label_zh, label_en, role``.
    items : pandas.DataFrame
        Indexed by item code, columns ``question, sub, text_zh, text_en, construct,
        scale, reverse, type, correct`` in questionnaire order.
    path : pathlib.Path or None
        The YAML it was read from.
    """

    name: str
    title_zh: str
    title_en: str
    scales: dict
    constructs: pd.DataFrame
    items: pd.DataFrame
    path: Path | None = None
    meta: dict = field(default_factory=dict)

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

    def header(self, item: str) -> str:
        """The column header Wenjuanxin prints for ``item``: ``N、题目`` or ``N(子题)``."""
        row = self.items.loc[item]
        if isinstance(row["sub"], str) and row["sub"]:
            return f"{int(row['question'])}({row['sub']})"
        return f"{int(row['question'])}、{row['text_zh']}"

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

    scales = {}
    for name, labels in (doc["scales"] or {}).items():
        if not isinstance(labels, list) or not labels:
            _fail(path, f"scale {name!r} must be a non-empty list of labels")
        labels = [str(x) for x in labels]
        if len(set(labels)) != len(labels):
            _fail(path, f"scale {name!r} repeats a label: {labels}")
        scales[name] = labels

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
        if spec["type"] != "text" and spec["scale"] is None:
            _fail(path, f"{where}: a {spec['type']} item needs a scale")
        if spec["construct"] is not None and spec["construct"] not in constructs.index:
            _fail(path, f"{where}: construct {spec['construct']!r} is not defined under constructs")
        correct = spec.get("correct")
        if spec["type"] == "attention":
            k = len(scales[spec["scale"]])
            if not isinstance(correct, int) or not 1 <= correct <= k:
                _fail(path, f"{where}: an attention item needs `correct`, a code in 1..{k}")
        items.append({
            "code": code, "question": int(spec["question"]), "sub": spec["sub"] or None,
            "text_zh": str(spec["text_zh"]), "text_en": str(spec["text_en"]),
            "construct": spec["construct"], "scale": spec["scale"], "reverse": bool(spec["reverse"]),
            "type": spec["type"], "correct": correct,
        })
    if not items:
        _fail(path, "no items")
    items = pd.DataFrame(items, dtype=object).set_index("code")
    items["question"] = items["question"].astype(int)
    items["reverse"] = items["reverse"].astype(bool)
    meta = {k: v for k, v in doc.items() if k not in ("scales", "constructs", "items")}
    return Instrument(name=str(doc.get("name", path.stem)), title_zh=str(doc.get("title_zh", "")),
                      title_en=str(doc.get("title_en", "")), scales=scales, constructs=constructs,
                      items=items, path=path, meta=meta)
