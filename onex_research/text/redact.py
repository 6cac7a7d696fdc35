"""Redaction of personal data in Chinese transcripts, with consistent pseudonyms."""

from __future__ import annotations

import json
import re
import string
import unicodedata
from pathlib import Path, PureWindowsPath

import pandas as pd

from onex_research.paths import REPORTS
from onex_research.text.normalize import KEPT_PUNCTUATION
from onex_research.text.pii import (CATEGORIES, CATEGORY_LABELS, COMPOUND_SURNAMES, TITLES, Span, find_pii,
                                    is_placeholder)

__all__ = ["Redactor", "redact", "redact_frame", "write_mapping", "mapping_summary", "GENERIC_SCHOOL_SUFFIXES",
           "TITLES", "load_roster", "load_schools"]

#: School-name endings (kept for callers); schools are now found by :mod:`.pii`, which needs a
#: proper part before the ending (淄博职业学院 yes, 举办职业学校 no).
GENERIC_SCHOOL_SUFFIXES = ("职业技术学院", "职业技术大学", "职业学院", "职业大学", "技师学院",
                           "高等专科学校", "职业技术学校", "中等职业学校", "中等专业学校", "职业学校",
                           "职业中专", "职教中心", "技工学校")
_KEEP_SPLIT = re.compile(f"([{KEPT_PUNCTUATION}]+)")


def _nfkc(text: str) -> str:
    """NFKC as in :func:`~onex_research.text.normalize` (full-width digits and letters
    become ASCII; the Chinese punctuation of ``KEPT_PUNCTUATION`` stays)."""
    parts = _KEEP_SPLIT.split(text)
    parts[::2] = [unicodedata.normalize("NFKC", p) for p in parts[::2]]
    return "".join(parts)


def _surname(name: str) -> str:
    """The surname of a Chinese name: two characters for a compound surname or a 4-character name."""
    return name[:2] if len(name) >= 4 or name[:2] in COMPOUND_SURNAMES else name[:1]


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = string.ascii_uppercase[r] + s
    return s


class Redactor:
    """Replace personal identifiers with consistent pseudonyms, with or without a roster.

    One ``Redactor`` gives the same pseudonym to the same person or school in every
    text it sees: pass one instance (or one ``mapping``) through a whole corpus.

    Parameters
    ----------
    roster : dict or list, optional
        Names to replace: ``{"张伟": "教师", "李娜": "学生"}`` gives ``[教师A]``,
        ``[学生A]``; a list of names uses the role ``人员``. Longer names are replaced
        first, so 欧阳明 wins over 欧阳. Names found without a roster get ``[人员A]``.
    schools : list of str, optional
        School names, replaced by ``[学校1]``, ``[学校2]``, ... in order of first
        appearance. Named schools not on the list (山东大学, 某某职业学院) are found as
        well, unless ``generic_schools=False``; generic words (职业学校, 中等职业学校,
        举办职业学校) never are.
    mapping : dict, optional
        A mapping returned earlier (original -> pseudonym) to continue from.
    generic_schools : bool, default True
        Find schools that are not on the list.
    categories : iterable of str, optional
        Categories to redact (default: all of :data:`~onex_research.text.pii.CATEGORIES`:
        email, id_card, bank_card, phone, qq, wechat, student_id, birth_date, plate,
        address, school, company, person). Roster names and listed schools belong to
        ``person`` and ``school``.

    Attributes
    ----------
    mapping_ : dict
        original -> pseudonym for everything replaced so far. Keep it private: write it
        with :func:`write_mapping`, never into reports.
    audit_ : list of dict
        One row per replacement; see :meth:`audit`.

    Notes
    -----
    Placeholders in a roster or school list (无, 空, 不详, N/A, -) are ignored. A surname
    with a title (张老师) takes the pseudonym of the one roster person with that surname;
    if two roster people share it, it gets ``[待核人员N]`` and the audit row says which
    pseudonyms it could be, so that two people are never merged silently.
    """

    def __init__(self, roster=None, *, schools=None, mapping=None, generic_schools=True, categories=None):
        if isinstance(roster, (list, tuple, set)):
            roster = {name: "人员" for name in roster}
        self.roster = {k: v for k, v in dict(roster or {}).items() if not is_placeholder(k)}
        self.schools = [s for s in (schools or []) if not is_placeholder(s)]
        self.generic_schools = generic_schools
        self.categories = tuple(CATEGORIES if categories is None else categories)
        unknown = set(self.categories) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}; choose from {', '.join(CATEGORIES)}")
        self.mapping_ = dict(mapping or {})
        self.audit_ = []
        self._calls = 0
        for original, label in self.mapping_.items():  # names and schools of an earlier mapping
            m = re.fullmatch(r"\[(.+?)([A-Z]+|\d+)\]", label)
            if "*" in original or not m:
                continue
            if m.group(2).isalpha() and m.group(1) != "人员":
                self.roster.setdefault(original, m.group(1))
            elif m.group(1) == "学校" and original not in self.schools:
                self.schools.append(original)

    def _pseudonym(self, original: str, kind: str, lettered: bool) -> str:
        if original in self.mapping_:
            return self.mapping_[original]
        if getattr(self, "_used", None) is None or self._used_n != len(self.mapping_):
            self._used = {}  # kind -> labels used; rebuilt if the mapping was changed outside
            for v in self.mapping_.values():
                m = re.fullmatch(r"\[(.+?)(?:[A-Z]+|\d+)\]", v)
                if m:
                    self._used[m.group(1)] = self._used.get(m.group(1), 0) + 1
        used = self._used.get(kind, 0)
        self._used[kind] = used + 1
        self._used_n = len(self.mapping_) + 1
        label = f"[{kind}{_letters(used) if lettered else used + 1}]"
        self.mapping_[original] = label
        return label

    def add_roster(self, roster) -> "Redactor":
        """Add names (dict name -> role, or a list) to the roster; returns self."""
        if isinstance(roster, (list, tuple, set)):
            roster = {name: "人员" for name in roster}
        self.roster.update({k: v for k, v in (roster or {}).items() if not is_placeholder(k)})
        return self

    def _listed(self, text):
        """Spans of roster names and listed schools, longest first, not overlapping."""
        spans, taken = [], bytearray(len(text))
        lists = []
        if "person" in self.categories:
            lists += [(n, "person", self.roster[n]) for n in self.roster if n]
        if "school" in self.categories:
            lists += [(s, "school", "") for s in self.schools if s]
        for name, cat, role in sorted(lists, key=lambda x: len(x[0]), reverse=True):
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * (end - start)
                    spans.append(Span(start, end, cat, name, role or ("学校" if cat == "school" else "")))
                start = text.find(name, end)
        return spans

    def _label(self, span: Span):
        """(pseudonym, flag) for one span."""
        if span.category != "person":
            kind = span.kind or CATEGORY_LABELS[span.category]
            return self._pseudonym(span.key, kind, lettered=False), ""
        if span.kind == "surname":  # 张老师: the roster person with that surname, if just one
            people = [n for n in self.roster if _surname(n) == span.key]
            if len(people) == 1:
                return self._pseudonym(people[0], self.roster[people[0]], lettered=True), ""
            if len(people) > 1:
                labels = [self._pseudonym(n, self.roster[n], lettered=True) for n in people]
                return (self._pseudonym(span.key + "*?", "待核人员", lettered=False),
                        "ambiguous: " + " | ".join(labels))
            return self._pseudonym(span.key + "*", "人员", lettered=True), ""
        role = self.roster.get(span.key) or span.kind or "人员"
        return self._pseudonym(span.key, role, lettered=True), ""

    def find(self, text: str):
        """The identifiers that :meth:`redact` would replace, overlaps resolved.

        Returns
        -------
        text : str
            ``text`` after NFKC (the spans index into it).
        spans : list of Span
            In text order; roster names and listed schools win every overlap, then the
            category order of :data:`~onex_research.text.pii.CATEGORIES`, then the longer span.
        """
        if not isinstance(text, str):
            raise TypeError(f"redact() expects a str, got {type(text).__name__}")
        text = _nfkc(text)  # full-width digits and letters (１３８…) are found like ASCII ones
        cats = set(self.categories)
        if not self.generic_schools:
            cats.discard("school")
        listed = self._listed(text)  # roster names and listed schools win every overlap
        found = listed + find_pii(text, [c for c in CATEGORIES if c in cats])
        rank = {c: i for i, c in enumerate(CATEGORIES)}
        order = sorted(range(len(found)), key=lambda i: (
            i >= len(listed), rank[found[i].category], -(found[i].end - found[i].start), found[i].start))
        taken = bytearray(len(text))
        keep = []
        for i in order:
            sp = found[i]
            if not any(taken[sp.start:sp.end]):
                taken[sp.start:sp.end] = b"\x01" * (sp.end - sp.start)
                keep.append(sp)
        keep.sort(key=lambda sp: sp.start)
        return text, keep

    def redact(self, text: str) -> str:
        """Return ``text`` with every identifier replaced; updates ``mapping_`` and ``audit_``."""
        text, keep = self.find(text)
        self._calls += 1
        out, pos, rows = [], 0, []
        length = 0
        for sp in keep:
            label, flag = self._label(sp)
            out.append(text[pos:sp.start])
            length += sp.start - pos
            rows.append((sp.category, label, flag, length))
            out.append(label)
            length += len(label)
            pos = sp.end
        out.append(text[pos:])
        result = "".join(out)
        for cat, label, flag, at in rows:
            self.audit_.append({"call": self._calls, "category": cat, "pseudonym": label,
                                "context": result[max(0, at - 12):at + len(label) + 12].replace("\n", " "),
                                "flag": flag})
        return result

    def audit(self) -> pd.DataFrame:
        """What was replaced, for review, without the originals.

        Returns
        -------
        DataFrame
            ``call`` (1 for the first text redacted, ...), ``category``, ``pseudonym``,
            ``context`` (up to 12 characters either side, every identifier in it already
            masked by its pseudonym) and ``flag`` (``"ambiguous: [教师A] | [教师B]"`` for a
            surname + title that fits two roster people).
        """
        return pd.DataFrame(self.audit_, columns=["call", "category", "pseudonym", "context", "flag"])


def redact(text: str, roster=None, *, schools=None, redactor: Redactor | None = None,
           mapping: dict | None = None):
    """Redact one text.

    Parameters
    ----------
    text : str
    roster : dict or list, optional
        Names to replace, name -> role (``{"张伟": "教师"}`` -> ``[教师A]``).
    schools : list of str, optional
        School names (-> ``[学校1]``); generic names such as XX职业技术学院 are always
        replaced.
    redactor : Redactor, optional
        Share one across calls for consistent pseudonyms (roster/schools are added to it).
    mapping : dict, optional
        Or pass the mapping from an earlier call to continue its numbering.

    Returns
    -------
    text : str
        The redacted text.
    mapping : dict
        original -> pseudonym, for everything replaced so far. Never write it into
        reports; see :func:`write_mapping`.

    Notes
    -----
    The text is NFKC-normalised first (full-width ``１３８…`` is found like ``138…``).
    Detectors (:mod:`onex_research.text.pii`) need no roster: person names by jieba's
    POS tag ``nr`` (names outside jieba's dictionary, surname list with compound
    surnames, given-name characters) and by cues (surname + title 张老师, speaker labels
    张老师：, 我叫/名叫, 辅导员许文静); named schools and companies (a place or name
    before the ending: 山东大学, 淄博职业学院, 济南明宇机械制造有限公司, never 举办职业学校
    or 中等职业学校); addresses ending in a house number; student and staff numbers
    after 学号/工号/准考证号; 身份证号 with a valid check digit (GB 11643); bank cards
    passing the Luhn check; dates of birth after 出生/生日; plates; QQ numbers and QQ
    groups; WeChat ids (微信, V信, vx, wx); mobiles and landlines in any grouping
    (``021 6543 2109``, ``(0531)88776655``, ``+86 139 8765 4321``); e-mail. See
    ``scripts/eval_redaction.py`` for precision and recall per category.

    Examples
    --------
    >>> redact("张伟老师的电话是138-1234-5678。", {"张伟": "教师"})[0]
    '[教师A]老师的电话是[电话1]。'
    """
    if redactor is None:
        redactor = Redactor(roster, schools=schools, mapping=mapping)
    else:
        redactor.add_roster(roster)
        redactor.schools.extend(s for s in (schools or []) if s not in redactor.schools)
    return redactor.redact(text), redactor.mapping_


def redact_frame(turns: pd.DataFrame, roster=None, *, schools=None, text="text",
                 redactor: Redactor | None = None):
    """Redact the ``text`` column of a table of turns, and its ``school`` column.

    The header's school names (column ``school``) join ``schools``, so a school named
    in the header is also found in the text. Columns ``school``, ``interviewer``,
    ``note`` and ``speaker_raw`` are redacted as well, and ``file`` is reduced to its
    base name, redacted.

    Returns
    -------
    turns : DataFrame
        A copy, redacted.
    mapping : dict
        original -> pseudonym.
    """
    schools = list(schools or [])
    if "school" in turns.columns:
        schools += [s for s in turns["school"].dropna().unique() if s not in schools and not is_placeholder(s)]
    red = redactor or Redactor(roster, schools=schools)
    if redactor is not None:
        red.add_roster(roster)
        red.schools.extend(s for s in schools if s not in red.schools)
    out = turns.copy()
    out[text] = [red.redact(t) for t in out[text]]
    for col in ("school", "interviewer", "note", "speaker_raw"):
        if col in out.columns:
            out[col] = [None if pd.isna(v) else red.redact(str(v)) for v in out[col]]
    if "file" in out.columns:  # a file name can carry a name ("张伟访谈.docx"): basename, redacted
        out["file"] = [None if pd.isna(v) else red.redact(PureWindowsPath(str(v)).name) for v in out["file"]]
    return out, red.mapping_


def load_roster(path) -> dict:
    """Read a roster CSV into ``{name: role}`` for :class:`Redactor`.

    The file needs the columns ``name`` and ``role`` (in any order, other columns are
    ignored); a UTF-8 byte-order mark (Excel's "CSV UTF-8") is fine. Rows with no name
    are skipped; a missing role becomes ``人员``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the columns ``name`` or ``role`` are missing; the message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"roster not found: {path}")
    r = pd.read_csv(path, encoding="utf-8-sig", dtype=str, comment=None, skip_blank_lines=True)
    r.columns = [str(c).strip().lower() for c in r.columns]
    missing = [c for c in ("name", "role") if c not in r.columns]
    if missing:
        raise ValueError(f"{path}: a roster needs the columns name, role; {', '.join(missing)} missing "
                         f"(found: {', '.join(r.columns) or 'none'})")
    roster = {}
    for name, role in zip(r["name"], r["role"]):
        if isinstance(name, str) and name.strip() and not name.strip().startswith("#"):
            roster[name.strip()] = role.strip() if isinstance(role, str) and role.strip() else "人员"
    return roster


def load_schools(path) -> list:
    """Read a list of school names, one a line; blank lines and ``#`` comments are skipped.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"schools list not found: {path}")
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and line not in out:
            out.append(line)
    return out


def write_mapping(mapping: dict, path) -> Path:
    """Write the pseudonym mapping as JSON, refusing any path under ``reports/``.

    Parameters
    ----------
    mapping : dict
        original -> pseudonym, from :func:`redact`.
    path : str or Path
        Where to write; keep it outside the repository or in a git-ignored private
        folder.

    Raises
    ------
    ValueError
        If ``path`` is inside the project's ``reports/`` folder or any folder named
        ``reports``: reports are shared, the mapping re-identifies people.
    """
    path = Path(path).resolve()
    reports = REPORTS.resolve()
    if path == reports or reports in path.parents or "reports" in path.parts[:-1]:
        raise ValueError(f"{path}: refusing to write the pseudonym mapping under reports/; "
                         f"the mapping re-identifies interviewees, keep it private")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(mapping, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


def mapping_summary(mapping: dict) -> pd.DataFrame:
    """How many distinct identifiers of each kind were replaced, without the originals.

    Returns
    -------
    DataFrame
        ``kind`` (教师, 学校, 电话, 邮箱, QQ, 微信, 身份证号, ...), ``n``; safe to publish.
    """
    kinds = [re.fullmatch(r"\[(.+?)(?:[A-Z]+|\d+)\]", v) for v in mapping.values()]
    kinds = [m.group(1) if m else "other" for m in kinds]
    out = pd.Series(kinds, dtype=object).value_counts().rename_axis("kind").rename("n").reset_index()
    return out.sort_values(["n", "kind"], ascending=[False, True], ignore_index=True)
