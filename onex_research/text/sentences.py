"""Sentence splitting for Chinese (and mixed) text that knows periods are not always ends.

Split after 。！？!? and at line breaks, and after an ASCII ``.`` (full-width ``．``
becomes ``.`` under NFKC) that ends a sentence, but never inside a decimal (2.5万),
a version or section number (1.2.3), 1+X, a URL (www.moe.gov.cn/srcsite/...), an
e-mail address, an abbreviation (e.g., No. 4) or a document number (国发〔2019〕4号,
教职成〔2019〕6号).
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "PROTECTED"]

# spans inside which nothing ends a sentence
_URL_CHARS = r"[A-Za-z0-9/_\-.%?=&#~+:;,@!$'*()]"
_URL_LAST = r"[A-Za-z0-9/_\-%?=&#~+@$*]"
PROTECTED = re.compile(
    rf"(?:https?://|ftp://|www\.){_URL_CHARS}*{_URL_LAST}"                   # URLs, not their last .
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"                      # e-mail
    rf"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|edu|gov)\b(?:/{_URL_CHARS}*{_URL_LAST})?"  # domains
    r"|\d+(?:\.\d+)+"                                                       # decimals, 1.2.3
    r"|[\u4e00-\u9fff]{1,6}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d+\s*号"  # 国发〔2019〕4号
    r"|\b(?:e\.g|i\.e|etc|vs|No|Fig|Vol|pp|Dr|Mr|Ms|Mrs|Prof|et al)\.(?=\s*\S)"  # abbreviations
    r"|1\+X"
)
_END = "。！？!?"
_CLOSE = "”」』’）)》"


def _protected_mask(text):
    mask = bytearray(len(text))
    for m in PROTECTED.finditer(text):
        mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def split_sentences(text: str) -> list[str]:
    """Split a text into sentences.

    A sentence ends after 。！？!? (any run of them), after an ASCII ``.`` that is
    followed by a space, a CJK character, a closing quote or the end of the text and
    that is not inside a protected span (:data:`PROTECTED`: URLs, e-mail, decimals,
    document numbers, abbreviations), and at a line break. A closing quote or bracket
    right after the end stays with its sentence. Semicolons do not end a sentence
    (as in :func:`onex_research.simulate.split_sentences`). Empty pieces are dropped.

    Examples
    --------
    >>> split_sentences("通过率为92.5%。见www.moe.gov.cn. 依据国发〔2019〕4号．下一句")
    ['通过率为92.5%。', '见www.moe.gov.cn.', '依据国发〔2019〕4号.', '下一句']
    """
    if not isinstance(text, str):
        raise TypeError(f"split_sentences() expects a str, got {type(text).__name__}")
    text = text.replace("．", ".").replace("｡", "。")
    mask = _protected_mask(text)
    out, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch = text[i]
        end = None
        if ch == "\n":
            out.append(text[start:i])
            start = i + 1
            i += 1
            continue
        if ch in _END:
            end = i + 1
            while end < n and text[end] in _END:
                end += 1
        elif ch == "." and not mask[i]:
            nxt = text[i + 1] if i + 1 < n else ""
            prev = text[i - 1] if i else ""
            if (not nxt or nxt.isspace() or "\u4e00" <= nxt <= "\u9fff" or nxt in _CLOSE) and prev not in ".":
                end = i + 1
                while end < n and text[end] == ".":  # "..." ends once
                    end += 1
        if end is not None:
            while end < n and text[end] in _CLOSE:
                end += 1
            out.append(text[start:end])
            start = i = end
            continue
        i += 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]
