"""The notebook pipeline: run the study's notebooks, cache them, write report.html and manifest.json.

:func:`reproduce` (in :mod:`.run`) executes ``notebooks/`` with injected parameters
(:mod:`.execute`), restores unchanged notebooks from the cache (:mod:`.nbcache`), assembles
``report.html`` (:mod:`.html`) and records hashes in ``manifest.json`` (:mod:`.manifest`).
"""

from .run import NOTEBOOK_DIR, ReproduceResult, reproduce

__all__ = ["NOTEBOOK_DIR", "ReproduceResult", "reproduce"]
