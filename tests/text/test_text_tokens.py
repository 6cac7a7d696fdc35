"""Tokens fit for topics (issue 11): sentences, boilerplate stop lists, English, stable select_k, frame fixes."""

from pathlib import Path

import pytest

from onex_research.paths import CORPUS
from onex_research.simulate import simulate_topic_corpus
from onex_research.text import Segmenter, code, load_frame, normalize, select_k, split_sentences


@pytest.mark.parametrize("text, expected", [
    ("本研究发现．结果如下。", ["本研究发现.", "结果如下。"]),  # full-width period (NFKC makes it ASCII)
    ("This paper studies indigenization. Results follow.", ["This paper studies indigenization.",
                                                           "Results follow."]),
    ("通过率为92.5%，比去年高3.5个百分点。下一句", ["通过率为92.5%，比去年高3.5个百分点。", "下一句"]),
    ("依据国发〔2019〕4号和教职成〔2019〕6号文件.下一句", ["依据国发〔2019〕4号和教职成〔2019〕6号文件.", "下一句"]),
    ("详见http://www.moe.gov.cn/srcsite/A07/t20190415_378129.html。下一句",
     ["详见http://www.moe.gov.cn/srcsite/A07/t20190415_378129.html。", "下一句"]),
    ("见www.moe.gov.cn. 再见", ["见www.moe.gov.cn.", "再见"]),
    ("1+X证书很重要.第二句", ["1+X证书很重要.", "第二句"]),
    ("他说：“不好。”然后走了；又回来了\n新的一行", ["他说：“不好。”", "然后走了；又回来了", "新的一行"]),
    ("e.g. this one. Next.", ["e.g. this one.", "Next."]),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_after_normalize_of_fullwidth_period():
    assert split_sentences(normalize("第一句．第二句")) == ["第一句.", "第二句"]


@pytest.fixture(scope="module")
def seg():
    return Segmenter(cache_dir=None).fit()


def test_policy_and_academic_boilerplate_is_dropped(seg):
    tokens = seg.cut("本文提出，用人单位应当依法履行义务，自2019年1月1日起施行，由教育行政部门责令改正。")
    for w in ("本文", "提出", "应当", "依法", "日起", "施行", "责令"):
        assert w not in tokens
    for w in ("用人单位", "教育行政部门", "履行义务", "改正"):
        assert w in tokens
    assert "认为" in seg.cut("我们认为应当改革")  # stance words stay


def test_english_fragments_and_hyphenation(seg):
    tokens = seg.cut("the indigeniza-\ntion of vocational education in China, educa\u00adtion and tion AI PLC")
    assert "indigenization" in tokens and "education" in tokens and "china" in tokens
    assert not {"tion", "indigeniza", "the", "of", "in", "and"} & set(tokens)
    assert "AI" in tokens and "PLC" in tokens


@pytest.fixture(scope="module")
def small():
    return simulate_topic_corpus(300, n_topics=4, seed=1)


def test_select_k_reports_runner_up_and_resample_stability(small):
    sel = select_k(small.token_lists, range(2, 7), method="nmf", seeds=(0, 1), resamples=2)
    assert sel.k == 4
    assert sel.runner_up is not None and sel.runner_up != sel.k
    assert sel.table["runner_up"].sum() == 1 and sel.table.loc[sel.table["chosen"], "k"].item() == 4
    assert sel.table.loc[sel.table.k == 4, "stability_resample"].item() > 0.9
    assert "resamples" in sel.rule


def test_select_k_does_not_flip_when_three_documents_are_added(small):
    base = select_k(small.token_lists, range(2, 7), method="nmf", seeds=(0, 1), resamples=2)
    more = select_k(small.token_lists + [small.token_lists[i][::-1] for i in (5, 50, 150)], range(2, 7),
                    method="nmf", seeds=(0, 1), resamples=2)
    assert base.k == more.k == 4


@pytest.fixture(scope="module")
def frame():
    return load_frame(CORPUS / "coding_frame.yaml")


@pytest.mark.parametrize("text, absent, present", [
    ("探索多元办学模式", "resources", None),
    ("学校在钱塘区", "resources", None),
    ("交了三百元钱的报名费", None, "resources"),
    ("本条例严格执行", "execution", None),
    ("方案在学校执行得不好", None, "execution"),
    ("这个难度系数的计算方法", None, "quality"),
    ("评分不公正", None, "quality"),
    ("社会公正", "quality", None),
    ("教育行政部门和人社部门应当支持", None, "government"),
    ("学校每年发布质量年度报告", None, "quality"),
    ("劳动者违反服务期约定的，应当按照约定向用人单位支付违约金。", "recognition", None),
    ("用人单位根本不认可这个证书", None, "recognition"),
    ("提供公平的就业条件", "quality", None),
    ("考评员打分不公平", None, "quality"),
])
def test_frame_fixes(frame, text, absent, present):
    codes = set(code([text], frame, unit="turn")["code"])
    if absent:
        assert absent not in codes
    if present:
        assert present in codes


def test_keyword_frame_on_real_policy_sentences(frame):
    """63 real law sentences labelled before coding (tests/reference/REAL_CODING_README.md)."""
    import pandas as pd

    from onex_research.text import coding_f1

    real = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "real_policy_coding.csv",
                       keep_default_na=False)
    hits = code(list(real["text"]), frame, unit="turn")
    truth = (real.assign(doc=range(len(real)), code=real["codes"].str.split(";"))
             .explode("code").query("code != ''")[["doc", "code"]])
    f1 = coding_f1(hits, truth, keys=("doc",)).set_index("code")
    assert f1.at["micro", "f1"] >= 0.72 and f1.at["government", "recall"] >= 0.85
