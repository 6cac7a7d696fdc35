"""Build the small export fixtures of ``tests/survey/fixtures/``: real formats, synthetic answers.

Each fixture copies the *format* of a real questionnaire export (header rows,
metadata columns, cell quirks) and fills it with answers drawn from a seeded random
generator. No respondent's row, IP address or name from a real export is used: IPs
come from the documentation ranges 192.0.2.0/24 and 198.51.100.0/24, open answers
from a short list of made-up phrases. The format sources are noted per fixture
(``SOURCES`` below, also written to ``tests/survey/fixtures/SOURCES.md``).

    python scripts/make_format_fixtures.py            # rewrites tests/survey/fixtures/

The tests read the committed files; rerunning the script gives the same cells (the
.sav and .xlsx containers carry a creation time, so their bytes differ).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "survey" / "fixtures"
SEED = 20260101

SOURCES = {
    "wjx_matrix_text.xlsx": (
        "问卷星 答案文本 .xlsx; format of Yaqi7-tech/workplace 问卷数据.xlsx (commit 7e6e273): metadata columns "
        "removed but 序号, which repeats because two exports were pasted together; matrix stem only on the "
        "first column (`7、题干—子题`, then `7、子题`); text Likert answers; a matrix answered 1-5; ┋ multi-select; "
        "(跳过)/(空). Headers: a subset of the real wording."),
    "wjx_converted.sav": (
        "SPSS .sav converted from a 问卷星 export; format of Ivy-yawen/psychological-factors data.sav "
        "(commit 2abea79): `@1、性别` names, labels `1、性别`, value labels, 所用时间 as `281秒`, 来自IP as "
        "`IP(省-市)`, two attention items (请选择56 / 请选择112), items renamed by the author with the "
        "question in the label, appended score columns and filter_$."),
    "wjx_native.sav": (
        "问卷星's own SPSS export (按序号, names index, Q1, Q2_1, totalseconds; labels 序号, 1、性别 ...), as "
        "described in issue 10; no real file of this kind was available, so the layout follows the issue."),
    "tencentdocs_form.csv": (
        "腾讯文档 form export .csv; format of CollegesChat/university-information data/v1.additions.csv "
        "(commit a7eafb6): 答题序号,来源,Q1..Qn,开始时间,提交时间,答题时长,IP省份,IP城市,IP地址,浏览器,操作系统; "
        "one closed question, open answers over several lines, [DESENSITIZED], empty trailing columns."),
    "wjx_subquestions.csv": (
        "问卷星 .csv; format of CollegesChat/university-information datas/v2.csv (commit 2c97d33): `3、(1)` "
        "sub-questions, two columns under `5、` (stem—row), 〖other〗 text, ┋, (跳过)/(空), blanks `[___]`."),
    "tencent_cascade.csv": (
        "腾讯问卷 .csv as described in issue 10 (no real file available): 编号, `Q1:题目`, a cascading select "
        "(级联题) whose header repeats once per level, 地理位置省/地理位置市, 开始答题时间/结束答题时间/答题时长."),
    "jinshuju_unnumbered.xlsx": (
        "金数据 .xlsx as described in issue 10 (no real file available): unnumbered question headers, 序号, "
        "提交人, 提交时间, 填写设备, 填写地区, IP."),
    "wjx_codes_0_10.csv": (
        "问卷星 按序号 (codes) .csv with a 0-10 rating, a -3..3 rating, age as a number, a question numbered "
        "`1.1`/`1.2` and -3 for skipped; synthetic, following the codes layout of surveys/default_study."),
}

AGREE = ["完全不同意", "不同意", "一般", "同意", "完全同意"]
PHRASES = ["还行", "没有", "挺好的", "不清楚", "一般般", "希望能改进", "无"]


SUBJECTS = ["宿舍", "食堂", "图书馆", "校园网", "快递点", "教室", "操场", "超市", "公交", "实训室"]
PREDICATES = ["还行", "一般般", "挺好的", "有点远", "比较贵", "人很多", "不清楚", "需要预约", "晚上关门早", "很方便"]


def _open(rng) -> str:
    """A made-up open answer: one or two short clauses."""
    k = rng.integers(1, 3)
    return "，".join(f"{rng.choice(SUBJECTS)}{rng.choice(PREDICATES)}" for _ in range(k))


def _ips(rng, n):
    return [f"192.0.2.{rng.integers(1, 255)}({rng.choice(['北京-北京', '广东-广州', '湖南-长沙'])})"
            for _ in range(n)]


def wjx_matrix_text(rng, n=40) -> pd.DataFrame:
    cols = {"序号": list(range(1, n // 2 + 1)) + list(range(1, n - n // 2 + 1))}   # two exports pasted together
    cols["1、您的性别："] = rng.choice(["男", "女"], n)
    cols["2、您的年龄段："] = rng.choice(["18以下", "18~20", "20～22", "22～25", "27以上"], n)
    rows7 = ["给老师/领导发消息时，我会紧张，并花很长时间润色", "我害怕当面拒绝别人的请求", "我经常担心自己说错话得罪人",
             "我会用AI润色表白/道歉/安慰等情感类消息"]
    base = rng.integers(0, 5, n)
    for i, r in enumerate(rows7):
        h = f"7、请根据您的实际感受，对以下陈述进行评分：—{r}" if i == 0 else f"7、{r}"
        cols[h] = [AGREE[int(np.clip(b + rng.integers(-1, 2), 0, 4))] for b in base]
    opts = ["学术/师生场景", "亲密关系场景", "家庭代际场景", "公共服务场景"]
    cols["8、除了职场环境，你在哪些场景还会遇到难以自己解决的社交困境呢？"] = [
        "┋".join(sorted(rng.choice(opts, rng.integers(1, 4), replace=False), key=opts.index)) for _ in range(n)]
    rows12 = ["当遇到沟通任务时，通常是谁先发起思路？（1=我自己先想，5=AI先给建议）",
              "在修改文本或表达时，主要由谁来完成修改？（1=我自己修改，5=让AI修改）"]
    for i, r in enumerate(rows12):
        h = (f"12、请参考你使用ai进行社交时的过程，评价你对以下陈述的同意程度：—{r}" if i == 0 else f"12、{r}")
        cols[h] = [str(x) for x in rng.integers(1, 6, n)]
    att = rng.choice(["(跳过)", "非常正向", "比较正向", "中立", "比较负面"], n)
    cols["11、你对“AI介入社交”的整体态度是？"] = att
    cols["23、请问您还在什么场景下使用ai进行社交"] = [_open(rng) if rng.random() < 0.7 else "(空)" for _ in range(n)]
    df = pd.DataFrame(cols)
    df.iloc[3, 4] = "(跳过)"
    return df


def wjx_converted_sav(rng, path, n=40):
    import pyreadstat

    dur = rng.integers(60, 600, n)
    dur[:3] = [12, 15, 9]                                                  # three speeders
    df = pd.DataFrame({
        "序号": np.arange(1, n + 1, dtype=float),
        "提交答卷时间": [f"2024/2/{23 + i // 20} 13:{i % 60:02d}:37" for i in range(n)],
        "所用时间": [f"{d}秒" for d in dur],
        "来源": rng.choice(["微信", "样本服务", "手机提交"], n),
        "来源详情": ["N/A"] * n,
        "来自IP": _ips(rng, n),
        "A1、性别": rng.integers(1, 3, n).astype(float),
        "A2、年龄": rng.integers(18, 60, n).astype(float),
        "A5、我国有多少个民族，请选择56。": np.where(rng.random(n) < 0.9, 2.0, 1.0),
        "感知回应性": rng.integers(1, 8, n).astype(float),
        "A11、XN1": rng.integers(1, 8, n).astype(float),
        "A11、XN2": rng.integers(2, 8, n).astype(float),
        "A11、XN3": rng.integers(1, 8, n).astype(float),
        "总分": rng.integers(20, 120, n).astype(float),
        "效能感": rng.uniform(1, 7, n).round(2),
        "filter_$": rng.integers(0, 2, n).astype(float),
    })
    labels = {"A1、性别": "1、性别", "A2、年龄": "2、年龄", "A5、我国有多少个民族，请选择56。": "5、我国有多少个民族，请选择56。",
              "感知回应性": "7、总体而言，我感觉在当前网络中，针对同一话题，持不同立场的网民可以展开讨论。",
              "A11、XN1": "11、请根据您互联网使用的真实体验回答，从1-7分别代表非常不认同到非常认同。—网络讨论能有效传播我的观点、态度和情绪。",
              "A11、XN2": "11、网络讨论能有效推动问题解决。", "A11、XN3": "11、通过网络讨论，我能让更多用户关注并参与到事件中。",
              "filter_$": "@3、您目前的最高教育程度？（包括在读） >= 5 (FILTER)"}
    pyreadstat.write_sav(df, str(path), column_labels=[labels.get(c) for c in df.columns],
                         variable_value_labels={"A1、性别": {1.0: "男", 2.0: "女"},
                                                "filter_$": {0.0: "Not Selected", 1.0: "Selected"}})
    # SPSS writes "@1、性别" for a name that starts with a digit; ReadStat refuses to write "@",
    # so the names are written as "A1、..." and the byte before the digits is patched to "@"
    import re

    data = re.sub(rb"A(\d+)\xe3\x80\x81", lambda m: b"@" + m.group(1) + "、".encode(), path.read_bytes())
    path.write_bytes(data)


def wjx_native_sav(rng, path, n=30):
    import pyreadstat

    secs = rng.integers(100, 900, n).astype(float)
    secs[:2] = [20, 25]
    df = pd.DataFrame({"index": np.arange(101, 101 + n, dtype=float), "submitdate": [
        f"2024-05-{1 + i % 28:02d} 10:00:00" for i in range(n)], "totalseconds": secs,
        "Q1": rng.integers(1, 3, n).astype(float),
        "Q2_1": rng.integers(1, 6, n).astype(float), "Q2_2": rng.integers(1, 6, n).astype(float),
        "Q2_3": rng.integers(1, 6, n).astype(float), "Q3": rng.integers(0, 11, n).astype(float)})
    labels = ["序号", "提交答卷时间", "所用时间", "1、您的性别", "2、您对以下说法的看法—学校重视职业技能等级证书",
              "2、考证对就业有帮助", "2、证书培训内容实用", "3、您向同学推荐考证的可能性有多大（0-10）"]
    agree = {float(i + 1): lab for i, lab in enumerate(["非常不同意", "不同意", "一般", "同意", "非常同意"])}
    pyreadstat.write_sav(df, str(path), column_labels=labels, variable_value_labels={
        "Q1": {1.0: "男", 2.0: "女"}, "Q2_1": agree, "Q2_2": agree, "Q2_3": agree,
        "Q3": {float(i): str(i) for i in range(11)}})


def tencentdocs_form(rng, n=30) -> str:
    header = (["答题序号", "来源"] + [f"Q{i}" for i in range(1, 7)]
              + ["开始时间", "提交时间", "答题时长", "IP省份", "IP城市", "IP地址", "浏览器", "操作系统"])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for i in range(n):
        q1 = str(rng.integers(1, 3))
        q2 = "[DESENSITIZED]" if rng.random() < 0.3 else ""
        opens = [_open(rng) if rng.random() < 0.8 else str(rng.choice(PHRASES)) for _ in range(4)]
        if i % 7 == 3:
            opens[2] = "第一行\n第二行，还有一行"                          # an answer over several lines
        w.writerow([100000000 + i, "腾讯文档", q1, q2, *opens,
                    f"2022-07-{24 + i // 24:02d} {i % 24:02d}:31:05", "", "", "", "", "", "", ""])
    return buf.getvalue()


def wjx_subquestions(rng, n=12) -> pd.DataFrame:
    cols = {"序号": np.arange(307, 307 + n), "提交答卷时间": [f"2026/9/{18 + i // 6} 19:{i:02d}:55" for i in range(n)],
            "1、请留下您的常用网名/代号：[___________]": rng.choice(["匿名受访者", "读者甲", "路人乙"], n),
            "3、(1)你的入学年份及就读专业是什么？___": rng.choice(["2024-09", "2025-09"], n),
            "3、(2)年入学，专业为___": rng.choice(["物理学", "现代物流管理", "机电一体化"], n),
            "4、你的培养层次是？": [str(x) for x in rng.choice(["本科", "大专", "本科〖大一〗", "大专〖在读大二〗"], n)],
            "5、学校地理位置和实际分配校区情况—你所就读的学校的办学地点是": rng.choice(["广西-南宁市", "湖南-长沙市"], n),
            "5、你实际被分配的校区是": rng.choice(["主校区", "南院"], n),
            "7、导师管理风格与组内学术氛围如何？": ["(跳过)"] * n,
            "12、教室和宿舍有空调吗？": rng.choice(["教室有┋宿舍有", "教室有〖有些教室没有〗┋宿舍有", "宿舍有", "(空)"], n),
            "31、🤔💬 自由补充": rng.choice(PHRASES + ["(空)"], n)}
    return pd.DataFrame(cols)


def tencent_cascade(rng, n=20) -> pd.DataFrame:
    prov = rng.choice(["广东", "湖南"], n)
    city = [rng.choice(["广州", "深圳"]) if p == "广东" else rng.choice(["长沙", "株洲"]) for p in prov]
    rows = {"编号": np.arange(1, n + 1), "开始答题时间": ["2024-05-12 10:00:00"] * n,
            "结束答题时间": [f"2024-05-12 10:{5 + i % 50:02d}:00" for i in range(n)],
            "答题时长": [f"{300 + 10 * i}" for i in range(n)],
            "地理位置省": rng.choice(["广东", "湖南"], n), "地理位置市": rng.choice(["广州", "长沙"], n),
            "Q1:您的身份是": rng.choice(["学生", "教师"], n)}
    df = pd.DataFrame(rows)
    df.insert(len(df.columns), "Q2:您所在的地区", prov, allow_duplicates=True)
    df.insert(len(df.columns), "Q2:您所在的地区", city, allow_duplicates=True)
    df["Q3:学校重视1+X证书"] = rng.choice(["非常不同意", "不同意", "一般", "同意", "非常同意"], n)
    return df


def jinshuju_unnumbered(rng, n=20) -> pd.DataFrame:
    return pd.DataFrame({
        "序号": np.arange(1, n + 1), "您的性别": rng.choice(["男", "女"], n),
        "您所在的年级": rng.choice(["一年级", "二年级", "三年级"], n),
        "您对学校1+X证书工作的满意程度": rng.choice(["非常不满意", "不满意", "一般", "满意", "非常满意"], n),
        "您还有什么建议": rng.choice(PHRASES, n), "提交人": ["匿名"] * n,
        "提交时间": [f"2024-06-01 09:{i:02d}:00" for i in range(n)], "填写设备": rng.choice(["手机", "电脑"], n),
        "填写地区": rng.choice(["广东 广州", "湖南 长沙"], n), "IP": [f"198.51.100.{i + 1}" for i in range(n)]})


def wjx_codes_0_10(rng, n=30) -> pd.DataFrame:
    nps = rng.integers(0, 11, n)
    nps[:3] = [0, 0, 10]
    bip = rng.integers(-3, 4, n)
    bip[:2] = [-3, -2]
    return pd.DataFrame({
        "序号": np.arange(1, n + 1), "提交答卷时间": [f"2024/5/12 10:{i:02d}:00" for i in range(n)],
        "所用时间": [f"{200 + 7 * i}秒" for i in range(n)],
        "1.1、您的年龄": rng.integers(18, 40, n), "1.2、您的性别": rng.integers(1, 3, n),
        "2、您向同学推荐考证的可能性有多大（0-10分）": nps,
        "3、1+X证书对就业的影响（-3=非常负面，3=非常正面）": bip,
        "4、您的月生活费（元）": np.where(rng.random(n) < 0.1, -3, rng.integers(500, 3000, n))})


def main() -> int:
    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    wjx_matrix_text(rng).to_excel(OUT / "wjx_matrix_text.xlsx", index=False)
    wjx_converted_sav(rng, OUT / "wjx_converted.sav")
    wjx_native_sav(rng, OUT / "wjx_native.sav")
    (OUT / "tencentdocs_form.csv").write_text(tencentdocs_form(rng), encoding="utf-8")
    wjx_subquestions(rng).to_csv(OUT / "wjx_subquestions.csv", index=False, lineterminator="\n")
    tencent_cascade(rng).to_csv(OUT / "tencent_cascade.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    jinshuju_unnumbered(rng).to_excel(OUT / "jinshuju_unnumbered.xlsx", index=False)
    wjx_codes_0_10(rng).to_csv(OUT / "wjx_codes_0_10.csv", index=False, lineterminator="\n")
    lines = ["# Export fixtures: real formats, synthetic answers", "",
             "Written by `scripts/make_format_fixtures.py` (seed %d). No real respondent's row, IP or name." % SEED,
             ""]
    lines += [f"- `{name}`: {text}" for name, text in SOURCES.items()]
    (OUT / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for p in sorted(OUT.iterdir()):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
