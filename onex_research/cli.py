"""The ``onex-research`` command line.

::

    onex-research simulate   --seed 7 --out /tmp/mystudy
    onex-research clean      EXPORT --instrument YAML --out DIR
    onex-research measure    CLEAN.csv --instrument YAML --out DIR
    onex-research regress    CLEAN.csv --instrument YAML --outcome effectiveness --out DIR
    onex-research interviews CORPUS_DIR --out DIR
    onex-research reproduce  --survey EXPORT --instrument YAML --corpus DIR --out reports/

Exit codes: 0 success; 2 bad input (a missing file, an instrument that does not fit
the export, a bad option), with a one-line message on stderr; 1 any other failure.
``--debug`` shows the full traceback instead. The commands are thin: each calls the
library (:mod:`onex_research.survey`, :mod:`.psychometrics`, :mod:`.regression`,
:mod:`.text`, :mod:`.report`) and writes its tables through
:class:`onex_research.report.Report` (``tables/<command>__<name>.{csv,docx,tex,md}``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import warnings
from pathlib import Path

from .errors import OnexError
from .paths import CORPUS, DEFAULT_INSTRUMENT

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_FAILURE", "EXIT_BAD_INPUT"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
PROG = "onex-research"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError) and text.startswith("'"):
        text = f"missing key {text}"
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def _need(module: str, *names):
    """Import ``names`` from ``module``, or fail with a message saying what is missing."""
    import importlib

    mod = importlib.import_module(module)
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise RuntimeError(f"{module} has no {', '.join(missing)} in this installation")
    return [getattr(mod, n) for n in names]


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
    from .simulate import simulate_study, write_study

    study = simulate_study(_instrument(args.instrument), n=args.n, seed=args.seed)
    paths = dict(write_study(study, args.out))
    try:
        (write_corpus,) = _need("onex_research.simulate", "write_corpus")
    except RuntimeError:
        write_corpus = None
    if write_corpus is not None and not args.no_corpus:
        paths["transcripts"] = write_corpus(Path(args.out) / "transcripts", seed=args.seed)
    print(study)
    for name, path in paths.items():
        print(f"  {path}")
    return EXIT_OK


def cmd_clean(args) -> int:
    from .survey import clean, read_export, to_csv, to_sav

    ins = _instrument(args.instrument)
    from .survey.command import clean_options

    result = clean(read_export(args.export, ins), ins, **clean_options(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if "csv" in args.formats:
        written.append(to_csv(result.data, out / "clean.csv"))
    if "sav" in args.formats:
        written.append(to_sav(result.data, out / "clean.sav", ins))
    for name in ("exclusions", "changes"):
        written.append(to_csv(getattr(result, name), out / f"{name}.csv"))
    rep = _report(out, "clean")
    rep.table(result.flow_table("zh"), name="flow", caption_zh="样本筛选流程", caption_en="Sample flow",
              made_by="onex_research.survey.clean")
    _done(written + [out / f for e in rep.entries for f in e.files], out)
    print(f"{result.n_raw} submissions, {result.n_analysed} analysed")
    return EXIT_OK


def _items(path, ins):
    """The cleaned file and its construct items: ``(data, items, {construct: [items]})``.

    The file is the output of ``clean``, where reverse-keyed items are already recoded.
    """
    import pandas as pd

    data = pd.read_csv(path, encoding="utf-8-sig")
    if "respondent_id" in data.columns:
        data = data.set_index("respondent_id")
    groups = {c: v for c, v in ins.construct_items().items() if v}
    wanted = [i for v in groups.values() for i in v]
    missing = [i for i in wanted if i not in data.columns]
    if missing:
        raise OnexError(f"{path}: the instrument's items {', '.join(missing)} are not columns of the file; "
                        f"is it the output of `onex-research clean` with the same instrument?")
    return data, data[wanted].apply(pd.to_numeric, errors="coerce"), groups


def cmd_measure(args) -> int:
    import pandas as pd

    from .psychometrics import bartlett, cfa, efa, kmo, reliability

    ins = _instrument(args.instrument)
    _, items, groups = _items(args.data, ins)
    rep = _report(args.out, "measure")
    rel = pd.DataFrame({c: reliability(items[v]).to_frame().iloc[0] for c, v in groups.items() if len(v) > 1}).T
    rel.index.name = "construct"
    rep.table(rel, name="reliability", caption_zh="各构念的信度", caption_en="Reliability of the constructs",
              made_by="onex_research.psychometrics.reliability")
    k, b = kmo(items), bartlett(items)
    fact = pd.DataFrame({"kmo": [k.overall], "chi2": [b.chi2], "dof": [b.dof], "p": [b.p], "n": [len(items)]},
                        index=pd.Index(["all items"], name="items"))
    rep.table(fact, name="kmo_bartlett", caption_zh="KMO 与 Bartlett 球形检验", caption_en="KMO and Bartlett's test",
              made_by="onex_research.psychometrics.kmo")
    n_factors = args.n_factors or len(groups)
    fa = efa(items, n_factors, method=args.method, rotation=args.rotation)
    rep.table(fa.to_frame(), name="efa", caption_zh="探索性因子分析载荷", caption_en="Exploratory factor loadings",
              made_by="onex_research.psychometrics.efa")
    cf = cfa(items, groups)
    rep.table(cf.fit.to_frame("value"), name="cfa_fit", caption_zh="验证性因子分析拟合指标",
              caption_en="CFA fit indices", made_by="onex_research.psychometrics.cfa")
    rep.table(cf.reliability, name="cfa_reliability", caption_zh="组合信度与平均方差抽取量",
              caption_en="Composite reliability and AVE", made_by="onex_research.psychometrics.cfa")
    _done([f for e in rep.entries for f in e.files], args.out)
    return EXIT_OK


def cmd_regress(args) -> int:
    from .regression import hierarchical

    ins = _instrument(args.instrument)
    data, items, groups = _items(args.data, ins)
    if args.outcome not in groups:
        raise OnexError(f"--outcome {args.outcome!r} is not a construct of the instrument; "
                        f"choose from {', '.join(groups)}")
    from .survey import score

    scores = score(data.reset_index(), ins)
    roles = ins.constructs["role"]
    blocks = []
    if args.control:
        missing = [c for c in args.control if c not in data.columns]
        if missing:
            raise OnexError(f"{args.data}: no column {', '.join(missing)} for --control")
        scores = scores.join(data[args.control])
        blocks.append(list(args.control))
    for role in ("driver", "barrier", "facilitator"):
        block = [c for c in groups if roles.get(c) == role and c != args.outcome]
        if block:
            blocks.append(block)
    res = hierarchical(scores, args.outcome, blocks)
    rep = _report(args.out, "regress")
    rep.table(res.summary, name=f"{args.outcome}_steps", caption_zh="分层回归模型摘要",
              caption_en="Hierarchical regression: model summary", made_by="onex_research.regression.hierarchical")
    rep.table(res.coefficients, name=f"{args.outcome}_coefficients", caption_zh="分层回归系数",
              caption_en="Hierarchical regression: coefficients", made_by="onex_research.regression.hierarchical")
    _done([f for e in rep.entries for f in e.files], args.out)
    return EXIT_OK


def _corpus_folders(corpus: Path):
    """``(transcripts, extras)``: a corpus folder holds ``transcripts/`` and the extras;
    a folder of transcripts has its extras (roster, schools) in its parent."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    return (corpus / "transcripts", corpus) if (corpus / "transcripts").is_dir() else (corpus, corpus.parent)


def _roster_and_schools(args, extras: Path):
    """``--roster``/``--schools``, else ``roster.csv``/``schools.txt`` in the corpus folder."""
    from .text import load_roster, load_schools

    roster_path = Path(args.roster or extras / "roster.csv")
    schools_path = Path(args.schools or extras / "schools.txt")
    roster, schools = None, None
    if args.roster or roster_path.exists():
        roster = load_roster(roster_path)  # FileNotFoundError / ValueError naming the file: exit 2
    if args.schools or schools_path.exists():
        schools = load_schools(schools_path)
    return roster, schools


def cmd_interviews(args) -> int:
    import pandas as pd

    from .text import (Segmenter, code, code_matrix, exemplars, fit_topics, load_frame, read_transcripts,
                       redact_frame, select_k)

    transcripts, extras = _corpus_folders(args.corpus)
    roster, schools = _roster_and_schools(args, extras)
    frame = load_frame(args.frame or (extras / "coding_frame.yaml" if (extras / "coding_frame.yaml").exists()
                                      else CORPUS / "coding_frame.yaml"))
    turns = read_transcripts(transcripts, interviewee_only=True)
    turns, _ = redact_frame(turns, roster, schools=schools)
    rep = _report(args.out, "interviews")
    per_role = turns.groupby("role").agg(interviews=("interview_id", "nunique"), turns=("text", "size"))
    rep.table(per_role, name="corpus", caption_zh="访谈语料概况", caption_en="Interview corpus",
              made_by="onex_research.text.read_transcripts")
    hits = code(turns, frame)
    rep.table(code_matrix(hits, turns, frame=frame), name="codes", caption_zh="各身份的编码出现率",
              caption_en="Code prevalence by role", made_by="onex_research.text.code_matrix")
    rep.table(exemplars(hits, frame=frame), name="exemplars", caption_zh="典型引述（已匿名）",
              caption_en="Exemplar quotes (redacted)", made_by="onex_research.text.exemplars")
    tokens = Segmenter(progress=not args.quiet).fit().cut_many(list(turns["text"]))
    k = args.topics or select_k(tokens, ks=range(2, 9), seeds=(args.seed, args.seed + 1, args.seed + 2)).k
    topics = fit_topics(tokens, k, seed=args.seed)
    words = topics.top_words.groupby("topic")["word"].apply(" ".join)
    table = pd.DataFrame({"top_words": words, "coherence": topics.coherence_by_topic})
    table.index.name = "topic"
    rep.table(table, name="topics", caption_zh=f"主题模型（K = {k}）", caption_en=f"Topic model (K = {k})",
              made_by="onex_research.text.fit_topics")
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
    from .reproduce.run import DEFAULT_CORPUS, DEFAULT_SEED, DEFAULT_SURVEY

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
                       description="Measurement tables for a cleaned file (from `clean`): alpha per construct, "
                       "KMO and Bartlett, EFA loadings, CFA fit and CR/AVE.")
    p.add_argument("data", type=Path, help="cleaned CSV (clean.csv from `clean`, reverse-keyed items recoded)")
    p.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help=ins_help)
    p.add_argument("--out", required=True, type=Path, help="folder to write")
    p.add_argument("--n-factors", type=int, default=None, help="EFA factors (default: number of constructs)")
    p.add_argument("--method", default="minres", choices=["minres", "ml", "pa", "principal"],
                   help="EFA extraction (default: %(default)s, as psych::fa)")
    p.add_argument("--rotation", default="oblimin", choices=["oblimin", "promax", "varimax", "none"],
                   help="EFA rotation (default: %(default)s)")
    p.set_defaults(func=cmd_measure)

    p = sub.add_parser("regress", parents=[common], help="hierarchical regression tables",
                       description="Hierarchical OLS of an outcome construct's score on the controls, then the "
                       "driver, barrier and facilitator constructs (blocks from the instrument's roles).")
    p.add_argument("data", type=Path, help="cleaned CSV (clean.csv from `clean`, reverse-keyed items recoded)")
    p.add_argument("--instrument", type=Path, default=DEFAULT_INSTRUMENT, help=ins_help)
    p.add_argument("--outcome", default="effectiveness", help="outcome construct (default: %(default)s)")
    p.add_argument("--control", nargs="*", default=["role"], help="control columns, first block (default: role)")
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
