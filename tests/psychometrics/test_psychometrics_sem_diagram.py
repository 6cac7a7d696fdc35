"""plot_path_diagram: draws every variable and coefficient, Chinese labels without
missing glyphs."""

import warnings

import pandas as pd
import pytest
from matplotlib.patches import Ellipse, FancyBboxPatch

from onex_research.psychometrics import plot_path_diagram, sem
from sem_reference import LAV, REF

LABELS = {"ind60": "工业化 1960", "dem60": "民主 1960", "dem65": "民主 1965"}


@pytest.fixture(scope="module")
def result():
    return sem(pd.read_csv(REF / "PoliticalDemocracy.csv"), LAV["poldem"]["model"])


def test_path_diagram_shapes_coefficients_and_chinese(result):
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # a missing CJK glyph would warn
        fig = plot_path_diagram(result, labels=LABELS)
        fig.canvas.draw()
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    for zh in LABELS.values():
        assert zh in texts
    assert sum(isinstance(p, Ellipse) for p in ax.patches) == 3          # latent ovals
    assert sum(isinstance(p, FancyBboxPatch) for p in ax.patches) == 11  # observed boxes
    # std.all with stars, from lavaan's standardizedSolution: dem60 ~ ind60 = 0.448 (p < .001),
    # dem65 ~ ind60 = 0.187 (p = .008)
    assert "0.45***" in texts and "0.19**" in texts and "0.88***" in texts
    assert "CFI = 0.997" in ax.get_title()


def test_path_diagram_bad_input():
    with pytest.raises(TypeError, match="SEMResult"):
        plot_path_diagram({"not": "a result"})
