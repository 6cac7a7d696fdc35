"""Open-ended answers: reproducible from a seed, any size, planted PII and themes as saved."""

import pandas as pd

from onex_research.simulate import OPEN_ENDED_ROSTER, simulate_open_ended, write_open_ended
from onex_research.simulate import open_ended as oe
from onex_research.text import Redactor, code, load_frame


def test_same_seed_same_answers_and_prefixes_agree(monkeypatch):
    monkeypatch.setattr(oe, "CHUNK", 40)  # several chunks in a small run
    a = simulate_open_ended(150, seed=4)
    b = simulate_open_ended(150, seed=4)
    c = simulate_open_ended(95, seed=4)
    pd.testing.assert_frame_equal(a.answers, b.answers)
    pd.testing.assert_frame_equal(a.answers.iloc[:95], c.answers)
    assert not a.answers["answer"].equals(simulate_open_ended(150, seed=5).answers["answer"])
    assert a.answers["id"].is_unique


def test_size_length_and_groups():
    s = simulate_open_ended(2000, seed=1)
    assert len(s.answers) == len(s.truth) == 2000
    assert 25 <= s.answers["answer"].str.len().mean() <= 35  # about 30 M characters per million
    assert set(s.answers["role"]) == {"学生", "教师", "管理人员", "企业人员"}
    share = (s.truth["pii_kind"] != "").mean()
    assert 0.08 < share < 0.12


def test_planted_pii_is_in_the_text_and_redacted_by_the_reference():
    s = simulate_open_ended(600, seed=2, pii_rate=0.5)
    planted = s.truth[s.truth["pii_kind"] != ""]
    assert set(planted["pii_kind"]) == {"name", "phone", "email", "qq", "wechat", "school", "generic_school"}
    red = Redactor(s.roster, schools=s.schools)
    for i, kind, value in zip(planted.index, planted["pii_kind"], planted["pii_value"]):
        text = s.answers.loc[i, "answer"]
        shown = value[:1] if kind == "name" and value not in text else value
        assert shown in text
        assert value not in red.redact(text)
    assert set(OPEN_ENDED_ROSTER) <= set(s.roster)


def test_planted_themes_are_mostly_coded():
    s = simulate_open_ended(400, seed=3)
    hits = code(s.answers["answer"].tolist(), load_frame("corpus/coding_frame.yaml"))
    coded = hits.groupby("doc")["code"].apply(set)
    truth = s.truth["themes"].str.split(";").apply(set)
    recall = sum(len(truth[d] & coded.get(d, set())) for d in truth.index) / truth.apply(len).sum()
    assert recall > 0.8


def test_write_in_chunks_equals_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(oe, "CHUNK", 30)
    paths = write_open_ended(tmp_path, 100, seed=9)
    s = simulate_open_ended(100, seed=9)
    got = pd.read_csv(paths["answers"], dtype=str, keep_default_na=False)
    assert got["answer"].tolist() == s.answers["answer"].tolist()
    truth = pd.read_csv(paths["truth"], dtype=str, keep_default_na=False)
    assert truth["pii_value"].tolist() == s.truth["pii_value"].tolist()
    pq = write_open_ended(tmp_path / "pq", 100, seed=9, format="parquet")
    assert pd.read_parquet(pq["answers"])["answer"].tolist() == s.answers["answer"].tolist()
