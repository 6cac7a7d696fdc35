"""Speed of redaction (issue 11: >= 1 MB/s with no roster).

Run: .venv/bin/python benchmarks/bench_redact.py [--mb 1.0] [--real FOLDER_OF_TEXTS]

Three texts, all cold (jieba's POS cache is cleared between passes, so no clause is seen twice):
- "transcripts": the project's 24 interview transcripts (corpus/transcripts, fictional but
  written like real interviews, with planted identifiers), passed through until ``--mb``;
- "real": the real texts folder, if present (laws and student answers);
- "dictionary soup" (worst case): ``--mb`` MB of transcript-like text, sentences made of jieba dictionary
  words in random order with planted identifiers (names, phones, schools, addresses) in
  ``--density`` of the sentences (default 0.02: about one identifier per 1,500 characters,
  denser than the project's transcripts); each planted name costs one jieba POS HMM run,
  so the rate falls as the density rises (printed for 0.10 too);
- "real": the real texts folder, if present (laws and student answers).
MB are megabytes of UTF-8 (a Chinese character is 3 bytes). Prints MB/s for each.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]

PLANTED = ["张老师说{n}的电话是1{a}{b}。", "我叫{n}，学号{c}。", "{n}在{p}职业技术学院工作，住在{p}市{p}区{p}路{d}号。",
           "加我QQ{c}或者微信wx_{c}。", "{n}同学的邮箱是u{c}@163.com。", "{p}明宇机械有限公司的{n}经理来了。"]
NAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰燕萍红鹏飞俊斌宇浩凯健华玉梅琳琴云")
PLACES = ["淄博", "日照", "安庆", "长沙", "福州", "济南", "青岛", "潍坊", "烟台", "临沂"]


def make_text(mb: float, seed: int = 0, density: float = 0.02) -> list[str]:
    rng = random.Random(seed)
    with open(jieba.get_dict_file().name, encoding="utf-8") as fh:
        words = [line.split()[0] for line in fh][::5]
    texts, size = [], 0
    while size < mb * 1e6:
        parts = []
        for _ in range(rng.randint(5, 15)):
            if rng.random() < density:
                parts.append(rng.choice(PLANTED).format(
                    n=rng.choice(NAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                    a=rng.randint(30, 99), b=rng.randint(10 ** 7, 10 ** 8 - 1), c=rng.randint(10 ** 6, 10 ** 9),
                    d=rng.randint(1, 999), p=rng.choice(PLACES)))
            else:
                parts.append("".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + rng.choice("，。？"))
        t = "".join(parts)
        texts.append(t)
        size += len(t.encode("utf-8"))
    return texts


def rate(texts, passes=1):
    from onex_research.text import Redactor
    from onex_research.text.pii import _tag

    red = Redactor()
    mb = passes * sum(len(t.encode("utf-8")) for t in texts) / 1e6
    dt = 0.0
    for _ in range(passes):
        _tag.cache_clear()
        t0 = time.perf_counter()
        for t in texts:
            red.redact(t)
        dt += time.perf_counter() - t0
    return mb, dt, len(red.audit_)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--density", type=float, default=0.02)
    ap.add_argument("--real", type=Path, default=None,
                    help="a folder of real .md/.txt texts to time as well (the project ships none)")
    args = ap.parse_args()
    from onex_research.text.pii import _pos

    _pos().tokenizer.check_initialized()  # jieba's dictionary load (~1 s) is not counted
    from onex_research.text import read_transcripts

    turns = read_transcripts(ROOT / "corpus" / "transcripts")
    texts = list(turns["text"])
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    mb, dt, n = rate(texts, passes=max(1, round(args.mb / size)))
    print(f"transcripts: {mb:.2f} MB in {dt:.2f} s = {mb / dt:.2f} MB/s ({n} replacements)  target >= 1 MB/s")
    for density in (args.density, 0.10):
        texts = make_text(args.mb, seed=int(density * 100), density=density)
        mb, dt, n = rate(texts)
        print(f"dictionary soup, {density:.0%} of sentences with identifiers: {mb:.2f} MB in {dt:.2f} s = "
              f"{mb / dt:.2f} MB/s ({n} replacements)  target >= 1 MB/s")
    if args.real is not None and args.real.is_dir():
        real = [p.read_text(encoding="utf-8") for p in sorted(args.real.rglob("*"))
                if p.suffix in (".md", ".txt") and p.name != "README.md"]
        mb, dt, n = rate(real)
        print(f"real texts: {mb:.2f} MB in {dt:.2f} s = {mb / dt:.2f} MB/s ({n} replacements)")


if __name__ == "__main__":
    main()
