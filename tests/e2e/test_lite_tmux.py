"""End to end: the lean mode (``--lite``) in a real terminal (tmux, 80x24) against the
simulator. Lean output is only the cells that changed (screens/cell_diff.py), so this is the
check that a real terminal, fed only those, shows the desk right: the trust line says lite and
what the console costs the link, the agent's line and caller, the ticket text as typed, the
reason picker, and the desk again after it."""

from __future__ import annotations

import random
import re
import sys
from datetime import datetime, timedelta

import pytest

from backends.store import open_store
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.tickets import seed_tickets

from .test_console_tmux import ROOT, tmux, wait_for  # noqa: F401 - tmux is a fixture
from .test_agent_day_tmux import me_line, sim  # noqa: F401 - sim is a fixture

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(200)
def test_the_lean_desk_in_a_real_80x24_terminal(tmux, sim, tmp_path):
    db = tmp_path / "hotline.db"
    store = open_store(str(db), migrate=True)
    seed_tickets(store, DEMO_DIR, random.Random(2), FixedClock(datetime.now(SITE_TZ) - timedelta(days=1)),
                 tickets=100, days=10)
    store.close()
    cfg = tmp_path / "console.yaml"
    cfg.write_text(f"config_dir: {DEMO_DIR}\nlang: en\nswitch:\n  - {{name: sim, host: 127.0.0.1, port: {sim}}}\n",
                   encoding="utf-8")
    env = f"HOTLINE_DB={db} LANG=C.UTF-8 TERM=xterm-256color"
    tmux("new-session", "-d", "-s", "hl", "-x", "80", "-y", "24",
         f"cd {ROOT} && env {env} {sys.executable} hotline.py console --lite --config {cfg} --as agent1001 "
         "--screen desk; echo CONSOLE EXITED $?; sleep 120")
    text = wait_for(tmux, lambda t: "Me: 1001" in t and "sim connected" in t and "lite" in t, timeout=60,
                    what="the lean desk, connected")
    first = text.splitlines()[0]
    assert "refresh 1 Hz" in first
    wait_for(tmux, lambda t: re.search(r"out \d+(\.\d)? (B|KB)/s", t.splitlines()[0]), timeout=10,
             what="the output figure in the trust line")

    tmux("send-keys", "-t", "hl", "C-t")
    tmux("send-keys", "-t", "hl", "-l", "road lamp out")
    wait_for(tmux, lambda t: "road lamp out" in t, timeout=10, what="the ticket text typed")
    tmux("send-keys", "-t", "hl", "BSpace", "BSpace", "BSpace")
    wait_for(tmux, lambda t: "road lamp " in t and "road lamp out" not in t, timeout=10, what="three characters erased")

    tmux("send-keys", "-t", "hl", "F3")
    wait_for(tmux, lambda t: "Not ready: why?" in t and "Meal" in t, timeout=10, what="the reason picker")
    tmux("send-keys", "-t", "hl", "Escape")
    # the dialog is gone and nothing of it is left on the desk
    text = wait_for(tmux, lambda t: "Not ready: why?" not in t and "road lamp " in t, timeout=10,
                    what="the desk back, the dialog cleared")
    assert "Meal" not in text and "Me: 1001" in text

    tmux("send-keys", "-t", "hl", "C-q")
    wait_for(tmux, lambda t: "CONSOLE EXITED 0" in t, timeout=15, what="the console quit")
