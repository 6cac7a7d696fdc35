"""``onex-research open-ended``: redact, segment, code and topic-model open answers on Dask.

::

    onex-research open-ended EXPORT --column COL [--group COL] --out DIR --scheduler SPEC

Registered in :mod:`onex_research.cli` by :func:`add_parser`; :func:`run` is the
command. Dask is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

__all__ = ["add_parser", "run"]

NAME = "open-ended"


def add_parser(subparsers, parents=()):
    """Add the ``open-ended`` subcommand to ``subparsers``; returns its parser."""
    p = subparsers.add_parser(
        NAME, parents=list(parents), help="redact, code and topic-model open-ended answers at scale (Dask)",
        description="Read a large questionnaire export (CSV or Parquet in partitions; .xlsx is converted to "
        "Parquet once) and run the interview strand's text steps on one open-ended column with Dask: "
        "redaction with one pseudonym mapping, jieba segmentation, deductive coding, term counts and keywords "
        "by group, and a streamed topic model. The tables equal the single-machine functions' on the same data.")
    p.add_argument("export", type=Path, help="the export (.csv, .parquet file or folder, .xlsx)")
    p.add_argument("--column", required=True, help="column of open-ended answers")
    p.add_argument("--group", help="grouping column (role, province ...); default: one group 'all'")
    p.add_argument("--out", required=True, type=Path, help="folder to write the tables to")
    p.add_argument("--scheduler", default="threads", metavar="SPEC",
                   help="'threads', 'processes' (a local cluster of --workers processes) or the address "
                   "(tcp://host:8786) or scheduler file (.json) of a running Dask scheduler (default: %(default)s)")
    p.add_argument("--workers", type=int, default=None, help="worker processes for --scheduler processes "
                   "(default: all cores)")
    p.add_argument("--memory-limit", default="2GB", help="per worker, for --scheduler processes (default: %(default)s)")
    p.add_argument("--frame", type=Path, help="coding frame YAML (default: corpus/coding_frame.yaml)")
    p.add_argument("--roster", type=Path, help="CSV name,role of people to pseudonymise")
    p.add_argument("--schools", type=Path, help="text file, one school name a line")
    p.add_argument("--topics", type=int, default=8, help="number of topics (default: %(default)s)")
    p.add_argument("--method", choices=["lda", "nmf"], default="lda",
                   help="online LDA or mini-batch NMF (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=4096, help="answers per topic-model mini-batch "
                   "(default: %(default)s)")
    p.add_argument("--passes", type=int, default=1, help="passes of the topic model over the data (default: 1)")
    p.add_argument("--blocksize", type=int, default=None, help="bytes per CSV partition (default: 16 MB)")
    p.add_argument("--encoding", default="utf-8", help="of a CSV export (default: %(default)s; gb18030 for GBK)")
    p.add_argument("--mapping", type=Path, help="also write the private pseudonym mapping (JSON) here; "
                   "never under reports/")
    p.add_argument("--seed", type=int, default=0, help="topic-model seed (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    p.set_defaults(func=run)
    return p


def _convert_dir(export: Path) -> Path:
    if os.access(export.parent, os.W_OK):
        return export.parent
    return Path.home() / ".cache" / "onex_research" / "converted"


def run(args) -> int:
    """Run the command; returns the exit code (0)."""
    from onex_research.report import Report
    from onex_research.text import load_roster, load_schools, write_mapping

    from .cluster import connect
    from .io import DEFAULT_BLOCKSIZE, read_export
    from .pipeline import run_open_ended

    t0 = time.perf_counter()
    export = Path(args.export)
    roster = load_roster(args.roster) if args.roster else None
    schools = load_schools(args.schools) if args.schools else None
    ddf = read_export(export, [args.column, args.group], blocksize=args.blocksize or DEFAULT_BLOCKSIZE,
                      encoding=args.encoding, convert_dir=_convert_dir(export), quiet=args.quiet)
    with connect(args.scheduler, n_workers=args.workers, memory_limit=args.memory_limit,
                 progress=not args.quiet, quiet=args.quiet) as runner:
        res = run_open_ended(ddf, args.column, runner, group=args.group, roster=roster, schools=schools,
                             frame=args.frame, k=args.topics, method=args.method, batch_size=args.batch_size,
                             passes=args.passes, seed=args.seed)
    rep = Report(Path(args.out), notebook="open_ended")
    made = "onex_research.scale.run_open_ended"
    by = f"按 {args.group} 分组" if args.group else "全部"
    rep.table(res.corpus, name="corpus", caption_zh=f"开放题语料概况（{by}）", caption_en="Open-ended answers",
              made_by=made)
    rep.table(res.codes, name="codes", caption_zh="各组的编码出现率", caption_en="Code prevalence by group",
              made_by="onex_research.scale.steps.combine_code_matrix",
              notes="interviews / n_interviews count answers.")
    rep.table(res.exemplars, name="exemplars", caption_zh="典型引述（已匿名）", caption_en="Exemplar quotes (redacted)",
              made_by="onex_research.text.exemplars", notes="interview_id is the answer's row in the export.")
    rep.table(res.frequencies, name="frequencies", caption_zh="各组高频词", caption_en="Frequent words by group",
              made_by="onex_research.scale.steps.frequencies_table")
    rep.table(res.keywords, name="keywords", caption_zh="各组关键词（TF-IDF）", caption_en="Keywords by group (TF-IDF)",
              made_by="onex_research.scale.steps.keywords_table")
    rep.table(res.topics, name="topics", caption_zh=f"主题模型（K = {args.topics}，{args.method}）",
              caption_en=f"Streaming topic model (K = {args.topics}, {args.method})",
              made_by="onex_research.scale.StreamingTopics")
    rep.table(res.redactions, name="redactions", caption_zh="已替换的个人信息（按类别）",
              caption_en="Identifiers replaced, by kind", made_by="onex_research.text.mapping_summary")
    if args.mapping:
        write_mapping(res.mapping, args.mapping)
    n_files = sum(len(e.files) for e in rep.entries)
    if not args.quiet:
        dt = time.perf_counter() - t0
        print(f"{res.n_answers} answers in {dt:.1f} s ({res.n_answers / max(dt, 1e-9):,.0f} answers/s)",
              file=sys.stderr)
    print(f"wrote {n_files} files to {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="open-ended")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    ns = parser.parse_args(["open-ended", *sys.argv[1:]])
    sys.exit(run(ns))
