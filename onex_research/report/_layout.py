"""Page and column layout of the .docx tables: A4, a width model, widths from the content.

The rule, in short (:func:`layout_table` has the details):

1. Each cell's width is measured with a per-character model in twips at the table's
   font size (:func:`text_twips`): CJK characters 1 em, digits 0.5 em, other Latin
   characters their Times New Roman advance, rounded up.
2. A column of numbers or short labels (:func:`is_text_column` is false) never gets
   less than its longest body cell, so no number wraps. A long-text column (quotes,
   notes) may wrap; it gets at least a few words' width and takes what is left.
3. The table fills the text width of an A4 portrait page. When its columns do not fit
   even at their minimum, the table is laid out on A4 landscape; when it still does
   not fit, the font (and the cell margins with it) is reduced in half-points until
   it does, down to :data:`MIN_FONT_PT` (7 pt).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["A4_PORTRAIT", "A4_LANDSCAPE", "MIN_FONT_PT", "CELL_MARGIN", "PageSetup", "TableLayout",
           "text_twips", "is_number", "is_text_column", "layout_table"]

#: Left (= right) cell margin in twips at 10.5 pt: Word's default 0.19 cm; it shrinks with the font.
CELL_MARGIN = 108
#: Extra room per column in em, for the difference between the model and a real font.
SLACK_EM = 0.3
#: Smallest font a fitted table gets (pt).
MIN_FONT_PT = 7.0
#: Cells longer than this (in em) make a column a long-text column.
TEXT_COLUMN_EM = 14.0
#: A long-text column is never narrower than this (em).
TEXT_MIN_EM = 8.0


@dataclass(frozen=True)
class PageSetup:
    """An A4 page in twips (1/1440 inch): size, margins and the text width between them."""

    orientation: str
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int

    @property
    def usable_width(self) -> int:
        """Text width: page width minus the left and right margins (twips)."""
        return self.width - self.left - self.right


# A4 is 210 x 297 mm = 11906 x 16838 twips. Margins: Word's A4 default for Chinese
# documents, 2.54 cm top and bottom, 3.18 cm (1800 twips) left and right; landscape turns
# the page, so the 2.54 cm margins go to the long sides.
A4_PORTRAIT = PageSetup("portrait", 11906, 16838, 1440, 1440, 1800, 1800)
A4_LANDSCAPE = PageSetup("landscape", 16838, 11906, 1800, 1800, 1440, 1440)

# Times New Roman advances in em (per 1000 units / 1000), rounded up a little.
_ADVANCE = {
    " ": 0.25, ".": 0.25, ",": 0.25, ":": 0.28, ";": 0.28, "'": 0.18, "|": 0.2, "!": 0.33,
    "-": 0.34, "(": 0.34, ")": 0.34, "[": 0.34, "]": 0.34, "/": 0.28, "*": 0.5, "%": 0.84,
    "<": 0.57, ">": 0.57, "=": 0.57, "+": 0.57, "−": 0.57, "±": 0.57, "×": 0.57, "≤": 0.57,
    "≥": 0.57, "_": 0.5, "&": 0.78, "@": 0.93, "#": 0.5, "²": 0.3, "³": 0.3, "₁": 0.3,
    "₂": 0.3, "Δ": 0.62, "χ": 0.55, "α": 0.55, "β": 0.55, "η": 0.55, "ω": 0.7,
    "i": 0.28, "j": 0.28, "l": 0.28, "t": 0.28, "f": 0.34, "r": 0.34, "s": 0.39, "m": 0.78,
    "w": 0.73, "I": 0.34, "J": 0.39, "M": 0.89, "W": 0.95,
}


def _char_em(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in _ADVANCE:
        return _ADVANCE[ch]
    if ch.isdigit() or ch.islower():
        return 0.5
    if ch.isupper():
        return 0.73
    return 0.6


def text_em(text: str) -> float:
    """Width of ``text`` in em (multiples of the font size) under the model."""
    return sum(_char_em(ch) for ch in str(text))


def text_twips(text: str, font_pt: float) -> int:
    """Width of ``text`` in twips at ``font_pt`` points (1 pt = 20 twips), rounded up.

    CJK (East Asian wide/full-width) characters count 1 em, digits 0.5 em, other
    characters their Times New Roman advance (see ``_ADVANCE``), unknown ones 0.6 em.
    """
    return int(math.ceil(text_em(text) * font_pt * 20))


_NUMBER = re.compile(
    r"^(?:[<>≤≥=]\s*)?[-−+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+|∞)%?(?:\*{1,3}|†)?$"
    r"|^[\[(][^\[\]()]*\d[^\[\]()]*[\])]\**$"  # [0.12, 0.34], (0.74)
)


def is_number(text: str) -> bool:
    """True for a printed number: ``0.019``, ``-0.020***``, ``< 0.001``, ``528``, ``[0.1, 0.3]``."""
    return bool(_NUMBER.match(str(text).strip()))


def is_text_column(cells) -> bool:
    """A long-text column: some body cell is not a number and is longer than ``TEXT_COLUMN_EM``."""
    return any(not is_number(c) and text_em(c) > TEXT_COLUMN_EM for c in cells)


def _longest_word_em(text: str) -> float:
    """The longest piece that cannot break: a Latin word (CJK text may break anywhere)."""
    words = re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]+", str(text))
    return max([text_em(w) for w in words] + [1.0 if text else 0.0])


@dataclass(frozen=True)
class TableLayout:
    """Where and how wide a table prints (see :func:`layout_table`).

    Attributes
    ----------
    page : PageSetup
        A4 portrait, or A4 landscape when the table is too wide for portrait.
    font_pt : float
        Font size of the table's cells (the caption and notes keep the document's size).
    widths : list of int
        Column widths in twips; they sum to at most ``page.usable_width`` unless the
        table does not fit even at ``MIN_FONT_PT`` (``fits`` is then False).
    minimum : list of int
        Each column's minimum width at ``font_pt``: the longest body cell for number and
        label columns (they never wrap), a few words for long-text columns.
    text_columns : list of bool
        Which columns are long text (may wrap, left-aligned).
    cell_margin : int
        Left (= right) cell margin in twips: ``CELL_MARGIN`` scaled with the font.
    fits : bool
    """

    page: PageSetup
    font_pt: float
    widths: list
    minimum: list
    text_columns: list
    cell_margin: int
    fits: bool


def _cell_margin(font_pt: float) -> int:
    return int(round(CELL_MARGIN * font_pt / 10.5))


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def _measure(header, columns, text_cols, font_pt):
    pad = 2 * _cell_margin(font_pt) + int(math.ceil(SLACK_EM * font_pt * 20))
    to_tw = lambda em: int(math.ceil(em * font_pt * 20)) + pad  # noqa: E731
    minimum, preferred = [], []
    for h, cells, is_text in zip(header, columns, text_cols):
        body = max([text_em(c) for c in cells] + [0.0])
        head_full = text_em(h)
        # a header may take two lines (never breaking a Latin word); a CJK header breaks
        # between characters, so its half is rounded up to whole characters (考证/意愿)
        half = math.ceil(head_full / 2) if _has_cjk(h) else head_full / 2
        head_min = min(head_full, max(_longest_word_em(h), half))
        if _has_cjk(h) and head_full <= 3:   # 模型, 题数: a word of two or three characters stays whole
            head_min = head_full
        if is_text:
            words = max([_longest_word_em(c) for c in cells] + [0.0])
            lo = max(head_min, min(body, max(TEXT_MIN_EM, words)))
        else:
            lo = max(head_min, body)
        minimum.append(to_tw(lo))
        preferred.append(max(to_tw(lo), to_tw(max(body, head_full))))
    return minimum, preferred


def _distribute(minimum, preferred, usable, text_cols, step):
    """Widths summing to ``usable``, each at least its minimum.

    When everything fits on one line, the spare width is shared in proportion to the
    preferred widths. Otherwise columns get their one-line width, cheapest first (equally
    short columns together, so like headers break alike), while the width lasts; long-text columns then take all that is left, or, with none, the
    columns still on two lines get less than one more character (``step``) each, so a
    header breaks where the minimum says (2 + 2 characters, not 3 + 1), and the rest
    goes to the one-line columns.
    """
    n = len(minimum)
    extra = usable - sum(minimum)
    short = [p - m for m, p in zip(minimum, preferred)]
    if sum(short) <= extra:  # everything fits on one line: fill the text width
        rest = extra - sum(short)
        widths = [p + int(rest * p / sum(preferred)) for p in preferred]
        widths[-1] += usable - sum(widths)  # rounding
        return widths
    widths = list(minimum)
    groups = {}  # columns as short of one line as each other go to one line together, or not at all
    for j in range(n):
        if not text_cols[j]:
            groups.setdefault(short[j], []).append(j)
    for cost in sorted(groups):
        if cost * len(groups[cost]) <= extra:
            for j in groups[cost]:
                widths[j] = preferred[j]
            extra -= cost * len(groups[cost])
    text = [j for j in range(n) if text_cols[j]]
    if text:
        grow = [preferred[j] - widths[j] for j in text]
        for j, g in zip(text, grow):
            widths[j] += int(extra * g / sum(grow)) if sum(grow) else extra // len(text)
    else:
        two_line = [j for j in range(n) if widths[j] < preferred[j]]
        each = min(step - 1, extra // max(len(two_line), 1))
        for j in two_line:
            widths[j] += each
        extra = usable - sum(widths)
        one_line = [j for j in range(n) if j not in two_line] or list(range(n))
        total = sum(widths[j] for j in one_line)
        for j in one_line:
            widths[j] += int(extra * widths[j] / total)
    widths[max(range(n), key=lambda j: (text_cols[j], widths[j] >= preferred[j], -j))] += usable - sum(widths)
    return widths


def layout_table(header, rows, *, font_pt: float = 10.5, min_font_pt: float = MIN_FONT_PT) -> TableLayout:
    """Choose page orientation, font size and column widths for a formatted table.

    Parameters
    ----------
    header : sequence of str
        Column headers.
    rows : sequence of sequences of str
        Body cells as printed.
    font_pt : float, default 10.5
        The table's font size (五号).
    min_font_pt : float, default 7
        Smallest font a table is shrunk to.

    Returns
    -------
    TableLayout

    Notes
    -----
    Rules, in order: (1) A4 portrait at ``font_pt`` if the minimum widths fit the text
    width (14.6 cm); (2) otherwise A4 landscape (24.6 cm) at ``font_pt``; (3) otherwise
    landscape with the largest half-point font, not below ``min_font_pt``, at which the
    minimum widths fit (cell margins shrink in proportion to the font); (4) failing that, landscape at ``min_font_pt`` with the minimum
    widths, wider than the text width (the table runs into the right margin rather than
    break a number). Whatever fits gets its minimum plus a share of the spare width
    (``_distribute``: one-line headers first, then long text), so the table spans the
    text width as three-line tables do.
    """
    header = [str(h) for h in header]
    columns = [[str(r[j]) for r in rows] for j in range(len(header))]
    text_cols = [is_text_column(c) for c in columns]

    def attempt(page, size):
        lo, pref = _measure(header, columns, text_cols, size)
        if sum(lo) <= page.usable_width:
            step = int(size * 20)  # one CJK character
            widths = _distribute(lo, pref, page.usable_width, text_cols, step)
            return TableLayout(page, size, widths, lo, text_cols, _cell_margin(size), True)
        return None

    for page in (A4_PORTRAIT, A4_LANDSCAPE):
        got = attempt(page, font_pt)
        if got:
            return got
    size = math.floor(font_pt * 2) / 2 - 0.5
    while size >= min_font_pt:
        got = attempt(A4_LANDSCAPE, size)
        if got:
            return got
        size -= 0.5
    lo, _ = _measure(header, columns, text_cols, min_font_pt)
    return TableLayout(A4_LANDSCAPE, min_font_pt, lo, lo, text_cols, _cell_margin(min_font_pt), False)
