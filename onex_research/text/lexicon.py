"""The field's vocabulary: the maintained vocational-education lexicon and how whole it stays.

``corpus/vocational_lexicon.tsv`` lists the terms of vocational education (职业教育,
中等职业学校, 教育行政部门, 人力资源社会保障部门, 技术技能人才, 产教融合型企业 ...), each with
a category and its source (a law, a State Council or ministry document, a standard).
:class:`~onex_research.text.Segmenter` adds them to its dictionary (``lexicon="default"``),
so that jieba does not split them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from onex_research.paths import CORPUS

from .normalize import normalize

__all__ = ["DEFAULT_LEXICON", "ISSUE_DOMAIN_TERMS", "load_lexicon", "lexicon_entries", "term_wholeness"]

DEFAULT_LEXICON = CORPUS / "vocational_lexicon.tsv"
#: Terms a first real-text trial found split (issue 11): the wholeness check's default list.
ISSUE_DOMAIN_TERMS = ("职业教育", "职业学校", "中等职业学校", "高等职业学校", "职业培训机构", "教育行政部门",
                      "人力资源社会保障部门", "技术技能人才", "产教融合型企业", "行业组织", "实习实训", "工匠精神")


def load_lexicon(path=DEFAULT_LEXICON) -> pd.DataFrame:
    """Read the lexicon: ``term, category, source`` (TSV, ``#`` comment lines).

    Raises
    ------
    ValueError
        A missing column, an empty term or source, a term with a space, or a duplicate;
        the message names the file and the line.
    """
    path = Path(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    rows, header, seen = [], None, {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            missing = [c for c in ("term", "category", "source") if c not in header]
            if missing:
                raise ValueError(f"{path}:{lineno}: the lexicon needs the columns term, category, source "
                                 f"(tab-separated); missing {missing}")
            continue
        row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        term = normalize(row["term"])
        if not term or " " in term or not row["source"]:
            raise ValueError(f"{path}:{lineno}: {line!r}: each term needs a source and has no spaces")
        if term in seen:
            raise ValueError(f"{path}:{lineno}: {term!r} is listed twice (first on line {seen[term]})")
        seen[term] = lineno
        rows.append({"term": term, "category": row["category"], "source": row["source"]})
    return pd.DataFrame(rows, columns=["term", "category", "source"])


def lexicon_entries(lexicon="default", terms=None, *, freq: int = 100_000):
    """Dictionary entries ``(word, freq, tag)`` for the Segmenter from a lexicon and extra terms.

    Parameters
    ----------
    lexicon : "default", path, DataFrame or None
    terms : iterable of str or DataFrame, optional
        More terms, e.g. reviewed rows of :func:`~onex_research.text.discover_terms`
        (its ``term`` column).
    freq : int, default 100000
        jieba frequency; high, so that the term beats jieba's own splits. Longer terms
        get a little more, so 中等职业学校 wins over 职业学校.
    """
    words = []
    if isinstance(lexicon, str) and lexicon == "default":
        lexicon = DEFAULT_LEXICON
    if isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    if lexicon is not None:
        words += list(lexicon["term"])
    if terms is not None:
        if isinstance(terms, pd.DataFrame):  # discover_terms() output is indexed by term
            words += list(terms["term"] if "term" in terms.columns else terms.index)
        else:
            words += list(terms)
    out, seen = [], set()
    for w in words:
        w = normalize(str(w)).strip()
        if w and w not in seen and " " not in w:
            seen.add(w)
            out.append((w, freq * len(w), "nz"))
    return out


def term_wholeness(texts, tokenize, terms=ISSUE_DOMAIN_TERMS) -> pd.DataFrame:
    """How often each term is one token (or inside one) when ``tokenize`` cuts ``texts``.

    Parameters
    ----------
    texts : iterable of str
        Normalised texts.
    tokenize : callable
        str -> list of str covering the text (e.g. ``seg.tokenizer_.lcut``).
    terms : iterable of str

    Returns
    -------
    DataFrame
        ``term, n`` (occurrences), ``whole`` (inside one token), ``share``; a last row
        ``term="all"`` pools them.
    """
    n = {t: 0 for t in terms}
    whole = dict.fromkeys(terms, 0)
    for text in texts:
        if not any(t in text for t in terms):
            continue
        tokens = tokenize(text)
        starts, pos = [], 0
        for tok in tokens:
            starts.append((pos, pos + len(tok)))
            pos += len(tok)
        for t in terms:
            i = text.find(t)
            while i >= 0:
                n[t] += 1
                j = i + len(t)
                if any(a <= i and j <= b for a, b in starts):
                    whole[t] += 1
                i = text.find(t, j)
    df = pd.DataFrame({"term": list(terms), "n": [n[t] for t in terms], "whole": [whole[t] for t in terms]})
    df.loc[len(df)] = ["all", df["n"].sum(), df["whole"].sum()]
    df["share"] = df["whole"] / df["n"].where(df["n"] > 0)
    return df
