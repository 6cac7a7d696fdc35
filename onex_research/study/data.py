"""The study's steps, called alike by the CLI, the notebooks and ``reproduce``.

One path per step, so that the same data gives the same numbers whichever way a study is
run:

* the questionnaire: :func:`load_survey` (read, clean, score), :func:`write_clean` (what
  ``onex-research clean`` writes) and :func:`read_clean` (the cleaned data restored with its
  types and the instrument it was cleaned with);
* the interviews: :func:`resolve_corpus` (which folder holds what) and :func:`load_corpus`
  (read every turn, redact them all with one pseudonym mapping, in file order, then select
  the interviewees' speech).

The tables that the CLI and the notebooks share are made by :mod:`onex_research.study_tables`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import OnexError
from ..instrument import Instrument, load_instrument
from ..paths import CORPUS, DEFAULT_INSTRUMENT, DEFAULT_STUDY
from ..survey.score import default_controls

__all__ = ["DEFAULT_SURVEY", "DEFAULT_SEED", "TRANSCRIPT_SUFFIXES", "Survey", "load_survey", "write_clean",
           "read_clean", "default_controls", "CorpusPaths", "Corpus", "resolve_corpus", "load_corpus",
           "CLEAN_FILES"]

DEFAULT_SURVEY = DEFAULT_STUDY / "wjx_text.xlsx"
DEFAULT_SEED = 20240512
TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx")
#: What :func:`write_clean` writes besides the optional ``clean.sav``.
CLEAN_FILES = {"data": "clean.csv", "schema": "clean_schema.json", "instrument": "instrument.yaml",
               "exclusions": "exclusions.csv", "changes": "changes.csv"}


# -- the questionnaire --------------------------------------------------------------

@dataclass(frozen=True)
class Survey:
    """The cleaned questionnaire, ready for analysis.

    Attributes
    ----------
    instrument : Instrument
    data : DataFrame
        The cleaned data (``clean(...).data``) indexed by ``respondent_id``: categories in
        the instrument's scale order, Likert codes reverse-keyed where the item says so.
    scores : DataFrame
        Construct scores (:func:`onex_research.survey.score`), indexed by ``respondent_id``.
    cleaning : CleanResult or None
        The audit trail (exclusions, changes, sample flow); None when restored by
        :func:`read_clean`, whose folder holds ``exclusions.csv`` and ``changes.csv``.
    source : pathlib.Path or None
        The export, or the ``clean.csv``, it came from.
    """

    instrument: Instrument
    data: pd.DataFrame
    scores: pd.DataFrame
    cleaning: object = field(default=None, repr=False)
    source: Path | None = None

    @property
    def scales(self) -> dict[str, list[str]]:
        """``{construct: [items]}`` for the constructs that have Likert items."""
        return {c: its for c, its in self.instrument.construct_items().items() if its}

    @property
    def items(self) -> pd.DataFrame:
        """The constructs' Likert items as float64 (NaN = missing), one row a respondent."""
        return self.data[self.instrument.likert_items].astype("float64")

    @property
    def controls(self) -> list[str]:
        """:func:`default_controls` of the instrument."""
        return default_controls(self.instrument)

    def frame(self, extra=()) -> pd.DataFrame:
        """The controls and ``extra`` columns of :attr:`data`, joined to the scores.

        The regression and group tables are computed on this frame.
        """
        cols = [c for c in [*self.controls, *extra] if c not in self.scores.columns]
        missing = [c for c in cols if c not in self.data.columns]
        if missing:
            raise OnexError(f"the cleaned data has no column {', '.join(missing)}; "
                            f"it has {', '.join(map(str, self.data.columns[:30]))}")
        return self.data[cols].join(self.scores)

    def __repr__(self) -> str:
        return (f"Survey({self.instrument.name!r}: n = {len(self.data)}, {len(self.scales)} constructs, "
                f"controls {self.controls})")


def _survey(data: pd.DataFrame, instrument: Instrument, *, cleaning=None, source=None) -> Survey:
    from ..survey import score

    scores = score(data, instrument)
    indexed = data.set_index("respondent_id") if "respondent_id" in data.columns else data
    return Survey(instrument=instrument, data=indexed, scores=scores, cleaning=cleaning,
                  source=Path(source) if source is not None else None)


def load_survey(survey=None, instrument=None, **clean_options) -> Survey:
    """Read, clean and score a questionnaire export.

    Parameters
    ----------
    survey : path, default ``surveys/default_study/wjx_text.xlsx``
        The export (Wenjuanxin .xlsx/.csv, Tencent Questionnaire, SPSS .sav).
    instrument : path or Instrument, default ``surveys/onex_instrument.yaml``
        The codebook that describes the export.
    **clean_options
        Thresholds and switches of :func:`onex_research.survey.clean` (``speeder_ratio``,
        ``max_missing``, ...); its defaults otherwise.

    Returns
    -------
    Survey
    """
    from ..survey import clean, read_export

    survey = Path(survey) if survey is not None else DEFAULT_SURVEY
    ins = instrument if isinstance(instrument, Instrument) else load_instrument(instrument or DEFAULT_INSTRUMENT)
    cleaned = clean(read_export(survey, ins), ins, **clean_options)
    return _survey(cleaned.data, ins, cleaning=cleaned, source=survey)


def _schema(data: pd.DataFrame) -> list[dict]:
    cols = []
    for c in data.columns:
        s = data[c]
        spec = {"name": str(c), "dtype": str(s.dtype)}
        if isinstance(s.dtype, pd.CategoricalDtype):
            spec.update(dtype="category", categories=[str(x) for x in s.cat.categories],
                        ordered=bool(s.cat.ordered))
        cols.append(spec)
    return cols


def write_clean(survey: Survey, out, *, formats=("csv", "sav")) -> list[Path]:
    """Write the cleaned data so that :func:`read_clean` restores it exactly.

    Writes into ``out``: ``clean.csv`` (UTF-8 with BOM, for Excel and R),
    ``clean_schema.json`` (each column's type and categories), ``instrument.yaml`` (a
    byte copy of the instrument used), ``exclusions.csv`` and ``changes.csv`` (the audit
    trail), and ``clean.sav`` with SPSS labels when ``"sav"`` is in ``formats``.

    Returns
    -------
    list of pathlib.Path
    """
    from ..survey import to_csv, to_sav

    if survey.cleaning is None:
        raise OnexError("write_clean needs a Survey from load_survey (with its cleaning audit trail)")
    if survey.instrument.path is None:  # checked before anything is written: no partial output
        raise OnexError("write_clean: the instrument has no file to copy; load it with load_instrument(path)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = survey.cleaning.data
    ins = survey.instrument
    written = [to_csv(data, out / CLEAN_FILES["data"])]
    schema = {"columns": _schema(data), "instrument": CLEAN_FILES["instrument"],
              "source": survey.source.name if survey.source is not None else None}
    path = out / CLEAN_FILES["schema"]
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written.append(path)
    target = out / CLEAN_FILES["instrument"]
    if Path(ins.path).resolve() != target.resolve():
        shutil.copyfile(ins.path, target)
    written.append(target)
    if "sav" in formats:
        written.append(to_sav(data, out / "clean.sav", ins))
    for name in ("exclusions", "changes"):
        written.append(to_csv(getattr(survey.cleaning, name), out / CLEAN_FILES[name]))
    return written


def _restore(raw: pd.DataFrame, schema: dict, path: Path) -> pd.DataFrame:
    cols = {}
    for spec in schema["columns"]:
        name, dtype = spec["name"], spec["dtype"]
        if name not in raw.columns:
            raise OnexError(f"{path}: column {name!r} of {CLEAN_FILES['schema']} is missing; "
                            "was clean.csv edited? Rerun `onex-research clean`")
        s = raw[name]
        if dtype == "category":
            values = s.where(s.notna(), None)
            unknown = sorted(set(values.dropna()) - set(spec["categories"]))
            if unknown:
                raise OnexError(f"{path}: column {name!r} has values {unknown[:5]} that are not among its "
                                f"categories {spec['categories']}")
            cols[name] = pd.Categorical(values, categories=spec["categories"], ordered=spec["ordered"])
        elif dtype.startswith("datetime64"):
            cols[name] = pd.to_datetime(s).astype(dtype)
        elif dtype in ("string", "str", "object"):
            cols[name] = s.astype("string" if dtype != "object" else object)
        else:
            cols[name] = pd.to_numeric(s).astype(dtype)
    return pd.DataFrame(cols)


def read_clean(path, *, instrument=None) -> Survey:
    """Restore what :func:`write_clean` wrote: the typed data and its instrument.

    Parameters
    ----------
    path : path
        The folder ``onex-research clean`` wrote, or its ``clean.csv``.
    instrument : path or Instrument, optional
        Overrides the ``instrument.yaml`` that ``clean`` wrote beside the data.

    Returns
    -------
    Survey
        With ``cleaning`` None (the audit trail is in the folder's CSV files).

    Raises
    ------
    FileNotFoundError
        No ``clean.csv`` at ``path``.
    OnexError
        No instrument beside the data and none given ("pass --instrument"), or a column
        that does not fit its recorded type.
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    csv = path if path.is_file() else folder / CLEAN_FILES["data"]
    if not csv.is_file():
        raise FileNotFoundError(f"cleaned data not found: {csv} (run `onex-research clean EXPORT --out DIR` first)")
    if instrument is None:
        ins_path = folder / CLEAN_FILES["instrument"]
        if not ins_path.is_file():
            raise OnexError(f"{folder}: no {CLEAN_FILES['instrument']} beside {csv.name}; pass --instrument "
                            "(the instrument YAML the export was cleaned with), or rerun `onex-research clean`")
        instrument = ins_path
    ins = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    raw = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
    schema_path = folder / CLEAN_FILES["schema"]
    if schema_path.is_file():
        data = _restore(raw, json.loads(schema_path.read_text(encoding="utf-8")), csv)
    else:  # a clean.csv from elsewhere: types from the instrument
        data = _types_from_instrument(raw, ins)
    wanted = [i for its in ins.construct_items().values() for i in its]
    missing = [i for i in wanted if i not in data.columns]
    if missing:
        raise OnexError(f"{csv}: the instrument's items {', '.join(missing)} are not columns of the file; "
                        f"is it the output of `onex-research clean` with the same instrument?")
    return _survey(data, ins, source=csv)


def _types_from_instrument(raw: pd.DataFrame, ins: Instrument) -> pd.DataFrame:
    data = raw.copy()
    for code, row in ins.items.iterrows():
        if code not in data.columns:
            continue
        if row["type"] in ("single",):
            data[code] = pd.Categorical(data[code], categories=ins.labels(code))
        elif row["type"] in ("likert", "attention"):
            data[code] = pd.to_numeric(data[code]).astype("Int64")
    if "respondent_id" in data.columns:
        data["respondent_id"] = pd.to_numeric(data["respondent_id"]).astype("Int64")
    return data


# -- the interviews -----------------------------------------------------------------
@dataclass(frozen=True)
class CorpusPaths:
    """Where a corpus's parts are.

    Attributes
    ----------
    root : pathlib.Path
        The corpus folder (with ``transcripts/``), or the parent of a folder of transcripts.
    transcripts : pathlib.Path
    roster, schools, manual : pathlib.Path or None
        ``roster.csv``, ``schools.txt``, ``manual_coding.csv`` when present.
    frame : pathlib.Path
        ``coding_frame.yaml`` of the corpus, else the bundled ``corpus/coding_frame.yaml``.
    """

    root: Path
    transcripts: Path
    roster: Path | None
    schools: Path | None
    frame: Path
    manual: Path | None


def resolve_corpus(corpus=None, *, roster=None, schools=None, frame=None) -> CorpusPaths:
    """Find the parts of a corpus folder.

    Parameters
    ----------
    corpus : path, default ``corpus/``
        A folder with ``transcripts/`` and the optional ``roster.csv``, ``schools.txt``,
        ``coding_frame.yaml``, ``manual_coding.csv``; or a folder of transcripts
        (``.txt``, ``.md``, ``.docx``), whose optional files are then looked for in its
        parent folder.
    roster, schools, frame : path, optional
        Override the files found in the folder; a given path must exist.

    Raises
    ------
    FileNotFoundError
        The folder, or a file given explicitly, does not exist.
    OnexError
        The folder is neither a corpus folder nor a folder of transcripts.
    """
    corpus = Path(corpus if corpus is not None else CORPUS).expanduser()
    if not corpus.is_dir():
        if corpus.exists():
            raise OnexError(f"corpus must be a folder (with transcripts/, or of transcripts), got the file {corpus}")
        raise FileNotFoundError(f"corpus not found: {corpus}")
    if (corpus / "transcripts").is_dir():
        root, transcripts = corpus, corpus / "transcripts"
    elif any(p.suffix.lower() in TRANSCRIPT_SUFFIXES for p in corpus.iterdir()):
        root, transcripts = corpus.parent, corpus
    else:
        raise OnexError(f"{corpus}: neither a corpus folder (with transcripts/) nor a folder of transcripts "
                        f"({', '.join(TRANSCRIPT_SUFFIXES)} files); see README 'Bring your own data'")

    def pick(given, name, what):
        if given is not None:
            given = Path(given)
            if not given.is_file():
                raise FileNotFoundError(f"{what} not found: {given}")
            return given
        return root / name if (root / name).is_file() else None

    frame_path = pick(frame, "coding_frame.yaml", "coding frame") or CORPUS / "coding_frame.yaml"
    return CorpusPaths(root=root, transcripts=transcripts, roster=pick(roster, "roster.csv", "roster"),
                       schools=pick(schools, "schools.txt", "schools list"), frame=frame_path,
                       manual=pick(None, "manual_coding.csv", "manual coding"))


@dataclass(frozen=True)
class Corpus:
    """The interviews, redacted once for the whole study.

    Attributes
    ----------
    paths : CorpusPaths
    turns : DataFrame
        Every turn of every transcript (:func:`onex_research.text.read_transcripts`), redacted,
        with ``chars``, the length of the turn's text before redaction.
    frame : CodingFrame
        The coding frame.
    mapping : dict
        original -> pseudonym, for the whole study. It identifies people: keep it out of
        ``reports/`` (:func:`onex_research.text.write_mapping` refuses that folder).
    """

    paths: CorpusPaths
    turns: pd.DataFrame
    frame: object
    mapping: dict = field(repr=False)

    @property
    def units(self) -> pd.DataFrame:
        """The interviewees' turns (:func:`onex_research.text.interviewee_turns`)."""
        from ..text import interviewee_turns

        return interviewee_turns(self.turns)

    def __repr__(self) -> str:
        return (f"Corpus({self.paths.transcripts}: {self.turns['interview_id'].nunique()} interviews, "
                f"{len(self.turns)} turns, {len(self.mapping)} identifiers pseudonymised)")


def load_corpus(corpus=None, *, roster=None, schools=None, frame=None) -> Corpus:
    """Read, redact and frame a corpus, in one fixed order.

    Every turn of every transcript is read (file order), then all of them are redacted
    with one :class:`~onex_research.text.Redactor`, so a person has one pseudonym in every
    table, quote and figure of the study, whichever turns a step later selects.

    Parameters
    ----------
    corpus, roster, schools, frame
        As :func:`resolve_corpus`.

    Returns
    -------
    Corpus
    """
    from ..text import load_frame, load_roster, load_schools, read_transcripts, redact_frame

    paths = resolve_corpus(corpus, roster=roster, schools=schools, frame=frame)
    turns = read_transcripts(paths.transcripts)
    turns["chars"] = turns["text"].str.len()   # the speech's length before pseudonyms replace names
    roster_map = load_roster(paths.roster) if paths.roster else None
    school_list = load_schools(paths.schools) if paths.schools else None
    turns, mapping = redact_frame(turns, roster_map, schools=school_list)
    return Corpus(paths=paths, turns=turns, frame=load_frame(paths.frame), mapping=mapping)
