"""QA scoring rules (issue 20): points, partial, N/A out of the denominator, critical weight,
fatal zero; and qa.yaml errors naming file, line and key."""

from __future__ import annotations

import shutil

import pytest

from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, ValidationError
from hotline_tui.qa.scoring import Mark, card_score, check_marks, deductions, total
from hotline_tui.qa.settings import load_qa_settings

S = load_qa_settings(DEMO_DIR)
CALL = S.cards["call"]
TICKET = S.cards["ticket"]


def full(card, **over: Mark) -> dict[str, Mark]:
    return {i.code: over.get(i.code, Mark("full")) for _, i in card.items()}


def test_the_demo_cards_follow_the_source_documents():
    assert sum(i.points for _, i in CALL.items()) == 100
    assert sum(i.points for _, i in TICKET.items()) == 100
    assert {s.code: sum(i.points for i in s.items) for s in TICKET.sections} == {
        "customer": 30, "type": 30, "content": 30, "other": 10}
    pts = {i.code: i.points for _, i in CALL.items()}
    assert pts["opening_closing"] == 8 and pts["clear_speech"] == 6 and pts["standard_phrasing"] == 6
    assert pts["knowledge"] == pts["intake"] == pts["operating"] == 10
    assert {f.code for f in TICKET.fatal} == {"wrong_unit", "missing_or_cancelled", "reply_mismatch"}


def test_partial_none_and_na():
    assert card_score(CALL, full(CALL)) == 100.0
    # tone 5 -> partial 3: loses 2 of 100 + 5 + 10 extra weight of the two critical items (115)
    assert card_score(CALL, full(CALL, tone=Mark("partial", "x"))) == round(100 * 113 / 115, 1)
    # guidance N/A: out of the denominator, a perfect card stays 100
    assert card_score(CALL, full(CALL, guidance=Mark("na"))) == 100.0
    assert card_score(CALL, full(CALL, guidance=Mark("na"), tone=Mark("none", "x"))) == round(100 * 105 / 110, 1)
    assert deductions(CALL, full(CALL, tone=Mark("partial", "x"))) == {"tone": 2.0}


def test_a_critical_item_weighs_more():
    plain = card_score(CALL, full(CALL, operating=Mark("none", "x")))      # 10 points, not critical
    crit = card_score(CALL, full(CALL, knowledge=Mark("none", "x")))       # 10 points, critical × 2
    assert crit < plain
    assert crit == round(100 * 95 / 115, 1) and plain == round(100 * 105 / 115, 1)


def test_fatal_zeroes_and_the_cards_combine_by_weight():
    assert total(CALL, full(CALL), TICKET, full(TICKET), ["wrong_unit"], S.weights)[0] == 0.0
    score, cs, ts = total(CALL, full(CALL), TICKET, full(TICKET, content=Mark("none", "x")), [], S.weights)
    assert cs == 100.0 and ts == round(100 * 80 / 110, 1)          # the unit (10) is critical: 110 in all
    assert score == round((100 * 60 + ts * 40) / 100, 1)
    assert total(CALL, full(CALL), None, {}, [], S.weights) == (100.0, 100.0, None)


def test_marks_are_checked():
    with pytest.raises(ValidationError, match="needs a comment"):
        check_marks(CALL, full(CALL, tone=Mark("partial")))
    check_marks(CALL, full(CALL, intake=Mark("none", evidence="rang 30 s", prefilled=True)))   # evidence counts
    with pytest.raises(ValidationError, match="not optional"):
        check_marks(CALL, full(CALL, tone=Mark("na")))
    with pytest.raises(ValidationError, match="has no level"):
        check_marks(CALL, {})


@pytest.mark.parametrize("old,new,where", [
    ("{code: speed, label: 语速, points: 5, partial: 3}", "{code: speed, label: 语速, points: 5, partial: 7}",
     "cards.call.sections[1].items[0].partial: partial (7) must be below points (5)"),
    ("{code: speed, label: 语速, points: 5, partial: 3}", "{code: speed, label: 语速, points: five, partial: 3}",
     "cards.call.sections[1].items[0].points: must be a whole number"),
    ("{code: speed, label: 语速, points: 5, partial: 3}", "{code: speed, label: 语速, pionts: 5, partial: 3}",
     "cards.call.sections[1].items[0].pionts: unknown key 'pionts' (did you mean 'points'?)"),
    ("{code: tone, label: 语调", "{code: speed, label: 语调", "cards.call.sections[1].items[1].code: item code 'speed'"),
    ("prefill: ring_time}", "prefill: ring}", "cards.call.sections[4].items[0].prefill"),
])
def test_bad_qa_yaml_is_one_line_with_file_line_and_key(tmp_path, old, new, where):
    site = tmp_path / "site"
    shutil.copytree(DEMO_DIR, site)
    text = (site / "qa.yaml").read_text(encoding="utf-8")
    assert old in text
    (site / "qa.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_qa_settings(site)
    line = str(err.value)
    assert "qa.yaml:" in line and where in line and "\n" not in line
