"""Fonts and figure style, used by every strand (survey, text, mixed, report).

:mod:`.fonts` finds a CJK font so that Chinese labels render, and :mod:`.figures` applies the
house style and saves figures deterministically.
"""

from .fonts import FontChoice, FontNotFoundError, cjk_font_path, find_cjk_font, set_theme, use_cjk_font
from .figures import FIGURE_FORMATS, HASH_SALT, save_figure, style_rc, theme

__all__ = ["FontChoice", "FontNotFoundError", "cjk_font_path", "find_cjk_font", "set_theme", "use_cjk_font",
           "FIGURE_FORMATS", "HASH_SALT", "save_figure", "style_rc", "theme"]
