"""Text normalisation for Chinese interview transcripts.

``normalize`` is applied to every turn by :func:`onex_research.text.read_transcripts`
and to every text by :class:`onex_research.text.Segmenter`, so that the spelling of
"1+X" and the width of letters and digits never decide how a word is counted.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "unify_1x", "KEPT_PUNCTUATION", "NORMALIZED_ATTR", "mark_normalized", "is_normalized"]

#: Full-width Chinese punctuation that NFKC would turn into ASCII; we keep it as it is,
#: because Chinese text reads (and splits into sentences) with it. Full-width letters,
#: digits, ``＋`` and spaces still become half-width.
KEPT_PUNCTUATION = "，：；？！（）～"

_KEEP_SPLIT = re.compile(f"([{KEPT_PUNCTUATION}]+)")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201f\u2026"
# "1+X", "1＋X", "1+x", "1 + X", "1 ＋ ｘ" (after NFKC, full-width forms are ASCII)
_ONE_X = re.compile(r"(?<![0-9A-Za-z.])1\s*\+\s*[xX](?![A-Za-z])")
_SENTENCE_END = "。！？!?…；;”」』"
_PARA = re.compile(r"\n[ \t\u3000]*\n\s*")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000]+(?=[{_CJK}{_CJK_PUNCT}])")


def unify_1x(text: str) -> str:
    """Write every spelling of the certificate's name as ``1+X``.

    Matches ``1+X``, ``1+x``, ``1 + X`` and (after NFKC) ``1＋X``/``１＋Ｘ``; a digit or
    letter before the ``1`` (``21+x``) or a letter after the ``X`` (``1+xy``) blocks it.
    """
    return _ONE_X.sub("1+X", text)


def _join_lines(paragraph: str) -> str:
    lines = [ln.strip(" \t\u3000") for ln in paragraph.split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return ""
    out = lines[0]
    for ln in lines[1:]:
        prev, nxt = out[-1], ln[0]
        if prev in _SENTENCE_END:
            out += "\n" + ln
        elif prev == "-" and len(out) > 1 and out[-2].isascii() and out[-2].isalpha() and nxt.isascii() \
                and nxt.islower():
            out = out[:-1] + ln  # an English word hyphenated at the margin: indigeniza-/tion
        elif prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum():
            out += " " + ln  # an English word wrapped at the margin
        else:
            out += ln  # a hard break inside a Chinese sentence
    return out


def normalize(text: str) -> str:
    """Normalise one text: width, line breaks, spaces and the spelling of 1+X.

    Parameters
    ----------
    text : str
        Raw text, e.g. one speaker turn copied out of Word or a PDF.

    Returns
    -------
    str
        The normalised text.

    Notes
    -----
    In order:

    1. Unicode NFKC, so full-width letters, digits, ``＋`` and the ideographic space
       become ASCII (``ＡＢＣ１２３`` -> ``ABC123``). The Chinese punctuation in
       :data:`KEPT_PUNCTUATION` (``，：；？！（）～``), which NFKC would also turn into
       ASCII, is kept full-width on purpose: sentences are split on it and quotes read
       naturally. ``。、“”《》`` are not touched by NFKC in any case.
    2. ``\\r\\n``/``\\r`` become ``\\n``.
    3. Hard line breaks inside a paragraph are joined: a single newline is removed
       unless the line before it ends with sentence-final punctuation
       (``。！？!?…；;”」』``), where it is kept. Two ASCII words on either side of a
       break are joined with one space; a word hyphenated at the margin
       (``indigeniza-`` / ``tion``) is joined without the hyphen, and soft hyphens go. A blank line is a paragraph break and is kept
       as ``\\n\\n``; paragraphs are never merged.
    4. Spaces between two CJK characters (``职 业 教 育`` from some PDF copies) are
       removed; other runs of spaces become one.
    5. Spellings of the certificate (``1+x``, ``1 + X``, ``1＋X``) become ``1+X``
       (:func:`unify_1x`).

    Examples
    --------
    >>> normalize("我们学校的１＋ｘ证书\\n试点，从２０１９年开始。")
    '我们学校的1+X证书试点，从2019年开始。'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() expects a str, got {type(text).__name__}")
    parts = _KEEP_SPLIT.split(text)
    parts[::2] = [unicodedata.normalize("NFKC", p) for p in parts[::2]]
    text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")  # soft hyphens
    paragraphs = [_join_lines(p) for p in _PARA.split(text)]
    text = "\n\n".join(p for p in paragraphs if p)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return unify_1x(text)


#: Key of ``DataFrame.attrs`` listing the columns that already went through :func:`normalize`.
NORMALIZED_ATTR = "normalized_columns"


def mark_normalized(frame, *columns):
    """Record in ``frame.attrs`` that ``columns`` hold :func:`normalize`-d text (in place;
    returns ``frame``). pandas carries ``attrs`` through copies, filters and column access,
    so :func:`~onex_research.text.code` and :meth:`~onex_research.text.Segmenter.cut_many`
    do not normalise the same text again."""
    done = tuple(frame.attrs.get(NORMALIZED_ATTR, ()))
    frame.attrs[NORMALIZED_ATTR] = done + tuple(c for c in columns if c not in done)
    return frame


def is_normalized(obj, column=None) -> bool:
    """True when ``obj`` (a DataFrame with ``column``, or a Series) is marked by
    :func:`mark_normalized`."""
    attrs = getattr(obj, "attrs", None) or {}
    name = column if column is not None else getattr(obj, "name", None)
    return name is not None and name in attrs.get(NORMALIZED_ATTR, ())
