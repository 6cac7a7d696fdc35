"""Merged pseudonyms equal one Redactor reading the texts in order, however they are split."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onex_research.scale import merge_identifiers, partition_identifiers
from onex_research.scale.redaction import redact_texts
from onex_research.text import Redactor

ROSTER = {"张伟": "教师", "李娜": "学生", "欧阳明华": "教师"}
SCHOOLS = ["江川职业技术学院"]
PIECES = ["张伟老师说", "李娜", "欧阳老师", "电话13812345678", "138-1234-5678", "QQ 123456", "a.b@example.com",
          "我在江川职业技术学院", "青山职业学院", "微信号：wx_abc123", "建议降低费用。", "13912345678", "黄老师"]
TEXTS = st.lists(st.lists(st.sampled_from(PIECES), max_size=4).map("，".join), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(texts=TEXTS, data=st.data())
def test_merged_mapping_equals_sequential_redactor(texts, data):
    cuts = sorted(data.draw(st.lists(st.integers(0, len(texts)), max_size=5)))
    bounds = [0, *cuts, len(texts)]
    parts = [texts[a:b] for a, b in zip(bounds, bounds[1:])]
    red = Redactor(ROSTER, schools=SCHOOLS)
    expected = [red.redact(t) for t in texts]
    mapping = merge_identifiers([partition_identifiers(p, ROSTER, schools=SCHOOLS) for p in parts])
    assert list(mapping.items()) == list(red.mapping_.items())
    got = [t for p in parts for t in redact_texts(p, mapping, ROSTER, schools=SCHOOLS)]
    assert got == expected


def test_labels_are_numbered_per_kind_in_order_of_first_appearance():
    parts = [["电话13812345678，张伟老师"], ["电话13900000000，李娜，电话13812345678"]]
    mapping = merge_identifiers([partition_identifiers(p, ROSTER) for p in parts])
    assert mapping == {"13812345678": "[电话1]", "张伟": "[教师A]", "13900000000": "[电话2]", "李娜": "[学生A]"}


def test_redacting_with_a_mapping_from_other_data_is_refused():
    mapping = merge_identifiers([partition_identifiers(["电话13812345678"])])
    with pytest.raises(RuntimeError, match="1 identifiers are not in the merged mapping"):
        redact_texts(["电话13900000000"], mapping)
