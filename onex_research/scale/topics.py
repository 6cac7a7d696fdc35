"""Topic models that stream over partitions: online LDA and mini-batch NMF.

The vocabulary is fixed in a first pass (terms in at least ``min_df`` answers, sorted,
as :func:`onex_research.text.fit_topics` builds it); the model then sees the answers
in export order, in mini-batches of ``batch_size`` answers cut across partition
boundaries, so the fit does not depend on how the export was partitioned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["StreamingTopics", "OnlineLDA", "lda_e_step", "topic_vocabulary"]

_EPS = np.finfo(float).eps


def _dirichlet_expectation(a):
    from scipy.special import psi

    return psi(a) - psi(a.sum(axis=1, keepdims=True))


def lda_e_step(X, exp_topic_word, doc_topic_prior, *, max_iter=100, tol=1e-3):
    """Variational E-step of LDA for a block of documents, all documents at once.

    The update of scikit-learn's ``_update_doc_distribution`` (Hoffman, Blei and Bach
    2010, algorithm 2), vectorised over the block instead of a Python loop per
    document; each document starts from ``gamma = 1`` (scikit-learn's
    ``random_init=False``, used by ``transform``), so a document's result does not
    depend on the other documents of its block. Agrees with scikit-learn's E-step to
    about 1e-7 (scikit-learn approximates the digamma function; this uses
    ``scipy.special.psi``).

    Parameters
    ----------
    X : sparse matrix
        Documents x terms counts.
    exp_topic_word : ndarray
        ``exp(E[log beta])``, topics x terms.
    doc_topic_prior : float
    max_iter, tol
        As scikit-learn's ``max_doc_update_iter`` and ``mean_change_tol``: a document
        stops when the mean absolute change of its ``gamma`` is below ``tol``.

    Returns
    -------
    gamma : ndarray
        Documents x topics variational parameters.
    sstats : ndarray
        Topics x terms sufficient statistics, multiplied by ``exp_topic_word`` (as
        scikit-learn's ``_e_step`` returns them).
    """
    from scipy import sparse

    X = sparse.csr_matrix(X, dtype=np.float64)
    n, k = X.shape[0], exp_topic_word.shape[0]
    gamma = np.ones((n, k))
    exp_theta = np.exp(_dirichlet_expectation(gamma))
    idx = np.arange(n)  # documents not yet converged; only they are updated
    Xa = X
    for _ in range(int(max_iter)):
        rows = np.repeat(np.arange(Xa.shape[0]), np.diff(Xa.indptr))
        et = exp_theta[idx]
        norm_phi = np.einsum("ij,ji->i", et[rows], exp_topic_word[:, Xa.indices]) + _EPS
        R = sparse.csr_matrix((Xa.data / norm_phi, Xa.indices, Xa.indptr), shape=Xa.shape)
        new = et * (R @ exp_topic_word.T) + doc_topic_prior
        going = np.abs(new - gamma[idx]).mean(axis=1) >= tol
        gamma[idx] = new
        exp_theta[idx] = np.exp(_dirichlet_expectation(new))
        if not going.any():
            break
        idx, Xa = idx[going], Xa[going]
    rows = np.repeat(np.arange(n), np.diff(X.indptr))
    cols, cnt = X.indices, X.data
    beta_nz = exp_topic_word[:, cols].T  # nnz x k
    norm_phi = np.einsum("ij,ij->i", exp_theta[rows], beta_nz) + _EPS
    R = sparse.csr_matrix((cnt / norm_phi, cols, X.indptr), shape=X.shape)
    sstats = np.asarray((R.T @ exp_theta).T) * exp_topic_word
    return gamma, sstats


class OnlineLDA:
    """Online variational Bayes LDA (scikit-learn's online update, vectorised E-step).

    Parameters
    ----------
    n_components : int
    total_samples : int
        Documents in the whole stream (scales each mini-batch's statistics).
    learning_offset, learning_decay : float, default 10.0, 0.7
        scikit-learn's defaults: the weight of batch ``t`` is
        ``(learning_offset + t) ** -learning_decay``.
    max_doc_update_iter, mean_change_tol : default 100, 1e-3
    random_state : int, default 0
        Seeds the initial topic-word matrix (``gamma(100, 1/100)``, as scikit-learn).

    Attributes
    ----------
    components_ : ndarray
        Topics x terms variational parameters (``lambda``).
    n_batch_iter_ : int

    Notes
    -----
    The M-step is scikit-learn's ``LatentDirichletAllocation._em_step`` with
    ``batch_update=False``; priors are ``1 / n_components``. The E-step is
    :func:`lda_e_step`, which differs from scikit-learn's only in starting every
    document at ``gamma = 1`` instead of a random draw.
    """

    def __init__(self, n_components, *, total_samples, learning_offset=10.0, learning_decay=0.7,
                 max_doc_update_iter=100, mean_change_tol=1e-3, random_state=0):
        self.n_components = n_components
        self.total_samples = total_samples
        self.learning_offset = learning_offset
        self.learning_decay = learning_decay
        self.max_doc_update_iter = max_doc_update_iter
        self.mean_change_tol = mean_change_tol
        self.random_state = random_state

    def _init(self, n_terms):
        rng = np.random.RandomState(self.random_state)
        k = int(self.n_components)
        self.prior_ = 1.0 / k
        self.components_ = rng.gamma(100.0, 1.0 / 100.0, (k, n_terms))
        self.exp_dirichlet_component_ = np.exp(_dirichlet_expectation(self.components_))
        self.n_batch_iter_ = 1

    def partial_fit(self, X) -> "OnlineLDA":
        """One online update with the mini-batch ``X`` (documents x terms counts)."""
        if not hasattr(self, "components_"):
            self._init(X.shape[1])
        _, sstats = lda_e_step(X, self.exp_dirichlet_component_, self.prior_,
                               max_iter=self.max_doc_update_iter, tol=self.mean_change_tol)
        weight = np.power(self.learning_offset + self.n_batch_iter_, -self.learning_decay)
        ratio = float(self.total_samples) / X.shape[0]
        self.components_ *= 1 - weight
        self.components_ += weight * (self.prior_ + ratio * sstats)
        self.exp_dirichlet_component_ = np.exp(_dirichlet_expectation(self.components_))
        self.n_batch_iter_ += 1
        return self

    def transform(self, X) -> np.ndarray:
        """Document-topic ``gamma`` normalised to shares."""
        gamma, _ = lda_e_step(X, self.exp_dirichlet_component_, self.prior_,
                              max_iter=self.max_doc_update_iter, tol=self.mean_change_tol)
        return gamma / gamma.sum(axis=1, keepdims=True)


def topic_vocabulary(counts, *, min_df=2, max_df=1.0, n_docs=None) -> list:
    """Sorted terms kept for topic models, from combined counts (CountVectorizer's rules).

    Parameters
    ----------
    counts : DataFrame
        :func:`~onex_research.scale.steps.combine_counts` output.
    min_df : int or float, default 2
        Minimum answers containing the term (a float is a share of ``n_docs``).
    max_df : int or float, default 1.0
        Maximum answers (a float is a share of ``n_docs``).
    n_docs : int, optional
        Number of answers; taken from ``counts`` when omitted.
    """
    words = counts[counts["word"] != ""]
    if n_docs is None:
        n_docs = int(counts.loc[counts["word"] == "", "docs"].sum())
    df = words.groupby("word")["docs"].sum()
    lo = min_df if isinstance(min_df, (int, np.integer)) else min_df * n_docs
    hi = max_df if isinstance(max_df, (int, np.integer)) else max_df * n_docs
    return sorted(df.index[(df >= lo) & (df <= hi)])


class StreamingTopics:
    """Online LDA or mini-batch NMF fitted one mini-batch at a time.

    Parameters
    ----------
    k : int
        Number of topics.
    method : {"lda", "nmf"}, default "lda"
        ``"lda"``: :class:`OnlineLDA`, scikit-learn's online variational Bayes update
        (Hoffman, Blei and Bach 2010) with a vectorised E-step, on counts, priors
        1/k. ``"nmf"``:
        ``MiniBatchNMF`` (Frobenius loss) on TF-IDF rows with the corpus IDF.
    batch_size : int, default 4096
        Answers per mini-batch.
    passes : int, default 1
        Times the stream is read.
    top_n : int, default 10
    random_state : int, default 0

    Attributes
    ----------
    model_ : estimator
    vocabulary_ : list of str
    topic_word_ : DataFrame
        Topics x words, rows summing to 1.
    top_words_ : DataFrame
        ``topic, rank, word, weight``.
    n_batches_ : int
    """

    def __init__(self, k, *, method="lda", batch_size=4096, passes=1, top_n=10, random_state=0):
        self.k = k
        self.method = method
        self.batch_size = batch_size
        self.passes = passes
        self.top_n = top_n
        self.random_state = random_state

    def _model(self, n_docs):
        if self.method == "lda":
            return OnlineLDA(int(self.k), total_samples=max(int(n_docs), 1), random_state=self.random_state)
        if self.method == "nmf":
            from sklearn.decomposition import MiniBatchNMF

            return MiniBatchNMF(n_components=int(self.k), batch_size=int(self.batch_size), init="random",
                                random_state=self.random_state)
        raise ValueError(f"method must be 'lda' or 'nmf', got {self.method!r}")

    def start(self, vocabulary, *, n_docs, idf=None) -> "StreamingTopics":
        """Begin a fit over ``vocabulary`` (sorted terms) for a stream of ``n_docs`` answers."""
        if int(self.k) < 1:
            raise ValueError(f"k must be a positive integer, got {self.k}")
        if not len(vocabulary):
            raise ValueError("no terms left for the topic model (min_df too high for this export?)")
        self.vocabulary_ = list(vocabulary)
        self.model_ = self._model(n_docs)
        self.idf_ = None if idf is None else np.asarray(idf, dtype=float)
        self.n_batches_ = 0
        self._buffer = []
        self._buffered = 0
        return self

    def _weights(self, X):
        if self.method != "nmf":
            return X
        from sklearn.preprocessing import normalize

        X = X.astype(np.float64)
        if self.idf_ is not None:
            X = X.multiply(self.idf_).tocsr()
        return normalize(X, norm="l2")

    def _fit_batch(self, X):
        if X.shape[0]:
            self.model_.partial_fit(self._weights(X))
            self.n_batches_ += 1

    def partial_fit(self, X) -> "StreamingTopics":
        """Add a block of rows (answers x vocabulary counts); fits every full mini-batch."""
        from scipy import sparse

        self._buffer.append(sparse.csr_matrix(X))
        self._buffered += X.shape[0]
        if self._buffered >= self.batch_size:
            Xb = sparse.vstack(self._buffer, format="csr")
            cut = (Xb.shape[0] // self.batch_size) * self.batch_size
            for a in range(0, cut, self.batch_size):
                self._fit_batch(Xb[a:a + self.batch_size])
            rest = Xb[cut:]
            self._buffer, self._buffered = [rest], rest.shape[0]
        return self

    def finish(self) -> "StreamingTopics":
        """Fit the last, short mini-batch and compute :attr:`topic_word_` and :attr:`top_words_`."""
        from scipy import sparse

        if self._buffered:
            self._fit_batch(sparse.vstack(self._buffer, format="csr"))
        self._buffer, self._buffered = [], 0
        H = np.asarray(self.model_.components_, dtype=float)
        H = H / np.maximum(H.sum(axis=1, keepdims=True), 1e-300)
        topics = pd.Index(range(1, int(self.k) + 1), name="topic")
        self.topic_word_ = pd.DataFrame(H, index=topics, columns=pd.Index(self.vocabulary_, name="word"))
        rows = []
        for t, row in zip(topics, H):
            for r, j in enumerate(np.argsort(-row, kind="stable")[:self.top_n], start=1):
                rows.append({"topic": t, "rank": r, "word": self.vocabulary_[j], "weight": float(row[j])})
        self.top_words_ = pd.DataFrame(rows, columns=["topic", "rank", "word", "weight"])
        return self

    def fit(self, blocks, vocabulary, *, n_docs, idf=None) -> "StreamingTopics":
        """Fit on an iterable of count blocks (a callable returning one, for several passes)."""
        self.start(vocabulary, n_docs=n_docs, idf=idf)
        for p in range(max(int(self.passes), 1)):
            for X in (blocks() if callable(blocks) else blocks):
                self.partial_fit(X)
            if self._buffered and p < int(self.passes) - 1:
                from scipy import sparse

                self._fit_batch(sparse.vstack(self._buffer, format="csr"))
                self._buffer, self._buffered = [], 0
        return self.finish()

    def transform(self, X) -> np.ndarray:
        """Topic shares of rows of counts (each row sums to 1; empty rows get 1/k)."""
        W = self.model_.transform(self._weights(X))
        rs = W.sum(axis=1, keepdims=True)
        return np.where(rs > 0, W / np.where(rs > 0, rs, 1), 1.0 / int(self.k))
