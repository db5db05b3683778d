"""End to end (issue 20): a month sampled by the policy, then an inspector scores a call and its
ticket in the real console (``hotline console --as <inspector>``, `:qa`) in a real terminal
(tmux): the queue, the call's recording id and ticket on screen, a deduction with its comment,
submit; the store holds the locked scores and the audit entry."""

from __future__ import annotations

import sys

import pytest

from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.qa.factory import qa_service
from tests.qa_rig import PERIOD, seed_month

from .test_console_tmux import ROOT, tmux, wait_for  # noqa: F401 - tmux is a fixture

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(300)
def test_an_inspector_scores_a_call_and_its_ticket_in_the_console(tmux, tmp_path):
    db = tmp_path / "hotline.db"
    store = open_store(str(db), migrate=True)
    seed_month(store, agents=("1001",), per_day=1, days=range(2, 6))
    qa = qa_service(store, DEMO_DIR, FixedClock("2026-12-01T09:00:00+08:00"))
    evs = qa.sample(qa.access.user("qalead"), PERIOD)
    store.close()
    inspector = evs[0].inspector
    first = min((e for e in evs if e.inspector == inspector), key=lambda e: e.id)
    env = f"HOTLINE_DB={db} LANG=C.UTF-8 TERM=xterm-256color"
    tmux("new-session", "-d", "-s", "hl", "-x", "170", "-y", "46",
         f"cd {ROOT} && env {env} {sys.executable} hotline.py console --seed 5 --lang en --as {inspector};"
         " echo CONSOLE EXITED $?; sleep 120")
    wait_for(tmux, lambda t: "sim connected" in t, timeout=60, what="the console, connected")
    tmux("send-keys", "-t", "hl", ":")
    wait_for(tmux, lambda t: ":command" in t, timeout=10, what="the command line")
    tmux("send-keys", "-t", "hl", "qa", "Enter")
    wait_for(tmux, lambda t: "To score" in t and first.ticket_serial in t, timeout=20, what="the inspector's queue")
    tmux("send-keys", "-t", "hl", "Enter")
    wait_for(tmux, lambda t: f"Recording {first.call['recording_id']}" in t and first.ticket_serial in t
             and "call.opening_closing" in t, timeout=20, what="the call, its ticket and the scorecard")
    # the cursor is on the first item (opening and closing phrases): partial, with its comment
    tmux("send-keys", "-t", "hl", "p")
    wait_for(tmux, lambda t: "why the deduction" in t, timeout=10, what="the comment prompt")
    tmux("send-keys", "-t", "hl", "-l", "结束语不完整")
    tmux("send-keys", "-t", "hl", "Enter")
    wait_for(tmux, lambda t: "结束语不完整" in t and "partial" in t, timeout=10, what="the deduction on the card")
    tmux("send-keys", "-t", "hl", "s")
    wait_for(tmux, lambda t: f"Evaluation {first.id} submitted" in t, timeout=20, what="submitted")
    store = open_store(str(db))
    try:
        saved = store.qa.evaluation(first.id)
        assert saved.state == "submitted" and saved.score is not None and saved.score < 100
        assert saved.marks["call"]["opening_closing"]["comment"] == "结束语不完整"
        assert [e.action for e in store.audit.for_subject("qa_evaluation", str(first.id))] == ["qa.sample", "qa.score"]
    finally:
        store.close()
    tmux("send-keys", "-t", "hl", "C-q")
    wait_for(tmux, lambda t: "CONSOLE EXITED 0" in t, timeout=15, what="the console quit")
