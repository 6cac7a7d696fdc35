"""Topic models that stream over partitions: online LDA and mini-batch NMF.

The vocabulary is fixed in a first pass (terms in at least ``min_df`` answers, sorted,
as :func:`onex_research.text.fit_topics` builds it); the model then sees the answers
in export order, in mini-batches of ``batch_size`` answers cut across partition
boundaries, so the fit does not depend on how the export was partitioned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["StreamingTopics", "topic_vocabulary"]


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
        ``"lda"``: scikit-learn ``LatentDirichletAllocation(learning_method="online")``
        (Hoffman, Blei and Bach 2010) on counts, priors 1/k. ``"nmf"``:
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
            from sklearn.decomposition import LatentDirichletAllocation

            return LatentDirichletAllocation(n_components=int(self.k), learning_method="online",
                                             batch_size=int(self.batch_size), total_samples=max(int(n_docs), 1),
                                             random_state=self.random_state, evaluate_every=-1)
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
