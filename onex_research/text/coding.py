"""Deductive coding against a YAML coding frame: hits, matrices, exemplars, agreement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import CodingFrameError
from .normalize import is_normalized, normalize
from .sentences import split_sentences as _split_sentences

__all__ = ["Code", "CodingFrame", "load_frame", "split_sentences", "code", "code_matrix", "wilson_interval",
           "code_cooccurrence", "exemplars", "kappa", "coding_f1"]

_META = ("interview_id", "role", "turn", "speaker", "school_type")


@dataclass(frozen=True)
class Code:
    """One code of a frame: a name, labels, keywords, regex patterns and exclusions."""

    name: str
    label_zh: str
    label_en: str
    keywords: tuple = ()
    patterns: tuple = ()
    exclude: tuple = ()
    description: str = ""

    @property
    def regex(self):
        """One compiled alternation: keywords (longest first) and patterns."""
        alts = [re.escape(k) for k in sorted(self.keywords, key=len, reverse=True)] + list(self.patterns)
        return re.compile("|".join(alts)) if alts else re.compile(r"(?!x)x")


@dataclass(frozen=True)
class CodingFrame:
    """A coding frame: codes in file order; ``frame["enterprise"]`` gives a :class:`Code`."""

    codes: tuple
    unit: str = "sentence"
    path: str | None = None

    def __getitem__(self, name):
        return next(c for c in self.codes if c.name == name)

    @property
    def names(self):
        return [c.name for c in self.codes]

    def to_frame(self) -> pd.DataFrame:
        """The frame as a table: ``code, label_zh, label_en, keywords, patterns, exclude``."""
        return pd.DataFrame([{"code": c.name, "label_zh": c.label_zh, "label_en": c.label_en,
                              "keywords": "、".join(c.keywords), "patterns": " | ".join(c.patterns),
                              "exclude": "、".join(c.exclude)} for c in self.codes])

    def _repr_html_(self):
        return self.to_frame()._repr_html_()


def _line_of(text, key):
    for i, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*:", line):
            return i
    return None


def load_frame(path) -> CodingFrame:
    """Read a coding frame from YAML (``corpus/coding_frame.yaml``).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    CodingFrame

    Raises
    ------
    CodingFrameError
        No ``codes`` mapping, a code without ``label_zh``/``label_en`` or without any
        keyword or pattern, or a pattern that is not a valid regular expression; the
        message names the file and line.

    Notes
    -----
    Format::

        codes:
          enterprise:
            label_zh: 校企合作
            label_en: Enterprise cooperation
            keywords: [企业, 校企合作]
            patterns: ['老师(?:们)?的负担']   # optional
            exclude: [事业单位]               # optional, masked before matching

    Keywords and exclusions are normalised like the texts (:func:`normalize`).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise CodingFrameError(f"not valid YAML: {err}", path=path,
                               line=None if line is None else line + 1) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("codes"), dict) or not doc["codes"]:
        raise CodingFrameError("expected a mapping 'codes:' with at least one code", path=path, line=1)
    codes = []
    for name, spec in doc["codes"].items():
        line = _line_of(text, name)
        if not isinstance(spec, dict):
            raise CodingFrameError(f"code {name!r} must be a mapping", path=path, line=line)
        for key in ("label_zh", "label_en"):
            if not spec.get(key):
                raise CodingFrameError(f"code {name!r} has no {key!r}", path=path, line=line)
        kws = tuple(normalize(str(k)) for k in (spec.get("keywords") or []))
        pats = tuple(str(p) for p in (spec.get("patterns") or []))
        if not kws and not pats:
            raise CodingFrameError(f"code {name!r} has neither keywords nor patterns", path=path, line=line)
        for p in pats:
            try:
                re.compile(p)
            except re.error as err:
                raise CodingFrameError(f"code {name!r}: pattern {p!r} is not a valid regular "
                                       f"expression ({err})", path=path, line=_line_of(text, "patterns")
                                       and line) from None
        codes.append(Code(name=str(name), label_zh=str(spec["label_zh"]), label_en=str(spec["label_en"]),
                          keywords=kws, patterns=pats,
                          exclude=tuple(normalize(str(e)) for e in (spec.get("exclude") or [])),
                          description=str(spec.get("description", ""))))
    return CodingFrame(codes=tuple(codes), unit=str(doc.get("unit", "sentence")), path=str(path))


def split_sentences(text: str) -> list[str]:
    """Split after 。！？!?, after a sentence-final ``.``/``．`` and at line breaks.

    Decimals, 1+X, URLs, e-mail addresses and document numbers (国发〔2019〕4号) are
    never split; a closing quote stays with its sentence; semicolons do not end a
    sentence (as in :func:`onex_research.simulate.split_sentences`). See
    :func:`onex_research.text.sentences.split_sentences`.
    """
    return _split_sentences(text)


def code(texts, frame, *, unit="sentence", text="text") -> pd.DataFrame:
    """Code texts against a frame: one row per (unit, code) hit.

    Parameters
    ----------
    texts : list of str, Series or DataFrame
        Texts to code; a DataFrame's ``text`` column is used and its
        ``interview_id, role, turn, speaker, school_type`` columns are carried over.
    frame : CodingFrame or path
        From :func:`load_frame`.
    unit : {"sentence", "turn"}, default "sentence"
        Code each sentence (:func:`split_sentences`) or each whole text.

    Returns
    -------
    DataFrame
        ``doc`` (position in ``texts``), ``unit`` (sentence number within the text, 0
        for turns), ``sentence`` (same as ``unit``), ``code``, ``match`` (the first
        keyword or pattern match), ``n_matches``, ``text`` (the unit), plus the carried
        metadata. Ordered by doc, unit, frame order of codes.
    """
    if not isinstance(frame, CodingFrame):
        frame = load_frame(frame)
    if unit not in ("sentence", "turn"):
        raise ValueError(f"unit must be 'sentence' or 'turn', got {unit!r}")
    meta, done = None, False
    if isinstance(texts, pd.DataFrame):
        meta = texts[[c for c in _META if c in texts.columns]].reset_index(drop=True)
        done = is_normalized(texts, text)   # read_transcripts' text: normalised once already
        texts = texts[text]
    texts = [(t if done else normalize(t)) if isinstance(t, str) else "" for t in texts]
    compiled = [(c.name, c.regex, c.exclude) for c in frame.codes]
    rows = []
    for d, t in enumerate(texts):
        units = split_sentences(t) if unit == "sentence" else [t]
        for u, s in enumerate(units):
            for name, rx, exclude in compiled:
                masked = s
                for e in exclude:
                    if e in masked:
                        masked = masked.replace(e, "\u3000" * len(e))
                found = rx.findall(masked)
                if found:
                    first = found[0] if isinstance(found[0], str) else found[0][0]
                    rows.append((d, u, name, first, len(found), s))
    out = pd.DataFrame(rows, columns=["doc", "unit", "code", "match", "n_matches", "text"])
    out.insert(2, "sentence", out["unit"])
    if meta is not None:
        out = pd.concat([out, meta.iloc[out["doc"].to_numpy()].reset_index(drop=True)], axis=1)
    return out


def wilson_interval(k, n, *, level=0.95):
    """Wilson score interval of the proportion ``k / n`` (``(nan, nan)`` when n = 0).

    # R: binom::binom.wilson(k, n) ; Python: statsmodels proportion_confint(k, n, method="wilson")
    """
    from scipy import stats

    if n == 0:
        return np.nan, np.nan
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    return (0.0 if k == 0 else lo), (1.0 if k == n else hi)


def code_matrix(hits, units, *, by="role", id_col="interview_id", frame=None, codes=None,
                level=0.95) -> pd.DataFrame:
    """Code x group matrix, as hits and as % of interviews.

    The prevalence of a code in a group is the share of the group's interviews with at
    least one hit (``pct_interviews``, 0-100), with its Wilson interval at ``level``; the
    study's one definition, also used by the joint display.

    Parameters
    ----------
    hits : DataFrame
        From :func:`code` on a table of turns (has ``id_col`` and ``by``).
    units : DataFrame
        The table that was coded, so that interviews without any hit count in the
        denominators.
    frame : CodingFrame, optional
        Lists every code (also those without hits) and adds ``label_zh``.
    codes : list of str, optional
        Only these codes, in this order (a code without hits gets zeros).
    level : float, default 0.95
        Level of the Wilson interval.

    Returns
    -------
    DataFrame
        ``code, label_zh, group, hits, units`` (distinct coded units),
        ``interviews`` (with at least one hit), ``n_interviews`` (in the group),
        ``pct_interviews`` with ``pct_ci_low, pct_ci_high`` (Wilson, in %), and
        ``mentions_per_interview`` (hits / interviews of the group).
    """
    for col in (by, id_col):
        if col not in hits.columns or col not in units.columns:
            raise KeyError(f"column {col!r} must be in both hits and units")
    names = frame.names if frame is not None else list(pd.unique(hits["code"]))
    if codes is not None:  # these codes, in this order, also those without hits
        names = list(codes)
    groups = sorted(pd.unique(units[by]))
    n_int = units.groupby(by)[id_col].nunique()
    rows = []
    for c in names:
        h = hits[hits["code"] == c]
        for g in groups:
            hg = h[h[by] == g]
            n_ints, total = int(hg[id_col].nunique()), int(n_int.get(g, 0))
            lo, hi = wilson_interval(n_ints, total, level=level)
            label = frame[c].label_zh if frame is not None and c in frame.names else c
            rows.append({"code": c, "label_zh": label, "group": g,
                         "hits": int(len(hg)), "units": int(hg[["doc", "unit"]].drop_duplicates().shape[0]),
                         "interviews": n_ints, "n_interviews": total,
                         "pct_interviews": 100.0 * n_ints / total if total else np.nan,
                         "pct_ci_low": 100.0 * lo, "pct_ci_high": 100.0 * hi,
                         "mentions_per_interview": len(hg) / total if total else np.nan})
    return pd.DataFrame(rows)


def code_cooccurrence(hits, *, level="unit", frame=None) -> pd.DataFrame:
    """Codes x codes: how many units (or documents, ``level="doc"``) carry both codes.

    The diagonal counts units with the code.
    """
    keys = ["doc", "unit"] if level == "unit" else ["doc"]
    names = frame.names if frame is not None else list(pd.unique(hits["code"]))
    ind = pd.crosstab([hits[k] for k in keys], hits["code"]).clip(upper=1)
    ind = ind.reindex(columns=names, fill_value=0)
    mat = ind.T @ ind
    mat.index.name, mat.columns.name = "code", "code"
    return mat


def exemplars(hits, *, n=3, min_len=12, max_len=150, frame=None, codes=None, spread_by=None) -> pd.DataFrame:
    """Exemplar quotes per code, one per interview, most matches first.

    Parameters
    ----------
    hits : DataFrame
        From :func:`code`.
    n : int, default 3
        Quotes per code.
    min_len, max_len : int
        Length window of a quote, in characters.
    frame : CodingFrame, optional
        The codes, in the frame's order; default: the codes of ``hits``.
    codes : list of str, optional
        Only these codes.
    spread_by : str, optional
        A column (e.g. ``"role"``): take the best quote of each of its values first, then
        fill up by rank, so that the quotes of a code come from different groups.

    Returns
    -------
    DataFrame
        ``code, rank, interview_id, role, turn, quote, match``. Deterministic: ties
        break by shorter quote, then position.
    """
    h = hits.copy()
    h["len"] = h["text"].str.len()
    h = h[(h["len"] >= min_len) & (h["len"] <= max_len)]
    id_col = "interview_id" if "interview_id" in h.columns else "doc"
    names = frame.names if frame is not None else list(pd.unique(hits["code"]))
    if codes is not None:
        names = [c for c in names if c in set(codes)]
    rows = []
    for c in names:
        hc = h[h["code"] == c].sort_values(["n_matches", "len", "doc", "unit"],
                                            ascending=[False, True, True, True])
        hc = hc.drop_duplicates(id_col)
        if spread_by is not None and spread_by in hc.columns:
            first = ~hc[spread_by].duplicated()
            hc = pd.concat([hc[first], hc[~first]])
        hc = hc.head(n)
        for r, row in enumerate(hc.itertuples(index=False), start=1):
            rows.append({"code": c, "rank": r, "interview_id": getattr(row, id_col),
                         "role": getattr(row, "role", None), "turn": getattr(row, "turn", None),
                         "quote": row.text, "match": row.match})
    return pd.DataFrame(rows, columns=["code", "rank", "interview_id", "role", "turn", "quote", "match"])


def _indicators(df, keys, codes, universe):
    sub = df[list(keys) + ["code"]].drop_duplicates()
    sub = sub[sub["code"].isin(codes)]
    ind = pd.crosstab([sub[k] for k in keys], sub["code"]).clip(upper=1)
    idx = pd.MultiIndex.from_frame(universe[list(keys)].drop_duplicates()) if len(keys) > 1 \
        else pd.Index(universe[keys[0]].drop_duplicates())
    return ind.reindex(index=idx, columns=codes, fill_value=0)


def kappa(coded, manual, *, units=None, keys=("interview_id", "turn"), codes=None,
          manual_interviews_only=True) -> pd.DataFrame:
    """Cohen's kappa per code between the automatic and a manual coding.

    Parameters
    ----------
    coded : DataFrame
        Hits from :func:`code` (sentence hits are pooled to ``keys``: a turn has a code
        if any of its sentences has).
    manual : DataFrame or path
        Manual coding, one row per (unit, code): columns ``keys`` + ``code``
        (``corpus/manual_coding.csv``: ``interview_id, turn, code``).
    units : DataFrame, optional
        Every unit that was coded (e.g. the interviewee turns), with the ``keys``
        columns, so that units neither coder tagged count as agreements. Strongly
        recommended; without it the units are those tagged by either coder, which
        leaves out the agreed absences and understates kappa (a warning says so).
    codes : list, optional
        Codes to compare (default: all codes in either coding).
    manual_interviews_only : bool, default True
        Keep only the interviews that appear in ``manual`` (a manual file that codes
        some interviews completely, as ``corpus/manual_coding.csv`` does).

    Returns
    -------
    DataFrame
        ``code, n, n_coded, n_manual, agreement`` (observed, p_o), ``p_e``, ``kappa``.
        Kappa is NaN when p_e = 1 (both coders constant).

    Notes
    -----
    For each code, units are 0/1 for each coder; kappa = (p_o - p_e) / (1 - p_e) with
    p_e = p1 q1 + (1 - p1)(1 - q1) (Cohen 1960). Equals
    ``sklearn.metrics.cohen_kappa_score`` on the two 0/1 vectors.
    # R: irr::kappa2(cbind(auto, manual))$value
    """
    import warnings

    keys = list(keys)
    if isinstance(manual, (str, Path)):
        manual = pd.read_csv(manual, dtype={"interview_id": str})
    if units is None:
        warnings.warn("kappa(): no `units` given; using the units either coder tagged, which leaves "
                      "out agreed absences. Pass units= (e.g. the interviewee turns).", stacklevel=2)
        units = pd.concat([coded[keys], manual[keys]]).drop_duplicates()
    for name, df in (("coded", coded), ("manual", manual), ("units", units)):
        missing = [k for k in keys + (["code"] if name != "units" else []) if k not in df.columns]
        if missing:
            raise KeyError(f"{name} lacks columns {missing}; it needs {keys + ['code']}")
    if manual_interviews_only and "interview_id" in keys:
        ids = set(manual["interview_id"])
        units = units[units["interview_id"].isin(ids)]
        coded = coded[coded["interview_id"].isin(ids)]
    unknown = manual.merge(units[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    unknown = unknown[unknown["_merge"] == "left_only"]
    if len(unknown):
        raise ValueError(f"manual coding has {len(unknown)} units not among `units`, e.g. "
                         f"{unknown[keys].iloc[0].to_dict()}")
    codes = list(codes) if codes is not None else sorted(set(coded["code"]) | set(manual["code"]))
    a = _indicators(coded, keys, codes, units)
    b = _indicators(manual, keys, codes, units)
    rows = []
    for c in codes:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        n = len(x)
        po = float(np.mean(x == y))
        p1, q1 = x.mean(), y.mean()
        pe = float(p1 * q1 + (1 - p1) * (1 - q1))
        k = (po - pe) / (1 - pe) if pe < 1 else np.nan
        rows.append({"code": c, "n": n, "n_coded": int(x.sum()), "n_manual": int(y.sum()),
                     "agreement": po, "p_e": pe, "kappa": k})
    return pd.DataFrame(rows)


def coding_f1(hits, truth, *, keys=("doc", "sentence"), codes=None) -> pd.DataFrame:
    """Precision, recall and F1 of the coding against true unit labels.

    Parameters
    ----------
    hits : DataFrame
        From :func:`code`.
    truth : DataFrame
        One row per (unit, true code), columns ``keys`` + ``code``.

    Returns
    -------
    DataFrame
        ``code, tp, fp, fn, precision, recall, f1``, one row per code and a last row
        ``code="micro"`` pooling all codes.
    """
    keys = list(keys)
    pred = set(map(tuple, hits[keys + ["code"]].drop_duplicates().itertuples(index=False)))
    true = set(map(tuple, truth[keys + ["code"]].drop_duplicates().itertuples(index=False)))
    codes = list(codes) if codes is not None else sorted({t[-1] for t in true | pred})
    rows = []
    for c in codes + ["micro"]:
        p = {t for t in pred if c == "micro" or t[-1] == c}
        t_ = {t for t in true if c == "micro" or t[-1] == c}
        tp, fp, fn = len(p & t_), len(p - t_), len(t_ - p)
        prec = tp / (tp + fp) if tp + fp else np.nan
        rec = tp / (tp + fn) if tp + fn else np.nan
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
        rows.append({"code": c, "tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1})
    return pd.DataFrame(rows)
