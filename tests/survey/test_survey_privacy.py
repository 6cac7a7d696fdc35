"""Privacy helpers: PII placeholders, IP split and salted hash."""

import hashlib

import pandas as pd
import pytest

from onex_research.survey import DEFAULT_SALT, hash_ip, scrub_pii
from onex_research.survey.privacy import split_ip


@pytest.mark.parametrize("text, want", [
    ("我是张伟，有问题可以打我电话13812345678", "我是[NAME]，有问题可以打我电话[PHONE]"),
    ("欢迎加我QQ：123456789交流", "欢迎加我QQ：[QQ]交流"),
    ("我的微信：abcde_1234，可以联系我", "我的微信：[WECHAT]，可以联系我"),
    ("联系人：王秀英，手机159 1234 5678", "联系人：[NAME]，手机[PHONE]"),
    ("邮箱 a.b-c@163.com", "邮箱 [EMAIL]"),
    ("身份证号11010119900307123X", "身份证号[ID]"),
    ("座机 0791-88123456", "座机 [PHONE]"),
    ("学号2021123456", "学号[NUMBER]"),
    ("我是学生，建议加强校企合作", "我是学生，建议加强校企合作"),
    ("希望降低考证费用", "希望降低考证费用"),
])
def test_scrub_pii(text, want):
    assert scrub_pii(pd.Series([text])).iloc[0] == want


def test_scrub_pii_keeps_missing_and_index():
    s = pd.Series([None, "电话13812345678"], index=[10, 11])
    out = scrub_pii(s)
    assert out.index.tolist() == [10, 11] and pd.isna(out[10]) and out[11] == "电话[PHONE]"


def test_split_and_hash_ip():
    ip, region = split_ip(pd.Series(["117.136.12.34(江西-南昌)", "1.2.3.4", None, "117.136.12.34(江西-南昌)"]))
    assert ip.tolist()[:2] == ["117.136.12.34", "1.2.3.4"] and pd.isna(ip[2])
    assert region[0] == "江西-南昌" and pd.isna(region[1])
    h = hash_ip(ip)
    assert h[0] == h[3] != h[1] and pd.isna(h[2])
    assert h[0] == hashlib.sha256((DEFAULT_SALT + "|117.136.12.34").encode()).hexdigest()[:16]
    assert hash_ip(ip, salt="x")[0] != h[0]


@pytest.mark.parametrize("text, leak, placeholder", [
    ("我叫张伟是一名老师", "张伟", "[NAME]"),
    ("我是李娜老师，建议多开课", "李娜", "[NAME]"),
    ("我叫王小明同学", "王小明", "[NAME]"),
    ("联系人:欧阳娜娜", "欧阳娜娜", "[NAME]"),
    ("本人张三，希望改进", "张三", "[NAME]"),
    ("姓名：李四", "李四", "[NAME]"),
    ("电话138.1234.5678", "1234", "[PHONE]"),
    ("电话１３８１２３４５６７８", "１３８１２３４５６７８", "[PHONE]"),
    ("电话+86 138-1234-5678", "5678", "[PHONE]"),
    ("加我微信 zhangwei2024", "zhangwei2024", "[WECHAT]"),
    ("vx: abc_123", "abc_123", "[WECHAT]"),
    ("QQ１２３４５６７", "１２３４５６７", "[QQ]"),
])
def test_scrub_pii_hard_cases(text, leak, placeholder):
    out = scrub_pii(pd.Series([text])).iloc[0]
    assert leak not in out and placeholder in out, out


@pytest.mark.parametrize("text", [
    "我是学生，建议多开课",
    "我是老师，希望加强实训",
    "我是一名教师，建议增加课时",
    "我是企业管理人员",
    "我是这个专业的学生",
])
def test_scrub_pii_keeps_non_names(text):
    assert scrub_pii(pd.Series([text])).iloc[0] == text
