"""The Dask path equals the single-machine path: tokens, codes, counts, pseudonyms.

On the threaded scheduler and on a LocalCluster of 2 worker processes, with several
partitionings (uneven, one answer per partition at the start, a single partition).
"""

import numpy as np
import pandas as pd
import pytest
from scale_helpers import partitions

from onex_research.scale import Runner, load_counts, run_open_ended
from onex_research.scale.pipeline import identifier_pass, prepare
from onex_research.scale.steps import split_tokens

LAYOUTS = {"uneven": [7, 1, 1, 120, 33], "one": [300], "many": [40] * 7}


def _runner(kind, client):
    return Runner(client if kind == "cluster" else None, progress=False)


def _prepared(sample, layout, runner):
    ddf = partitions(sample.answers, LAYOUTS[layout])
    mapping, offsets = identifier_pass(ddf, "answer", runner, roster=sample.roster, schools=sample.schools)
    parts = prepare(ddf, "answer", runner, group="role", mapping=mapping, offsets=offsets,
                    roster=sample.roster, schools=sample.schools)
    return mapping, pd.concat(runner.compute(parts), ignore_index=True)


@pytest.mark.parametrize("kind", ["threads", "cluster"])
@pytest.mark.parametrize("layout", ["uneven", "many"])
def test_texts_tokens_and_pseudonyms_equal_single_machine(sample, reference, client, kind, layout):
    mapping, prepared = _prepared(sample, layout, _runner(kind, client))
    assert list(mapping.items()) == list(reference.mapping.items())  # same labels, same order
    assert prepared["doc"].tolist() == list(range(len(sample.answers)))
    assert prepared["text"].tolist() == reference.texts
    assert [split_tokens(t) for t in prepared["tokens"]] == reference.tokens


def test_planted_identifiers_are_gone(sample, reference):
    truth = sample.truth
    planted = truth[truth["pii_kind"] != ""]
    assert len(planted) > 50
    for i, value in zip(planted.index, planted["pii_value"]):
        assert value not in reference.texts[i], (i, truth.loc[i, "pii_kind"])
    assert len(reference.mapping) > 40  # many pseudonyms: their numbering is really tested above


@pytest.fixture(scope="module")
def results(sample, client):
    out = {}
    for kind, layout in [("threads", "uneven"), ("threads", "one"), ("cluster", "many"), ("cluster", "uneven")]:
        ddf = partitions(sample.answers, LAYOUTS[layout])
        out[kind, layout] = run_open_ended(ddf, "answer", _runner(kind, client), group="role",
                                           roster=sample.roster, schools=sample.schools, k=4, batch_size=64,
                                           top_terms=None)
    return out


KEYS = [("threads", "uneven"), ("threads", "one"), ("cluster", "many"), ("cluster", "uneven")]


@pytest.mark.parametrize("key", KEYS)
def test_codes_equal_single_machine(results, reference, frame_eq, key):
    res = results[key]
    assert reference.codes["hits"].sum() > 100
    frame_eq(res.codes, reference.codes)
    frame_eq(res.exemplars, reference.exemplars)


@pytest.mark.parametrize("key", KEYS)
def test_counts_and_keywords_equal_single_machine(results, reference, frame_eq, key):
    res = results[key]
    frame_eq(res.frequencies, reference.frequencies)
    frame_eq(res.keywords, reference.keywords, rtol=1e-12)
    assert res.corpus["answers"].sum() == len(reference.texts)
    assert res.corpus["tokens"].sum() == sum(map(len, reference.tokens))
    assert list(res.mapping.items()) == list(reference.mapping.items())


def test_topics_do_not_depend_on_partitioning_or_scheduler(results):
    base = results["threads", "uneven"]
    for key in KEYS[1:]:
        np.testing.assert_allclose(results[key].topics["coherence"], base.topics["coherence"], rtol=1e-9)
        assert results[key].top_words.equals(base.top_words)


def test_segmenter_loads_once_per_worker(results, client):
    loads = client.run(load_counts)  # worker address -> counts
    assert len(loads) == 2
    # each worker ran many partitions over two cluster runs, yet built one segmenter
    assert all(v.get("segmenter") == 1 for v in loads.values()), loads
    assert all(v.get("frame") == 1 for v in loads.values()), loads
