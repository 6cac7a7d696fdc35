"""Topic models (LDA, NMF) with NPMI coherence, diversity, stability and choice of K."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment


__all__ = ["TopicResult", "KSelection", "chunk_tokens", "fit_topics", "npmi_coherence", "topic_diversity",
           "topic_stability", "select_k", "matched_cosine"]


@dataclass(frozen=True)
class TopicResult:
    """A fitted topic model.

    Attributes
    ----------
    top_words : DataFrame
        ``topic, rank, word, weight`` (weight: the word's probability in the topic).
    doc_topics : DataFrame
        documents x topics, rows sum to 1.
    topic_word : DataFrame
        topics x terms, rows sum to 1 (LDA: the topic-word distributions; NMF: the
        normalised components).
    coherence : float
        Mean NPMI of the topics' top words over document co-occurrence.
    coherence_by_topic : Series
    diversity : float
        Share of unique words among all topics' top words.
    method, k, seed : str, int, int
    model : sklearn estimator
        The fitted ``LatentDirichletAllocation`` or ``NMF``.
    """

    top_words: pd.DataFrame
    doc_topics: pd.DataFrame
    topic_word: pd.DataFrame
    coherence: float
    coherence_by_topic: pd.Series
    diversity: float
    method: str
    k: int
    seed: int
    model: object

    def labels(self, n=3) -> pd.Series:
        """``"T1: 企业/实习/岗位"``-style labels, indexed by topic."""
        tw = self.top_words[self.top_words["rank"] <= n]
        return tw.groupby("topic")["word"].agg("/".join).rename("label")

    def to_frame(self) -> pd.DataFrame:
        """Top words, one row per topic: ``topic, words, coherence, prevalence``."""
        words = self.top_words.groupby("topic")["word"].agg(" ".join)
        return pd.DataFrame({"words": words, "coherence": self.coherence_by_topic,
                             "prevalence": self.doc_topics.mean(axis=0)}).rename_axis("topic").reset_index()

    def _repr_html_(self):
        return (f"<p>{self.method.upper()} k={self.k} seed={self.seed}: coherence (NPMI) "
                f"{self.coherence:.3f}, diversity {self.diversity:.2f}</p>" + self.to_frame()._repr_html_())


@dataclass(frozen=True)
class KSelection:
    """Result of :func:`select_k`: ``table`` (one row per K) and the chosen ``k``."""

    table: pd.DataFrame
    k: int
    rule: str
    runner_up: int | None = None

    def to_frame(self):
        return self.table

    def _repr_html_(self):
        return (f"<p>chosen K = {self.k} ({self.rule}); runner-up K = {self.runner_up}</p>"
                + self.table._repr_html_())


def chunk_tokens(token_lists, size=120, *, min_size=None, ids=None):
    """Cut long documents into chunks of about ``size`` tokens, for topic models.

    Interview turns vary from a few words to several hundred; equal-sized chunks keep
    one long answer from dominating a topic. The last chunk of a document joins the one
    before when it is shorter than ``min_size`` (default ``size // 2``).

    Returns
    -------
    chunks : list of list of str
    index : DataFrame
        ``doc`` (position in ``token_lists``), ``chunk`` (0-based), ``id`` (from
        ``ids``, default ``doc``), ``n_tokens``; one row per chunk.
    """
    min_size = size // 2 if min_size is None else min_size
    ids = list(range(len(token_lists))) if ids is None else list(ids)
    chunks, rows = [], []
    for d, toks in enumerate(token_lists):
        toks = list(toks)
        parts = [toks[i:i + size] for i in range(0, len(toks), size)] or [[]]
        if len(parts) > 1 and len(parts[-1]) < min_size:
            tail = parts.pop()
            parts[-1] = parts[-1] + tail
        for c, part in enumerate(parts):
            chunks.append(part)
            rows.append({"doc": d, "chunk": c, "id": ids[d], "n_tokens": len(part)})
    return chunks, pd.DataFrame(rows)


def _vectorize(token_lists, min_df, max_df):
    from sklearn.feature_extraction.text import CountVectorizer

    seqs = [list(t) for t in token_lists]
    if not seqs:
        raise ValueError("no documents to model")
    vec = CountVectorizer(analyzer=lambda x: x, min_df=min_df, max_df=max_df)
    try:
        X = vec.fit_transform(seqs).tocsr()
    except ValueError as err:
        raise ValueError(f"no terms left after min_df={min_df}, max_df={max_df}: {err}") from None
    return X, vec.get_feature_names_out()


def npmi_coherence(topic_word, X_binary, *, top_n=10) -> np.ndarray:
    """NPMI coherence of each topic's ``top_n`` words, from document co-occurrence.

    Parameters
    ----------
    topic_word : ndarray, topics x terms
    X_binary : sparse matrix, documents x terms (0/1 or counts; > 0 means present)

    Returns
    -------
    ndarray
        Mean NPMI over the word pairs of each topic.

    Notes
    -----
    NPMI(i, j) = log(p_ij / (p_i p_j)) / -log(p_ij), with p = document frequency / D;
    a pair that never co-occurs scores -1 (Bouma 2009; Röder, Both & Hinneburg 2015,
    C_NPMI with a boolean-document window). Only the top words' columns are touched,
    so the cost is a few small sparse products.
    """
    B = sparse.csc_matrix(X_binary, dtype=np.float64)
    B.data[:] = 1.0
    D = B.shape[0]
    out = []
    for row in np.asarray(topic_word):
        idx = np.argsort(-row, kind="stable")[:top_n]
        sub = B[:, idx]
        C = (sub.T @ sub).toarray() / D
        p = np.diag(C)
        vals = []
        for i, j in combinations(range(len(idx)), 2):
            pij = C[i, j]
            if pij <= 0:
                vals.append(-1.0)
            elif pij >= 1:
                vals.append(1.0)
            else:
                vals.append(np.log(pij / (p[i] * p[j])) / -np.log(pij))
        out.append(float(np.mean(vals)) if vals else np.nan)
    return np.array(out)


def topic_diversity(topic_word, *, top_n=10) -> float:
    """Share of unique words among the topics' ``top_n`` words (Dieng et al. 2020)."""
    tw = np.asarray(topic_word)
    top = np.argsort(-tw, axis=1, kind="stable")[:, :top_n]
    return len(np.unique(top)) / top.size


def matched_cosine(A, B) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hungarian matching of rows of A to rows of B by cosine similarity.

    Returns ``(rows of A, matched rows of B, cosines)``.
    """
    A, B = np.asarray(A, float), np.asarray(B, float)
    An = A / np.maximum(np.linalg.norm(A, axis=1, keepdims=True), 1e-300)
    Bn = B / np.maximum(np.linalg.norm(B, axis=1, keepdims=True), 1e-300)
    S = An @ Bn.T
    r, c = linear_sum_assignment(-S)
    return r, c, S[r, c]


def topic_stability(topic_words) -> float:
    """Mean matched cosine between the topic-word matrices of runs with different seeds.

    Every pair of runs is matched topic-to-topic (Hungarian algorithm on cosine);
    the mean matched cosine is averaged over pairs. 1 = the same topics every time.
    """
    pairs = list(combinations(range(len(topic_words)), 2))
    if not pairs:
        return np.nan
    return float(np.mean([matched_cosine(topic_words[a], topic_words[b])[2].mean() for a, b in pairs]))


def _fit_matrix(X, k, method, seed, max_iter, doc_iter=100):
    if method == "lda":
        from sklearn.decomposition import LatentDirichletAllocation

        model = LatentDirichletAllocation(n_components=k, learning_method="batch", max_iter=max_iter,
                                          max_doc_update_iter=doc_iter, random_state=seed,
                                          evaluate_every=-1)
        W = model.fit_transform(X)
        H = model.components_
    elif method == "nmf":
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        Xt = TfidfTransformer().fit_transform(X)
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max(max_iter, 200))
        W = model.fit_transform(Xt)
        H = model.components_
    else:
        raise ValueError(f"method must be 'lda' or 'nmf', got {method!r}")
    H = H / np.maximum(H.sum(axis=1, keepdims=True), 1e-300)
    rs = W.sum(axis=1, keepdims=True)
    W = np.where(rs > 0, W / np.where(rs > 0, rs, 1), 1.0 / k)
    return model, W, H


def fit_topics(token_lists, k, *, method="lda", seed=0, top_n=10, min_df=2, max_df=1.0,
               max_iter=50, n_init=1, index=None) -> TopicResult:
    """Fit an LDA or NMF topic model to token lists.

    Parameters
    ----------
    token_lists : list of list of str
        Documents (e.g. interviewee turns) as tokens from :meth:`Segmenter.cut_many`.
    k : int
        Number of topics.
    method : {"lda", "nmf"}, default "lda"
        LDA: scikit-learn ``LatentDirichletAllocation`` (batch variational Bayes,
        priors 1/k as in scikit-learn) on counts. NMF: ``NMF`` (Frobenius loss,
        ``init="nndsvda"``) on TF-IDF.
    seed : int, default 0
        ``random_state``.
    top_n : int, default 10
        Top words per topic in ``top_words``, coherence and diversity.
    min_df, max_df : default 2, 1.0
        Vocabulary limits (CountVectorizer semantics).
    max_iter : int, default 50
    n_init : int, default 1
        Fits with seeds ``seed, seed + 1, ...``; the one with the best objective is kept
        (LDA: the variational bound, ``model.score``; NMF: the smallest reconstruction
        error). Guards against a poor local optimum.
    index : array-like, optional
        Row labels of ``doc_topics`` (default 0..n-1).

    Returns
    -------
    TopicResult
    """
    if int(k) < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    X, terms = _vectorize(token_lists, min_df, max_df)
    best = None
    for s in range(int(seed), int(seed) + max(int(n_init), 1)):
        fit = _fit_matrix(X, int(k), method, s, max_iter)
        obj = fit[0].score(X) if method == "lda" else -fit[0].reconstruction_err_
        if best is None or obj > best[0]:
            best = (obj, s, fit)
    return _result(X, terms, int(k), method, best[1], top_n, best[2], index)


def _result(X, terms, k, method, seed, top_n, fit, index=None):
    model, W, H = fit
    topics = pd.Index(range(1, k + 1), name="topic")
    tw = pd.DataFrame(H, index=topics, columns=pd.Index(terms, name="word"))
    rows = []
    for t, row in zip(topics, H):
        for r, j in enumerate(np.argsort(-row, kind="stable")[:top_n], start=1):
            rows.append({"topic": t, "rank": r, "word": terms[j], "weight": float(row[j])})
    coh = npmi_coherence(H, X, top_n=top_n)
    return TopicResult(
        top_words=pd.DataFrame(rows), doc_topics=pd.DataFrame(W, index=index, columns=topics),
        topic_word=tw, coherence=float(np.nanmean(coh)), coherence_by_topic=pd.Series(coh, index=topics,
                                                                                      name="coherence"),
        diversity=topic_diversity(H, top_n=top_n), method=method, k=k, seed=seed, model=model)


def _one(X, k, method, seed, top_n, max_iter, doc_iter, rows=None):
    """Fit on all documents, or on ``rows`` (a resample); coherence always on all documents."""
    _, _, H = _fit_matrix(X if rows is None else X[rows], k, method, seed, max_iter, doc_iter)
    return H, float(np.nanmean(npmi_coherence(H, X, top_n=top_n))), topic_diversity(H, top_n=top_n)


def select_k(token_lists, ks=range(2, 13), *, method="lda", seeds=(0, 1, 2), top_n=10, min_df=2,
             max_df=1.0, max_iter=10, max_doc_update_iter=30, min_stability=0.75, min_diversity=0.5,
             resamples=2, resample_frac=0.8, n_jobs=-1) -> KSelection:
    """Choose the number of topics by coherence, diversity and stability across seeds and resamples.

    Parameters
    ----------
    token_lists : list of list of str
    ks : iterable of int, default 2..12
    method : {"lda", "nmf"}
    seeds : tuple of int, default (0, 1, 2)
        One fit on all documents per seed and K.
    max_iter, max_doc_update_iter : int, default 10, 30
        LDA's EM iterations and per-document E-step iterations: fewer than
        :func:`fit_topics` uses, enough to rank K (about 2 s a fit for 1,000 documents;
        on planted corpora the topics match a 50-iteration fit to cosine > 0.99).
    min_stability, min_diversity : float, default 0.75, 0.5
        A K qualifies when its stability and diversity reach these.
    resamples : int, default 2
        More fits per K, each on a random ``resample_frac`` of the documents (drawn
        without replacement, the same draws for every K; seeds taken in turn).
    resample_frac : float, default 0.8
    n_jobs : int, default -1
        Fits run in parallel (joblib via ``sklearn.utils.parallel``, processes).

    Returns
    -------
    KSelection
        ``table``: ``k, coherence`` (mean NPMI over all fits, always scored on all
        documents), ``coherence_sd``, ``diversity`` (mean), ``stability`` (mean
        matched cosine between all fits, seeds and resamples), ``stability_resample``
        (resample fits against full-data fits), ``coherence_se``, ``qualifies``,
        ``chosen``, ``runner_up``; ``k``; ``runner_up``; ``rule``.

    Notes
    -----
    Rule: among the K that qualify (or all K, if none does), find the highest mean
    coherence; the chosen K is the smallest qualifying K whose mean coherence is within
    one standard error of it (the one-standard-error rule of Breiman et al. 1984,
    *Classification and Regression Trees*). The runner-up is the qualifying K with the
    highest coherence among the others. Averaging over seeds and document resamples,
    requiring stability across them, and taking the smallest near-best K keep the
    choice from flipping when a few documents are added or removed.
    """
    from sklearn.utils.parallel import Parallel, delayed  # joblib, through scikit-learn

    ks, seeds = [int(k) for k in ks], list(seeds)
    X, _ = _vectorize(token_lists, min_df, max_df)
    n_docs = X.shape[0]
    draws = []
    for r in range(int(resamples)):
        rng = np.random.default_rng(10_007 + r)
        draws.append(np.sort(rng.choice(n_docs, size=max(2, int(round(resample_frac * n_docs))), replace=False)))
    runs = [(s, None) for s in seeds] + [(seeds[r % len(seeds)], r) for r in range(len(draws))]
    jobs = [(k, i) for k in ks for i in range(len(runs))]
    fits = Parallel(n_jobs=n_jobs)(delayed(_one)(X, k, method, runs[i][0], top_n, max_iter, max_doc_update_iter,
                                                 None if runs[i][1] is None else draws[runs[i][1]])
                                    for k, i in jobs)
    res = dict(zip(jobs, fits))
    rows = []
    for k in ks:
        fk = [res[(k, i)] for i in range(len(runs))]
        coh = np.array([f[1] for f in fk])
        full = [f[0] for f, (_, r) in zip(fk, runs) if r is None]
        resampled = [f[0] for f, (_, r) in zip(fk, runs) if r is not None]
        cross = [matched_cosine(a, b)[2].mean() for a in full for b in resampled]
        sd = coh.std(ddof=1) if len(coh) > 1 else np.nan
        rows.append({"k": k, "coherence": coh.mean(), "coherence_sd": sd,
                     "diversity": float(np.mean([f[2] for f in fk])),
                     "stability": topic_stability([f[0] for f in fk]),
                     "stability_resample": float(np.mean(cross)) if cross else np.nan,
                     "coherence_se": sd / np.sqrt(len(coh))})
    table = pd.DataFrame(rows)
    stab = table["stability"].fillna(1.0)
    table["qualifies"] = (stab >= min_stability) & (table["diversity"] >= min_diversity)
    pool = table[table["qualifies"]] if table["qualifies"].any() else table
    top = pool.loc[pool["coherence"].idxmax()]
    band = top["coherence"] - (0 if np.isnan(top["coherence_se"]) else top["coherence_se"])
    near = pool[pool["coherence"] >= band]
    best = int(near["k"].min())  # one-standard-error rule: the smallest K as good as the best
    rest = table[table["k"] != best]
    rest = rest[rest["qualifies"]] if rest["qualifies"].any() else rest
    runner = int(rest.loc[rest["coherence"].idxmax(), "k"]) if len(rest) else None
    table["chosen"] = table["k"] == best
    table["runner_up"] = table["k"] == runner
    floor = (f"stability >= {min_stability} and diversity >= {min_diversity}" if table["qualifies"].any()
             else "any K (none met the stability/diversity floor)")
    rule = (f"among K with {floor}: the smallest K within one SE of the highest mean NPMI "
            f"({len(seeds)} seeds + {len(draws)} resamples of {resample_frac:.0%} of the documents)")
    return KSelection(table=table, k=best, rule=rule, runner_up=runner)
