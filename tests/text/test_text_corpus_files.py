"""The fictional interview corpus in corpus/: format, lengths, roles, planted PII, manual coding.

These tests parse the files with their own small reader (not onex_research.text), so that
the corpus format documented in corpus/README.md is checked independently of the library.
"""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FILES = sorted((CORPUS / "transcripts").glob("*.txt"))
HEADER_KEYS = ["id", "role", "school_type", "school", "date", "interviewer", "note"]
ROLES = {"学生", "教师", "管理人员", "企业人员"}
SCHOOL_TYPES = {"高职专科院校", "职业本科院校", "中等职业学校"}
CODES = {"recognition", "motivation", "execution", "resources", "quality", "teachers",
         "enterprise", "government"}
LABEL = re.compile(r"^(访谈者|受访者|问|答)：")
ASKER = {"访谈者", "问"}


def parse(path):
    """Return (header dict, list of (speaker_label, text), body)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0] == "---", f"{path.name}: first line must be ---"
    end = lines.index("---", 1)
    header = {}
    for line in lines[1:end]:
        key, value = line.split(":", 1)
        header[key.strip()] = value.strip()
    turns = []
    for line in lines[end + 1:]:
        m = LABEL.match(line)
        if m:
            turns.append([m.group(1), line[m.end():]])
        elif line.strip():
            assert turns, f"{path.name}: text before the first turn: {line[:20]}"
            turns[-1][1] += line
    return header, [tuple(t) for t in turns], "\n".join(lines[end + 1:])


PARSED = {p.name: parse(p) for p in FILES}


def body_chars(body):
    return len(re.sub(r"\s", "", body))


def test_at_least_24_transcripts_named_by_id():
    assert len(FILES) >= 24
    for p in FILES:
        assert re.fullmatch(r"T\d{2}(_(教师|学生|管理人员|企业人员))?\.txt", p.name), p.name
        header = PARSED[p.name][0]
        assert p.name.startswith(header["id"] + "_") or p.name == header["id"] + ".txt"
        if "_" in p.name:
            assert p.stem.split("_")[1] == header["role"], p.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_header_and_length(path):
    header, turns, body = PARSED[path.name]
    assert list(header) == HEADER_KEYS
    assert header["role"] in ROLES and header["school_type"] in SCHOOL_TYPES
    assert re.fullmatch(r"2024-\d{2}-\d{2}", header["date"])
    assert "虚构" in header["note"] and "fictional" in header["note"]
    n = body_chars(body)
    assert 1500 <= n <= 4000, f"{path.name}: {n} characters"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_turns_alternate_starting_with_the_interviewer(path):
    _, turns, _ = PARSED[path.name]
    assert len(turns) >= 12
    for k, (label, text) in enumerate(turns):
        assert (label in ASKER) == (k % 2 == 0), f"{path.name}: turn {k + 1} by {label}"
        assert text.strip(), f"{path.name}: empty turn {k + 1}"
    labels = {label for label, _ in turns}
    assert labels in ({"访谈者", "受访者"}, {"问", "答"})


def test_role_and_school_mix():
    roles = Counter(h["role"] for h, _, _ in PARSED.values())
    assert roles["教师"] >= 6 and roles["学生"] >= 6
    assert roles["管理人员"] >= 3 and roles["企业人员"] >= 3
    assert {h["school_type"] for h, _, _ in PARSED.values()} == SCHOOL_TYPES
    assert len({h["school"] for h, _, _ in PARSED.values()}) >= 5
    assert len({h["id"] for h, _, _ in PARSED.values()}) == len(FILES)


def test_formats_that_exercise_the_reader():
    bodies = {name: body for name, (_, _, body) in PARSED.items()}
    qa = [n for n, (_, turns, _) in PARSED.items() if turns[0][0] == "问"]
    wrapped = [n for n, b in bodies.items()
               if sum(1 for ln in b.split("\n") if ln.strip() and not LABEL.match(ln)) >= 10]
    assert len(qa) >= 3 and len(wrapped) >= 5
    for variant in ("1＋X", "1+x", "1 + "):
        assert sum(variant in b for b in bodies.values()) >= 2, variant


def test_schools_and_roster_files():
    schools = (CORPUS / "schools.txt").read_text(encoding="utf-8").split("\n")
    schools = [s for s in schools if s]
    assert len(schools) == len(set(schools)) >= 5
    assert {h["school"] for h, _, _ in PARSED.values()} <= set(schools)
    with open(CORPUS / "roster.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["name", "role"]
    assert {r["role"] for r in rows} == ROLES
    bodies = [body for _, _, body in PARSED.values()]
    for school in schools:
        assert any(school in b for b in bodies), f"{school} never appears in a transcript body"
    with_names = [b for b in bodies if any(r["name"] in b for r in rows)]
    assert len(with_names) >= 10


def test_planted_personal_information():
    text = "\n".join(body for _, _, body in PARSED.values())
    phones = re.findall(r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)", text)
    assert len(phones) >= 4 and any("-" in p for p in phones)
    assert len(re.findall(r"[\w.]+@[\w-]+(?:\.[\w-]+)+", text)) >= 3
    assert len(re.findall(r"QQ：\d{5,11}", text)) >= 2
    assert len(re.findall(r"微信号：[A-Za-z][\w-]{5,19}", text)) >= 2
    assert len(re.findall(r"(?<!\d)\d{17}[\dX](?!\d)", text)) == 1


def read_manual():
    with open(CORPUS / "manual_coding.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_manual_coding_refers_to_interviewee_turns():
    rows = read_manual()
    assert list(rows[0]) == ["interview_id", "turn", "code"]
    assert {r["code"] for r in rows} == CODES
    by_id = {h["id"]: turns for h, turns, _ in PARSED.values()}
    coded = {r["interview_id"] for r in rows}
    assert len(coded) >= 6
    assert {h["role"] for h, _, _ in PARSED.values() if h["id"] in coded} == ROLES
    for r in rows:
        turns = by_id[r["interview_id"]]
        t = int(r["turn"])
        assert 1 <= t <= len(turns), r
        assert turns[t - 1][0] not in ASKER, f"{r}: turn {t} is an interviewer turn"
    assert len({(r["interview_id"], r["turn"], r["code"]) for r in rows}) == len(rows)


def test_manual_coding_covers_most_interviewee_turns():
    rows = read_manual()
    by_id = {h["id"]: turns for h, turns, _ in PARSED.values()}
    for iid in {r["interview_id"] for r in rows}:
        answers = {k + 1 for k, (label, _) in enumerate(by_id[iid]) if label not in ASKER}
        coded = {int(r["turn"]) for r in rows if r["interview_id"] == iid}
        assert len(coded) >= 0.8 * len(answers), iid
