"""Open-ended survey answers with planted themes and planted personal data, at any size.

Answers to 你对1+X证书制度有什么建议？ are built from the hand-written theme sentences of
:mod:`onex_research.simulate._phrasebank` (written independently of the coding frame),
plus, for a share of answers, one sentence that plants a personal identifier (a roster
name with a title, a mobile number, an e-mail address, a QQ or WeChat id, a listed or a
generic school name). The truth (themes and planted identifiers per answer) is kept, so
that a scale run can be checked against it: every planted identifier must be gone from
the redacted text, and the planted themes should be coded.

Answers are made in chunks of :data:`CHUNK` answers, each from its own seed
``(seed, chunk)``: the first ``m`` answers of a run of ``n > m`` equal a run of ``m``,
so a 100,000-answer slice of a 1,000,000-answer export is itself a simulation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._phrasebank import SLOTS, TEMPLATES, THEMES
from .corpus import ROLE_THEMES

__all__ = ["OpenEndedSample", "simulate_open_ended", "write_open_ended", "OPEN_QUESTION", "CHUNK",
           "OPEN_ENDED_ROSTER", "OPEN_ENDED_SCHOOLS"]

OPEN_QUESTION = "你对1+X证书制度有什么建议？"
CHUNK = 50_000  #: answers per seeded chunk
#: The simulated roster: names planted in answers, name -> role.
OPEN_ENDED_ROSTER = {"张志强": "教师", "李秀英": "教师", "王建华": "教师", "刘晓燕": "教师",
                     "陈国栋": "管理人员", "杨文静": "管理人员", "赵子轩": "学生", "黄梓涵": "学生",
                     "周俊杰": "学生", "吴欣怡": "学生", "徐海峰": "企业人员", "孙丽萍": "企业人员"}
#: Listed schools planted in answers.
OPEN_ENDED_SCHOOLS = ["江川职业技术学院", "南岭职业技术学院", "北辰工业职业技术学院", "云溪中等职业学校"]
_GENERIC = ["青山", "明德", "远航", "长河", "星海", "东岳"]
_GENERIC_SUFFIX = ["职业技术学院", "职业学院", "技师学院"]
_PROVINCES = ["江西", "广东", "四川", "河南", "山东", "浙江", "湖南", "甘肃"]
_ROLES = list(ROLE_THEMES.index)
_ROLE_P = np.array([0.55, 0.25, 0.1, 0.1])
_OPENERS = ["", "", "", "我觉得", "建议", "希望", "个人认为，", "总的来说，"]
_SLOT = re.compile(r"\{(\w+)\}")
# (kind, template): the sentence that plants an identifier; no theme words in it
_PII = [
    ("name", "{surname}老师跟我们说过这件事。"),
    ("name", "我是{name}，有问题可以问我。"),
    ("phone", "有需要可以打我电话{phone}。"),
    ("email", "我的邮箱是{email}。"),
    ("qq", "可以加我QQ{qq}细聊。"),
    ("wechat", "我的微信号：{wechat}。"),
    ("school", "我在{school}读书。"),
    ("generic_school", "我们{generic}也是这样。"),
]
_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


@dataclass(frozen=True)
class OpenEndedSample:
    """Simulated open-ended answers and their truth.

    Attributes
    ----------
    answers : DataFrame
        ``id`` (R0000001 ...), ``role``, ``province``, ``answer``.
    truth : DataFrame
        ``id``, ``themes`` (planted themes, ``;``-joined), ``pii_kind`` (name, phone,
        email, qq, wechat, school, generic_school or empty), ``pii_value`` (the planted
        identifier as written, or empty).
    roster : dict
        name -> role of the planted names (for the redactor).
    schools : list of str
        Listed schools.
    seed : int
    """

    answers: pd.DataFrame
    truth: pd.DataFrame
    roster: dict
    schools: list
    seed: int

    def save(self, folder, *, format="csv") -> dict:
        """Write ``answers.{csv,parquet}``, ``truth.csv``, ``roster.csv``, ``schools.txt``, ``meta.json``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"answers": _write_answers(self.answers, folder, format, first=True)}
        self.truth.to_csv(folder / "truth.csv", index=False)
        paths.update(_write_extras(folder, self.roster, self.schools, self.seed, len(self.answers)))
        paths["truth"] = folder / "truth.csv"
        return paths


def _fill(template, rng):
    return _SLOT.sub(lambda m: SLOTS[m.group(1)][rng.integers(len(SLOTS[m.group(1)]))], template)


def _pii(kind, template, rng):
    names = list(OPEN_ENDED_ROSTER)
    if kind == "name":
        name = names[rng.integers(len(names))]
        value = name[:1] if "{surname}" in template else name
        return template.format(surname=value, name=value), (name if "{surname}" in template else value)
    if kind == "phone":
        value = f"1{rng.choice([3, 5, 7, 8, 9])}{rng.integers(0, 10**9):09d}"
        if rng.random() < 0.3:
            value = f"{value[:3]}-{value[3:7]}-{value[7:]}"
        return template.format(phone=value), value
    if kind == "email":
        value = "".join(rng.choice(_LETTERS, 6)) + f"{rng.integers(100):02d}@example.com"
        return template.format(email=value), value
    if kind == "qq":
        value = str(rng.integers(10**7, 10**10))
        return template.format(qq=value), value
    if kind == "wechat":
        value = "".join(rng.choice(_LETTERS, 3)) + f"_{rng.integers(10**5, 10**6)}"
        return template.format(wechat=value), value
    if kind == "school":
        value = OPEN_ENDED_SCHOOLS[rng.integers(len(OPEN_ENDED_SCHOOLS))]
        return template.format(school=value), value
    value = _GENERIC[rng.integers(len(_GENERIC))] + _GENERIC_SUFFIX[rng.integers(len(_GENERIC_SUFFIX))]
    return template.format(generic=value), value


def _chunk(seed, index, size, pii_rate, two_theme_rate):
    rng = np.random.default_rng([int(seed), int(index)])
    # drawn for a whole chunk, so that a shorter last chunk is a prefix of the full one
    roles = rng.choice(len(_ROLES), size=CHUNK, p=_ROLE_P)
    provinces = rng.integers(len(_PROVINCES), size=CHUNK)
    rows, truth = [], []
    for i in range(size):
        role = _ROLES[roles[i]]
        p = ROLE_THEMES.loc[role].to_numpy()
        n_themes = 2 if rng.random() < two_theme_rate else 1
        themes = list(rng.choice(len(THEMES), size=n_themes, replace=False, p=p))
        parts = [_OPENERS[rng.integers(len(_OPENERS))]]
        parts += [_fill(TEMPLATES[THEMES[t]][rng.integers(len(TEMPLATES[THEMES[t]]))], rng) for t in themes]
        kind = value = ""
        if rng.random() < pii_rate:
            kind, template = _PII[rng.integers(len(_PII))]
            sentence, value = _pii(kind, template, rng)
            parts.insert(1 + int(rng.integers(len(parts))), sentence) if len(parts) > 1 else parts.append(sentence)
        n = index * CHUNK + i + 1
        rows.append((f"R{n:07d}", role, _PROVINCES[provinces[i]], "".join(parts)))
        truth.append((f"R{n:07d}", ";".join(THEMES[t] for t in sorted(themes)), kind, value))
    return (pd.DataFrame(rows, columns=["id", "role", "province", "answer"]),
            pd.DataFrame(truth, columns=["id", "themes", "pii_kind", "pii_value"]))


def _chunks(n, seed, pii_rate, two_theme_rate):
    if int(n) < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    for index in range(-(-int(n) // CHUNK)):
        yield _chunk(seed, index, min(CHUNK, int(n) - index * CHUNK), pii_rate, two_theme_rate)


def simulate_open_ended(n: int = 1000, *, seed: int = 0, pii_rate: float = 0.1,
                        two_theme_rate: float = 0.35) -> OpenEndedSample:
    """Simulate ``n`` open-ended answers to :data:`OPEN_QUESTION` with a saved truth.

    Parameters
    ----------
    n : int, default 1000
    seed : int, default 0
    pii_rate : float, default 0.1
        Share of answers with one planted identifier.
    two_theme_rate : float, default 0.35
        Share of answers with two themes (the others have one).

    Returns
    -------
    OpenEndedSample

    Notes
    -----
    Themes are drawn per role from :data:`onex_research.simulate.ROLE_THEMES`; answers
    average about 30 characters.

    Examples
    --------
    >>> s = simulate_open_ended(5, seed=1)
    >>> list(s.answers.columns)
    ['id', 'role', 'province', 'answer']
    """
    parts = list(_chunks(n, seed, pii_rate, two_theme_rate))
    if parts:
        answers = pd.concat([a for a, _ in parts], ignore_index=True)
        truth = pd.concat([t for _, t in parts], ignore_index=True)
    else:
        answers, truth = _chunk(seed, 0, 0, pii_rate, two_theme_rate)
    return OpenEndedSample(answers=answers, truth=truth, roster=dict(OPEN_ENDED_ROSTER),
                           schools=list(OPEN_ENDED_SCHOOLS), seed=int(seed))


def _write_answers(df, folder, format, first):
    if format == "csv":
        path = folder / "answers.csv"
        df.to_csv(path, index=False, mode="w" if first else "a", header=first, encoding="utf-8")
    elif format == "parquet":
        path = folder / "answers.parquet"
        path.mkdir(exist_ok=True)
        n = len(list(path.glob("part.*.parquet")))
        df.to_parquet(path / f"part.{n:04d}.parquet", index=False)
    else:
        raise ValueError(f"format must be 'csv' or 'parquet', got {format!r}")
    return path


def _write_extras(folder, roster, schools, seed, n):
    pd.DataFrame({"name": list(roster), "role": list(roster.values())}).to_csv(folder / "roster.csv", index=False)
    (folder / "schools.txt").write_text("\n".join(schools) + "\n", encoding="utf-8")
    meta = {"question": OPEN_QUESTION, "n": int(n), "seed": int(seed), "chunk": CHUNK,
            "generator": "onex_research.simulate.simulate_open_ended"}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"roster": folder / "roster.csv", "schools": folder / "schools.txt", "meta": folder / "meta.json"}


def write_open_ended(folder, n: int, *, seed: int = 0, format="csv", pii_rate: float = 0.1,
                     two_theme_rate: float = 0.35) -> dict:
    """Write a simulation of any size chunk by chunk (memory stays at one chunk).

    Same answers as :func:`simulate_open_ended` with the same arguments, written as
    :meth:`OpenEndedSample.save` writes them.

    Returns
    -------
    dict
        name -> path: ``answers``, ``truth``, ``roster``, ``schools``, ``meta``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if format == "parquet" and (folder / "answers.parquet").exists():
        for f in (folder / "answers.parquet").glob("part.*.parquet"):
            f.unlink()
    paths = {}
    for i, (answers, truth) in enumerate(_chunks(n, seed, pii_rate, two_theme_rate)):
        paths["answers"] = _write_answers(answers, folder, format, first=i == 0)
        truth.to_csv(folder / "truth.csv", index=False, mode="w" if i == 0 else "a", header=i == 0)
    paths.update(_write_extras(folder, dict(OPEN_ENDED_ROSTER), list(OPEN_ENDED_SCHOOLS), seed, n))
    paths["truth"] = folder / "truth.csv"
    return paths
