"""onex_research.text.Segmenter: 1+X and domain terms stay whole, private tokenizer, cache."""

import importlib.metadata

import jieba
import pytest

from onex_research.paths import CORPUS
from onex_research.text import (DEFAULT_USERDICT, Segmenter, SegmenterError, interviewee_turns,
                                load_userdict, normalize, read_transcripts)


@pytest.fixture(scope="module")
def seg():
    return Segmenter(cache_dir=None).fit()


@pytest.fixture(scope="module")
def turns():
    return read_transcripts(CORPUS / "transcripts")


@pytest.mark.parametrize("text, token", [
    ("学生考取1+X证书", "1+X证书"), ("学生考取１＋Ｘ证书", "1+X证书"), ("参加1 + x的考核", "1+X"),
    ("1+X试点三年了", "1+X试点"), ("说的是1+X，不是别的", "1+X"), ("书证融通很难", "书证融通"),
    ("推进岗课赛证", "岗课赛证"), ("培训评价组织来了", "培训评价组织"), ("学分银行还没建", "学分银行"),
])
def test_domain_terms_are_one_token(seg, text, token):
    assert token in seg.cut(text)


def test_plain_jieba_splits_but_global_tokenizer_untouched(seg):
    seg.cut("1+X证书")
    assert "1+X证书" not in jieba.Tokenizer().lcut("1+X证书")  # the problem we fix
    assert seg.tokenizer_ is not jieba.dt
    assert "1+X证书" not in jieba.dt.FREQ
    assert jieba.re_han_default.pattern == "([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)"


def _spans(tokens):
    out, pos = [], 0
    for t in tokens:
        out.append((pos, pos + len(t)))
        pos += len(t)
    return out


def test_every_1x_and_userdict_term_in_the_transcripts_stays_whole(seg, turns):
    terms = [w for w, _, _ in load_userdict(DEFAULT_USERDICT)]
    checked = 0
    for text in turns["text"]:
        text = normalize(text)
        tokens = list(seg.tokenizer_.cut(text, HMM=True))
        assert "".join(tokens) == text
        spans = _spans(tokens)
        for term in terms + ["1+X"]:
            start = text.find(term)
            while start >= 0:
                end = start + len(term)
                assert any(a <= start and end <= b for a, b in spans), (term, text[start - 5:end + 5])
                checked += 1
                start = text.find(term, end)
    assert checked >= 20


def test_stopwords_removed_stance_kept(seg):
    tokens = seg.cut("我们觉得这个证书没有用，不认可，应该改革。")
    assert "我们" not in tokens and "这个" not in tokens and "，" not in tokens
    for w in ("觉得", "没有", "应该"):
        assert w in tokens
    assert "2019" not in seg.cut("2019年开始")


def test_stopword_list_is_licensed():
    assert importlib.metadata.metadata("stopwordsiso")["License-Expression"] == "MIT"


def test_pos_filter_and_synonyms():
    s = Segmenter(cache_dir=None, pos=("n",), synonyms={"公司": "企业"})
    tokens = s.cut("公司很快地招聘了1+X证书的学生")
    assert "企业" in tokens and "公司" not in tokens and "1+X证书" in tokens
    assert "很快" not in tokens and "招聘" not in tokens


def test_bad_userdict_names_file_and_line(tmp_path):
    p = tmp_path / "ud.txt"
    p.write_text("# c\n1+X 100 nz\n职业 技能 100\n", encoding="utf-8")
    with pytest.raises(SegmenterError, match=r"ud\.txt, line 3"):
        Segmenter(userdict=p, cache_dir=None).fit()


def test_userdict_words_are_normalised(tmp_path):
    p = tmp_path / "ud.txt"
    p.write_text("１＋ｘ证书 100000 nz\n", encoding="utf-8")
    assert load_userdict(p) == [("1+X证书", 100000, "nz")]
    assert "1+X证书" in Segmenter(userdict=p, cache_dir=None).cut("考1+x证书")


def test_cut_many_matches_cut_and_caches(tmp_path, turns, monkeypatch):
    texts = list(interviewee_turns(turns)["text"])
    s = Segmenter(cache_dir=tmp_path, n_jobs=1)
    first = s.cut_many(texts)
    assert first == [s.cut(t) for t in texts]
    assert len(list(tmp_path.rglob("*.pkl"))) > 0

    def boom(self, text, **kw):
        raise AssertionError("cut() called on a cached text")

    monkeypatch.setattr(Segmenter, "cut", boom)
    assert Segmenter(cache_dir=tmp_path, n_jobs=1).cut_many(texts) == first
    with pytest.raises(AssertionError, match="cached"):  # another config: another cache
        Segmenter(cache_dir=tmp_path, n_jobs=1, keep=()).cut_many(texts[:1])


def test_cut_many_in_parallel_equals_serial(seg, turns):
    texts = list(turns["text"]) * 12  # > 100k characters: worker processes are used
    assert sum(map(len, texts)) > 100_000
    par = Segmenter(cache_dir=None, n_jobs=2, progress=False).cut_many(texts)
    assert par == [seg.cut(t) for t in texts]


def test_cut_rejects_non_text(seg):
    with pytest.raises(TypeError):
        seg.cut(None)
    with pytest.raises(TypeError, match="text 1"):
        seg.cut_many(["好", 3])


def test_fast_route_gives_jiebas_words(turns):
    """The fused DAG/route and memoised HMM reproduce jieba's own segmentation exactly."""
    import random

    from onex_research.text.segment import _Tokenizer

    rng = random.Random(0)
    with open(jieba.get_dict_file().name, encoding="utf-8") as fh:
        words = [line.split()[0] for line in fh][::97]
    texts = ["".join(rng.choice(words) + rng.choice(["", "", "，", "。", "的"]) for _ in range(150))
             for _ in range(40)] + [normalize(t) for t in turns["text"]]
    ref, ours = jieba.Tokenizer(), _Tokenizer()
    for tok in (ref, ours):
        tok.add_word("书证融通", 100000)
    for hmm in (True, False):
        assert [ours.lcut(t, HMM=hmm) for t in texts] == [ref.lcut(t, HMM=hmm) for t in texts]


def test_spawned_workers_build_their_own_segmenter(seg, turns, monkeypatch):
    """The path used where worker processes are spawned rather than forked (Windows, macOS):
    each worker builds the segmenter from the parent's class and parameters."""
    monkeypatch.setenv("ONEX_START_METHOD", "spawn")
    texts = list(turns["text"]) * 12
    custom = Segmenter(cache_dir=None, n_jobs=2, progress=False, synonyms={"公司": "企业"})
    got = custom.cut_many(texts)
    custom.fit()
    assert got == [custom.cut(t) for t in texts]
