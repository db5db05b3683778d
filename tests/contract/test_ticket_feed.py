"""The ticket change feed (issue 21) on both stores: every change a row, in commit order, in
the same transaction (a rolled-back change leaves none); a change made by another process shows
in `hotline tickets watch` within a second — PostgreSQL wakes it with NOTIFY, SQLite polls."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

ROOT = Path(__file__).resolve().parents[2]


def _intake(content="路灯不亮") -> Intake:
    return Intake(channel="phone", caller_phone="13812341234", content=content, category="consult",
                  subcategory="办事指南")


def test_every_ticket_change_is_one_feed_row_in_order(store):
    svc = ticket_service(store, DEMO_DIR, FixedClock("2026-12-06T09:00:00+08:00"))
    u = svc.access.user
    assert store.feed.head() == 0 and store.feed.since(0) == []
    t = svc.register(u("agent1001"), _intake())
    svc.register_and_answer(u("agent1001"), _intake("社保卡补办"), "当即答复")
    rows = store.feed.since(0)
    assert [(r.seq, r.kind) for r in rows] == [(1, "ticket.register"), (2, "ticket.register"), (3, "ticket.answer")]
    assert rows[0].serial == t.serial and store.feed.head() == 3
    assert [r.seq for r in store.feed.since(1, limit=1)] == [2]
    # a change that fails writes no feed row (same transaction)
    with pytest.raises(ValidationError):
        svc.register(u("agent1001"), _intake("\x00"))
    assert store.feed.head() == 3
    assert store.feed.wait(3, 0.05) is False and store.feed.wait(2, 5) is True
    store.feed.close()


def _cli(db: str, *args: str) -> list[str]:
    return [sys.executable, "hotline.py", "--db", db, *args]


def _new_ticket(db: str, content: str) -> None:
    out = subprocess.run(_cli(db, "tickets", "new", "--phone", "13812341234", "--content", content,
                              "--category", "consult", "--as", "agent1001"), cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.timeout(90)
def test_another_process_sees_a_change_within_a_second(db_target, store):
    watcher = subprocess.Popen(_cli(db_target, "tickets", "watch", "--since", "0", "--json", "--for", "60",
                                    "--as", "duty"), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        _new_ticket(db_target, "井盖丢了")
        first = json.loads(watcher.stdout.readline())          # the watcher is up and waiting now
        assert (first["seq"], first["kind"]) == (1, "ticket.register")
        _new_ticket(db_target, "路灯不亮")
        second = json.loads(watcher.stdout.readline())
        lag = time.time() - datetime.fromisoformat(second["at"]).timestamp()
        assert (second["seq"], second["kind"]) == (2, "ticket.register")
        assert lag < 1.0, f"the watcher printed the change {lag:.2f}s after it was written"
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
