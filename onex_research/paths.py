"""Where the bundled study lives.

The package is installed from the repository (``pip install -e .``), so the default
study's files are found relative to the repository root, which is the parent of the
package folder. Every public function that reads data also takes explicit paths.
"""

from pathlib import Path

__all__ = ["PROJECT_ROOT", "SURVEYS", "CORPUS", "DEFAULT_INSTRUMENT", "DEFAULT_STUDY", "REPORTS"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SURVEYS = PROJECT_ROOT / "surveys"
CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INSTRUMENT = SURVEYS / "onex_instrument.yaml"
DEFAULT_STUDY = SURVEYS / "default_study"
REPORTS = PROJECT_ROOT / "reports"
