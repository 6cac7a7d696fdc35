"""Streaming topic models: the fit does not depend on how the rows arrive; planted topics come back."""

import numpy as np
import pytest
from scipy import sparse

from onex_research.scale import StreamingTopics, topic_vocabulary
from onex_research.scale.steps import combine_counts, count_partition, vectorize_partition, TOKEN_SEP
from onex_research.simulate import simulate_topic_corpus
from onex_research.text import matched_cosine

import pandas as pd


@pytest.fixture(scope="module")
def corpus():
    return simulate_topic_corpus(600, n_topics=4, seed=3)


def _prepared(token_lists):
    return pd.DataFrame({"doc": np.arange(len(token_lists)), "group": "all",
                         "tokens": [TOKEN_SEP.join(t) for t in token_lists]})


def _blocks(X, sizes):
    out, a = [], 0
    for s in sizes:
        out.append(X[a:a + s])
        a += s
    return out + ([X[a:]] if a < X.shape[0] else [])


@pytest.mark.parametrize("method", ["lda", "nmf"])
def test_fit_does_not_depend_on_block_sizes(corpus, method):
    prepared = _prepared(corpus.token_lists)
    counts = combine_counts([count_partition(prepared)])
    vocab = topic_vocabulary(counts, min_df=2)
    X = vectorize_partition(prepared, {t: j for j, t in enumerate(vocab)})
    fits = [StreamingTopics(4, method=method, batch_size=100, random_state=0).fit(_blocks(X, sizes), vocab,
                                                                                  n_docs=X.shape[0])
            for sizes in ([600], [1, 99, 250, 3], [37] * 16)]
    for f in fits[1:]:
        np.testing.assert_allclose(f.topic_word_.to_numpy(), fits[0].topic_word_.to_numpy(), rtol=1e-10)
    assert fits[0].n_batches_ == 6


def test_vectorize_matches_countvectorizer(corpus):
    from onex_research.text import doc_term_matrix

    prepared = _prepared(corpus.token_lists[:50])
    X_ref, terms = doc_term_matrix(corpus.token_lists[:50])
    X = vectorize_partition(prepared, {t: j for j, t in enumerate(terms)})
    assert (X != X_ref).nnz == 0


def test_online_lda_recovers_planted_topics(corpus):
    prepared = _prepared(corpus.token_lists)
    counts = combine_counts([count_partition(prepared)])
    vocab = topic_vocabulary(counts, min_df=2)
    X = vectorize_partition(prepared, {t: j for j, t in enumerate(vocab)})
    fit = StreamingTopics(4, batch_size=64, passes=5, random_state=0).fit([X], vocab, n_docs=X.shape[0])
    truth = corpus.topic_word.reindex(columns=vocab, fill_value=0).to_numpy()
    _, _, cos = matched_cosine(truth, fit.topic_word_.to_numpy())
    assert cos.mean() > 0.8, cos


def test_vectorised_e_step_equals_scikit_learn(corpus):
    """lda_e_step gives scikit-learn's E-step (``random_init=False``) to 1e-6.

    Not closer: scikit-learn's Cython digamma is an approximation, scipy's ``psi`` is
    not, so a few documents stop one iteration apart (differences about 1e-7).
    """
    from sklearn.decomposition import LatentDirichletAllocation

    from onex_research.scale import lda_e_step

    prepared = _prepared(corpus.token_lists)
    counts = combine_counts([count_partition(prepared)])
    vocab = topic_vocabulary(counts, min_df=2)
    X = vectorize_partition(prepared, {t: j for j, t in enumerate(vocab)})
    X = sparse.vstack([X, sparse.csr_matrix((1, X.shape[1]))], format="csr").astype(np.float64)  # + an empty doc
    lda = LatentDirichletAllocation(4, learning_method="online", random_state=0).partial_fit(X[:100])
    gamma_ref, ss_ref = lda._e_step(X, cal_sstats=True, random_init=False)  # the reference (private API)
    gamma, ss = lda_e_step(X, lda.exp_dirichlet_component_, lda.doc_topic_prior_)
    np.testing.assert_allclose(gamma, gamma_ref, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ss, ss_ref, rtol=1e-6, atol=1e-9)
