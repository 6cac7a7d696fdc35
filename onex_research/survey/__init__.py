"""Survey ingest, cleaning, scoring and export.

``read_export(path, instrument)`` -> one row per raw submission;
``clean(raw, instrument)`` -> :class:`CleanResult` (``.data``, ``.exclusions``,
``.changes``, ``.flow``); ``score(data, instrument)`` -> construct scores;
``to_csv``/``to_sav`` write the clean data.
"""

from ..instrument import load_instrument
from .clean import RULE_LABELS, RULES, CleanResult, clean
from .privacy import DEFAULT_SALT, hash_ip, scrub_pii
from .read import META_COLUMNS, multi_columns, other_column, read_export
from .export import to_csv, to_sav, value_labels, variable_labels
from .quality import compare_with_truth, missingness, plot_missingness
from .rules import longest_run
from .score import score

__all__ = ["load_instrument", "read_export", "clean", "score", "to_csv", "to_sav",
           "variable_labels", "value_labels", "compare_with_truth", "missingness", "plot_missingness",
           "CleanResult", "RULES", "RULE_LABELS", "META_COLUMNS", "multi_columns", "other_column", "DEFAULT_SALT", "hash_ip", "scrub_pii",
           "longest_run"]
