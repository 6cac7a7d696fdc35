"""The text steps at national scale, on Dask: same tokens, codes, counts and pseudonyms.

The single-machine functions of :mod:`onex_research.text` stay the reference; this
package runs them partition by partition over a ``dask.dataframe`` and combines the
partial results exactly. See ``docs/scale.md`` for running on a Slurm cluster.

Dask is imported lazily by the functions that need it.
"""

from .errors import *  # noqa: F401,F403
from .redaction import *  # noqa: F401,F403
from .topics import *  # noqa: F401,F403
from ._worker import SegmenterSpec, load_counts
from .cluster import Runner, connect, parse_scheduler
from .io import read_export, csv_byte_ranges, read_csv_range, xlsx_to_parquet, check_columns
from . import errors as _errors, redaction as _redaction, topics as _topics

__all__ = sorted(_errors.__all__ + _redaction.__all__ + _topics.__all__
                 + ["SegmenterSpec", "load_counts", "Runner", "connect", "parse_scheduler", "read_export",
                    "csv_byte_ranges", "read_csv_range", "xlsx_to_parquet", "check_columns",
                    "OpenEndedResult", "run_open_ended", "single_machine", "suggest_codes"])


def __getattr__(name):  # the pipeline imports dask: only when asked for
    if name in ("OpenEndedResult", "run_open_ended"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "suggest_codes":
        from .assist import suggest_codes

        return suggest_codes
    if name == "single_machine":
        from .reference import single_machine

        return single_machine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
