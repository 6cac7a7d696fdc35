"""Dump an :class:`~onex_research.instrument.Instrument` as commented YAML.

The layout follows ``surveys/onex_instrument.yaml``: one flow mapping per item on one
line, so that a drafted instrument reads like the hand-written one. ``# TODO`` notes
are comments and do not change what :func:`load_instrument` reads.
"""

from __future__ import annotations

import yaml

__all__ = ["dump_instrument"]


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def _flow(value) -> str:
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, width=100_000,
                     sort_keys=False)
    return text.strip().removesuffix("...").strip()


def _plain(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def dump_instrument(ins, notes: dict) -> str:
    notes = dict(notes or {})
    out = [f"# Instrument (codebook) {ins.name}: read by onex_research.survey.read_export.",
           "# Schema: see surveys/onex_instrument.yaml. Lines marked TODO need a decision before analysis."]
    for key in ("name", "title_zh", "title_en"):
        out.append(f"{key}: {_flow(getattr(ins, key))}")
    for key, value in ins.meta.items():
        if key in ("notes", "columns", "name", "title_zh", "title_en"):
            continue
        out.append(f"{key}: {_flow(value)}")
    columns = ins.meta.get("columns")
    if columns:
        out += ["", "# export columns that are not questions: header -> metadata field (or ignore)", "columns:"]
        for h, f in columns.items():
            note = notes.get(f"column:{h}")
            out.append(f"  {_flow(str(h))}: {f}" + (f"  # TODO {note}" if note else ""))
    out += ["", "scales:"]
    for name, labels in ins.scales.items():
        codes = ins.scale_codes.get(name)
        value = dict(zip(codes, labels)) if codes else list(labels)
        line = f"  {_flow(name)}: {_flow(value)}"
        if f"scale:{name}" in notes:
            line += f"  # TODO {notes[f'scale:{name}']}"
        out.append(line)
    out += ["", "constructs:" + ("" if len(ins.constructs) else " {}")]
    for code, row in ins.constructs.iterrows():
        out.append(f"  {_flow(str(code))}:" + (f"  # TODO {notes[f'construct:{code}']}"
                                              if f"construct:{code}" in notes else ""))
        for key in ("label_zh", "label_en", "role"):
            out.append(f"    {key}: {_flow(_plain(row[key]))}")
    out += ["", "items:"]
    it = ins.items
    for code in it.index:
        row = it.loc[code]
        spec = {"code": str(code)}
        for key in ("question", "sub", "text_zh", "text_en", "construct", "scale", "reverse", "type"):
            spec[key] = _plain(row[key])
        spec["reverse"] = bool(spec["reverse"])
        for key in ("correct", "header", "position"):
            v = _plain(row[key]) if key in it.columns else None
            if v is not None:
                spec[key] = v
        line = f"  - {_flow(spec)}"
        if code in notes:
            line += f"  # TODO {notes[code]}"
        out.append(line)
    return "\n".join(out) + "\n"
