"""How the study's tables name constructs, model terms and reference groups (private)."""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["construct_names", "term_label", "reference_note", "TERM", "register"]


def construct_names(survey) -> dict:
    """construct code -> its Chinese label, for table headers."""
    return survey.instrument.constructs["label_zh"].to_dict()


TERM = re.compile(r'^C\((?:Q\(")?([^")]+)(?:"\))?\)\[T\.(.+)\]$')


def term_label(term: str, survey) -> str:
    """A model term as a reader reads it: 角色：教师, 社会认可度, 截距 (no patsy syntax)."""
    from ..report.labels import label

    if term == "Intercept":
        return "截距"
    m = TERM.match(term)
    if m:
        return f"{label(m.group(1))}：{m.group(2)}"
    return construct_names(survey).get(term, label(term))


def reference_note(survey, controls) -> str:
    """注 for categorical controls: the reference level of each (the scale's first answer)."""
    from ..report.labels import label

    refs = [f"{label(c)} = {survey.data[c].cat.categories[0]}" for c in controls
            if isinstance(survey.data[c].dtype, pd.CategoricalDtype) and len(survey.data[c].cat.categories)]
    return ("参照组：" + "，".join(refs) + "。") if refs else ""


def register(rep, survey, table, **kwargs):
    """``rep.table`` with the survey's construct codes printed as their labels, and
    reverse-keyed items marked ``rec4（R）``, in the row names and code columns of the
    .docx/.tex/.md (the .csv keeps the codes); a table that shows a reverse-keyed item says
    so in its note."""
    reverse = [c for c in survey.instrument.reverse_items() if c in survey.items.columns]
    names = {**construct_names(survey), **{c: f"{c}（R）" for c in reverse}, **kwargs.pop("row_labels", {})}
    shown = set(map(str, table.index.get_level_values(-1))) if hasattr(table, "index") else set()
    if hasattr(table, "columns") and "item" in table.columns:
        shown |= set(map(str, table["item"]))
    if shown & set(reverse):
        note = kwargs.get("notes") or ""
        kwargs["notes"] = (note.rstrip("。") + "；" if note else "") + "（R）为反向计分题，表中为反向计分后的得分。"
    return rep.table(table, row_labels=names, **kwargs)
