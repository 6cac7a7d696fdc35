"""Write the bundled default study, cleaned and scored, as a CSV for the R reference scripts.

Usage (from the repository root)::

    python tests/reference/make_study_frame.py /tmp/onex_study.csv
    Rscript tests/reference/make_reference_tables.R /tmp/onex_study.csv

The CSV is not committed: the simulator regenerates the study from its seed. It holds the
controls (as their answer labels; their levels in the instrument's order, the scales' items and
the regression blocks go to ``<csv>.levels.json``), every item and every construct score. The R script records the
CSV's SHA-256 in its output, so a test can tell when the fixture is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from onex_research import study
from onex_research.study import tables


def study_frame():
    """The bundled study as one frame: controls, items, scores (the rows the analyses use)."""
    survey = study.load_survey(None, None)
    frame = survey.data[list(survey.controls)].join(survey.items).join(survey.scores)
    levels = {c: [str(v) for v in survey.data[c].cat.categories] for c in survey.controls}
    scales = {k: list(v) for k, v in survey.scales.items()}
    blocks = {y: tables.predictor_blocks(survey, y) for y in ("effectiveness", "intention")}
    return frame, {"levels": levels, "scales": scales, "blocks": blocks}


def main(path: str) -> None:
    frame, meta = study_frame()
    out = Path(path)
    frame.to_csv(out, index=False, float_format="%.17g", lineterminator="\n")
    Path(str(out) + ".levels.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out} ({len(frame)} rows, {frame.shape[1]} columns)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/onex_study.csv")
