"""In one ``reproduce`` run a person has one pseudonym in every table (issue "One study, one path").

The corpus is the bundled one with the roster teacher 张伟 named in every answer, and the
roster teacher 李娜 named once by the interviewer before anyone else: pseudonyms are handed
out in order of first appearance over every turn, so 李娜 is 教师A and 张伟 教师B. A step
that redacted only the interviewees' turns would call 张伟 教师A instead.
"""

import re
import shutil

import pytest

from onex_research.paths import CORPUS
from onex_research.reproduce import reproduce
from onex_research.study import load_corpus

PSEUDONYM = re.compile(r"\[[^\[\]\s]{1,8}?[A-Z]{1,2}\]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS / "transcripts", root / "transcripts")
    for extra in ("roster.csv", "schools.txt", "coding_frame.yaml"):
        shutil.copy(CORPUS / extra, root / extra)
    for i, path in enumerate(sorted((root / "transcripts").glob("*.txt"))):
        lines = path.read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            if line.startswith("受访者："):
                line = line.replace("。", "，张伟也这么看。")
            out.append(line)
        if i == 0:  # the interviewer names 李娜 before any answer
            first = next(k for k, ln in enumerate(out) if ln.startswith("访谈者："))
            out[first] = out[first].replace("访谈者：", "访谈者：李娜老师推荐我来找您。")
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    reproduce(out=out, corpus=corpus, notebooks=["04", "05"], progress=False, use_cache=False,
              allow_missing_glyphs=True)
    return out


def test_the_study_mapping_counts_every_turn(corpus):
    mapping = load_corpus(corpus).mapping
    assert mapping["李娜"] == "[教师A]" and mapping["张伟"] == "[教师B]"


def test_one_pseudonym_per_person_in_every_table(corpus, run):
    mapping = load_corpus(corpus).mapping
    found = {}
    for path in sorted((run / "tables").glob("*.md")):
        for token in PSEUDONYM.findall(path.read_text(encoding="utf-8")):
            found.setdefault(token, set()).add(path.name.split("__")[0])
    assert found, "no pseudonym reached any table: the test corpus no longer exercises the mapping"
    assert set(found) == {mapping["张伟"]}, f"pseudonyms in the tables: {found}"
    assert found[mapping["张伟"]] == {"04_interviews", "05_joint_display"}
