"""The hand-checked fixture shift of the report tests: 早班 of Monday 2026-11-23 (08:00–16:00 site
time), taken as of 15:55 (five minutes before the shift ends). Call records, callback tasks, a
note and tickets go straight into the store; every expected number is worked out in the tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hotline_tui.audit import AuditEntry
from hotline_tui.calls_port import CallbackTask, CallRecord, ShiftNote
from hotline_tui.clock import SITE_TZ
from hotline_tui.tickets.model import Ticket

AS_OF = "2026-11-23T15:55:00+08:00"


def at(h: int, m: int, s: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, h, m, s, tzinfo=SITE_TZ)


def rec(uuid, queue, outcome, join, wait, talk=0.0, agent="", number="") -> CallRecord:
    j = join.timestamp()
    answered = j + wait if outcome == "answered" else None
    left = j + wait + talk
    return CallRecord(uuid, "fs1", queue, number, "", agent, j, answered, left, outcome, wait, talk)


RECORDS = [
    rec("m1", "q1", "answered", at(8, 10), 10, 100, "a1", "13800000011"),   # left 08:11:50, within 20 s
    rec("m2", "q1", "answered", at(8, 20), 30, 200, "a2", "13800000012"),   # left 08:25:30, not within
    rec("m3", "q1", "abandoned", at(8, 40), 3, number="13800000003"),       # short abandon (< 5 s), band 0-5s
    rec("m4", "q1", "abandoned", at(8, 50), 45, number="13800000001"),      # band 30-60s, not called back
    rec("m5", "q2", "answered", at(9, 5), 20, 60, "a1", "13800000015"),     # wait = threshold: within
    rec("m6", "q2", "timeout", at(10, 0), 130, number="13800000016"),       # over the 120 s wait limit
    rec("m7", "q2", "abandoned", at(10, 10), 150, number="13800000002"),    # band >120s, called back
    rec("m8", "q1", "transferred", at(15, 30), 12, number="13800000018"),   # overflow
    rec("m9", "q1", "answered", at(7, 58), 5, 55, "a1"),                    # left 07:59: the shift before
    rec("m10", "q1", "abandoned", at(15, 59), 60, number="13800000020"),    # left 16:00:00: the next shift
]


def _t(serial, created, category, **kw) -> Ticket:
    return Ticket(serial, created, "phone", "13900000000", "内容", category, updated_at=kw.pop("updated_at", created), **kw)


TICKETS = [
    _t("20261123-000001", at(9, 0), "consult", state="closed", answer="已当即答复", closed_at=at(9, 5), updated_at=at(9, 5)),
    _t("20261123-000002", at(10, 0), "complaint", state="dispatched", department="CGJ", ack_due=at(10, 30),
       current_due=at(10, 30), yellow_from=at(10, 15)),
    _t("20261123-000003", at(11, 0), "public", state="handling", department="GAJ", ack_due=at(11, 30),
       acknowledged_at=at(11, 50), handle_due=at(23, 59, 59, day=27), current_due=at(23, 59, 59, day=27),
       yellow_from=at(23, 59, 59, day=26), updated_at=at(11, 50)),
    _t("20261122-000001", at(14, 0, day=22), "policy", state="replied", department="JYJ", acknowledged_at=at(15, 0, day=22),
       replied_at=at(12, 0), review_due=at(20, 0), current_due=at(20, 0), yellow_from=at(18, 0), updated_at=at(12, 0)),
    _t("20261123-000004", at(13, 0), "elderly"),
    _t("20261122-000002", at(9, 0, day=22), "complaint", state="callback_pending", department="WJW",
       replied_at=at(18, 0, day=22), current_due=at(15, 0), yellow_from=at(12, 0), updated_at=at(20, 0, day=22)),
    _t("20261120-000001", at(9, 0, day=20), "policy", state="called_back", department="RSJ", callback_attempts=1,
       callback_result="satisfied", updated_at=at(14, 0)),
    _t("20261120-000002", at(10, 0, day=20), "policy", state="called_back", department="ZJJ", callback_attempts=1,
       callback_result="unsatisfied", updated_at=at(14, 30)),
    _t("20261123-000005", at(12, 30), "consult", state="merged", merged_into="20261123-000001"),
]


def fill(store) -> None:
    """Put the fixture shift into ``store`` (a migrated ``backends.store.Store``)."""
    store.calls.add_records(RECORDS)
    by = {r.member_uuid: r for r in RECORDS}
    a = store.calls.add_callback(CallbackTask(0, "m4", "q1", "13800000001", "", by["m4"].left_at, "a1", "open", "", 0))
    b = store.calls.add_callback(CallbackTask(0, "m7", "q2", "13800000002", "", by["m7"].left_at, "a2", "open", "", 0))
    store.calls.add_callback(CallbackTask(0, "old", "q1", "13800000009", "", at(21, 0, day=22).timestamp(), "a2",
                                          "open", "", 0))
    done = replace(store.calls.callback(b), state="done", note="已回拨", updated_at=at(11, 0).timestamp(), version=2)
    store.calls.update_callback(done, 1, AuditEntry("a2", "callback.complete", "callback", str(b), at(11, 0), at(11, 0)))
    assert a != b
    store.calls.add_note(ShiftNote(0, "2026-11-23", "早班", "duty", at(15, 0).timestamp(), "q2 线路 10 点抖动 | 已报修"),
                         AuditEntry("duty", "handover.note", "shift", "2026-11-23 早班", at(15, 0), at(15, 0)))
    for t in TICKETS:
        store.tickets.insert(replace(t))
