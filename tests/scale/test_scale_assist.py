"""Assisted coding on Dask equals the single-machine suggester, whatever the partitioning."""

import numpy as np
import pandas as pd
import pytest

from onex_research.paths import CORPUS
from onex_research.text import CodeSuggester, code, load_frame


@pytest.fixture(scope="module")
def fitted(sample):
    answers = sample.answers.reset_index(drop=True)
    frame = load_frame(CORPUS / "coding_frame.yaml")
    hits = code(answers.assign(interview_id=answers.index.astype(str)), frame, text="answer", unit="turn")
    labels = hits.groupby("doc")["code"].apply(lambda s: ";".join(sorted(set(s)))).reindex(
        range(len(answers)), fill_value="")
    coded = labels.index[:200]    # the researcher coded the first 200 answers
    keep = [c for c in frame.names if 3 <= labels[coded].str.contains(c).sum() <= len(coded) - 3]
    suggester = CodeSuggester(random_state=0).fit(list(answers.loc[coded, "answer"]),
                                                  [";".join(c for c in s.split(";") if c in keep) for s in labels[coded]],
                                                  codes=keep)
    return answers, suggester


@pytest.mark.parametrize("kind", ["threads", "cluster"])
@pytest.mark.parametrize("npartitions", [1, 7])
def test_suggest_codes_equals_predict_proba(fitted, client, kind, npartitions):
    import dask.dataframe as dd

    from onex_research.scale import Runner, suggest_codes

    answers, suggester = fitted
    ddf = dd.from_pandas(answers, npartitions=npartitions)
    runner = Runner(client if kind == "cluster" else None, progress=False)
    got = suggest_codes(ddf, "answer", suggester, runner)
    want = suggester.predict_proba(list(answers["answer"]))
    assert list(got.columns) == suggester.codes_ and len(got.columns) >= 2
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-12)
    assert got.index.tolist() == answers.index.tolist()


def test_suggest_codes_names_a_missing_column(fitted):
    import dask.dataframe as dd

    from onex_research.scale import MissingColumnError, suggest_codes

    answers, suggester = fitted
    with pytest.raises(MissingColumnError, match="no column 'text'"):
        suggest_codes(dd.from_pandas(answers, npartitions=2), "text", suggester)
    with pytest.raises(ValueError, match="not fitted"):
        suggest_codes(dd.from_pandas(answers, npartitions=2), "answer", CodeSuggester())
