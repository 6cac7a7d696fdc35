"""CJK fonts: resolution order, mplfonts fallback, clear error, no missing glyphs; figures."""

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from onex_research.plotting import figures, fonts

TEXT = "证书认可度：教师与企业人员（均值）−1.5%，访谈提及率"


@pytest.fixture(autouse=True)
def _restore_rc(monkeypatch):
    monkeypatch.setattr(fonts, "_CACHE", {})
    with mpl.rc_context():
        yield


def _draw_chinese():
    fig, ax = plt.subplots()
    ax.plot([-1, 0, 2])
    ax.set_title(TEXT)
    ax.set_xlabel("问卷均值（95% CI）")
    ax.set_yticks([0, 1], labels=["学生", "管理人员"])
    fig.canvas.draw()
    return fig


def test_use_cjk_font_draws_without_glyph_warnings():
    font = fonts.use_cjk_font()
    assert isinstance(font, fonts.FontChoice) and font.path.is_file()
    assert mpl.rcParams["font.sans-serif"][0] == font.name
    assert mpl.rcParams["font.family"][0] == "sans-serif"
    assert mpl.rcParams["axes.unicode_minus"] is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _draw_chinese()


def test_without_cjk_font_glyphs_are_missing():
    """The check above can fail: DejaVu alone warns about missing glyphs."""
    mpl.rcParams.update({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]})
    with pytest.warns(UserWarning, match="Glyph .* missing"):
        _draw_chinese()


def test_idempotent_and_cached():
    a = fonts.use_cjk_font()
    rc = dict(mpl.rcParams)
    b = fonts.use_cjk_font()
    assert a == b and dict(mpl.rcParams) == rc
    assert fonts.find_cjk_font() is fonts.find_cjk_font()


def test_fallback_to_mplfonts(monkeypatch):
    monkeypatch.setattr(fonts, "_system_fonts", lambda: {})
    font = fonts.use_cjk_font(refresh=True)
    assert font.source == "mplfonts"
    assert font.path.name == "NotoSansCJKsc-Regular.otf"
    assert font.name == "Noto Sans CJK SC"
    resolved = font_manager.findfont(font_manager.FontProperties(family=[font.name]))
    assert resolved == str(font.path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _draw_chinese()


def test_font_must_cover_chinese(monkeypatch):
    """A font without Chinese glyphs is not accepted, even when listed."""
    monkeypatch.setattr(fonts, "mplfonts_font_path", lambda: None)
    with pytest.raises(fonts.FontNotFoundError):
        fonts.find_cjk_font(preferred=("DejaVu Sans",), refresh=True)


def test_error_says_how_to_get_a_font(monkeypatch):
    monkeypatch.setattr(fonts, "_system_fonts", lambda: {})
    monkeypatch.setattr(fonts, "mplfonts_font_path", lambda: None)
    with pytest.raises(fonts.FontNotFoundError) as info:
        fonts.find_cjk_font(refresh=True)
    msg = str(info.value)
    assert "pip install mplfonts" in msg
    assert "apt-get install fonts-noto-cjk" in msg
    assert "brew install --cask font-noto-sans-cjk-sc" in msg
    assert isinstance(info.value, ValueError)


def test_set_theme_keeps_font():
    font = fonts.set_theme(style="whitegrid")
    assert mpl.rcParams["font.sans-serif"][0] == font.name
    assert mpl.rcParams["axes.unicode_minus"] is False


def test_cjk_font_path_for_wordcloud():
    from PIL import ImageFont

    path = fonts.cjk_font_path()
    font = ImageFont.truetype(path, 20)
    assert font.getmask("证书").getbbox() is not None


# --------------------------------------------------------------------- figures
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_save_figure_is_byte_identical(tmp_path, fmt):
    figures.theme()
    fig = _draw_chinese()
    (a,) = figures.save_figure(fig, tmp_path / "a" / "fig", formats=(fmt,), dpi=72)
    first = a.read_bytes()
    (b,) = figures.save_figure(fig, tmp_path / "b" / "fig", formats=(fmt,), dpi=72)
    assert first == b.read_bytes()
    assert a.suffix == "." + fmt
    if fmt == "png":
        assert b"Software" not in first
    if fmt == "svg":
        assert b"<dc:date>" not in first
        assert mpl.rcParams["svg.hashsalt"] == figures.HASH_SALT


def test_save_figure_default_formats_and_errors(tmp_path):
    fonts.use_cjk_font()
    fig = _draw_chinese()
    paths = figures.save_figure(fig, tmp_path / "f", dpi=50)
    assert [p.suffix for p in paths] == [".png", ".svg"]
    with pytest.raises(ValueError, match="unknown figure format"):
        figures.save_figure(fig, tmp_path / "f", formats=("gif",))
    with pytest.raises(TypeError):
        figures.save_figure("not a figure", tmp_path / "f")
