"""End to end: the real ``hotline console`` in a real terminal (tmux) against the built-in
simulator: read the screen, press keys, see a queue, an agent change state, overdue tickets and
find an article in the knowledge base."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backends.store import open_store
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.tickets import seed_tickets
from tests.waiting import wait_until

# Drives the real console in tmux: selected with -m e2e, left out locally with -m "not e2e";
# ./scripts/test (and CI) run it.
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def tmux():
    if shutil.which("tmux") is None:
        if IN_CI:
            pytest.fail("tmux is required for the end-to-end test in CI")
        pytest.skip("tmux not installed: end-to-end console test skipped")
    sock = f"hotline-e2e-{uuid.uuid4().hex[:8]}"

    def run(*args, check=True):
        return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, check=check)
    yield run
    run("kill-server", check=False)


def screen(tmux) -> str:
    return tmux("capture-pane", "-p", "-t", "hl").stdout


def wait_for(tmux, pred, timeout=40.0, what=""):
    """The screen text once ``pred`` holds for it; AssertionError with the last screen if it
    never does within ``timeout`` s."""
    seen = [""]

    def look():
        seen[0] = screen(tmux)
        return seen[0] if pred(seen[0]) else ""
    return wait_until(look, timeout=timeout, interval=0.25, what=f"the screen to show {what}",
                      show=lambda: seen[0])


def footer_offers(key_label: str):
    """The bottom line lists ``key_label`` (e.g. "q Quit"): the screen's keys are live, no
    input box holds the focus."""
    return lambda t: key_label in (t.rstrip("\n").splitlines() or [""])[-1]


@pytest.mark.timeout(120)
def test_console_in_a_real_terminal(tmux, tmp_path):
    db = tmp_path / "hotline.db"
    store = open_store(str(db), migrate=True)
    seed_tickets(store, DEMO_DIR, random.Random(2), FixedClock(datetime.now(SITE_TZ) - timedelta(days=1)),
                 tickets=300, days=25)
    store.close()
    env = f"HOTLINE_DB={db} HOTLINE_LANG=en LANG=C.UTF-8 TERM=xterm-256color"
    tmux("new-session", "-d", "-s", "hl", "-x", "150", "-y", "40",
         f"cd {ROOT} && env {env} {sys.executable} hotline.py console --seed 5; echo CONSOLE EXITED $?; sleep 120")
    text = wait_for(tmux, lambda t: "General enquiries" in t and "sim connected" in t, what="the wallboard")
    assert "Social insurance" in text and "SL = answered ≤ 20s ÷ offered" in text

    tmux("send-keys", "-t", "hl", "2")
    wait_for(tmux, lambda t: "Agent" in t and "1001" in t, what="the agents table")
    wait_for(tmux, footer_offers("s Sort"), timeout=10, what="the agents screen's keys in the footer")
    tmux("send-keys", "-t", "hl", ":")
    wait_for(tmux, lambda t: ":command" in t, timeout=10, what="the command line")
    tmux("send-keys", "-t", "hl", "break 1001", "Enter")
    wait_for(tmux, lambda t: "Set 1001 to" in t, timeout=10, what="the same question as the b key")
    tmux("send-keys", "-t", "hl", "y")
    text = wait_for(tmux, lambda t: any(line.split()[:1] == ["1001"] and "On break" in line for line in t.splitlines()),
                    what="agent 1001 on break")

    tmux("send-keys", "-t", "hl", "3")
    text = wait_for(tmux, lambda t: "● red" in t, what="overdue tickets")
    assert "Serial" in text

    # the knowledge base (seeded on first start): pinyin initials find the social-security-card article
    tmux("send-keys", "-t", "hl", "4")
    wait_for(tmux, lambda t: "Search the knowledge base" in t, timeout=10, what="the knowledge screen")
    tmux("send-keys", "-t", "hl", "sbk")
    text = wait_for(tmux, lambda t: "社保卡" in t and "found" in t, timeout=15, what="an article found by 'sbk'")
    tmux("send-keys", "-t", "hl", "Escape")
    wait_for(tmux, footer_offers("q Quit"), timeout=10, what="the search box let go (q Quit in the footer)")

    tmux("send-keys", "-t", "hl", "q")
    wait_for(tmux, lambda t: "General enquiries" not in t and "Serial" not in t, timeout=10, what="the console quit")
