"""Planted-theme interview corpora and LDA topic corpora (onex_research.simulate.corpus)."""

import functools
import json
import re

import numpy as np
import pandas as pd
import pytest

from onex_research.simulate import (ROLE_THEMES, THEMES, read_corpus_truth, simulate_corpus,
                                    simulate_topic_corpus)
from onex_research.simulate import _phrasebank as bank
from onex_research.simulate.corpus import split_sentences


@pytest.fixture(scope="module")
def corpus():
    return simulate_corpus(40, seed=3)


def test_same_seed_same_corpus_other_seed_other_corpus(corpus):
    again = simulate_corpus(40, seed=3)
    pd.testing.assert_frame_equal(corpus.transcripts, again.transcripts)
    pd.testing.assert_frame_equal(corpus.sentences, again.sentences)
    assert corpus.truth == again.truth
    other = simulate_corpus(40, seed=4)
    assert not corpus.sentences["text"].equals(other.sentences["text"])


def test_sizes_and_columns(corpus):
    tr, s = corpus.transcripts, corpus.sentences
    assert list(tr.columns) == ["interview_id", "role", "turn", "speaker", "text"]
    assert list(s.columns) == ["interview_id", "role", "turn", "sentence", "text", "themes"]
    assert tr["interview_id"].nunique() == 40
    pairs = tr.groupby("interview_id").size() / 2
    assert pairs.between(6, 10).all()
    per_turn = s.groupby(["interview_id", "turn"]).size()
    assert per_turn.between(3, 7).all()
    assert per_turn.min() == 3 and per_turn.max() == 7
    assert set(tr["speaker"]) == {"访谈者", "受访者"}
    small = simulate_corpus(3, seed=0, turns_per_interview=2, sentences_per_turn=1)
    assert len(small.transcripts) == 12 and len(small.sentences) == 6


def test_turns_number_all_turns_interviewer_first(corpus):
    for _, g in corpus.transcripts.groupby("interview_id"):
        assert g["turn"].tolist() == list(range(1, len(g) + 1))
        assert (g["speaker"].iloc[::2] == "访谈者").all() and (g["speaker"].iloc[1::2] == "受访者").all()
    answers = corpus.transcripts.query("speaker == '受访者'")
    keys = set(zip(answers["interview_id"], answers["turn"]))
    assert set(zip(corpus.sentences["interview_id"], corpus.sentences["turn"])) == keys


def test_truth_sentences_rebuild_the_turn_text(corpus):
    answers = corpus.transcripts.query("speaker == '受访者'").set_index(["interview_id", "turn"])["text"]
    for (iid, turn), g in corpus.sentences.groupby(["interview_id", "turn"]):
        text = answers.loc[(iid, turn)]
        assert "".join(g.sort_values("sentence")["text"]) == text
        assert split_sentences(text) == g.sort_values("sentence")["text"].tolist()
        assert g["sentence"].tolist() == list(range(len(g)))


@functools.lru_cache(maxsize=None)
def _bank_regex(theme, end=True):
    """A regex matching any filled template of a theme (without its final mark if not end)."""
    def one(t):
        t = t if end else t[:-1]
        parts = re.split(r"\{(\w+)\}", t)
        out = [re.escape(p) if k % 2 == 0 else "(?:" + "|".join(map(re.escape, bank.SLOTS[p])) + ")"
               for k, p in enumerate(parts)]
        return "".join(out)
    return "(?:" + "|".join(one(t) for t in bank.TEMPLATES[theme]) + ")"


def test_planted_sentences_come_from_the_theme_bank(corpus):
    s = corpus.sentences
    assert set(s.loc[s["themes"] == "", "text"]) <= set(bank.FILLERS)
    codes = s["themes"].str.split(";").explode()
    assert set(codes) - {""} == set(THEMES)
    single = s[(s["themes"] != "") & ~s["themes"].str.contains(";")]
    for text, theme in zip(single["text"], single["themes"]):
        assert re.fullmatch(_bank_regex(theme), text), (theme, text)
        other = [t for t in THEMES if t != theme]
        assert not any(re.fullmatch(_bank_regex(t), text) for t in other)
    double = s[s["themes"].str.contains(";")]
    assert 0 < len(double) < 0.25 * len(s)
    for text, themes in zip(double["text"], double["themes"]):
        a, b = themes.split(";")
        assert any(re.fullmatch(_bank_regex(x, False) + "，" + _bank_regex(y), text)
                   for x, y in ((a, b), (b, a))), (themes, text)


def test_rates_near_their_parameters():
    c = simulate_corpus(60, seed=11, filler_rate=0.3, two_theme_rate=0.0)
    share = (c.sentences["themes"] == "").mean()
    assert 0.25 < share < 0.35
    assert not c.sentences["themes"].str.contains(";").any()
    none = simulate_corpus(5, seed=1, filler_rate=0.0)
    assert (none.sentences["themes"] != "").all()


def test_role_emphasis_visible_in_counts():
    c = simulate_corpus(200, seed=5)
    counts = c.theme_counts()
    share = counts.div(counts.sum(axis=1), axis=0)
    assert share.loc["学生", "motivation"] > 2 * share.loc["管理人员", "motivation"]
    assert share.loc["教师", "teachers"] > 2 * share.loc["学生", "teachers"]
    assert share.loc["管理人员", "execution"] > 2 * share.loc["企业人员", "execution"]
    assert share.loc["企业人员", "enterprise"] > 2 * share.loc["学生", "enterprise"]
    for role in ROLE_THEMES.index:
        assert share.loc[role].idxmax() == ROLE_THEMES.loc[role].idxmax()
    assert c.truth["planted_counts"]["学生"]["motivation"] == counts.loc["学生", "motivation"]


def test_custom_roles_and_role_table():
    table = {"学生": {"recognition": 1.0}, "教师": {"quality": 1.0}}
    c = simulate_corpus(6, seed=0, roles=["学生", "教师"], role_themes=table, filler_rate=0.0,
                        two_theme_rate=0.0)
    got = c.sentences.groupby("role")["themes"].unique()
    assert list(got["学生"]) == ["recognition"] and list(got["教师"]) == ["quality"]
    drawn = simulate_corpus(50, seed=0, roles={"学生": 0.8, "教师": 0.2})
    n_students = (drawn.transcripts.groupby("interview_id")["role"].first() == "学生").sum()
    assert 30 <= n_students <= 48
    with pytest.raises(ValueError, match="role_themes"):
        simulate_corpus(2, roles=["校长"])
    with pytest.raises(ValueError, match="unknown themes"):
        simulate_corpus(2, role_themes={"学生": {"money": 1.0}})
    with pytest.raises(ValueError, match="sentences_per_turn"):
        simulate_corpus(2, sentences_per_turn=(5, 2))


def test_turn_codes_union_of_sentence_themes(corpus):
    tc = corpus.turn_codes()
    assert list(tc.columns) == ["interview_id", "role", "turn", "code"]
    row = corpus.sentences.iloc[0]
    want = {t for x in corpus.sentences.query("interview_id == @row.interview_id and turn == @row.turn")["themes"]
            for t in x.split(";") if t}
    got = set(tc.query("interview_id == @row.interview_id and turn == @row.turn")["code"])
    assert got == want


@pytest.mark.parametrize("wrap", [None, 29])
def test_write_files_and_truth(tmp_path, corpus, wrap):
    corpus.write(tmp_path, wrap=wrap)
    files = sorted(tmp_path.glob("S*.txt"))
    assert len(files) == 40
    text = files[0].read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0] == "---" and lines[1] == "id: S0001" and lines[8] == "---"
    assert [ln.split(":")[0] for ln in lines[1:8]] == ["id", "role", "school_type", "school", "date",
                                                         "interviewer", "note"]
    assert "虚构" in lines[7]
    body = "".join(ln for ln in lines[9:] if ln)
    first = corpus.transcripts.query("interview_id == 'S0001'")
    assert body == "".join(f"{sp}：{t}" for sp, t in zip(first["speaker"], first["text"]))
    if wrap:
        assert max(len(ln) for ln in lines[9:]) <= wrap
        assert not any(ln.endswith(("。", "！", "？")) for ln in lines[9:] if len(ln) == wrap)
    truth = read_corpus_truth(tmp_path)
    pd.testing.assert_frame_equal(truth, corpus.sentences, check_dtype=False)
    saved = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert saved["seed"] == 3 and saved["themes"] == list(THEMES)
    assert saved["role_themes"]["教师"]["teachers"] == pytest.approx(ROLE_THEMES.loc["教师", "teachers"])
    again = tmp_path / "again"
    simulate_corpus(40, seed=3).write(again, wrap=wrap)
    assert (again / "truth.json").read_bytes() == (tmp_path / "truth.json").read_bytes()
    assert (again / "S0007.txt").read_bytes() == (tmp_path / "S0007.txt").read_bytes()


def test_phrase_bank_is_well_formed():
    for theme in THEMES:
        assert len(bank.TEMPLATES[theme]) >= 12
    for s in [t for ts in bank.TEMPLATES.values() for t in ts] + bank.FILLERS:
        assert s[-1] in "。！？" and sum(s.count(c) for c in "。！？") == 1, s
    words = [w for ws in bank.TOPIC_WORDS.values() for w in ws] + bank.BACKGROUND_WORDS
    assert len(words) == len(set(words))
    assert all(30 <= len(ws) <= 60 for ws in bank.TOPIC_WORDS.values())


@pytest.fixture(scope="module")
def topics():
    return simulate_topic_corpus(1000, n_topics=6, seed=2)


def test_topic_corpus_shapes_and_truth(topics):
    tw, dt = topics.topic_word, topics.doc_topic
    assert tw.shape == (6, len(topics.vocabulary)) and list(tw.columns) == topics.vocabulary
    assert list(tw.index) == list(THEMES[:6]) and list(dt.columns) == list(THEMES[:6])
    np.testing.assert_allclose(tw.sum(axis=1), 1.0)
    np.testing.assert_allclose(dt.sum(axis=1), 1.0)
    assert dt.shape == (1000, 6) and len(topics.token_lists) == len(topics.texts) == 1000
    lengths = np.array([len(t) for t in topics.token_lists])
    assert lengths.min() >= 80 and lengths.max() <= 200
    assert set(w for toks in topics.token_lists for w in toks) <= set(topics.vocabulary)
    # each topic's own words carry 1 - background of its mass, none of another topic's words
    for t in tw.index:
        own = tw.loc[t, topics.topic_terms[t]].sum()
        assert own == pytest.approx(0.85)


def test_topic_corpus_follows_theta(topics):
    # with alpha = 0.1 most documents are dominated by one topic; their tokens say which
    owner = {w: t for t, ws in topics.topic_terms.items() for w in ws}
    dominant = topics.doc_topic.idxmax(axis=1)
    hits = []
    for toks, (doc, top) in zip(topics.token_lists, dominant.items()):
        if topics.doc_topic.loc[doc, top] > 0.9:
            own = pd.Series([owner[w] for w in toks if w in owner]).value_counts()
            hits.append(own.idxmax() == top)
    assert len(hits) > 300 and np.mean(hits) > 0.97


def test_topic_corpus_deterministic_and_texts(topics):
    again = simulate_topic_corpus(1000, n_topics=6, seed=2)
    assert again.token_lists == topics.token_lists
    pd.testing.assert_frame_equal(again.doc_topic, topics.doc_topic)
    assert simulate_topic_corpus(50, seed=3).token_lists != simulate_topic_corpus(50, seed=4).token_lists
    text, toks = topics.texts[0], topics.token_lists[0]
    assert text.replace("。", "").split() == toks
    assert text.endswith("。")
    with pytest.raises(ValueError, match="n_topics"):
        simulate_topic_corpus(10, n_topics=9)


def test_topic_words_stay_whole_under_jieba():
    import jieba
    from onex_research.paths import CORPUS
    tok = jieba.Tokenizer()
    tok.load_userdict(str(CORPUS / "userdict.txt"))
    small = simulate_topic_corpus(30, n_topics=8, seed=0)
    for text, toks in zip(small.texts, small.token_lists):
        cut = [w for w in tok.lcut(text) if w.strip() and w != "。"]
        assert cut == toks
