"""Read interview transcripts (.txt, .md, .docx) into a tidy table of turns."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from ..vocabulary import canonical_role
from .errors import TranscriptError
from .normalize import mark_normalized, normalize

__all__ = ["read_transcripts", "read_transcript", "interviewee_turns", "HEADER_KEYS"]

#: Header keys, English or Chinese, and the column each fills.
HEADER_KEYS = {
    "id": "interview_id", "编号": "interview_id", "访谈编号": "interview_id",
    "role": "role", "身份": "role", "角色": "role", "受访者身份": "role",
    "school_type": "school_type", "学校类型": "school_type", "院校类型": "school_type",
    "school": "school", "学校": "school", "院校": "school",
    "date": "date", "日期": "date", "访谈日期": "date",
    "interviewer": "interviewer", "访谈者": "interviewer", "访谈人": "interviewer",
    "note": "note", "备注": "note", "说明": "note",
}
REQUIRED = ("interview_id", "role")
_ASKER = ("访谈者", "访谈人", "采访者", "主持人", "问", "Q")
_ANSWERER = ("受访者", "被访者", "答", "A")
_TURN = re.compile(
    r"^\s*(?:\*\*)?(?P<label>" + "|".join(_ASKER + _ANSWERER) + r")"
    r"(?:[（(][^）)\n]{0,20}[）)])?(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(?P<rest>.*)$")
_HEADER_LINE = re.compile(r"^\s*(?P<key>[A-Za-z_\u4e00-\u9fff]+)\s*[:：]\s*(?P<value>.*?)\s*$")
_FENCE = re.compile(r"^\s*-{3,}\s*$")
COLUMNS = ["interview_id", "role", "turn", "speaker", "text", "is_interviewee", "speaker_raw",
           "school_type", "school", "date", "interviewer", "note", "file", "line"]


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if not raw.strip():
        raise TranscriptError("the file is empty", path=path, line=1)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad_line = raw[: err.start].count(b"\n") + 1
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise TranscriptError(
            "cannot decode the file as UTF-8 (first bad byte on this line) nor as GB18030; "
            "hint: save it as UTF-8", path=path, line=bad_line) from None


def _docx_lines(path: Path) -> list[str]:
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises several types for bad packages
        raise TranscriptError(f"cannot open as .docx ({err})", path=path) from None
    lines = []
    for para in document.paragraphs:
        lines.extend(para.text.split("\n"))
    return lines


def _strip_comment(value: str) -> str:
    return re.split(r"\s+#", value, maxsplit=1)[0].strip().strip("\"'")


def _parse_header(lines, path):
    """Return (header dict, index of first body line)."""
    header, i, n = {}, 0, len(lines)
    while i < n and not lines[i].strip():
        i += 1
    if i == n:
        raise TranscriptError("the file is empty", path=path, line=1)
    fenced = bool(_FENCE.match(lines[i]))
    start = i + 1 if fenced else i
    j = start
    while j < n:
        line = lines[j]
        if fenced and _FENCE.match(line):
            j += 1
            break
        if not fenced and (not line.strip() or _TURN.match(line)):
            break
        m = _HEADER_LINE.match(line)
        if m and m.group("key").strip().lower() in {k.lower() for k in HEADER_KEYS}:
            key = next(v for k, v in HEADER_KEYS.items() if k.lower() == m.group("key").strip().lower())
            header[key] = _strip_comment(m.group("value"))
        elif fenced and line.strip():
            header.setdefault("_extra", {})[m.group("key") if m else f"line{j + 1}"] = (
                m.group("value") if m else line.strip())
        elif not fenced:
            break
        j += 1
    else:
        if fenced:
            raise TranscriptError("the header opened with '---' is never closed", path=path, line=i + 1)
    for key in REQUIRED:
        if not header.get(key):
            names = "/".join(k for k, v in HEADER_KEYS.items() if v == key)
            raise TranscriptError(f"the header has no '{key}' field (write one of: {names})",
                                  path=path, line=i + 1)
    header.pop("_extra", None)
    return header, j


def read_transcript(path) -> pd.DataFrame:
    """Read one transcript; see :func:`read_transcripts` for the format and columns."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        lines = _docx_lines(path)
        if not any(ln.strip() for ln in lines):
            raise TranscriptError("the file is empty", path=path, line=1)
    elif suffix in (".txt", ".md"):
        lines = _decode(path).splitlines()
    else:
        raise TranscriptError(f"unsupported file type {suffix!r}; use .txt, .md or .docx", path=path)
    header, body = _parse_header(lines, path)
    role = canonical_role(header["role"])
    turns, current = [], None
    for k in range(body, len(lines)):
        line = lines[k]
        m = _TURN.match(line)
        if m:
            current = {"speaker_raw": m.group("label"), "line": k + 1, "parts": [m.group("rest")]}
            turns.append(current)
        elif current is not None:
            current["parts"].append(line)
        elif line.strip() and not line.lstrip().startswith("#") and not _FENCE.match(line):
            warnings.warn(f"{path}, line {k + 1}: text before the first speaker turn is not "
                          f"part of any turn and is not read", stacklevel=3)  # no excerpt: it may hold names
    if not turns:
        raise TranscriptError(
            "no speaker turns found; each turn starts with '访谈者：', '受访者：', '问：' or '答：'",
            path=path, line=body + 1)
    rows = []
    for t, tr in enumerate(turns, start=1):
        speaker = "访谈者" if tr["speaker_raw"] in _ASKER else "受访者"
        rows.append({
            "interview_id": header["interview_id"], "role": role, "turn": t, "speaker": speaker,
            "text": normalize("\n".join(tr["parts"])), "is_interviewee": speaker == "受访者",
            "speaker_raw": tr["speaker_raw"], "school_type": header.get("school_type"),
            "school": header.get("school"), "date": header.get("date"),
            "interviewer": header.get("interviewer"), "note": header.get("note"),
            "file": path.name, "line": tr["line"],
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def read_transcripts(folder, *, pattern: str = "*", interviewee_only: bool = False) -> pd.DataFrame:
    """Read every transcript in a folder into one table of speaker turns.

    Parameters
    ----------
    folder : str or Path
        Folder with ``.txt``, ``.md`` and ``.docx`` files (other files are ignored).
    pattern : str, default "*"
        Glob for the file names, e.g. ``"T*"``.
    interviewee_only : bool, default False
        Keep only the interviewee's turns (what the analyses use; see
        :func:`interviewee_turns`).

    Returns
    -------
    DataFrame
        One row per turn, in file then turn order:

        - ``interview_id``, ``role`` (学生/教师/管理人员/企业人员): from the header;
        - ``turn``: 1-based number of the turn in its interview, counting both speakers;
        - ``speaker``: 访谈者 or 受访者 (问/Q/采访者/主持人 -> 访谈者; 答/A/被访者 -> 受访者);
        - ``text``: the turn, with its continuation lines, after :func:`normalize`;
        - ``is_interviewee``: ``speaker == "受访者"``; ``speaker_raw``: the label as written;
        - ``school_type``, ``school``, ``date``, ``interviewer``, ``note``: header fields
          (missing ones are NA). ``school`` is identifying: pass the table through
          :func:`onex_research.text.redact_frame` before analysis or storage;
        - ``file``, ``line``: where the turn starts.

    Raises
    ------
    TranscriptError
        For an empty file, an undecodable one (neither UTF-8 nor GB18030), a header
        without ``id`` or ``role``, or a file without turns; the message names the
        file and line. A missing or empty folder raises ``FileNotFoundError``.

    Notes
    -----
    File format: an optional header between two ``---`` lines (or, without fences,
    ``key: value`` lines up to the first blank line), then the turns. Header keys may
    be English or Chinese (:data:`HEADER_KEYS`: id/编号, role/身份/角色,
    school_type/学校类型, school/学校, date/日期, interviewer/访谈人, note/备注), with
    ``:`` or ``：``; a trailing ``# comment`` is ignored. A turn starts with a speaker
    label and a colon (``访谈者：``, ``受访者:``, ``问：``, ``答：``, ``**访谈者**：``,
    ``受访者（李老师）：``); the lines that follow, up to the next label, continue it.
    Markdown headings before the first turn are skipped; other text there is
    reported with a warning.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of transcripts")
    files = sorted(p for p in folder.glob(pattern)
                   if p.suffix.lower() in (".txt", ".md", ".docx") and not p.name.startswith(("~$", "."))
                   and p.name.lower() not in ("readme.md", "readme.txt"))
    if not files:
        raise FileNotFoundError(f"{folder}: no .txt, .md or .docx transcripts found")
    frames = [read_transcript(p) for p in files]
    out = mark_normalized(pd.concat(frames, ignore_index=True), "text")
    dup = out.groupby("interview_id")["file"].nunique()
    if (dup > 1).any():
        bad = dup[dup > 1].index[0]
        files_bad = sorted(out.loc[out.interview_id == bad, "file"].unique())
        raise TranscriptError(f"interview id {bad!r} is used by several files: {files_bad}",
                              path=folder / files_bad[1], line=1)
    return interviewee_turns(out) if interviewee_only else out


def interviewee_turns(turns: pd.DataFrame) -> pd.DataFrame:
    """Keep the interviewee's turns (``is_interviewee``), the default unit of analysis.

    The interviewer's questions would otherwise put the interview guide's words
    into every frequency table and topic.
    """
    if "is_interviewee" not in turns.columns:
        raise ValueError("turns has no 'is_interviewee' column; make it with read_transcripts()")
    return turns.loc[turns["is_interviewee"].astype(bool)].reset_index(drop=True)
