"""notebooks/01_survey_cleaning.ipynb: stored without outputs, runs top to bottom with parameters."""

import nbclient
import nbformat
import pytest

from onex_research.paths import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "01_survey_cleaning.ipynb"


def test_notebook_is_stored_clean_with_a_parameters_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for name in ("survey_path", "instrument_path", "truth_path", "out_dir", "seed"):
        assert f"{name} =" in code[0].source
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert not any("def " in c.source for c in code), "analysis logic belongs in the library"


@pytest.mark.parametrize("with_truth", [True, False])
def test_notebook_runs_with_parameters(tmp_path, with_truth):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    inject = f"out_dir = {str(tmp_path / 'out')!r}\n" + ("" if with_truth else "truth_path = None\n")
    idx = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(idx + 1, nbformat.v4.new_code_cell(inject))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "原始答卷" in text and "Raw submissions" in text
    assert ("recall" in text) == with_truth
    out = tmp_path / "out" / "data"
    assert {p.name for p in out.iterdir()} >= {"survey_clean.csv", "survey_clean.sav", "exclusions.csv"}
