"""Chinese (CJK) fonts for matplotlib, seaborn and word clouds.

:func:`find_cjk_font` looks for a font that really covers common Chinese characters:
first the system's fonts known to matplotlib, in the order of :data:`PREFERRED_FONTS`,
then the Noto Sans CJK SC that the ``mplfonts`` package bundles. When neither is
there it raises :class:`FontNotFoundError`, which says how to get one, rather than
letting matplotlib draw empty boxes.

:func:`use_cjk_font` puts the font first in matplotlib's sans-serif list (and turns
off the Unicode minus); :func:`set_theme` wraps ``seaborn.set_theme`` so that the
theme keeps the font; :func:`cjk_font_path` gives a file for ``wordcloud``.
All three are cheap to call again: the search runs once per process.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from ..errors import OnexError

__all__ = [
    "FontChoice",
    "FontNotFoundError",
    "PREFERRED_FONTS",
    "COVERAGE_SAMPLE",
    "find_cjk_font",
    "use_cjk_font",
    "set_theme",
    "cjk_font_path",
    "cjk_font_family",
    "mplfonts_font_path",
]

#: System font families tried in this order.
PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)

#: Characters a font must have to be accepted (common words of this project).
COVERAGE_SAMPLE = "的一是不了人我在有他这中国证书职业技能等级学生教师企业认可资源质量执行合作问卷访谈均值提及率（）：，。"

_MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
_HINT = (
    "no font with Chinese characters was found for matplotlib. Install one of:\n"
    "  pip install mplfonts                              (bundles Noto Sans CJK SC; any OS)\n"
    "  sudo apt-get install fonts-noto-cjk               (Debian/Ubuntu)\n"
    "  brew install --cask font-noto-sans-cjk-sc         (macOS)\n"
    "then restart Python (matplotlib caches its font list)."
)


class FontNotFoundError(OnexError):
    """No CJK font is available; the message says how to install one."""


@dataclass(frozen=True)
class FontChoice:
    """The CJK font in use.

    Attributes
    ----------
    name : str
        Family name as matplotlib knows it (e.g. ``"Noto Sans CJK SC"``).
    path : pathlib.Path
        The font file (may be a ``.ttc`` collection).
    source : {"system", "mplfonts"}
        Where it was found.
    """

    name: str
    path: Path
    source: str

    def __str__(self) -> str:
        return f"{self.name} ({self.source}: {self.path})"


_CACHE: dict = {}


def _covers(path, sample: str = COVERAGE_SAMPLE) -> bool:
    """True when the font file has a glyph for every character of ``sample``."""
    from matplotlib.ft2font import FT2Font

    if not Path(path).is_file():  # matplotlib's font cache can list removed files
        return False
    try:
        font = FT2Font(str(path))
    except Exception:  # unreadable or unsupported file
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in sample)


def _prune_missing_fonts() -> int:
    """Drop font-list entries whose file no longer exists (a stale matplotlib cache).

    Otherwise a removed system font with the same family name as mplfonts' (Noto
    Sans CJK SC) wins the lookup, and matplotlib's rebuild on the missing file
    forgets fonts added with ``addfont``. Only the in-memory list is changed.
    """
    import os

    from matplotlib import font_manager

    fm = font_manager.fontManager
    keep = [f for f in fm.ttflist if os.path.isfile(f.fname)]
    dropped = len(fm.ttflist) - len(keep)
    if dropped:
        fm.ttflist = keep
        fm._findfont_cached.cache_clear()
    return dropped


def _system_fonts() -> dict[str, list[Path]]:
    """Family name -> files (regular weight first) of the fonts matplotlib knows."""
    from matplotlib import font_manager

    out: dict[str, list] = {}
    entries = sorted(
        font_manager.fontManager.ttflist,
        key=lambda f: (f.style != "normal", abs(_weight(f.weight) - 400), str(f.fname)),
    )
    for f in entries:
        if "mplfonts" in str(f.fname):  # registered by us: not a system font
            continue
        out.setdefault(f.name, []).append(Path(f.fname))
    return out


def _weight(w) -> int:
    if isinstance(w, (int, float)):
        return int(w)
    from matplotlib.font_manager import weight_dict

    return int(weight_dict.get(str(w), 400))


def mplfonts_font_path() -> Path | None:
    """The Noto Sans CJK SC file bundled with ``mplfonts``, or None when not installed."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "fonts" / _MPLFONTS_FILE
    return path if path.is_file() else None


def _register(path: Path) -> str:
    from matplotlib import font_manager

    if not any(Path(f.fname) == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def find_cjk_font(*, preferred=PREFERRED_FONTS, refresh: bool = False) -> FontChoice:
    """Find a font that draws Chinese.

    Parameters
    ----------
    preferred : sequence of str, default :data:`PREFERRED_FONTS`
        System families to try, in order. A family is accepted only when its file
        has glyphs for all of :data:`COVERAGE_SAMPLE`.
    refresh : bool, default False
        Search again instead of returning the result cached for this process.

    Returns
    -------
    FontChoice
        ``name``, ``path`` and ``source`` (``"system"`` or ``"mplfonts"``). The
        mplfonts file is registered with ``matplotlib.font_manager.fontManager``.

    Raises
    ------
    FontNotFoundError
        When no system font qualifies and mplfonts is not installed; the message
        lists ``pip install mplfonts``, ``apt-get install fonts-noto-cjk`` and
        ``brew install --cask font-noto-sans-cjk-sc``.
    """
    key = tuple(preferred)
    if not refresh and key in _CACHE:
        return _CACHE[key]
    _prune_missing_fonts()
    system = _system_fonts()
    choice = None
    for name in preferred:
        for path in system.get(name, []):
            if _covers(path):
                choice = FontChoice(name=name, path=path, source="system")
                break
        if choice is not None:
            break
    if choice is None:
        path = mplfonts_font_path()
        if path is not None and _covers(path):
            choice = FontChoice(name=_register(path), path=path, source="mplfonts")
    if choice is None:
        tried = ", ".join(preferred)
        raise FontNotFoundError(f"{_HINT}\n(system families tried: {tried}; mplfonts not installed)")
    _CACHE[key] = choice
    return choice


def _font_rc(font: FontChoice) -> dict:
    import matplotlib as mpl

    rest = [f for f in mpl.rcParamsDefault["font.sans-serif"] if f != font.name]
    # "sans-serif" resolves to the CJK font (first in the list); DejaVu Sans, which
    # matplotlib ships, is a per-glyph fallback for fonts such as Droid Sans
    # Fallback that have no Latin letters or digits.
    return {
        "font.family": ["sans-serif", "DejaVu Sans"],
        "font.sans-serif": [font.name, *rest],
        "axes.unicode_minus": False,
    }


def use_cjk_font(**find_options) -> FontChoice:
    """Make matplotlib draw Chinese: the CJK font first in ``font.sans-serif``.

    Sets ``font.family = ["sans-serif"]``, puts the font at the head of
    ``font.sans-serif`` and sets ``axes.unicode_minus = False`` (the ASCII hyphen
    instead of U+2212, which some CJK fonts lack). Idempotent and cheap.

    Parameters
    ----------
    **find_options
        Passed to :func:`find_cjk_font`.

    Returns
    -------
    FontChoice
    """
    import matplotlib as mpl

    font = find_cjk_font(**find_options)
    if font.source == "mplfonts":
        _register(font.path)  # after a fontManager rebuild
    mpl.rcParams.update(_font_rc(font))
    return font


def set_theme(*args, **kwargs) -> FontChoice:
    """``seaborn.set_theme`` that keeps the CJK font.

    seaborn's ``set_theme`` resets ``font.family``; this wrapper calls it with
    ``font="sans-serif"`` and then :func:`use_cjk_font`. Arguments are seaborn's
    (``context``, ``style``, ``palette``, ``font_scale``, ``rc`` …).

    Returns
    -------
    FontChoice
    """
    import seaborn as sns

    kwargs.setdefault("font", "sans-serif")
    sns.set_theme(*args, **kwargs)
    return use_cjk_font()


def cjk_font_path() -> str:
    """A font file for ``wordcloud.WordCloud(font_path=...)`` and PIL.

    Prefers mplfonts' single-face Simplified Chinese ``.otf`` when installed,
    because wordcloud opens face 0 of a ``.ttc`` collection, which for Noto CJK is
    the Japanese variant; otherwise the file of :func:`find_cjk_font`.
    """
    bundled = mplfonts_font_path()
    if bundled is not None:
        return str(bundled)
    return str(find_cjk_font().path)


def cjk_font_family() -> str:
    """Family name of :func:`cjk_font_path`'s font, registered with matplotlib.

    For labels drawn outside rcParams (networkx, annotations) that mix Chinese with Latin
    letters and digits, such as "1+X".
    """
    from matplotlib import font_manager

    path = cjk_font_path()
    if path not in _CACHE.setdefault("registered", set()):
        font_manager.fontManager.addfont(path)
        _CACHE["registered"].add(path)
    return font_manager.FontProperties(fname=path).get_name()
