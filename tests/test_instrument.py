import re
import pytest
import yaml

from onex_research.errors import InstrumentError
from onex_research.instrument import load_instrument
from onex_research.paths import DEFAULT_INSTRUMENT


def test_default_instrument_meets_the_brief(instrument):
    groups = instrument.construct_items()
    assert set(groups) >= {"recognition", "demand", "motivation", "enterprise_drive", "government",
                           "execution", "resources", "quality", "teachers", "cooperation",
                           "effectiveness", "intention"}
    for construct, items in groups.items():
        assert 3 <= len(items) <= 5, construct
        for item in items:
            assert instrument.n_points(item) == 5
    reversed_constructs = {instrument.items.at[i, "construct"] for i in instrument.reverse_items()}
    assert len(reversed_constructs) >= 3
    assert len(instrument.attention_items) == 1
    assert set(instrument.demographics) == {"role", "school_type", "major", "tenure", "gender", "certificates"}
    assert instrument.labels("role") == ["学生", "教师", "管理人员", "企业人员"]
    assert instrument.items.at["certificates", "type"] == "multi"
    for col in ("text_zh", "text_en"):
        assert instrument.items[col].str.len().min() > 0


def test_headers_follow_wenjuanxin(instrument):
    assert instrument.header("role") == "1、您的身份是"
    assert instrument.header("rec1") == "7(用人单位认可1+X职业技能等级证书)"


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("scales"), "missing top-level key 'scales'"),
    (lambda d: d["items"][6].update(scale="agree7"), "scale 'agree7' is not defined"),
    (lambda d: d["items"][6].update(construct="nope"), "construct 'nope' is not defined"),
    (lambda d: d["items"].append(dict(d["items"][6])), "item code 'rec1' appears twice"),
    (lambda d: d["items"][6].pop("reverse"), "rec1) is missing reverse"),
])
def test_bad_instrument_is_named(tmp_path, mutate, message):
    doc = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    mutate(doc)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError, match=re.escape(message)) as err:
        load_instrument(bad)
    assert str(bad) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InstrumentError, match="not found"):
        load_instrument(tmp_path / "none.yaml")
