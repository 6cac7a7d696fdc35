"""Chinese word segmentation on a private jieba tokenizer that keeps "1+X" whole."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import jieba

from onex_research.paths import CORPUS

from ._cache import default_cache_dir
from .errors import SegmenterError
from .normalize import is_normalized, normalize
from ._tokenizer import _HAN_BASE, _POSTokenizer, _Tokenizer

__all__ = ["Segmenter", "DEFAULT_USERDICT", "DEFAULT_STOPWORDS_EXTRA", "DEFAULT_STOPWORDS_BOILERPLATE",
           "ENGLISH_STOP", "DEFAULT_KEEP",
           "load_userdict", "load_stopwords", "default_cache_dir"]

DEFAULT_USERDICT = CORPUS / "userdict.txt"
DEFAULT_STOPWORDS_EXTRA = CORPUS / "stopwords_extra.txt"
#: Policy and academic boilerplate (应当, 规定, 日起, 责令; 本文, 提出), part of ``stopwords="default"``.
DEFAULT_STOPWORDS_BOILERPLATE = (CORPUS / "stopwords_policy.txt", CORPUS / "stopwords_academic.txt")
#: English words and fragments dropped from tokens (hyphenation leftovers: tion, ment, ...).
ENGLISH_STOP = frozenset("""the and of to in for on with is are this that by as an be from at or it which its was were
has have had we our these those their can not also between into than such more most other been may will would
tion sion ment ness ing ity ance ence able ible ive ous ful less ally tive ation ization ies est ism ist""".split())
#: Negation and stance words, kept even when a stop-word list has them.
DEFAULT_KEEP = frozenset({"不", "没", "没有", "未", "无", "非", "别", "不是", "不能", "不会", "不要",
                          "不够", "不太", "不行", "认为", "觉得", "感觉", "希望", "应该", "必须", "需要",
                          "担心", "支持", "反对", "同意", "满意", "困难", "难", "好", "重要"})
_CACHE_VERSION = "1"
_CONTENT = re.compile(r"[\u3400-\u9fffA-Za-z]")
_NUMBER = re.compile(r"^[0-9.%+\-]+$")
jieba.setLogLevel(logging.WARNING)



def load_userdict(path):
    """Read a jieba user dictionary: ``word [freq] [tag]`` per line, ``#`` comments.

    Words are normalised like texts (NFKC, ``1 + x`` -> ``1+X``). Returns a list of
    ``(word, freq or None, tag or None)``. Raises :class:`SegmenterError` naming the
    file and line for a word with spaces or a bad frequency.
    """
    path = Path(path)
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and re.fullmatch(r"[a-z]+", rest[-1]) and (len(rest) == 2 or not rest[-1].isdigit()):
            tag = rest.pop()
        if rest and rest[-1].isdigit():
            freq = int(rest.pop())
        if rest:
            raise SegmenterError(f"cannot read {line!r}: write 'word [freq] [tag]'; a word has no "
                                 f"spaces (texts are normalised, so '1 + X' is written '1+X')",
                                 path=path, line=lineno)
        entries.append((normalize(word), freq, tag))
    return entries


def load_stopwords(extra=DEFAULT_STOPWORDS_EXTRA, *, base: bool = True) -> set[str]:
    """Stop words: stopwordsiso's ``zh`` list (MIT licence) plus a project file.

    Parameters
    ----------
    extra : path or iterable of str or None
        More stop words: a file (one per line, ``#`` comments) or words.
    base : bool, default True
        Include the stopwordsiso list.
    """
    words = set()
    if base:
        import stopwordsiso

        words |= set(stopwordsiso.stopwords("zh"))
    if isinstance(extra, (str, Path)):
        text = Path(extra).read_text(encoding="utf-8-sig")
        words |= {w.strip() for w in text.splitlines() if w.strip() and not w.strip().startswith("#")}
    elif extra is not None:
        words |= set(extra)
    return words


class Segmenter:
    """Segment Chinese text with jieba on a private tokenizer and a domain dictionary.

    Parameters
    ----------
    userdict : path or None, default ``corpus/userdict.txt``
        jieba user dictionary (``word [freq] [tag]``), see :func:`load_userdict`.
    stopwords : "default", path, iterable or None
        ``"default"``: stopwordsiso ``zh`` (MIT) + ``corpus/stopwords_extra.txt``; a
        path or words: stopwordsiso plus those; ``None``: remove none.
    keep : iterable of str, default :data:`DEFAULT_KEEP`
        Words never removed (negation and stance: 不, 没有, 认为, 希望, 应该 ...).
    pos : iterable of str, optional
        Keep only tokens whose jieba POS tag starts with one of these (``{"n", "v"}``
        keeps nouns, verbs and their subtypes; dictionary words are ``nz``).
    synonyms : dict or path, optional
        variant -> canonical (``{"公司": "企业"}``), applied after cutting; a file has
        ``variant canonical`` per line.
    cache_dir : path, "auto" or None, default "auto"
        Disk cache for :meth:`cut_many` (``"auto"``: :func:`default_cache_dir`;
        ``None``: no cache).
    n_jobs : int, default -1
        Worker processes for :meth:`cut_many` (-1: all cores).
    hmm : bool, default True
        jieba's HMM for words not in the dictionary.
    min_len : int, default 1
        Shortest token kept (keep-list words are always kept).
    progress : bool or None, default None
        tqdm bar in :meth:`cut_many`; ``None``: only for more than 1 MB of text.
    lexicon : "default", path, DataFrame or None, default "default"
        The field's vocabulary (``corpus/vocational_lexicon.tsv``, see
        :func:`~onex_research.text.load_lexicon`), added to the dictionary so that
        职业教育, 中等职业学校, 教育行政部门 ... stay whole; ``None`` adds nothing.
    terms : iterable of str or DataFrame, optional
        More terms, e.g. the reviewed rows of :func:`~onex_research.text.discover_terms`.
        The user dictionary wins where it lists the same word (1+X stays whole).

    Attributes
    ----------
    tokenizer_ : jieba.Tokenizer
        This instance's tokenizer (never ``jieba.dt``).
    stopwords_ : frozenset
    synonyms_ : dict
    config_hash_ : str
        sha256 of everything that decides the tokens; part of the cache key.

    Notes
    -----
    Each text is :func:`normalize`-d, cut, mapped through ``synonyms``, and then
    whitespace, punctuation, bare numbers and stop words are dropped. The default stop
    words include policy and academic boilerplate (``corpus/stopwords_policy.txt``,
    ``corpus/stopwords_academic.txt``). English words are lower-cased (acronyms of 2-6
    capitals such as AI, PLC stay), and words under 3 letters, English function words
    and hyphenation fragments (:data:`ENGLISH_STOP`: tion, ment ...) are dropped. Tokens that
    contain a letter or CJK character are kept, so ``1+X`` and ``1+X证书`` survive.
    """

    def __init__(self, userdict=DEFAULT_USERDICT, stopwords="default", keep=DEFAULT_KEEP, pos=None,
                 synonyms=None, cache_dir="auto", n_jobs=-1, hmm=True, min_len=1, progress=None,
                 lexicon="default", terms=None):
        self.userdict = userdict
        self.stopwords = stopwords
        self.keep = keep
        self.pos = pos
        self.synonyms = synonyms
        self.cache_dir = cache_dir
        self.n_jobs = n_jobs
        self.hmm = hmm
        self.min_len = min_len
        self.progress = progress
        self.lexicon = lexicon
        self.terms = terms

    def get_params(self) -> dict:
        """The constructor's arguments (scikit-learn style)."""
        return {k: getattr(self, k) for k in ("userdict", "stopwords", "keep", "pos", "synonyms",
                                              "cache_dir", "n_jobs", "hmm", "min_len", "progress",
                                              "lexicon", "terms")}

    def fit(self, X=None, y=None) -> "Segmenter":
        """Build the tokenizer and word lists; ``X`` is ignored. Returns self."""
        from .lexicon import lexicon_entries

        entries = load_userdict(self.userdict) if self.userdict is not None else []
        known = {w for w, _, _ in entries}
        entries = entries + [e for e in lexicon_entries(self.lexicon, self.terms) if e[0] not in known]
        self._entries = entries
        self._tokenizer = self._postokenizer = None  # built on first use: a cached rerun never loads jieba
        if self.stopwords is None:
            stop = set()
        elif isinstance(self.stopwords, str) and self.stopwords == "default":
            stop = load_stopwords(DEFAULT_STOPWORDS_EXTRA)
            for path in DEFAULT_STOPWORDS_BOILERPLATE:
                stop |= load_stopwords(path, base=False)
        else:
            stop = load_stopwords(self.stopwords)
        keep = frozenset(self.keep or ())
        self.synonyms_ = self._read_synonyms(self.synonyms)
        self.keep_ = keep
        self.stopwords_ = frozenset(stop - keep)
        self._pos = tuple(self.pos) if self.pos else None
        config = {"v": _CACHE_VERSION, "jieba": jieba.__version__, "dict": entries,
                  "stop": sorted(self.stopwords_), "keep": sorted(keep), "pos": sorted(self.pos or ()),
                  "syn": sorted(self.synonyms_.items()), "hmm": self.hmm, "min_len": self.min_len}
        blob = json.dumps(config, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self.config_hash_ = hashlib.sha256(blob).hexdigest()
        return self

    @property
    def tokenizer_(self):
        """This instance's jieba tokenizer (never ``jieba.dt``), loaded on first use."""
        self._check()
        if self._tokenizer is None:
            extra = {c for w, _, _ in self._entries for c in w if not re.match(f"[{_HAN_BASE}]", c)}
            tok = _Tokenizer("".join(extra))
            tok.initialize()
            for word, freq, tag in self._entries:
                tok.add_word(word, freq, tag or "nz")
            tok._log_probs()  # once, before any fork: worker processes inherit it
            self._tokenizer = tok
        return self._tokenizer

    @property
    def postokenizer_(self):
        """``jieba.posseg`` tokenizer on :attr:`tokenizer_` (made when ``pos`` is given)."""
        if self._postokenizer is None:
            self._postokenizer = _POSTokenizer(self.tokenizer_)
        return self._postokenizer

    @staticmethod
    def _read_synonyms(synonyms) -> dict:
        if synonyms is None:
            return {}
        if isinstance(synonyms, dict):
            return {normalize(k): normalize(v) for k, v in synonyms.items()}
        path, out = Path(synonyms), {}
        for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                raise SegmenterError(f"write 'variant canonical' on each line, got {line!r}",
                                     path=path, line=lineno)
            out[normalize(parts[0])] = normalize(parts[1])
        return out

    def _check(self):
        if not hasattr(self, "config_hash_"):
            self.fit()

    def __getstate__(self):  # worker processes rebuild the tokenizer themselves
        state = self.__dict__.copy()
        state["_tokenizer"] = state["_postokenizer"] = None
        return state

    def cut(self, text: str, *, normalized: bool = False) -> list[str]:
        """Segment one text into a list of tokens (stop words removed, stance kept).

        ``normalized=True`` skips :func:`normalize` for a text that already went through
        it (as :func:`read_transcripts` returns them); the tokens are the same.

        Examples
        --------
        >>> Segmenter(cache_dir=None).cut("我们觉得1+x证书的含金量不高")
        ['觉得', '1+X证书', '含金量', '不高']
        """
        self._check()
        if not isinstance(text, str):
            raise TypeError(f"cut() expects a str, got {type(text).__name__}")
        if not normalized:
            text = normalize(text)
        if self._pos:
            words = [w for w, flag in self.postokenizer_.cut(text, HMM=self.hmm)
                     if flag.startswith(self._pos) or w in self.keep_]
        else:
            words = self.tokenizer_.cut(text, HMM=self.hmm)
        syn, stop, keep, min_len = self.synonyms_, self.stopwords_, self.keep_, self.min_len
        out = []
        for w in words:
            if w.isascii() and w.isalpha():  # English: one case; fragments and function words go
                if not (w.isupper() and 2 <= len(w) <= 6):
                    w = w.lower()
                    if len(w) < 3 or w in ENGLISH_STOP:
                        continue
            w = syn.get(w, w)
            if w in keep:
                out.append(w)
            elif (w not in stop and len(w) >= min_len and _CONTENT.search(w)
                  and not _NUMBER.match(w)):
                out.append(w)
        return out

    def cut_many(self, texts) -> list[list[str]]:
        """Segment many texts in parallel, with a content-hash disk cache.

        Parameters
        ----------
        texts : iterable of str

        Returns
        -------
        list of list of str
            Tokens of each text, in order; identical to ``[self.cut(t) for t in texts]``.

        Notes
        -----
        Each text's key is sha256(config_hash_ + text); cached tokens live in 256
        pickle shards under ``cache_dir/<config hash>/``, so a rerun on the same texts
        (a notebook run twice) reads instead of cutting, and a changed dictionary or
        stop-word list never reuses old tokens. Misses are cut in ``n_jobs`` worker
        processes, each with its tokenizer made once (inherited by ``fork`` on Linux,
        built by the pool initializer elsewhere).
        """
        self._check()
        from ._parallel import cut_many

        return cut_many(self, list(texts), normalized=is_normalized(texts))
