"""Every text field of a ticket, an intake, a caller and a note has a limit, checked at the
service boundary (one-line ValidationError naming the field and the limit, nothing written); a
ticket's district is one of the site's districts. On both stores: a value at the limit is stored
and read back whole, one character more is refused."""

from __future__ import annotations

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError
from hotline_tui.tickets.catalog import load_catalog
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

CATALOG = load_catalog(DEMO_DIR)
LIMITS = CATALOG.limits


@pytest.fixture
def env(store):
    svc = ticket_service(store, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
    return svc, svc.access.user


def _intake(**kw) -> Intake:
    base = dict(channel="phone", caller_phone="13812341234", content="楼下夜间施工噪音扰民", category="complaint",
                subcategory="噪音扰民", district="秦都区")
    base.update(kw)
    return Intake(**base)


def _refused(exc: pytest.ExceptionInfo, field: str, limit: int) -> None:
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"{field} is too long:") and f"at most {limit}" in msg, msg


def test_every_free_text_field_has_a_limit_even_when_the_file_names_none():
    assert {"content", "name", "address", "note", "call_id", "recording_id", "unit", "district"} <= set(LIMITS)
    assert all(isinstance(v, int) and v > 0 for v in LIMITS.values())
    # the demo file's own values win over the defaults
    assert LIMITS["content"] == 4000 and LIMITS["name"] == 50


# -- the intake: each field at its limit is kept whole, one more is refused ----------------------
INTAKE_FIELDS = [("content", "content"), ("caller_name", "name"), ("address", "address"),
                 ("call_id", "call_id"), ("recording_id", "recording_id")]


@pytest.mark.parametrize("attr,limit_key", INTAKE_FIELDS, ids=[a for a, _ in INTAKE_FIELDS])
def test_intake_field_at_the_limit_is_stored_whole(env, attr, limit_key):
    svc, u = env
    value = ("诉" if attr in ("content", "caller_name", "address") else "a") * LIMITS[limit_key]
    t = svc.register(u("agent1001"), _intake(**{attr: value}))
    assert getattr(svc.get(u("duty"), t.serial), attr) == value


@pytest.mark.parametrize("attr,limit_key", INTAKE_FIELDS, ids=[a for a, _ in INTAKE_FIELDS])
def test_intake_field_over_the_limit_is_refused_and_nothing_written(env, store, attr, limit_key):
    svc, u = env
    with pytest.raises(ValidationError) as exc:
        svc.register(u("agent1001"), _intake(**{attr: "x" * (LIMITS[limit_key] + 1)}))
    _refused(exc, limit_key, LIMITS[limit_key])
    assert store.tickets.count_by_state() == {} and store.audit.recent() == []


def test_district_must_be_one_of_the_sites_districts(env, store):
    svc, u = env
    assert svc.get(u("duty"), svc.register(u("agent1001"), _intake(district="渭城区")).serial).district == "渭城区"
    assert svc.register(u("agent1001"), _intake(district="")).district == ""
    for bad in ("火星区", "秦都区" * 1000):
        with pytest.raises(ValidationError) as exc:
            svc.register(u("agent1001"), _intake(district=bad))
        assert str(exc.value).startswith("unknown district") and "\n" not in str(exc.value)
        assert len(str(exc.value)) < 200            # the bad value is not echoed in full
    assert sum(store.tickets.count_by_state().values()) == 2


def test_subcategory_is_checked_on_triage_too(env):
    svc, u = env
    t = svc.register(u("agent1001"), _intake())
    with pytest.raises(ValidationError, match="unknown subcategory"):
        svc.triage(u("duty"), t.serial, subcategory="不存在" * 100)
    assert svc.triage(u("duty"), t.serial, subcategory="物业管理").subcategory == "物业管理"


# -- every note-like text of an action --------------------------------------------------------
NOTE = LIMITS["note"]
LONG = "长" * (NOTE + 1)
ACTIONS = {
    "dispatch note": ("note", lambda s, u, t: s.dispatch(u, t, "RSJ", note=LONG)),
    "redispatch note": ("note", lambda s, u, t: s.redispatch(u, t, "RSJ", note=LONG)),
    "reject-return note": ("note", lambda s, u, t: s.reject_return(u, t, LONG)),
    "return reason": ("reason", lambda s, u, t: s.return_ticket(u, t, LONG)),
    "extension reason": ("reason", lambda s, u, t: s.request_extension(u, t, 3, LONG)),
    "approve-extension note": ("note", lambda s, u, t: s.approve_extension(u, t, note=LONG)),
    "refuse-extension note": ("note", lambda s, u, t: s.refuse_extension(u, t, note=LONG)),
    "pause reason": ("reason", lambda s, u, t: s.pause(u, t, LONG)),
    "reply text": ("note", lambda s, u, t: s.reply(u, t, LONG)),
    "review note": ("note", lambda s, u, t: s.review_reply(u, t, False, LONG)),
    "callback note": ("note", lambda s, u, t: s.callback(u, t, "satisfied", "satisfied", LONG)),
    "reopen reason": ("reason", lambda s, u, t: s.reopen(u, t, LONG)),
    "archive reason": ("reason", lambda s, u, t: s.archive(u, t, reason=LONG)),
    "archive unit": ("unit", lambda s, u, t: s.archive(u, t, unit="单" * (LIMITS["unit"] + 1))),
    "urge note": ("note", lambda s, u, t: s.urge(u, t, LONG)),
    "todo note": ("note", lambda s, u, t: s.complete_todo(u, t, LONG)),
    "supplement text": ("note", lambda s, u, t: s.supplement(u, t, LONG)),
    "answer text": ("note", lambda s, u, t: s.answer(u, t, LONG)),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_over_long_text_of_any_action_is_refused_and_nothing_written(env, store, name):
    svc, u = env
    t = svc.register(u("agent1001"), _intake())
    field, act = ACTIONS[name]
    with pytest.raises(ValidationError) as exc:
        act(svc, u("duty"), t.serial)
    limit = LIMITS["unit"] if field == "unit" else NOTE
    _refused(exc, field, limit)
    after = svc.get(u("duty"), t.serial)
    assert after.version == t.version and svc.notes(u("duty"), t.serial) == []


def test_a_note_at_the_limit_is_stored_whole(env):
    svc, u = env
    t = svc.register(u("agent1001"), _intake())
    text = "补" * NOTE
    svc.supplement(u("duty"), t.serial, text)
    assert [n.text for n in svc.notes(u("duty"), t.serial)] == [text]


# -- the caller record ------------------------------------------------------------------------
def test_caller_name_and_note_have_limits(env):
    svc, u = env
    c = svc.classify_caller(u("duty"), "13812341234", "vip", name="名" * LIMITS["name"], note="注" * NOTE)
    assert svc.caller(u("duty"), "13812341234")[0] == c
    with pytest.raises(ValidationError) as exc:
        svc.classify_caller(u("duty"), "13812341234", "vip", name="名" * (LIMITS["name"] + 1))
    _refused(exc, "name", LIMITS["name"])
    with pytest.raises(ValidationError) as exc:
        svc.classify_caller(u("duty"), "13812341234", "vip", note="注" * (NOTE + 1))
    _refused(exc, "note", NOTE)
    assert svc.caller(u("duty"), "13812341234")[0] == c
    with pytest.raises(ValidationError, match="bad phone number"):
        svc.classify_caller(u("duty"), "1" * 30, "vip")


# -- list pages --------------------------------------------------------------------------------
@pytest.mark.parametrize("page", [dict(limit=-1), dict(limit=0), dict(limit=10**20), dict(offset=-5),
                                  dict(offset=10**20)], ids=str)
def test_a_list_page_out_of_range_is_refused_before_the_store(env, page):
    svc, u = env
    for call in (svc.search, svc.overdue):
        with pytest.raises(ValidationError) as exc:
            call(u("duty"), **page)
        assert "\n" not in str(exc.value) and "must be between" in str(exc.value)
    assert svc.search(u("duty"), limit=10_000, offset=10**9) == []
