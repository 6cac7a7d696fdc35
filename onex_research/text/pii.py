"""Detectors for personal identifiers in Chinese text, used by :class:`~onex_research.text.Redactor`.

Each detector returns :class:`Span` objects (start, end, category, key). The
:class:`Redactor` resolves overlaps, gives pseudonyms and writes the audit table. Nothing
here needs a roster: names come from jieba's part-of-speech tags (``nr``) checked against
a surname list (with compound surnames) and from context cues (titles, speaker labels,
我叫/名叫); institutions count only when their name has a proper part (a place or a name:
山东大学, 淄博职业学院), never when a generic word or a verb comes before the suffix
(举办职业学校, 中等职业学校).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._pii_data import COMPOUND_SURNAMES, GIVEN_CHARS, PLACES, SURNAMES

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "PLACEHOLDERS", "SURNAMES", "COMPOUND_SURNAMES", "Span",
           "find_pii", "luhn_ok", "id_card_ok", "is_placeholder"]

#: Categories, in priority order (an earlier one wins an overlap), with their pseudonym kind.
CATEGORY_LABELS = {
    "email": "邮箱", "id_card": "身份证号", "bank_card": "银行卡", "phone": "电话", "qq": "QQ",
    "wechat": "微信", "student_id": "学号", "birth_date": "出生日期", "plate": "车牌",
    "address": "地址", "school": "学校", "company": "单位", "person": "人员",
}
CATEGORIES = tuple(CATEGORY_LABELS)
#: Header values that mean "none" and are never names ("school: 无").
PLACEHOLDERS = frozenset({"", "无", "空", "不详", "未知", "暂无", "略", "n/a", "na", "none", "null", "-", "--",
                          "—", "/", "无无", "缺", "待定", "?", "？"})

_WEAK_SURNAMES = frozenset("和向于全成安党单包景文华常路齐关解管甘宁尚符凤卜时左谷方石金白")
#: Titles and roles that follow a surname (张老师, 周总, 李同学).
TITLES = ("班主任", "辅导员", "教练", "老师", "院长", "处长", "主任", "经理", "校长", "书记", "师傅", "科长", "部长", "导师", "同学",
          "教授", "博士", "局长", "厅长", "总监", "会计", "医生", "助理", "班长", "组长", "总")
_CJK = "\u4e00-\u9fff"
_SUR_RX = "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "]"
_TITLE_RX = "|".join(t if t != "总" else "总(?![结体共是之数额计量和算部监])" for t in TITLES)


@dataclass(frozen=True)
class Span:
    """An identifier found in a text: ``text[start:end]`` is replaced; ``key`` names it."""

    start: int
    end: int
    category: str
    key: str
    kind: str = ""  # pseudonym kind, if not the category's (a roster role, QQ群)


def is_placeholder(value) -> bool:
    """True for header values that mean "none": 无, 空, 不详, N/A, -, ... (never names)."""
    return not isinstance(value, str) or value.strip().lower() in PLACEHOLDERS


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a bank-card number (ISO/IEC 7812)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card_ok(s: str) -> bool:
    """The check digit of an 18-character 身份证号 (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_W))
    return "10X98765432"[total % 11] == s[17].upper()


# -- patterns ---------------------------------------------------------------------------
_D = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_SEP = r"[-\s.]?"
_RX = {
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "id_card": re.compile(_D + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]" + _E),
    "bank_card": re.compile(_D + r"(?:[3-6]\d{3}(?:[\s-]?\d{4}){3}(?:[\s-]?\d{1,3})?|[3-6]\d{15,18})" + _E),
    "mobile": re.compile(_D + r"(?:\+?86[-\s]?)?1[3-9]\d(?:" + _SEP + r"\d{4}){2}" + _E
                         + r"|" + _D + r"(?:\+?86[-\s]?)?1[3-9]\d{2}" + _SEP + r"\d{3}" + _SEP + r"\d{4}" + _E),
    "landline": re.compile(_D + r"(?:\+?86[-\s]?)?(?:[(（]0\d{2,3}[)）]|0[1-9]\d{1,2})[-\s]?"
                           r"(?:\d{7,8}|\d{3,4}[-\s]\d{4})(?:\s*(?:转|-|ext\.?)\s*\d{1,5})?" + _E
                           + r"|" + _D + r"(?:400|800)[-\s]?\d{3}[-\s]?\d{4}" + _E),
    "local_phone": re.compile(r"(?:电话|座机|办公室|传真|热线|分机)(?:号码?)?\s*(?:是|为|[:：])?\s*"
                              r"(\d{4}[-\s]?\d{4}|\d{7})" + _E),
    "qq": re.compile(r"(?i:qq)\s*(群)?\s*(?:号码?)?\s*(?:是|为|[:：])?\s*(\d{5,11})" + _E),
    "wechat": re.compile(r"(?:微信|威信|[Vv]信|(?<![A-Za-z])(?i:weixin|wechat|vx|wx))(?:号)?\s*"
                         r"(?:是|为|[:：]|[\u4e00-\u9fff]{1,3}[:：是])?\s*"
                         r"([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"),
    "student_id": re.compile(r"(?:学号|工号|职工号|教工号|学籍号|准考证号|考生号|员工号)\s*(?:是|为|[:：])?\s*"
                             r"([A-Za-z]{0,3}\d{5,19}[Xx]?)" + _E),
    "birth_date": re.compile(r"(?:出生日期|出生年月|出生于|出生在|生日|生于|出生)\s*(?:是|为|[:：])?\s*"
                             r"((?:19|20)\d{2}\s*(?:年|[-./])\s*\d{1,2}\s*(?:月|[-./])(?:\s*\d{1,2}\s*日?)?)"
                             r"|((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)(?=\s*(?:出生|生))"),
    "plate": re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]\s*[·.]?\s*"
                        r"(?=[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9]))(?=[A-Z]*\d)[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])"),
    # an address ends in a house number (…路12号, …小区5号楼); its start is found by walking back
    "address": re.compile(r"(?:路|街|大道|巷|弄|胡同|村)(?:[一二三四五六七八九十\d]+段)?\s*\d+\s*号"
                          r"(?:\s*(?:院|大院|小区))?(?:\s*\d+\s*(?:号楼|栋|幢|单元|层|楼|室|号))*"
                          r"|(?:小区|花园|公寓|家园|新村|苑)\s*\d+\s*(?:号楼|栋|幢)(?:\s*\d+\s*(?:单元|层|楼|室|号))*"),
    "title": re.compile(rf"({_SUR_RX})([{_CJK}]{{0,2}}?)(?={_TITLE_RX})"),
    "cue": re.compile(rf"(?:我叫|名叫|叫做|姓名(?:是|为|[:：])|名字(?:是|叫)|本人)\s*(({_SUR_RX})[{_CJK}]{{1,2}})"),
    "surname_cue": re.compile(rf"(?:姓|贵姓)(?:是)?({_SUR_RX})(?![{_CJK}]{{0,1}}(?:名|氏))"),
    "apposition": re.compile(rf"(?:辅导员|班主任|工程师|联系人|负责人|收件人|考评员|讲师|教授|导师|师傅|经理|主任|同学|老师|学生)"
                             rf"(?:是|叫)?(({_SUR_RX})[{_CJK}]{{1,2}}?)(?=[^{_CJK}]|[的是和在说也都给讲])"),
    "speaker": re.compile(rf"(?m)^\s*(?:[-*>]\s*)?(({_SUR_RX})[{_CJK}]{{0,2}}?)(?:{_TITLE_RX})?\s*[：:]"),
}
# a school or a company: a name with a proper part before one of these endings
SCHOOL_SUFFIXES = ("职业技术学院", "职业技术大学", "职业学院", "职业大学", "技师学院", "高等专科学校",
                   "职业技术学校", "中等职业学校", "中等专业学校", "职业中等专业学校", "职业学校", "职业中专",
                   "职教中心", "技工学校", "大学", "学院", "中学", "小学", "学校", "幼儿园")
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "工厂", "厂")
_INST = re.compile(rf"()((?:{'|'.join(sorted(SCHOOL_SUFFIXES + COMPANY_SUFFIXES, key=len, reverse=True))}))"
                   rf"(?![{_CJK}]?(?:法|条例|规定|办法)|生)")
_FUNCTION_TAGS = frozenset({"v", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "rr", "rz", "d", "m", "q",
                            "f", "y", "e", "o", "zg", "x", "t", "tg", "ad", "df", "dg"})
_NOT_BEFORE_SUFFIX = set("的们所个该本各级这那每在是到去从和跟与了就都也说还对给把被让向于及或为以贵我你他她它")
_NOT_IN_ADDRESS = set("在住是到从于为的和与址寄往去来我你他她家就")
_GENERIC = frozenset("""职业 技术 专业 劳务 人才 服务 中介 培训 教育 科技 网络 信息 国际 中国 中华 华夏 东方 西方 南方
北方 工业 工程 商贸 经济 管理 师范 医学 艺术 体育 交通 建筑 水利 电力 农业 财经 外语 人文 军事""".split())
# words before which a name cannot reach (人民政府委托|民办学校, 全市共有|中等职业学校)
_BREAK = frozenset("""中华人民共和国 国家 全国 本市 本省 全市 全省 各级 各类 地方 社会 企业 行业 政府 人民政府 公办 民办
普通 高等 中等 初等 开放 派遣 外国 境外 中外 合作 特殊 残疾人 中小 国有 私营 集体 外资 个体 用人 其他 相关 有关 所属
同一 独立 附属 校区 本部 新校 老校 主校 委托 举办 设立 该 本""".split())
_PLACEHOLDER_NAMES = ("某某", "XX", "xx", "××", "**", "某")


@lru_cache(maxsize=1)
def _pos():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


@lru_cache(maxsize=50_000)
def _tag(text: str, hmm: bool = True):
    """jieba's (word, POS) pairs; ``hmm=False`` skips the HMM for unknown words (fast)."""
    return tuple((p.word, p.flag) for p in _pos().cut(text, HMM=hmm))


@lru_cache(maxsize=1)
def _freq():
    tok = _pos().tokenizer
    tok.check_initialized()
    return tok.FREQ


def _named(prefix: str, suffix: str):
    """How much of ``prefix`` (the characters before a suffix) is a proper name, or 0.

    Words are taken from the right while they are nouns (or name parts); the name needs
    at least one proper word (a place ns, a name nr, an organisation nt, nz, or a place of
    :data:`PLACES`), and generic words at its left edge (中等, 国家, 企业) are dropped.
    """
    for ph in _PLACEHOLDER_NAMES:
        if prefix.endswith(ph):
            return len(ph) if len(ph) > 1 else 0
    words = _tag(prefix + suffix, False)  # dictionary words only: names are made of places and known names
    taken, parts = 0, []
    freq = _freq()
    for w, flag in reversed(words):
        if taken < len(suffix):  # the suffix itself (jieba may merge it with the name: 山东大学)
            taken += len(w)
            if taken > len(suffix):
                over = w[:taken - len(suffix)]
                own = _tag(over, False)[0][1] if len(_tag(over, False)) == 1 else "n"
                trusted = flag.startswith(("nt", "ns", "nz")) and (freq.get(w) or 0) <= 50
                parts.append((over, "ns" if trusted and over not in _BREAK else own))  # ns: proper
            continue
        if len(w) == 1 and w not in "省市县区州" and flag not in _FUNCTION_TAGS:
            if parts and parts[-1][1] == "unk":  # single characters outside the dictionary: 明|宇 -> 明宇
                parts[-1] = (w + parts[-1][0], "unk")
            else:
                parts.append((w, "unk"))
            continue
        if parts and parts[-1][1] == "unk" and len(parts[-1][0]) < 2:
            break
        if (w in _BREAK or not flag.startswith(("n", "l", "i", "b", "j", "eng")) or flag.startswith("nrfg")
                or len(w) == 1 and w not in "省市县区州"):
            break
        parts.append((w, flag))
    if parts and parts[-1][1] == "unk" and len(parts[-1][0]) < 2:
        parts.pop()
    parts.reverse()  # left to right; a name starts at its first proper word (距离|齐鲁医药学院)
    while parts and not _proper(*parts[0]):
        parts.pop(0)
    return sum(len(w) for w, _ in parts)


def _proper(word, flag):
    """A place, an organisation or a person: the part that makes 淄博职业学院 a name."""
    if word in _GENERIC or word in _BREAK or word.endswith("区") or len(word) < 2:
        return False
    if word in PLACES or flag.startswith("ns") or flag == "unk":
        return True
    if flag.startswith(("nt", "nz", "nr")):
        return (_freq().get(word) or 0) <= 50  # the dictionary's nz/nr words are often common ones (曝光)
    return flag == "eng" and word.isupper()




# "我们远航技师学院": a word between a possessive pronoun and a school's ending is the school's name,
# even when jieba calls it a common word (远航/v); generic modifiers (我们本科学院) are not names
_OWNER_CUE = re.compile(rf"(?:我们|咱们|你们|他们|她们|我|你|他|她)([{_CJK}]{{2,4}})$")
_NAMED_SCHOOL_ENDINGS = ("职业技术学院", "职业技术大学", "职业学院", "职业大学", "技师学院", "高等专科学校",
                         "职业技术学校", "技工学校")   # not bare 学院/大学: 我不明白大学这三年
_NOT_A_NAME = frozenset("本科 高职 中职 专科 二级 职业 技术 高等 中等 普通 独立 成人 继续教育 网络 开放".split())


def _institutions(text, want_school, want_company):
    out = []
    for m in _INST.finditer(text):
        suffix = m.group(2)
        is_school = suffix in SCHOOL_SUFFIXES
        if (is_school and not want_school) or (not is_school and not want_company):
            continue
        # the clause before the suffix, at most 12 characters
        start = m.start(2)
        if not start or text[start - 1] in _NOT_BEFORE_SUFFIX:  # 我们学校, 这所学校, 的公司
            continue
        lo = start
        while lo > 0 and start - lo < 12 and re.match(rf"[{_CJK}A-Za-z]", text[lo - 1]):
            lo -= 1
        n = _named(text[lo:start], suffix)
        if not n and suffix in _NAMED_SCHOOL_ENDINGS:
            cue = _OWNER_CUE.search(text[lo:start])
            if (cue and cue.group(1) not in _NOT_A_NAME | _GENERIC | _BREAK
                    and not set(cue.group(1)) & (_NOT_BEFORE_SUFFIX | set("不没很太最更"))):
                n = len(cue.group(1))
        if n:
            a = start - n
            out.append(Span(a, m.end(2), "school" if is_school else "company", text[a:m.end(2)]))
    return out


def _surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def _blocked_before(text, i):
    """True if the character before position i forms a word with the one at i (一周, 提高)."""
    if i == 0:
        return False
    prev = text[i - 1]
    if not re.match(f"[{_CJK}]", prev):
        return False
    return bool(_freq().get(text[i - 1:i + 1]))


_NOT_NAMES = frozenset("""高中 高校 高职 高铁 高效 高速 高楼 高兴 高考 高级 万元 方面 方法 方式 方案 文化 文件 金额 金融 常规
常用 白天 安全 安排 包括 程序 成绩 成本 成立 孙子 江湖 周末 周边 周年 马上 时间 于是 石头 关于 关系 管理 解决 齐全
黄金 林业 朱红 杨树 史上 龙头 牛逼 钱包 贾跃亭 夏天 夏季 秦朝 宋朝 唐朝 明朝 汤圆 和平 向往 余下 段落 雷锋
""".split())


def _person_spans(text):
    out = []
    for m in _RX["speaker"].finditer(text):
        name = m.group(1)
        if name in _NOT_NAMES or (len(name) == 1 and name in _WEAK_SURNAMES):
            continue
        bare = len(name) == len(_surname_of(name))
        out.append(Span(m.start(1), m.end(1), "person", name, "surname" if bare else ""))
    for m in _RX["cue"].finditer(text):
        out.append(Span(m.start(1), m.end(1), "person", m.group(1)))
    for m in _RX["surname_cue"].finditer(text):  # 师傅姓孟, 我姓张
        out.append(Span(m.start(1), m.end(1), "person", m.group(1), "surname"))
    freq = _freq()
    for m in _RX["apposition"].finditer(text):  # 辅导员许文静, 工程师胡志强
        name, sur = m.group(1), m.group(2)
        if (sur not in _WEAK_SURNAMES and (freq.get(name) or 0) <= 5 and name not in _NOT_NAMES
                and all(c in GIVEN_CHARS for c in name[len(sur):])):
            out.append(Span(m.start(1), m.end(1), "person", name))
    for m in _RX["title"].finditer(text):
        sur, given = m.group(1), m.group(2)
        if _blocked_before(text, m.start()):
            continue
        if given:  # 张伟老师, 吴建国教授: a name only if jieba reads it (or its surname) as one
            lo = max(0, m.start() - 4)
            pos, ok = lo, False
            for w, f in _tag(text[lo:m.end() + 4]):
                if pos == m.start() and f == "nr" and w in (sur, sur + given):
                    ok = True
                pos += len(w)
            if ok:
                out.append(Span(m.start(), m.end(), "person", sur + given))
        elif sur not in _WEAK_SURNAMES:
            out.append(Span(m.start(), m.end(), "person", sur, "surname"))
    # jieba's nr, looked up only where a name can be: a surname then a given-name character
    # that do not form a dictionary word with each other or with the character before
    # (高峰, 提高), in a window of a few characters around it
    done = 0
    for m in _NAME_CAND.finditer(text):
        i = m.start()
        if i < done or freq.get(text[i:i + 2]) or (i and freq.get(text[i - 1:i + 1])):
            continue  # 高峰, 支付宝: a word, not a name (only a shortcut: jieba would say so too)
        lo = max(0, i - 3)
        while lo < i and not re.match(f"[{_CJK}]", text[lo]):
            lo += 1
        pos, prev = lo, ""
        for w, flag in _tag(text[lo:i + 6]):
            # jieba's dictionary tags many common words nr (毛巾, 高峰, 许可); names it finds by
            # HMM are not in the dictionary, so only those count, with given-name characters
            # (a rare dictionary name of three given-name characters, 周俊杰, counts too)
            rare = (freq.get(w) or 0) <= 10 and len(w) == 3 and all(c in GIVEN_CHARS for c in w[1:])
            if flag == "nr" and 2 <= len(w) <= 4 and (not freq.get(w) or rare) and w not in _NOT_NAMES and pos <= i:
                sur = _surname_of(w)
                given = w[len(sur):]
                if ((sur in SURNAMES or sur in COMPOUND_SURNAMES) and len(given) <= 2
                        and all(c in GIVEN_CHARS for c in given)
                        and not (len(w) == 2 and sur in _WEAK_SURNAMES)):
                    out.append(Span(pos, pos + len(w), "person", w))
                    done = pos + len(w)
                elif (len(w) == 2 and len(prev) >= 2 and prev[-1] in SURNAMES and prev[-1] not in _WEAK_SURNAMES
                      and all(c in GIVEN_CHARS for c in w)):
                    out.append(Span(pos - 1, pos + len(w), "person", prev[-1] + w))  # 员林/晓东
                    done = pos + len(w)
            pos += len(w)
            prev = w
    # a compound surname and one or two given characters (司马俊, 欧阳明华, 诸葛亮亮)
    for m in _COMPOUND_NAME.finditer(text):
        if text[m.end() - 1] not in GIVEN_CHARS:
            continue
        end = m.end()
        if end < len(text) and re.match(f"[{_CJK}]", text[end]) and text[end] not in _FUNCTION_CHARS:
            end += 1
        out.append(Span(m.start(), end, "person", text[m.start():end]))
    return out


_NAME_CAND = re.compile(rf"(?=[{''.join(sorted(SURNAMES))}][{''.join(sorted(GIVEN_CHARS))}])")
_COMPOUND_NAME = re.compile(rf"(?:{'|'.join(c for c in COMPOUND_SURNAMES if c not in ('东方', '第五', '单于', '太史'))})"
                            rf"[{_CJK}]")
_FUNCTION_CHARS = set("的是和在说了也都就还跟与给对把被让向从老同教主院处校经书师导总等及或")


def _tag_nr(text, m):
    lo, hi = max(0, m.start() - 4), min(len(text), m.end() + 4)
    return {w for w, f in _tag(text[lo:hi]) if f == "nr"}


def find_pii(text: str, categories=CATEGORIES) -> list[Span]:
    """Every identifier in ``text`` of the given categories (overlaps not yet resolved).

    Parameters
    ----------
    text : str
        NFKC-normalised text.
    categories : iterable of str, default :data:`CATEGORIES`

    Returns
    -------
    list of Span
        ``key`` is the identifier as written, except phones (digits only, without +86)
        and bank cards (digits only), so one number however it is spaced has one key.
        A person from surname + title without a full name has a key ending in ``*``
        (张老师 -> ``"张*"``).
    """
    cats = set(categories)
    spans = []
    for cat in ("email", "id_card"):
        if cat in cats:
            for m in _RX[cat].finditer(text):
                if cat == "id_card" and not id_card_ok(m.group(0)) and "身份证" not in text[max(0, m.start() - 10):m.start()]:
                    continue
                spans.append(Span(m.start(), m.end(), cat, m.group(0).upper() if cat == "id_card" else m.group(0)))
    if "bank_card" in cats:
        for m in _RX["bank_card"].finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            if 16 <= len(digits) <= 19 and luhn_ok(digits):
                spans.append(Span(m.start(), m.end(), "bank_card", digits))
    if "phone" in cats:
        for name in ("mobile", "landline"):
            for m in _RX[name].finditer(text):
                key = re.sub(r"\D", "", m.group(0))
                key = key[2:] if key.startswith("86") and len(key) >= 12 else key
                spans.append(Span(m.start(), m.end(), "phone", key))
        for m in _RX["local_phone"].finditer(text):
            spans.append(Span(m.start(1), m.end(1), "phone", re.sub(r"\D", "", m.group(1))))
    if "qq" in cats:
        for m in _RX["qq"].finditer(text):
            spans.append(Span(m.start(2), m.end(2), "qq", m.group(2), "QQ群" if m.group(1) else "QQ"))
    for cat, g in (("wechat", 1), ("student_id", 1)):
        if cat in cats:
            for m in _RX[cat].finditer(text):
                spans.append(Span(m.start(g), m.end(g), cat, m.group(g)))
    if "birth_date" in cats:
        for m in _RX["birth_date"].finditer(text):
            g = 1 if m.group(1) else 2
            spans.append(Span(m.start(g), m.end(g), "birth_date", re.sub(r"\s", "", m.group(g))))
    if "plate" in cats:
        for m in _RX["plate"].finditer(text):
            spans.append(Span(m.start(), m.end(), "plate", re.sub(r"[\s·.]", "", m.group(0))))
    if "address" in cats:
        for m in _RX["address"].finditer(text):
            lo = m.start()
            while lo > 0 and m.start() - lo < 24 and re.match(rf"[{_CJK}0-9]", text[lo - 1]) \
                    and text[lo - 1] not in _NOT_IN_ADDRESS:
                lo -= 1
            if m.start() - lo >= 1:
                spans.append(Span(lo, m.end(), "address", re.sub(r"\s", "", text[lo:m.end()])))
    if "school" in cats or "company" in cats:
        spans += _institutions(text, "school" in cats, "company" in cats)
    if "person" in cats:
        spans += _person_spans(text)
    return spans
