"""The field's vocabulary: lexicon with sources, discover_terms, Segmenter keeping terms whole."""

import random
from pathlib import Path

import pytest

from onex_research.text import Segmenter, normalize
from onex_research.text.lexicon import ISSUE_DOMAIN_TERMS, load_lexicon, term_wholeness
from onex_research.text.terms import discover_terms

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def seg():
    return Segmenter(cache_dir=None, stopwords=None).fit()


@pytest.fixture(scope="module")
def policy():
    return [normalize(ln.split("\t")[0]) for ln in (FIXTURES / "policy_excerpts.tsv").read_text(
        encoding="utf-8").splitlines() if ln and not ln.startswith("#")]


def test_lexicon_has_the_issue_terms_each_with_a_source():
    lex = load_lexicon()
    assert set(ISSUE_DOMAIN_TERMS) <= set(lex["term"])
    assert (lex["source"].str.len() > 0).all() and lex["term"].is_unique
    assert len(lex) >= 100


def test_lexicon_errors_name_the_line(tmp_path):
    p = tmp_path / "lex.tsv"
    p.write_text("term\tcategory\tsource\n职业教育\tsystem\tVEL\n职业学校\tinstitution\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lex\.tsv:3"):
        load_lexicon(p)
    p.write_text("term\tsource\n职业教育\tVEL\n", encoding="utf-8")
    with pytest.raises(ValueError, match="category"):
        load_lexicon(p)


def test_domain_terms_stay_whole_on_policy_excerpts(seg, policy):
    table = term_wholeness(policy, seg.tokenizer_.lcut).set_index("term")
    assert table.at["all", "n"] >= 20
    assert table.at["all", "share"] >= 0.9, table
    bare = Segmenter(cache_dir=None, stopwords=None, lexicon=None).fit()
    assert term_wholeness(policy, bare.tokenizer_.lcut).set_index("term").at["all", "share"] < 0.5


@pytest.mark.parametrize("text, token", [
    ("全市共有中等职业学校12所", "中等职业学校"), ("教育行政部门应当加强管理", "教育行政部门"),
    ("人力资源社会保障部门负责", "人力资源社会保障部门"), ("培养技术技能人才", "技术技能人才"),
    ("学生考取1+X证书", "1+X证书"), ("参加1 + x的考核", "1+X"), ("弘扬工匠精神", "工匠精神"),
])
def test_segmenter_keeps_lexicon_terms_and_1x(seg, text, token):
    assert token in seg.cut(text)


def _planted_corpus(seed=0):
    rng = random.Random(seed)
    fill = ["学生", "老师", "我们", "觉得", "学校", "企业", "今年", "培训", "考核", "非常", "还是", "可能"]
    texts = []
    for _ in range(200):
        words = [rng.choice(fill) for _ in range(rng.randint(6, 12))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), "岗课赛证融通")
        if rng.random() < 0.02:
            words.insert(0, "稀有新词汇")
        texts.append("".join(words) + "。")
    return texts


def test_discover_terms_finds_a_planted_term_and_respects_the_floor():
    df = discover_terms(_planted_corpus(), min_freq=5, max_len=6)
    assert list(df.columns) == ["n", "pmi", "left_entropy", "right_entropy", "score", "known"]
    assert "岗课赛证融通" in df.index[:5]
    assert "课赛证融" not in df.index  # inside the longer term, same count: dropped
    assert "稀有新词汇" not in df.index  # below the frequency floor
    assert df["score"].is_monotonic_decreasing


def test_segmenter_takes_discovered_terms():
    texts = _planted_corpus()
    found = discover_terms(texts, top=5)
    s = Segmenter(cache_dir=None, stopwords=None, terms=found).fit()
    assert "岗课赛证融通" in s.cut("学校推进岗课赛证融通")
    assert "岗课赛证融通" not in Segmenter(cache_dir=None, stopwords=None).cut("学校推进岗课赛证融通")


def test_discover_terms_rejects_a_bare_string():
    with pytest.raises(TypeError):
        discover_terms("职业教育")


def test_cli_terms_writes_a_table(tmp_path, capsys):
    from onex_research.cli import main

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\n".join(_planted_corpus()), encoding="utf-8")
    out = tmp_path / "terms.csv"
    assert main(["terms", str(corpus), "--out", str(out), "--top", "5"]) == 0
    assert "岗课赛证融通" in out.read_text(encoding="utf-8-sig")
    assert "candidate terms" in capsys.readouterr().out
    assert main(["terms", str(tmp_path / "missing")]) == 2
