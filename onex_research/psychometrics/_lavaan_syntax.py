"""lavaan model syntax -> parameter table, with the defaults of ``lavaan::sem``.

Private: :func:`onex_research.psychometrics.sem` documents the syntax it accepts.
Operators: ``=~`` (loadings), ``~`` (regressions), ``~~`` (variances, covariances),
``~ 1`` (intercepts), ``:=`` (defined parameters). Modifiers: ``2*x`` (fixed), ``a*x``
(label), ``NA*x`` (free), ``c(a, b)*x`` (one modifier per group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import OnexError

__all__: list[str] = []

_NAME = r"[A-Za-z_.\u4e00-\u9fff][\w.\u4e00-\u9fff]*"
_OPS = ("=~", "~~", ":=", "~")


class ModelSyntaxError(OnexError):
    """A line of lavaan model syntax that cannot be used; the message quotes it
    (a ``ValueError``, through :class:`onex_research.errors.OnexError`)."""


@dataclass
class Formula:
    lhs: str
    op: str
    rhs: str
    modifier: object = None      # None, float (fixed), str (label), "NA", or a list per group
    line: str = ""


@dataclass
class ParsedModel:
    formulas: list = field(default_factory=list)
    defined: list = field(default_factory=list)        # (name, expression, line)


def _logical_lines(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.replace(";", "\n").splitlines():
        line = re.split(r"[#!]", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        if out and (out[-1].endswith(("+", "~", "*", "=~", "~~", ":=")) or line.startswith("+")):
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return out


def _modifier(text: str, line: str):
    text = text.strip()
    if text.startswith("c(") and text.endswith(")"):
        return [_modifier(t, line) for t in text[2:-1].split(",")]
    if text in ("NA", "na"):
        return "NA"
    try:
        return float(text)
    except ValueError:
        pass
    if re.fullmatch(_NAME, text):
        return text
    raise ModelSyntaxError(f"cannot read the modifier {text!r} in the model line {line!r}; "
                           "hint: use a number (fixed), a label (a*x) or NA (free)")


def parse(model: str) -> ParsedModel:
    """Parse lavaan syntax into formulas (one per left-right pair) and := definitions."""
    if not isinstance(model, str) or not model.strip():
        raise TypeError("model must be a non-empty string of lavaan syntax, e.g. "
                        "'f =~ x1 + x2 + x3\\ny ~ f'")
    parsed = ParsedModel()
    for line in _logical_lines(model):
        op = next((o for o in _OPS if o in line), None)
        if op is None or any(o in line for o in ("==", "<", ">")):
            raise ModelSyntaxError(f"cannot parse the model line {line!r}; hint: lavaan operators "
                                   "are =~ ~ ~~ := (constraints ==, <, > are not supported)")
        lhs_text, rhs_text = (s.strip() for s in line.split(op, 1))
        if op == ":=":
            if not re.fullmatch(_NAME, lhs_text) or not rhs_text:
                raise ModelSyntaxError(f"cannot parse the definition {line!r}; hint: name := a*b")
            parsed.defined.append((lhs_text, rhs_text, line))
            continue
        lhs_names = [s.strip() for s in lhs_text.split("+")]
        if not all(re.fullmatch(_NAME, n) for n in lhs_names) or not rhs_text:
            raise ModelSyntaxError(f"cannot parse the model line {line!r}; hint: the left side "
                                   "must be variable names, e.g. 'f =~ x1 + x2'")
        for term in rhs_text.split("+"):
            term = term.strip()
            if not term:
                raise ModelSyntaxError(f"empty term in the model line {line!r}")
            mod = None
            if "*" in term:
                mod_text, term = term.rsplit("*", 1)
                mod = _modifier(mod_text, line)
                term = term.strip()
            if op == "~" and term == "1":
                for lhs in lhs_names:
                    parsed.formulas.append(Formula(lhs, "~1", "", mod, line))
                continue
            if not re.fullmatch(_NAME, term):
                raise ModelSyntaxError(f"cannot read the term {term!r} in the model line {line!r}")
            for lhs in lhs_names:
                parsed.formulas.append(Formula(lhs, op, term, mod, line))
    if not parsed.formulas:
        raise ModelSyntaxError("the model has no =~, ~ or ~~ formula")
    return parsed


def variables(parsed: ParsedModel, data_columns) -> dict:
    """Classify names as lavaan does: latent, observed, exogenous observed (ov.x), ..."""
    fs = parsed.formulas
    latent = list(dict.fromkeys(f.lhs for f in fs if f.op == "=~"))
    names = list(dict.fromkeys([n for f in fs for n in (f.lhs, f.rhs) if n]))
    observed = [n for n in names if n not in latent]
    cols = set(map(str, data_columns))
    for f in fs:
        for n in (f.lhs, f.rhs):
            if n and n not in latent and n not in cols:
                raise ModelSyntaxError(f"unknown variable {n!r} in the model line {f.line!r}: it is "
                                       "not a column of data and not a latent variable (=~)")
    indicators = {f.rhs for f in fs if f.op == "=~"}
    reg_lhs = {f.lhs for f in fs if f.op == "~"}
    reg_rhs = {f.rhs for f in fs if f.op == "~"}
    touched = {n for f in fs if f.op in ("~~", "~1") for n in (f.lhs, f.rhs) if n}
    ov_x = [n for n in observed if n in reg_rhs and n not in reg_lhs and n not in indicators
            and n not in touched]
    lv_x = [n for n in latent if n not in reg_lhs and n not in indicators]
    y = [n for n in names if n in reg_lhs and n not in reg_rhs and n not in indicators]
    # lavaan orders observed variables: indicators first (in order), then the others
    ov = [n for n in names if n in indicators and n not in latent]
    ov += [n for n in observed if n not in ov]
    return {"latent": latent, "observed": ov, "ov_x": ov_x, "lv_x": lv_x, "y": y}
