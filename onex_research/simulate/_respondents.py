"""Demographics consistent with the respondent's role, and free-text suggestions (some with
planted personal information), for ``survey.simulate_study``."""

from __future__ import annotations

import numpy as np

from ..instrument import Instrument

_CERT_BY_MAJOR = {"信息技术类": (0, 1), "装备制造类": (5,), "财经商贸类": (3,), "医药卫生类": (4,),
                  "交通运输类": (6,), "土木建筑类": (2,), "其他": (6,)}
_SUGGESTIONS = (
    "建议加强校企合作", "希望降低考证费用", "增加实训设备投入", "加强师资培训", "提高证书的社会认可度",
    "建议企业更多参与标准制定", "希望考试时间安排更合理", "多开展宣传，让家长和企业了解证书",
    "培训内容要与岗位需求对接", "建议书证融通落到实处", "题库需要及时更新", "希望政府给予更多经费支持",
    "考核过程应更加规范透明", "加大对双师型教师的培养力度", "希望学校提供更多备考辅导",
    "证书种类太多，建议整合", "无", "没有", "暂无建议", "挺好的", "希望继续推进试点",
    "建议把证书与学分互认", "实训基地建设需要加强", "评价组织服务有待提高", "企业招聘应认可证书",
)
_SURNAMES = "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
          "秀英", "建华", "晓东", "志强", "海燕")
PII_TEMPLATES = (
    ("我是{name}，建议多组织考前培训，有问题可以打我电话{phone}", ("name", "phone")),
    ("希望加强校企合作，欢迎加我QQ：{qq}交流", ("qq",)),
    ("考证费用太高了，我的微信：{wechat}，可以联系我", ("wechat",)),
    ("建议简化报名流程。联系人：{name}，手机{phone}，微信{wechat}", ("name", "phone", "wechat")),
)


def pii_piece(kind, rng):
    if kind == "name":
        return _SURNAMES[rng.integers(len(_SURNAMES))] + _GIVEN[rng.integers(len(_GIVEN))]
    if kind == "phone":
        return "1" + ("38", "39", "59", "86", "87", "35", "50", "88")[rng.integers(8)] + \
            "".join(map(str, rng.integers(0, 10, 8)))
    if kind == "qq":
        return str(rng.integers(1, 10)) + "".join(map(str, rng.integers(0, 10, rng.integers(5, 10))))
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return "".join(letters[rng.integers(0, 26, 5)]) + "_" + "".join(map(str, rng.integers(0, 10, 4)))


def demographics(ins: Instrument, role, rng) -> dict:
    """Codes (1-based) of the single items and bit masks of the multi items, by item code."""
    n = len(role)
    it = ins.items
    out = {}
    if "role" in it.index:
        out["role"] = role + 1
    students = role == 0
    for code in ins.demographics:
        if code == "role":
            continue
        k = ins.n_points(code)
        labels = ins.labels(code)
        if it.at[code, "type"] == "multi":
            if code == "certificates" and "major" in out and labels[-1].startswith("尚未"):
                p_any = np.array([0.7, 0.4, 0.15, 0.1, 0.1, 0.1])[np.minimum(role, 5)]
                has = rng.random(n) < p_any
                majors = ins.labels("major")
                cand = [_CERT_BY_MAJOR.get(majors[m - 1], (k - 2,)) for m in range(1, len(majors) + 1)]
                pick = rng.random(n)
                first = np.array([c[int(u * len(c))] for c, u in zip((cand[m - 1] for m in out["major"]), pick)])
                second = rng.integers(0, k - 1, n)
                mask = (1 << first) | np.where(rng.random(n) < 0.25, 1 << second, 0)
                out[code] = np.where(has, mask, 1 << (k - 1))
            else:
                mask = (rng.random((n, k)) < 0.3) @ (1 << np.arange(k))
                out[code] = np.where(mask == 0, 1, mask)
            continue
        if code == "tenure" and k == 6:
            stu = rng.choice(3, size=n, p=[0.4, 0.35, 0.25]) + 1
            staff = rng.choice(3, size=n, p=[0.35, 0.4, 0.25]) + 4
            out[code] = np.where(students, stu, staff)
        elif code == "school_type" and k == 4:
            out[code] = rng.choice(4, size=n, p=[0.55, 0.1, 0.2, 0.15]) + 1
        elif code == "major" and k == 7:
            out[code] = rng.choice(7, size=n, p=[0.3, 0.2, 0.15, 0.1, 0.1, 0.1, 0.05]) + 1
        else:
            out[code] = rng.integers(1, k + 1, n)
    return out


def suggestions(n, rng) -> np.ndarray:
    pool = np.array(("",) + _SUGGESTIONS, dtype=object)
    idx = np.where(rng.random(n) < 0.3, 0, rng.integers(1, len(pool), n))
    return pool[idx]


