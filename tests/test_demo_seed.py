"""The demo seeder: deterministic by seed, every life-cycle state, Chinese content, overdue work."""

import random

from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.tickets import seed_tickets


def _seed(path, seed):
    store = open_store(str(path), migrate=True)
    clock = FixedClock("2026-11-23T10:00:00+08:00")
    seed_tickets(store, DEMO_DIR, random.Random(seed), clock, tickets=800, days=60)
    return store, clock


def test_seed_is_deterministic_and_covers_the_life_cycle(tmp_path):
    a, clock = _seed(tmp_path / "a.db", 7)
    b, _ = _seed(tmp_path / "b.db", 7)
    rows = lambda s: s.db.query("SELECT serial, state, content, caller_phone FROM tickets ORDER BY serial")
    assert rows(a) == rows(b)
    states = set(a.tickets.count_by_state())
    assert {"registered", "closed", "triaged", "dispatched", "handling", "replied", "callback_pending",
            "archived", "merged"} <= states
    assert any("噪音" in r["content"] or "公积金" in r["content"] for r in rows(a))
    assert a.tickets.overdue(clock.now(), light="red")            # a backlog to work on
    assert len(a.audit.recent(5)) == 5
    c, _ = _seed(tmp_path / "c.db", 8)
    assert rows(c) != rows(a)
