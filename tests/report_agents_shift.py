"""Agent intervals for the hand-checked fixture shift (tests/report_shift.py, 早班 of Monday
2026-11-23, 08:00–16:00): agents a1 and a2 on fs1, with the wrap-up the switch credited to
their calls. Every expected figure is worked out in tests/test_report_call_side.py."""

from __future__ import annotations

from dataclasses import replace

from hotline_tui.calls_port import AgentInterval

from .report_shift import RECORDS, at

#: The fixture's calls, a1's two calls of the shift with 30 s of wrap-up each (m1, m5).
CALLS = [replace(r, wrap_s=30.0) if r.member_uuid in ("m1", "m5") else r for r in RECORDS]


def iv(agent, start, end, status, state, reason="") -> AgentInterval:
    return AgentInterval("fs1", agent, start.timestamp(), end.timestamp(), status, state, reason)


A, W, B, L = "Available", "Waiting", "On Break", "Logged Out"
INTERVALS = [
    iv("a1", at(7, 30), at(8, 10), A, W),                        # from 08:00 in the shift: 600 s ready
    iv("a1", at(8, 10), at(8, 10, 10), A, "Receiving"),          # 10 s ringing (busy)
    iv("a1", at(8, 10, 10), at(8, 11, 50), A, "In a queue call"),  # m1: 100 s talk
    iv("a1", at(8, 11, 50), at(8, 30), A, W),                    # 1090 s: 30 s after-call work, 1060 ready
    iv("a1", at(8, 30), at(8, 45), B, "Idle", "meal"),           # 900 s not ready, meal
    iv("a1", at(8, 45), at(9, 5, 20), A, W),                     # 1220 s ready
    iv("a1", at(9, 5, 20), at(9, 6, 20), A, "In a queue call"),  # m5: 60 s talk
    iv("a1", at(9, 6, 20), at(10, 0), A, W),                     # 3220 s: 30 wrap-up, 3190 ready
    iv("a1", at(10, 0), at(10, 20), B, "Idle"),                  # 1200 s not ready, no reason recorded
    iv("a1", at(10, 20), at(16, 30), L, "Idle"),                 # logged out to the end
    iv("a2", at(8, 0), at(8, 20, 30), A, W),                     # 1230 s ready
    iv("a2", at(8, 20, 30), at(8, 23, 50), A, "In a queue call"),  # m2: 200 s talk
    iv("a2", at(8, 23, 50), at(9, 0), A, W),                     # 2170 s ready (m2: no wrap-up)
    iv("a2", at(9, 0), at(9, 30), B, "Idle", "training"),        # 1800 s not ready, training
    iv("a2", at(9, 30), at(16, 0), L, "Idle"),
]

#: site.yaml skills of the two agents: a1 serves q1 and q2, a2 only q1.
TIERS = {"a1": ["q1", "q2"], "a2": ["q1"]}


def fill(store) -> None:
    """The fixture shift's calls (with these wrap-ups) and these intervals into ``store``."""
    store.calls.add_records(CALLS)
    store.calls.add_intervals(INTERVALS)
