"""Survey ingest, cleaning, scoring and export (issue 3).

The flow, one call per step (``draft_instrument(export).to_yaml(path)`` drafts the
instrument of a new survey from its export)::

    ins = load_instrument("surveys/onex_instrument.yaml")
    raw = read_export("surveys/default_study/wjx_text.xlsx", ins)   # one row per submission
    res = clean(raw, ins)            # CleanResult: .data .exclusions .changes .flow .flow_table()
    scores = score(res.data, ins)    # wide: index respondent_id, one column per construct
    to_sav(res.data, "clean.sav", ins)

Column contract of ``read_export`` and ``clean().data``
-------------------------------------------------------
* ``respondent_id`` (the export's 序号/编号, else the 1-based row), then
  ``submitted_at, started_at, duration_s, source, source_detail, ip_hash, ip_region``
  (:data:`META_COLUMNS`); the raw IP is never kept.
* one column per single/Likert/attention item, named by item code, ``Int64`` codes
  1..k, or the scale's declared codes (0..10, -3..3) with no shift (``<NA>`` missing).
  In ``clean().data``: codes off the declared scale are ``<NA>``, reverse-keyed items
  are recoded ``lowest + highest - x`` (``CleanResult.reversed_items``) and
  single-choice demographics are ``Categorical`` ordered by the scale.
* one ``Float64`` column per numeric item (age, amounts).
* multi-select items as 0/1 ``Int64`` columns ``<item>__1 .. <item>__k`` (option
  codes; :func:`multi_columns`), ``〖…〗`` other-text in ``<item>__other``.
* text items as ``string``, personal data replaced by placeholders (:func:`scrub_pii`).

Exclusion rule names (shared with ``onex_research.simulate``): ``speeder``,
``straightliner``, ``attention``, ``duplicate``, ``missing``, ``out_of_range``.
"""

from ..instrument import load_instrument
from .clean import RULE_LABELS, EXCLUSION_RULES, CleanResult, clean
from .draft import draft_instrument, draft_summary
from .privacy import DEFAULT_SALT, hash_ip, scrub_pii
from .read import META_COLUMNS, multi_columns, other_column, read_export
from .export import to_csv, to_sav, value_labels, variable_labels
from .quality import compare_with_truth, missingness, plot_missingness
from .rules import longest_run
from .score import default_controls, score

__all__ = ["load_instrument", "draft_instrument", "draft_summary", "read_export", "clean", "score", "to_csv", "to_sav",
           "variable_labels", "value_labels", "compare_with_truth", "missingness", "plot_missingness",
           "CleanResult", "EXCLUSION_RULES", "RULE_LABELS", "META_COLUMNS", "multi_columns", "other_column", "DEFAULT_SALT", "hash_ip", "scrub_pii",
           "longest_run", "default_controls"]
