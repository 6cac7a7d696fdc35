"""A jieba tokenizer with its own block regex, and a faster exact route search."""

from __future__ import annotations

import re
from math import log

import jieba
import jieba.posseg
from jieba import finalseg

# jieba's block regex, plus the characters our dictionary words need (built per instance)
_MISSING = object()
_HAN_BASE = "\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-"


class _Tokenizer(jieba.Tokenizer):
    """A jieba tokenizer whose block regex is its own, not the module-global one.

    jieba cuts a text into blocks with ``jieba.re_han_default`` before it looks at the
    dictionary, so a dictionary word with a character outside the regex can never be
    found (fxsjy/jieba#385, #749, #873). Patching the module global would change every
    other user of jieba in the process; here the regex is an instance attribute that
    is widened with the characters of our dictionary words.
    """

    def __init__(self, extra_chars: str = ""):
        super().__init__()
        extra = "".join(sorted({re.escape(c) for c in extra_chars}))
        self.re_han = re.compile(f"([{_HAN_BASE}{extra}]+)", re.U)
        self.re_skip = jieba.re_skip_default
        self._hmm_memo = {}

    def add_word(self, word, freq=None, tag=None):
        super().add_word(word, freq, tag)
        self._logp = None

    def _log_probs(self):
        """frag -> log(freq) - log(total), or None for a prefix that is no word; made once."""
        if getattr(self, "_logp", None) is None:
            logtotal = log(self.total)
            self._logp = {w: (log(f) - logtotal if f else None) for w, f in self.FREQ.items()}
            self._log_unknown = log(1) - logtotal
        return self._logp

    def _route(self, sentence):
        """End of the best word starting at each position: jieba's DAG + route in one pass.

        Same words, same floats and the same tie-breaking (the longer word wins a tie) as
        jieba's ``get_DAG`` + ``calc``, with one dict lookup per step instead of three and
        no DAG dict or tuples; checked against jieba in the tests.
        """
        logp = self._log_probs()
        unk = self._log_unknown
        missing = _MISSING
        N = len(sentence)
        score = [0.0] * (N + 1)
        ends = [0] * N
        for idx in range(N - 1, -1, -1):
            best = None
            bx = idx
            i = idx
            frag = sentence[idx]
            while True:
                v = logp.get(frag, missing)
                if v is missing:
                    break
                if v is not None:
                    sc = v + score[i + 1]
                    if best is None or sc >= best:
                        best, bx = sc, i
                i += 1
                if i >= N:
                    break
                frag = sentence[idx:i + 1]
            if best is None:
                best = unk + score[idx + 1]
            score[idx] = best
            ends[idx] = bx
        return ends

    def _flush(self, buf):
        if len(buf) == 1:
            yield buf
        elif not self.FREQ.get(buf):  # jieba's HMM for unknown words; memoised, it is pure Python
            memo = self._hmm_memo
            words = memo.get(buf)
            if words is None:
                words = list(finalseg.cut(buf))
                if len(memo) < 200_000:
                    memo[buf] = words
            yield from words
        else:
            yield from buf

    def _cut_dag_hmm(self, sentence):  # jieba's Tokenizer.__cut_DAG on _route
        ends = self._route(sentence)
        x, buf, N = 0, "", len(sentence)
        while x < N:
            y = ends[x] + 1
            if y - x == 1:
                buf += sentence[x]
            else:
                if buf:
                    yield from self._flush(buf)
                    buf = ""
                yield sentence[x:y]
            x = y
        if buf:
            yield from self._flush(buf)

    def _cut_dag_no_hmm(self, sentence):  # jieba's Tokenizer.__cut_DAG_NO_HMM on _route
        ends = self._route(sentence)
        x, buf, N = 0, "", len(sentence)
        re_eng = jieba.re_eng
        while x < N:
            y = ends[x] + 1
            word = sentence[x:y]
            if y - x == 1 and re_eng.match(word):
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf

    def cut(self, sentence, cut_all=False, HMM=True, use_paddle=False):
        cut_block = self._cut_dag_hmm if HMM else self._cut_dag_no_hmm
        if cut_all:
            cut_block = self._Tokenizer__cut_all
        re_han, re_skip = self.re_han, self.re_skip
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                yield from cut_block(blk)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        yield x
                    elif not cut_all:
                        yield from x
                    else:
                        yield x


class _POSTokenizer(jieba.posseg.POSTokenizer):
    """jieba.posseg on our tokenizer and its block regex (same reason as _Tokenizer)."""

    def _POSTokenizer__cut_internal(self, sentence, HMM=True):  # overrides the private method
        self.makesure_userdict_loaded()
        cut_blk = self._POSTokenizer__cut_DAG if HMM else self._POSTokenizer__cut_DAG_NO_HMM
        re_han = self.tokenizer.re_han
        for blk in re_han.split(sentence):
            if re_han.match(blk):
                yield from cut_blk(blk)
            else:
                for x in jieba.posseg.re_skip_internal.split(blk):
                    if jieba.posseg.re_skip_internal.match(x):
                        yield jieba.posseg.pair(x, "x")
                    else:
                        for xx in x:
                            yield jieba.posseg.pair(xx, "m" if xx.isdigit() else "x")
