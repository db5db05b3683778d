"""End to end (issue 17): an agent at the real desk (``hotline console --as agent1001 --screen
desk``, in tmux, against ``hotline sim`` over the real ESL adapter) opens the callback list
(F8), calls an abandoned caller back (the switch rings the agent's phone, then the citizen)
and records the result; the store has the attempt with the call's uuid and the task done."""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta

import pytest

from backends.store import open_store
from hotline_tui.calls_port import CallbackTask
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.tickets import seed_tickets

from .test_console_tmux import ROOT, tmux, wait_for  # noqa: F401 - tmux is a fixture
from .test_desk_tmux import sim  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e
NUMBER = "13800001234"


@pytest.mark.timeout(300)
def test_an_agent_makes_a_callback_and_records_the_result(tmux, sim, tmp_path):  # noqa: F811
    db = tmp_path / "hotline.db"
    store = open_store(str(db), migrate=True)
    seed_tickets(store, DEMO_DIR, random.Random(2), FixedClock(datetime.now(SITE_TZ) - timedelta(days=1)),
                 tickets=50, days=5)
    at = time.time() - 3600            # older than any abandon the console records meanwhile: first on the list
    tid = store.calls.add_callback(CallbackTask(0, "m-e2e", "general@12345", NUMBER, "王女士", at, "", "open", "", at))
    assert store.calls.assign_callback(tid, ["1001"], at) == "1001"
    store.close()
    cfg = tmp_path / "console.yaml"
    cfg.write_text(f"config_dir: {DEMO_DIR}\nlang: en\nswitch:\n  - {{name: sim, host: 127.0.0.1, port: {sim}}}\n",
                   encoding="utf-8")
    env = f"HOTLINE_DB={db} LANG=C.UTF-8 TERM=xterm-256color"
    tmux("new-session", "-d", "-s", "hl", "-x", "150", "-y", "44",
         f"cd {ROOT} && env {env} {sys.executable} hotline.py console --config {cfg} --as agent1001 --screen desk;"
         " echo CONSOLE EXITED $?; sleep 120")
    wait_for(tmux, lambda t: "Me: 1001" in t and "sim connected" in t, timeout=60, what="the desk, connected")

    tmux("send-keys", "-t", "hl", "F8")
    wait_for(tmux, lambda t: "callbacks due" in t and NUMBER in t, timeout=20, what="my callback list")
    tmux("send-keys", "-t", "hl", "c")
    wait_for(tmux, lambda t: f"Calling {NUMBER} back" in t, timeout=20, what="the callback placed")
    tmux("send-keys", "-t", "hl", "r")
    wait_for(tmux, lambda t: "Result of the callback" in t and "Reached" in t, timeout=10, what="the results")
    tmux("send-keys", "-t", "hl", "1")
    wait_for(tmux, lambda t: "Note (may be empty" in t, timeout=10, what="the note prompt")
    tmux("send-keys", "-t", "hl", "-l", "已回电，问题已解决")
    tmux("send-keys", "-t", "hl", "Enter")
    wait_for(tmux, lambda t: "Recorded: Reached (done)" in t, timeout=20, what="the result recorded")
    wait_for(tmux, lambda t: NUMBER not in t, timeout=20, what="the task off my list")

    store = open_store(str(db))
    try:
        task = store.calls.callback(tid)
        assert (task.state, task.attempts, task.note) == ("done", 1, "已回电，问题已解决")
        [att] = store.calls.attempts("abandoned", [str(tid)])
        assert (att.result, att.agent) == ("reached", "1001") and att.call_id
        actions = [e.action for e in store.audit.for_subject("callback", str(tid))]
        assert actions == ["call.originate_callback", "callback.attempt"]
    finally:
        store.close()

    tmux("send-keys", "-t", "hl", "Escape")
    wait_for(tmux, lambda t: "Me: 1001" in t, timeout=10, what="back on the desk")
    tmux("send-keys", "-t", "hl", "C-q")
    wait_for(tmux, lambda t: "CONSOLE EXITED 0" in t, timeout=15, what="the console quit")
