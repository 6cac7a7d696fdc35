"""Descriptive text analysis: frequencies, keywords, co-occurrence network, word cloud."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd

from ..plotting.fonts import cjk_font_family as _font_family
from ..plotting.fonts import cjk_font_path
from ..plotting.fonts import use_cjk_font as _cjk_font

__all__ = ["frequencies", "tfidf_keywords", "textrank_keywords", "cooccurrence",
           "cooccurrence_network", "plot_network", "word_cloud", "plot_word_cloud", "doc_term_matrix"]



def _token_lists(data, tokens):
    if isinstance(data, pd.DataFrame):
        if tokens not in data.columns:
            raise KeyError(f"data has no column {tokens!r} of token lists; columns: {list(data.columns)}")
        seqs = list(data[tokens])
    else:
        seqs = list(data)
    for i, s in enumerate(seqs):
        if isinstance(s, str) or not hasattr(s, "__iter__"):
            raise TypeError(f"row {i}: expected a list of tokens, got {type(s).__name__}; "
                            f"segment first with Segmenter.cut_many()")
    return [list(s) for s in seqs]


def _groups(data, by, n):
    if by is None:
        return np.array(["all"] * n, dtype=object)
    if isinstance(data, pd.DataFrame) and isinstance(by, str):
        return data[by].astype(object).to_numpy()
    by = np.asarray(by, dtype=object)
    if len(by) != n:
        raise ValueError(f"by has {len(by)} labels for {n} documents")
    return by


def doc_term_matrix(token_lists, *, vocabulary=None, min_df=1, binary=False):
    """Sparse documents x terms count matrix from token lists.

    Returns
    -------
    X : scipy.sparse.csr_matrix
    terms : numpy.ndarray of str
        Column labels, sorted.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(analyzer=_identity, vocabulary=vocabulary, min_df=min_df, binary=binary)
    X = vec.fit_transform(token_lists)
    return X.tocsr(), vec.get_feature_names_out()


def _identity(x):
    return x


def frequencies(data, *, tokens="tokens", by=None, top=None) -> pd.DataFrame:
    """Word frequencies, overall or by group (e.g. by role).

    Parameters
    ----------
    data : DataFrame or list of token lists
    tokens : str, default "tokens"
        Column of token lists.
    by : str or array-like, optional
        Grouping column (``"role"``) or labels.
    top : int, optional
        Keep the ``top`` words of each group.

    Returns
    -------
    DataFrame
        Columns ``group, rank, word, n`` (occurrences), ``share`` (n / tokens in the
        group), ``docs`` (documents in the group that contain the word); sorted by
        group, then n descending, then word.
    """
    seqs = _token_lists(data, tokens)
    groups = _groups(data, by, len(seqs))
    rows = []
    for g in pd.unique(groups):
        idx = np.flatnonzero(groups == g)
        counts, docs = Counter(), Counter()
        for i in idx:
            counts.update(seqs[i])
            docs.update(set(seqs[i]))
        total = sum(counts.values()) or 1
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows += [{"group": g, "rank": r, "word": w, "n": n, "share": n / total, "docs": docs[w]}
                 for r, (w, n) in enumerate(items, start=1)]
    return pd.DataFrame(rows, columns=["group", "rank", "word", "n", "share", "docs"])


def tfidf_keywords(data, *, tokens="tokens", by=None, top=10, min_df=1) -> pd.DataFrame:
    """Keywords by TF-IDF, with the IDF learnt from this corpus.

    Each document (row) is weighted with scikit-learn's ``TfidfVectorizer`` (smooth
    IDF, l2 norm) on the pre-tokenised input; a group's score for a word is the mean
    of its documents' weights.

    Returns
    -------
    DataFrame
        ``group, rank, word, score``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    seqs = _token_lists(data, tokens)
    groups = _groups(data, by, len(seqs))
    vec = TfidfVectorizer(analyzer=_identity, min_df=min_df)
    X = vec.fit_transform(seqs).tocsr()
    terms = vec.get_feature_names_out()
    rows = []
    for g in pd.unique(groups):
        score = np.asarray(X[np.flatnonzero(groups == g)].mean(axis=0)).ravel()
        order = np.lexsort((terms, -score))[:top]
        rows += [{"group": g, "rank": r, "word": terms[j], "score": float(score[j])}
                 for r, j in enumerate(order, start=1) if score[j] > 0]
    return pd.DataFrame(rows, columns=["group", "rank", "word", "score"])


def _window_graph(seqs, window):
    import networkx as nx

    weights = Counter()
    for seq in seqs:
        for i, w in enumerate(seq):
            for v in seq[i + 1:i + window]:
                if v != w:
                    weights[tuple(sorted((w, v)))] += 1
    G = nx.Graph()
    G.add_weighted_edges_from((a, b, n) for (a, b), n in sorted(weights.items()))
    return G


def textrank_keywords(data, *, tokens="tokens", by=None, top=10, window=5, damping=0.85):
    """Keywords by TextRank: PageRank on the word co-occurrence graph.

    Words within ``window`` tokens of each other are linked, weighted by how often;
    PageRank (``damping`` 0.85, as in Mihalcea & Tarau 2004 and jieba.analyse.TextRank,
    which uses a window of 5) ranks them. Deterministic.

    Returns
    -------
    DataFrame
        ``group, rank, word, score``.
    """
    import networkx as nx

    seqs = _token_lists(data, tokens)
    groups = _groups(data, by, len(seqs))
    rows = []
    for g in pd.unique(groups):
        G = _window_graph([seqs[i] for i in np.flatnonzero(groups == g)], window)
        if G.number_of_nodes() == 0:
            continue
        pr = nx.pagerank(G, alpha=damping, weight="weight")
        items = sorted(pr.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows += [{"group": g, "rank": r, "word": w, "score": s} for r, (w, s) in enumerate(items, 1)]
    return pd.DataFrame(rows, columns=["group", "rank", "word", "score"])


def cooccurrence(data, *, tokens="tokens", top=40, min_docs=2) -> pd.DataFrame:
    """Document co-occurrence of the ``top`` most frequent terms.

    Returns
    -------
    DataFrame
        ``source, target, n`` (documents with both), ``npmi`` (normalised PMI of the
        pair over documents); one row per pair with ``n >= min_docs``.
    """
    seqs = _token_lists(data, tokens)
    X, terms = doc_term_matrix(seqs, binary=True)
    df = np.asarray(X.sum(axis=0)).ravel()
    keep = np.lexsort((terms, -df))[:top]
    Xk = X[:, keep].astype(np.float64)
    C = (Xk.T @ Xk).toarray()
    n_docs = max(X.shape[0], 1)
    rows = []
    for i, j in combinations(range(len(keep)), 2):
        n = C[i, j]
        if n >= min_docs:
            p_ij, p_i, p_j = n / n_docs, C[i, i] / n_docs, C[j, j] / n_docs
            npmi = 1.0 if p_ij >= 1 else np.log(p_ij / (p_i * p_j)) / -np.log(p_ij)
            rows.append({"source": terms[keep[i]], "target": terms[keep[j]], "n": int(n), "npmi": npmi})
    out = pd.DataFrame(rows, columns=["source", "target", "n", "npmi"])
    return out.sort_values(["n", "source", "target"], ascending=[False, True, True], ignore_index=True)


def cooccurrence_network(data, *, tokens="tokens", top=40, min_docs=2, min_npmi=0.0):
    """A networkx graph of the top terms; edges where they co-occur (npmi > min_npmi).

    Node attribute ``docs`` (document frequency); edge attributes ``weight`` (documents
    with both) and ``npmi``.
    """
    import networkx as nx

    edges = cooccurrence(data, tokens=tokens, top=top, min_docs=min_docs)
    seqs = _token_lists(data, tokens)
    docs = Counter(w for s in seqs for w in set(s))
    G = nx.Graph()
    for row in edges.itertuples(index=False):
        if row.npmi > min_npmi:
            G.add_edge(row.source, row.target, weight=row.n, npmi=row.npmi)
    for node in G.nodes:
        G.nodes[node]["docs"] = docs[node]
    return G


def plot_network(G, *, ax=None, seed=0, font_family=None):
    """Draw a co-occurrence network (spring layout, seeded); returns the Figure.

    Node size follows document frequency, edge width the co-occurrence count. Call
    ``onex_research.plotting.fonts.use_cjk_font()`` first so the labels show.
    """
    import matplotlib.pyplot as plt

    _cjk_font()
    import networkx as nx

    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 7))
    else:
        fig = ax.figure
    if G.number_of_nodes() == 0:
        ax.set_axis_off()
        return fig
    pos = nx.spring_layout(G, seed=seed, weight="weight")
    docs = np.array([G.nodes[n].get("docs", 1) for n in G.nodes], dtype=float)
    sizes = 300 + 1500 * docs / docs.max()
    w = np.array([G.edges[e]["weight"] for e in G.edges], dtype=float)
    widths = 0.5 + 3 * w / w.max() if len(w) else 1
    nx.draw_networkx_edges(G, pos, ax=ax, width=widths, alpha=0.35, edge_color="grey")
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=sizes, node_color="#9ecae1", alpha=0.9)
    kw = {"font_family": font_family or _font_family()}
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=9, **kw)
    ax.set_axis_off()
    return fig



def word_cloud(freqs, *, font_path=None, seed=0, width=900, height=600, max_words=150):
    """A ``wordcloud.WordCloud`` from word counts, with a CJK font; deterministic.

    Parameters
    ----------
    freqs : dict, Series or DataFrame
        word -> count, or a :func:`frequencies` table (columns ``word``, ``n``).
    font_path : str, optional
        Defaults to ``onex_research.plotting.fonts.cjk_font_path()`` (mplfonts' Noto Sans
        CJK SC if that is unavailable).
    seed : int, default 0
        ``random_state`` of the layout and colours.
    """
    from wordcloud import WordCloud

    if isinstance(freqs, pd.DataFrame):
        freqs = freqs.groupby("word")["n"].sum()
    freqs = {str(k): float(v) for k, v in dict(freqs).items() if v > 0}
    if not freqs:
        raise ValueError("word_cloud(): no words with a positive count")
    wc = WordCloud(font_path=font_path or cjk_font_path(), width=width, height=height,
                   background_color="white", max_words=max_words, random_state=seed,
                   prefer_horizontal=0.95, collocations=False)
    return wc.generate_from_frequencies(freqs)


def plot_word_cloud(freqs, *, ax=None, **kwargs):
    """Draw :func:`word_cloud` on matplotlib axes; returns the Figure."""
    import matplotlib.pyplot as plt

    _cjk_font()

    wc = word_cloud(freqs, **kwargs)
    if ax is None:
        fig, ax = plt.subplots(figsize=(wc.width / 100, wc.height / 100))
    else:
        fig = ax.figure
    ax.imshow(wc.to_array(), interpolation="bilinear")
    ax.set_axis_off()
    return fig
