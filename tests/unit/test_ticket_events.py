"""events_of: which department event each ticket action gives, and for which department."""

from __future__ import annotations

from datetime import datetime

from hotline_tui.clock import SITE_TZ
from hotline_tui.tickets.events import events_of

AT = datetime(2026, 11, 2, 9, 0, tzinfo=SITE_TZ)


def snap(**kw):
    return {"serial": "20261102-000001", "version": 3, "department": "GAJ", "urges": 0, "acknowledged_at": None,
            "callback_result": "", "callback_handler": "", **kw}


def kinds(action, before, after):
    return [(e.kind, e.department, e.n, e.result, e.version) for e in events_of(action, before, after, AT)]


def test_each_action_counts_for_the_right_department():
    assert kinds("dispatch", snap(department=""), snap()) == [("dispatch", "GAJ", 1, "", 3)]
    assert kinds("return", snap(), snap()) == [("return", "GAJ", 1, "", 3)]
    # A re-dispatch: the return was right (for the unit that returned), and a dispatch to the new one.
    assert kinds("redispatch", snap(), snap(department="JYJ")) == [("return_accepted", "GAJ", 1, "", 3),
                                                                   ("dispatch", "JYJ", 1, "", 3)]
    assert kinds("reject_return", snap(), snap()) == [("wrong_return", "GAJ", 1, "", 3)]
    assert kinds("approve_extension", snap(), snap()) == [("extension", "GAJ", 1, "", 3)]
    assert kinds("callback", snap(), snap(callback_result="satisfied", callback_handler="satisfied")) == [
        ("callback", "GAJ", 1, "satisfied", 3)]


def test_ack_by_the_lead_unit_only():
    assert kinds("ack", snap(), snap(acknowledged_at=AT.isoformat())) == [("ack", "GAJ", 1, "", 3)]
    assert kinds("ack", snap(acknowledged_at=AT.isoformat()), snap(acknowledged_at=AT.isoformat())) == []  # a co-unit's


def test_urges_count_what_the_action_added():
    assert kinds("urge", snap(urges=1), snap(urges=2)) == [("urge", "GAJ", 1, "", 3)]
    assert kinds("escalate", snap(urges=2), snap(urges=3)) == [("urge", "GAJ", 1, "", 3)]    # auto_urge
    assert kinds("escalate", snap(urges=2), snap(urges=2)) == []                             # a yellow step only


def test_other_actions_give_none():
    for action in ("register", "triage", "reply", "accept_reply", "archive", "supplement", "merge", "link"):
        assert kinds(action, snap(), snap()) == []
    assert events_of("dispatch", None, None, AT) == []
