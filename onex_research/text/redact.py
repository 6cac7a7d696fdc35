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

__all__ = ["Redactor", "redact", "redact_frame", "write_mapping", "mapping_summary", "GENERIC_SCHOOL_SUFFIXES",
           "TITLES", "load_roster", "load_schools"]

#: School-name endings redacted even when the school is on no list ("某某职业技术学院").
GENERIC_SCHOOL_SUFFIXES = ("职业技术学院", "职业技术大学", "职业学院", "职业大学", "技师学院",
                           "高等专科学校", "职业技术学校", "中等职业学校", "中等专业学校", "职业学校",
                           "职业中专", "职教中心", "技工学校")
# characters that end a clause before a school name ("我在", "这所", "他们的") and so never
# belong to it
_NOT_IN_NAME = "在我你他她们的是到去从和跟与了个这那所就都也说还对给把被让向于及或为以每该本贵"
_CJK = "\u4e00-\u9fff"
_PATTERNS = [  # (kind, regex, group with the identifier); order matters
    ("邮箱", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), 0),
    ("身份证号", re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                        r"(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"), 0),
    ("QQ", re.compile(r"(?:QQ|qq|Qq)\s*(?:号码?)?\s*[:：]?\s*(\d{5,11})(?!\d)"), 1),
    ("微信", re.compile(r"(?:微信|(?<![A-Za-z])(?i:weixin|wechat|vx|wx))(?:号)?\s*[:：]?\s*"
                      r"([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"), 1),
    ("电话", re.compile(r"(?<![0-9])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s.]?\d{4}){2}(?![0-9])"), 0),
    ("电话", re.compile(r"(?<![0-9])(?:[(（]0\d{2,3}[)）]|0\d{2,3})[-\s]?\d{7,8}(?![0-9])"), 0),
]
#: Titles that follow a surname ("黄老师", "周总"): surname + title is replaced like the full name.
TITLES = ("老师", "院长", "处长", "主任", "经理", "总", "校长", "书记", "师傅", "科长", "部长", "导师")
# "一周总共", "孙总结": 总 as a word of its own, not a title
_TITLE_RX = "|".join(t if t != "总" else "总(?![结体共是之数额计量和算部])" for t in TITLES)
# "这一周老师们", "每周主任": a surname character that is really the end of a word
_NOT_BEFORE_SURNAME = "一每上下本这那两三几半"
_KEEP_SPLIT = re.compile(f"([{KEPT_PUNCTUATION}]+)")


def _nfkc(text: str) -> str:
    """NFKC as in :func:`~onex_research.text.normalize` (full-width digits and letters
    become ASCII; the Chinese punctuation of ``KEPT_PUNCTUATION`` stays)."""
    parts = _KEEP_SPLIT.split(text)
    parts[::2] = [unicodedata.normalize("NFKC", p) for p in parts[::2]]
    return "".join(parts)


def _surname(name: str) -> str:
    """The surname of a Chinese name: two characters for a 4-character name (欧阳明华)."""
    return name[:2] if len(name) >= 4 else name[:1]


_GENERIC_SCHOOL = re.compile(
    rf"(?:(?![{_NOT_IN_NAME}])[{_CJK}A-Za-z]){{2,8}}(?:{'|'.join(GENERIC_SCHOOL_SUFFIXES)})")


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = string.ascii_uppercase[r] + s
    return s


class Redactor:
    """Replace names, phone numbers, ID numbers, e-mail, QQ/WeChat ids and schools.

    One ``Redactor`` gives the same pseudonym to the same person or school in every
    text it sees: pass one instance (or one ``mapping``) through a whole corpus.

    Parameters
    ----------
    roster : dict or list, optional
        Names to replace: ``{"张伟": "教师", "李娜": "学生"}`` gives ``[教师A]``,
        ``[学生A]``; a list of names uses the role ``人员``. Longer names are replaced
        first, so 欧阳明 wins over 欧阳.
    schools : list of str, optional
        School names, replaced by ``[学校1]``, ``[学校2]``, ... in order of first
        appearance. Names ending in a :data:`GENERIC_SCHOOL_SUFFIXES` ending
        ("某某职业技术学院") are replaced as well, unless ``generic_schools=False``.
    mapping : dict, optional
        A mapping returned earlier (original -> pseudonym) to continue from.
    generic_schools : bool, default True

    Attributes
    ----------
    mapping_ : dict
        original -> pseudonym for everything replaced so far. Keep it private: write it
        with :func:`write_mapping`, never into reports.
    """

    def __init__(self, roster=None, *, schools=None, mapping=None, generic_schools=True):
        if isinstance(roster, (list, tuple, set)):
            roster = {name: "人员" for name in roster}
        self.roster = dict(roster or {})
        self.schools = list(schools or [])
        self.generic_schools = generic_schools
        self.mapping_ = dict(mapping or {})
        for original, label in self.mapping_.items():  # names and schools of an earlier mapping
            m = re.fullmatch(r"\[(.+?)([A-Z]+|\d+)\]", label)
            if m and m.group(2).isalpha():
                self.roster.setdefault(original, m.group(1))
            elif m and m.group(1) == "学校" and original not in self.schools:
                self.schools.append(original)

    def _pseudonym(self, original: str, kind: str, lettered: bool) -> str:
        if original in self.mapping_:
            return self.mapping_[original]
        used = sum(1 for v in self.mapping_.values()
                   if re.fullmatch(rf"\[{re.escape(kind)}(?:[A-Z]+|\d+)\]", v))
        label = f"[{kind}{_letters(used) if lettered else used + 1}]"
        self.mapping_[original] = label
        return label

    def add_roster(self, roster) -> "Redactor":
        """Add names (dict name -> role, or a list) to the roster; returns self."""
        if isinstance(roster, (list, tuple, set)):
            roster = {name: "人员" for name in roster}
        self.roster.update(roster or {})
        return self

    def redact(self, text: str) -> str:
        """Return ``text`` with every identifier replaced; updates ``mapping_``."""
        if not isinstance(text, str):
            raise TypeError(f"redact() expects a str, got {type(text).__name__}")
        text = _nfkc(text)  # full-width digits and letters (１３８…) are found like ASCII ones
        for kind, rx, group in _PATTERNS:
            def repl(m, kind=kind, group=group):
                ident = m.group(group)
                key = ident
                if kind == "电话":  # one number, however it is spaced
                    key = re.sub(r"\D", "", ident)
                    key = key[2:] if len(key) == 13 and key.startswith("86") else key
                label = self._pseudonym(key, kind, lettered=False)
                return m.group(0).replace(ident, label) if group else label
            text = rx.sub(repl, text)
        for name in sorted(self.roster, key=len, reverse=True):
            if name and name in text:
                text = text.replace(name, self._pseudonym(name, self.roster[name], lettered=True))
        surnames = {}  # surname -> first roster name with it ("黄老师" is 黄丽)
        for name in self.roster:
            if name and len(name) >= 2:
                surnames.setdefault(_surname(name), name)
        for sur in sorted(surnames, key=len, reverse=True):
            if sur in text:
                name = surnames[sur]
                rx = re.compile(rf"(?<![{_NOT_BEFORE_SURNAME}]){re.escape(sur)}(?=(?:{_TITLE_RX}))")
                text = rx.sub(lambda m, name=name: self._pseudonym(name, self.roster[name], lettered=True), text)
        for school in sorted(self.schools, key=len, reverse=True):
            if school and school in text:
                text = text.replace(school, self._pseudonym(school, "学校", lettered=False))
        if self.generic_schools:
            text = _GENERIC_SCHOOL.sub(lambda m: self._pseudonym(m.group(0), "学校", False), text)
        return text


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
    Found by pattern: mainland mobile numbers (``1[3-9]`` + 9 digits, optionally
    ``+86`` and ``-``/space/``.`` separators), landlines (``0xx-xxxxxxx``,
    ``0xxxxxxxxxx``, ``(0xx)xxxxxxx``), 18-character 身份证号 (region, birth date
    18xx-20xx, sequence, check digit or X), e-mail addresses, QQ numbers after "QQ"
    (5-11 digits) and WeChat ids after "微信(号)", "vx" or "wx", with or without a colon
    (a letter then 5-19 letters, digits, ``-`` or ``_``). A roster name's surname
    followed by a title (:data:`TITLES`: 黄老师, 周总) gets the name's pseudonym.

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
        schools += [s for s in turns["school"].dropna().unique() if s not in schools]
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
