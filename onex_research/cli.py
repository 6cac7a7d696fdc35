"""The ``onex-research`` command line.

::

    onex-research simulate   --seed 7 --out /tmp/mystudy
    onex-research clean      EXPORT --instrument YAML --out DIR
    onex-research measure    CLEAN_DIR --out DIR
    onex-research regress    CLEAN_DIR --outcome effectiveness --out DIR
    onex-research interviews CORPUS_DIR --out DIR
    onex-research reproduce  --survey EXPORT --instrument YAML --corpus DIR --out reports/

Exit codes: 0 success; 2 bad input (a missing file, an instrument that does not fit
the export, a bad option), with a one-line message on stderr; 1 any other failure.
``--debug`` shows the full traceback instead. The commands are thin: each calls the
study's steps (:mod:`onex_research.study`), the same functions the notebooks call, and
writes its tables through :class:`onex_research.report.Report`
(``tables/<command>__<name>.{csv,docx,tex,md}``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import warnings
from pathlib import Path

from .errors import OnexError
from .paths import DEFAULT_INSTRUMENT

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_FAILURE", "EXIT_BAD_INPUT"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
PROG = "onex-research"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError) and text.startswith("'"):
        text = f"missing key {text}"
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())



def _instrument(path):
    from .instrument import load_instrument

    return load_instrument(path)


def _report(out, command):
    from .report import Report

    return Report(Path(out), notebook=command)


def _done(paths, out) -> None:
    print(f"wrote {len(paths)} files to {out}")


# -- commands ----------------------------------------------------------------------
def cmd_simulate(args) -> int:
    from .simulate import simulate_corpus, simulate_study, write_study

    study = simulate_study(_instrument(args.instrument), n=args.n, seed=args.seed)
    paths = dict(write_study(study, args.out))
    if not args.no_corpus:  # transcripts with their truth (truth_sentences.csv, truth.json)
        paths["corpus"] = simulate_corpus(seed=args.seed).write(Path(args.out) / "corpus")
    print(study)
    for name, path in paths.items():
        print(f"  {path}")
    return EXIT_OK


def cmd_clean(args) -> int:
    from .study import load_survey, write_clean

    from .survey.command import clean_options

    survey = load_survey(args.export, args.instrument, **clean_options(args))
    out = Path(args.out)
    written = write_clean(survey, out, formats=args.formats)
    rep = _report(out, "clean")
    rep.table(survey.cleaning.flow_table("zh"), name="flow", caption_zh="样本筛选流程", caption_en="Sample flow",
              made_by="onex_research.survey.clean")
    _done(written + [out / f for e in rep.entries for f in e.files], out)
    print(f"{survey.cleaning.n_raw} submissions, {survey.cleaning.n_analysed} analysed")
    return EXIT_OK


def cmd_measure(args) -> int:
    from .study import read_clean, tables

    survey = read_clean(args.data, instrument=args.instrument)
    rep = _report(args.out, "measure")
    tables.item_descriptives(survey, rep)
    tables.reliability_tables(survey, rep)
    tables.correlation_table(survey, rep)
    tables.factorability_table(survey, rep)
    tables.parallel_analysis_tables(survey, rep, seed=args.seed)
    tables.efa_tables(survey, rep, n_factors=args.n_factors, method=args.method, rotation=args.rotation)
    tables.cfa_tables(survey, rep)
    tables.harman_table(survey, rep)
    if "role" in survey.data.columns:
        tables.invariance_table(survey, rep, group="role", n_groups=2)
    _done([f for e in rep.entries for f in e.files], args.out)
    return EXIT_OK


def cmd_regress(args) -> int:
    from .study import read_clean, tables

    survey = read_clean(args.data, instrument=args.instrument)
    rep = _report(args.out, "regress")
    tables.hierarchical_tables(survey, rep, args.outcome, controls=args.control)
    _done([f for e in rep.entries for f in e.files], args.out)
    return EXIT_OK


def cmd_interviews(args) -> int:
    from .study import load_corpus, tables

    corpus = load_corpus(args.corpus, roster=args.roster, schools=args.schools, frame=args.frame)
    rep = _report(args.out, "interviews")
    tables.corpus_overview(corpus, rep)
    units = tables.segment_units(corpus, cache_dir=None, progress=not args.quiet)
    tables.coding_tables(corpus, rep, units)
    tables.topic_tables(units, rep, seed=args.seed, frame=corpus.frame, k=args.topics)
    _done([f for e in rep.entries for f in e.files], args.out)
    return EXIT_OK


def cmd_reproduce(args) -> int:
    from .reproduce.run import reproduce

    argv = ["onex-research", "reproduce", *args._argv]
    res = reproduce(survey=args.survey, instrument=args.instrument, corpus=args.corpus, out=args.out,
                    seed=args.seed, notebooks=args.notebooks, progress=not args.quiet,
                    command=shlex.join(argv), allow_missing_glyphs=args.allow_missing_glyphs,
                    use_cache=not args.no_cache)
    total = sum(res.seconds.values())
    reused = f" ({len(res.cached)} unchanged, from the cache)" if res.cached else ""
    print(f"reproduced {len(res.notebooks)} notebooks{reused} in {total:.0f} s: {res.report} and {res.manifest}")
    return EXIT_OK


# -- parser ------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subparser per command."""
    from .paths import CORPUS as DEFAULT_CORPUS
    from .study import DEFAULT_SEED, DEFAULT_SURVEY

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    parser = argparse.ArgumentParser(
        prog=PROG, description="Mixed-methods toolkit for the 1+X certificate pilot: from a questionnaire "
        "export and interview transcripts to a paper's tables and figures.",
        epilog=f"Run '{PROG} COMMAND --help' for a command's options. Exit codes: 0 ok, 2 bad input, 1 failure.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    ins_help = "instrument (codebook) YAML (default: %(default)s)"
    clean_ins_help = "instrument YAML (default: the instrument.yaml that `clean` wrote beside the data)"

    p = sub.add_parser("simulate", parents=[common], help="write a simulated study (export + truth) from a seed",
                       description="Simulate a 1+X survey study and write it as a Wenjuanxin export "
                       "(wjx_text.xlsx, wjx_codes.csv) with its truth (truth.json, truth_dirty.csv).")
    p.add_argument("--out", required=True, type=Path, help="folder to write")
    p.add_argument("--seed", type=int, default=20240512, help="seed (default: %(default)s)")
    p.add_argument("--n", type=int, default=600, help="respondents before duplicates (default: %(default)s)")
    p.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help=ins_help)
    p.add_argument("--no-corpus", action="store_true", help="do not simulate interview transcripts")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("clean", parents=[common], help="clean an export: clean CSV/.sav, exclusions, flow table",
                       description="Read a questionnaire export with its instrument, apply the cleaning rules "
                       "and write clean.csv (and clean.sav), the exclusions and the sample-flow table.")
    p.add_argument("export", type=Path, help="the export (.xlsx, .csv, .sav)")
    p.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help=ins_help)
    p.add_argument("--out", required=True, type=Path, help="folder to write")
    p.add_argument("--formats", nargs="+", choices=["csv", "sav"], default=["csv", "sav"],
                   help="data formats to write (default: csv sav)")
    from .survey.command import add_clean_options

    add_clean_options(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("measure", parents=[common], help="reliability, KMO/Bartlett, EFA and CFA tables",
                       description="Measurement tables for the output of `clean` (the same tables as notebook "
                       "02_measurement): item descriptives, alpha and omega per construct, item-total statistics, "
                       "KMO and Bartlett, parallel analysis, EFA loadings matched to the constructs, CFA fit, "
                       "loadings, CR/AVE, Fornell-Larcker and HTMT.")
    p.add_argument("data", type=Path, help="the folder `clean` wrote (or its clean.csv)")
    p.add_argument("--instrument", type=Path, default=None, help=clean_ins_help)
    p.add_argument("--out", required=True, type=Path, help="folder to write")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the parallel analysis (default: %(default)s)")
    p.add_argument("--n-factors", type=int, default=None, help="EFA factors (default: number of constructs)")
    p.add_argument("--method", default="minres", choices=["minres", "ml", "pa", "principal"],
                   help="EFA extraction (default: %(default)s, as psych::fa)")
    p.add_argument("--rotation", default="oblimin", choices=["oblimin", "promax", "varimax", "none"],
                   help="EFA rotation (default: %(default)s)")
    p.set_defaults(func=cmd_measure)

    p = sub.add_parser("regress", parents=[common], help="hierarchical regression tables",
                       description="Hierarchical OLS of an outcome construct's score on the controls, then the "
                       "driver, barrier and facilitator constructs (blocks from the instrument's roles); the same "
                       "tables as notebook 03_regression.")
    p.add_argument("data", type=Path, help="the folder `clean` wrote (or its clean.csv)")
    p.add_argument("--instrument", type=Path, default=None, help=clean_ins_help)
    p.add_argument("--outcome", default="effectiveness", help="outcome construct (default: %(default)s)")
    p.add_argument("--control", nargs="*", default=None,
                   help="control columns, the first block (default: the instrument's `controls:`, else its "
                   "single-choice demographic items); `--control` with no names: no controls")
    p.add_argument("--out", required=True, type=Path, help="folder to write")
    p.set_defaults(func=cmd_regress)

    p = sub.add_parser("interviews", parents=[common], help="read, redact, code and topic-model transcripts",
                       description="Read a folder of interview transcripts, redact names and schools, code "
                       "them with the coding frame and fit a topic model.")
    p.add_argument("corpus", type=Path, help="corpus folder (with transcripts/, roster.csv, schools.txt, "
                   "coding_frame.yaml) or a folder of transcripts (.txt, .md, .docx)")
    p.add_argument("--out", required=True, type=Path, help="folder to write")
    p.add_argument("--frame", type=Path, help="coding frame YAML (default: coding_frame.yaml in the corpus "
                   "folder, else corpus/coding_frame.yaml)")
    p.add_argument("--roster", type=Path, help="CSV name,role of people to pseudonymise (default: roster.csv "
                   "in the corpus folder, if any)")
    p.add_argument("--schools", type=Path, help="text file, one school name a line (default: schools.txt in "
                   "the corpus folder, if any)")
    p.add_argument("--topics", type=int, default=None, help="number of topics (default: chosen by coherence)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed (default: %(default)s)")
    p.set_defaults(func=cmd_interviews)
    from .text.terms import add_parser as add_terms_parser  # onex-research terms CORPUS

    add_terms_parser(sub, [common])

    from .scale.command import add_parser as add_open_ended  # onex-research open-ended (Dask)
    add_open_ended(sub, [common])

    p = sub.add_parser("reproduce", parents=[common], help="run every notebook; write report.html and manifest.json",
                       description="Run the study's notebooks on an export, an instrument and a corpus, and write "
                       "the executed notebooks (HTML), every table (.csv/.docx/.tex/.md) and figure (.png/.svg), "
                       "report.html and manifest.json into --out.")
    p.add_argument("--survey", type=Path, default=DEFAULT_SURVEY, help="questionnaire export (default: %(default)s)")
    p.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help=ins_help)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="corpus folder with transcripts/ (or a folder of transcripts) (default: %(default)s)")
    p.add_argument("--out", type=Path, default=Path("reports"), help="report folder (default: reports/)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="analysis seed (default: %(default)s)")
    p.add_argument("--notebooks", nargs="+", metavar="NAME", help="run only these notebooks (names or prefixes: 01 05); report.html and manifest.json then cover only them")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--no-cache", action="store_true",
                   help="run every notebook, even those whose inputs, notebook and library are unchanged")
    p.add_argument("--allow-missing-glyphs", action="store_true", help="record missing-glyph warnings, do not fail")
    p.set_defaults(func=cmd_reproduce)

    from .survey import command as survey_command

    survey_command.add_parser(sub, [common])
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input, 1 failure)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args._argv = argv[1:]
    with warnings.catch_warnings():
        if not args.debug:  # one line per warning, without the source line
            warnings.showwarning = _show_warning
        return _dispatch(args)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"{PROG}: warning: {_one_line(message)}", file=sys.stderr)


def _dispatch(args) -> int:
    try:
        return args.func(args) or EXIT_OK
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (OnexError, ValueError, FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
        if args.debug:
            raise
        print(f"{PROG} {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
        if args.debug:
            raise
        print(f"{PROG} {args.command}: failed: {type(exc).__name__}: {_one_line(exc)} "
              f"(rerun with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
