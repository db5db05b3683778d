"""A month of answered calls with their tickets, for the QA tests (both stores)."""

from __future__ import annotations

from datetime import datetime

from hotline_tui.calls_port import AgentInterval, CallRecord
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

PERIOD = "2026-11"


def at(day: int, hour: int = 10, minute: int = 0) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=SITE_TZ).timestamp()


def call(n: int, agent: str, day: int, *, ring: float = 5.0) -> tuple[CallRecord, AgentInterval]:
    ans = at(day, 9 + n % 8, n % 60)
    rec = CallRecord(f"m{n}", "fs1", "general@12345", "13800000001", "王女士", agent, ans - 20, ans, ans + 180,
                     "answered", 20.0, 180.0, call_id=f"call-{n}", recording_id=f"rec-{n}.wav", wrap_s=10.0)
    iv = AgentInterval("fs1", agent, ans - ring, ans, "Available", "Receiving")
    return rec, iv


def seed_month(store, *, agents=("1001", "1002"), per_day: int = 2, days=range(2, 12), clock=None) -> dict[str, str]:
    """Calls for each agent ``per_day`` a day on ``days``; call n of agent 1001 on day 3 rang 25 s.
    Tickets: one per call; returns call_id -> ticket serial. Ticket of call-1 lacks district,
    call-2's ticket is a complaint, call-3's was triaged to another category."""
    clock = clock or FixedClock("2026-11-30T20:00:00+08:00")
    tsvc = ticket_service(store, DEMO_DIR, clock)
    duty = tsvc.access.user("duty")
    recs, ivs, serials = [], [], {}
    n = 0
    for d in days:
        for agent in agents:
            for _ in range(per_day):
                n += 1
                rec, iv = call(n, agent, d, ring=25.0 if (agent == "1001" and d == 3) else 5.0)
                recs.append(rec)
                ivs.append(iv)
                cat = "complaint" if n == 2 else "consult"
                t = tsvc.register(duty, Intake("phone", "13800000001", f"问题 {n}", cat, caller_name="王女士",
                                               address="人民路1号", district="" if n == 1 else "秦都区",
                                               call_id=rec.call_id, recording_id=rec.recording_id),
                                  at=datetime.fromtimestamp(rec.answered_at or 0, SITE_TZ))
                serials[rec.call_id] = t.serial
    store.calls.add_records(recs)
    store.calls.add_intervals(ivs)
    tsvc.triage(duty, serials["call-3"], category="policy")
    return serials
