"""onex_research.text topics and descriptive analysis: recovery of planted topics, K choice."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from onex_research.paths import CORPUS
from onex_research.simulate import simulate_topic_corpus
from onex_research.text import (cooccurrence, cooccurrence_network, fit_topics, frequencies,
                                intertopic_map, load_frame, npmi_coherence, plot_intertopic_map,
                                plot_network, plot_prevalence, plot_word_cloud, select_k,
                                textrank_keywords, tfidf_keywords, topic_diversity, topic_prevalence,
                                topic_recovery, topics_to_codes, word_cloud)


@pytest.fixture(scope="module")
def corpus():
    return simulate_topic_corpus(600, n_topics=6, seed=0)


@pytest.fixture(scope="module")
def lda(corpus):
    return fit_topics(corpus.token_lists, 6, method="lda", seed=0)


def test_fit_topics_outputs(lda, corpus):
    assert list(lda.top_words.columns) == ["topic", "rank", "word", "weight"]
    assert lda.top_words.groupby("topic").size().eq(10).all()
    assert lda.doc_topics.shape == (600, 6)
    np.testing.assert_allclose(lda.doc_topics.sum(axis=1), 1, atol=1e-9)
    np.testing.assert_allclose(lda.topic_word.sum(axis=1), 1, atol=1e-9)
    assert 0 < lda.coherence <= 1 and 0 < lda.diversity <= 1


@pytest.mark.parametrize("method", ["lda", "nmf"])
def test_topic_recovery_on_planted_topics(corpus, method):
    res = fit_topics(corpus.token_lists, 6, method=method, seed=0, n_init=2)
    rec = topic_recovery(res, corpus.topic_word)
    assert rec.mean_cosine >= 0.8
    assert sorted(rec.pairs["topic"]) == list(range(1, 7))


def test_recovery_fails_for_wrong_model(corpus):
    res = fit_topics(corpus.token_lists, 2, method="lda", seed=0)
    assert topic_recovery(res, corpus.topic_word).mean_cosine < 0.8


def test_npmi_hand_computed():
    from scipy import sparse

    X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1]]))
    tw = np.array([[0.5, 0.4, 0.1]])
    # words 0 and 1: p0 = 3/4, p1 = 2/4, p01 = 2/4
    expected = np.log(0.5 / (0.75 * 0.5)) / -np.log(0.5)
    assert npmi_coherence(tw, X, top_n=2)[0] == pytest.approx(expected)
    tw2 = np.array([[0.0, 0.5, 0.5]])  # words 1 and 2 never co-occur
    assert npmi_coherence(tw2, X, top_n=2)[0] == -1
    assert topic_diversity(np.array([[3, 2, 1], [3, 2, 0]]), top_n=2) == 0.5


def test_select_k_finds_planted_k():
    small = simulate_topic_corpus(300, n_topics=4, seed=1)
    sel = select_k(small.token_lists, range(2, 7), method="nmf", seeds=(0, 1))
    assert list(sel.table.columns[:5]) == ["k", "coherence", "coherence_sd", "diversity", "stability"]
    assert sel.k == 4
    assert sel.table.loc[sel.table.k == 4, "stability"].item() > 0.9


def test_prevalence_intertopic_and_codes(lda, corpus):
    roles = np.where(np.arange(600) % 2 == 0, "教师", "学生")
    interviews = np.arange(600) // 10
    prev = topic_prevalence(lda, roles, clusters=interviews, n_boot=200, seed=1)
    assert list(prev.columns) == ["group", "topic", "prevalence", "ci_low", "ci_high", "n", "n_clusters"]
    assert (prev["ci_low"] <= prev["prevalence"]).all() and (prev["prevalence"] <= prev["ci_high"]).all()
    assert prev.groupby("group")["prevalence"].sum().round(8).eq(1).all()
    again = topic_prevalence(lda, roles, clusters=interviews, n_boot=200, seed=1)
    pd.testing.assert_frame_equal(prev, again)
    m = intertopic_map(lda)
    assert m.shape[0] == 6 and np.isfinite(m[["x", "y"]]).all().all()
    plot_intertopic_map(lda)
    plot_prevalence(prev)
    mapping = topics_to_codes(lda, load_frame(CORPUS / "coding_frame.yaml"))
    best = mapping[mapping["best"]]
    # each planted topic is named after its theme; the best code of a fitted topic is that theme
    truth_of = topic_recovery(lda, corpus.topic_word).pairs.set_index("topic")["true_topic"]
    agree = np.mean([truth_of[t] == c for t, c in zip(best["topic"], best["code"])])
    assert agree >= 0.8


def test_descriptives():
    docs = [["学生", "1+X证书", "企业", "认可"], ["学生", "企业", "实习"], ["1+X证书", "考核", "标准"]] * 4
    data = pd.DataFrame({"tokens": docs, "role": ["学生", "教师", "学生"] * 4})
    f = frequencies(data, by="role")
    assert f.loc[(f.group == "学生") & (f.word == "1+X证书"), "n"].item() == 8
    assert f.groupby("group")["share"].sum().round(10).eq(1).all()
    tf = tfidf_keywords(data, by="role", top=3)
    assert set(tf["group"]) == {"学生", "教师"} and tf["score"].gt(0).all()
    assert tfidf_keywords(data, by="role", top=1).set_index("group").loc["教师", "word"] == "实习"
    tr = textrank_keywords(data, top=3)
    assert tr["rank"].tolist() == [1, 2, 3]
    co = cooccurrence(data, top=10)
    assert co.loc[(co.source == "企业") & (co.target == "学生"), "n"].item() == 8
    G = cooccurrence_network(data, top=10)
    assert isinstance(G, nx.Graph) and G.has_edge("学生", "企业")
    plot_network(G)
    wc1 = word_cloud(f[f.group == "学生"], seed=3).to_array()
    wc2 = word_cloud(f[f.group == "学生"], seed=3).to_array()
    assert (wc1 == wc2).all()
    plot_word_cloud({"企业": 3, "学生": 2})
    with pytest.raises(TypeError, match="list of tokens"):
        frequencies(pd.DataFrame({"tokens": ["不是列表"]}))


def test_chunk_tokens():
    from onex_research.text import chunk_tokens

    docs = [list("abcdefghij"), list("xyz"), []]
    chunks, index = chunk_tokens(docs, size=4, ids=["A", "B", "C"])
    assert [len(c) for c in chunks] == [4, 4, 2, 3, 0]  # a tail of 2 is not shorter than 4 // 2
    assert index["id"].tolist() == ["A", "A", "A", "B", "C"]
    assert sum(index["n_tokens"]) == 13
    chunks, index = chunk_tokens(docs, size=4, min_size=3)
    assert [len(c) for c in chunks] == [4, 6, 3, 0]  # the short tail joins the chunk before
    assert sum(chunks, []) == sum(docs, [])
