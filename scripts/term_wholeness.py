"""How many occurrences of the field's terms stay one token, on real text (issue 11).

Usage::

    python scripts/term_wholeness.py [--real ../shared/real_texts]

Cuts every text (normalised) with three tokenizers and prints, per term, how many of
its occurrences lie inside one token:
- plain jieba (its default dictionary);
- the Segmenter without the lexicon (``corpus/userdict.txt`` only: the state before issue 11);
- the Segmenter with the lexicon (``corpus/vocational_lexicon.tsv``) plus the terms
  ``discover_terms`` finds in the same texts (score-ranked, top 200, as a researcher
  would accept them after review).
Terms: the domain terms named in issue 11 (:data:`ISSUE_DOMAIN_TERMS`); also the whole
lexicon, and 1+X in a few spellings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from onex_research.text import Segmenter, normalize  # noqa: E402
from onex_research.text.lexicon import ISSUE_DOMAIN_TERMS, load_lexicon, term_wholeness  # noqa: E402
from onex_research.text.terms import discover_terms, read_corpus_texts  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=Path, default=next((c for c in (ROOT.parent / "shared" / "real_texts", ROOT.parent.parent / "shared" / "real_texts") if c.is_dir()), ROOT.parent / "shared" / "real_texts"))
    args = ap.parse_args(argv)
    texts = [normalize(t) for t in read_corpus_texts(args.real)]
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters from {args.real}")
    found = discover_terms(texts, top=200)
    plain = jieba.Tokenizer()
    before = Segmenter(cache_dir=None, lexicon=None, stopwords=None).fit()
    after = Segmenter(cache_dir=None, terms=list(found.index), stopwords=None).fit()
    tools = {"jieba": plain.lcut, "userdict only": before.tokenizer_.lcut, "lexicon + discovered": after.tokenizer_.lcut}
    for name, terms in (("issue 11 domain terms", ISSUE_DOMAIN_TERMS), ("whole lexicon", tuple(load_lexicon()["term"]))):
        tables = {k: term_wholeness(texts, f, terms).set_index("term") for k, f in tools.items()}
        table = tables["jieba"][["n"]].copy()
        for k, t in tables.items():
            table[k] = t["whole"]
        table = table[table["n"] > 0]
        print(f"\n== {name}: occurrences kept whole ==")
        if name.startswith("issue"):
            print(table.to_string())
        else:
            print(table.loc[["all"]].to_string())
        for k in tools:
            print(f"  {k}: {table.at['all', k] / table.at['all', 'n']:.1%} of {table.at['all', 'n']} occurrences")
    samples = ["学校推进1+X证书制度试点", "参加1 + x的考核", "1＋X证书", "1+X试点和1+X培训"]
    toks = [after.cut(s) for s in samples]
    print("\n1+X:", toks)
    ok = all(any(t.startswith("1+X") for t in tk) for tk in toks)
    print("1+X kept whole:", ok)


if __name__ == "__main__":
    main()
