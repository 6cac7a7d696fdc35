"""``onex-research draft-instrument EXPORT --out my_instrument.yaml``.

Hooked into :mod:`onex_research.cli` by ``add_parser(subparsers, parents)``; ``run``
drafts the instrument (:func:`onex_research.survey.draft_instrument`), writes it and
prints what is left to fill in.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers, parents=()):
    """Add the ``draft-instrument`` command to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "draft-instrument", parents=list(parents),
        help="draft the instrument (codebook) YAML from a questionnaire export",
        description="Read a questionnaire export (Wenjuanxin, Tencent Questionnaire, Tencent Docs, 金数据, "
        "Credamo .xlsx/.csv, or SPSS .sav) and write an instrument YAML with every question, its wording, "
        "type and scale, the metadata columns and the attention items. Constructs, roles and reverse keys "
        "are left as TODO comments. The draft reads its own export with no edits.")
    p.add_argument("export", type=Path, help="the export (.xlsx, .csv, .sav)")
    p.add_argument("--out", required=True, type=Path, help="the YAML to write (e.g. my_instrument.yaml)")
    p.add_argument("--name", default=None, help="instrument name (default: the export's file name)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from .draft import draft_instrument, draft_summary

    out = Path(args.out)
    if out.exists() and not args.force:
        from ..errors import OnexError

        raise OnexError(f"{out} exists; pass --force to overwrite it, or choose another --out")
    ins = draft_instrument(args.export, name=args.name)
    ins.to_yaml(out)
    print(f"wrote {out}")
    print(draft_summary(ins))
    print(f"next: onex-research clean {args.export} --instrument {out} --out clean/")
    return 0


def _number_or_off(kind):
    def parse(text):
        if str(text).lower() in ("off", "none", "no"):
            return None
        return kind(text)
    parse.__name__ = kind.__name__
    return parse


def add_clean_options(parser) -> None:
    """The thresholds of :func:`onex_research.survey.clean` as options of the ``clean`` command.

    Defaults are :func:`clean`'s; ``off`` disables a rule. The flow table states the
    values used.
    """
    g = parser.add_argument_group("cleaning rules (defaults as survey.clean; 'off' disables a rule)")
    g.add_argument("--speeder-ratio", type=_number_or_off(float), default=1 / 3, metavar="R",
                   help="exclude completion times below R x the median (default: 1/3)")
    g.add_argument("--straightline-share", type=_number_or_off(float), default=0.6, metavar="S",
                   help="exclude runs of identical answers over >= S of the Likert items (default: %(default)s)")
    g.add_argument("--straightline-min-answered", type=int, default=10, metavar="N",
                   help="zero variance counts with at least N answered Likert items (default: %(default)s)")
    g.add_argument("--max-missing", type=_number_or_off(float), default=0.3, metavar="S",
                   help="exclude when more than S of the Likert items are missing (default: %(default)s)")
    g.add_argument("--duplicate-min-items", type=int, default=5, metavar="N",
                   help="call a submission a duplicate only with >= N informative answers (default: %(default)s)")
    g.add_argument("--near-duplicate-max-diff", type=_number_or_off(int), default=2, metavar="N",
                   help="same IP and at most N different answers is a duplicate (default: %(default)s)")
    g.add_argument("--no-duplicates", action="store_true", help="do not run the duplicate rule")
    g.add_argument("--no-attention", action="store_true", help="do not run the attention-check rule")
    g.add_argument("--attention-missing-fails", action="store_true",
                   help="a skipped attention item counts as failed")
    g.add_argument("--exclude-out-of-range", action="store_true",
                   help="also exclude respondents with codes off the declared scale (always blanked)")


def clean_options(args) -> dict:
    """Keyword arguments of :func:`onex_research.survey.clean` from :func:`add_clean_options`."""
    return dict(speeder_ratio=args.speeder_ratio, straightline_share=args.straightline_share,
                straightline_min_answered=args.straightline_min_answered, max_missing=args.max_missing,
                duplicate_min_items=args.duplicate_min_items, near_duplicate_max_diff=args.near_duplicate_max_diff,
                duplicates=not args.no_duplicates, attention=not args.no_attention,
                attention_missing_fails=args.attention_missing_fails,
                exclude_out_of_range=args.exclude_out_of_range)
