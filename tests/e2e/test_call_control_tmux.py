"""End to end (issue 18): the real ``hotline console`` in tmux against ``hotline sim`` in its own
process over real TCP. A duty supervisor transfers an agent's call to an extension (agents
screen, ``T``) and picks a waiting caller up to their own phone (waiting callers screen, ``8``,
``u``); the switch's own ``show channels`` — asked over a separate ESL connection — shows each
call move, and the store's audit log has each action."""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from backends.freeswitch.client import EslConnection, NodeConfig
from backends.freeswitch.resync import parse_table
from backends.store import open_store
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.tickets import seed_tickets
from tests.waiting import wait_until

from .test_console_tmux import ROOT, tmux, wait_for  # noqa: F401  (the tmux fixture)

pytestmark = pytest.mark.e2e


def esl(port: int, *lines: str) -> list[str]:
    """Run ``api`` lines on the switch over one ESL connection of our own; their replies."""
    async def go() -> list[str]:
        conn = await EslConnection.open(NodeConfig("t", "127.0.0.1", port, "ClueCon", timeout_s=10), lambda e: None)
        try:
            return [await conn.api(line) for line in lines]
        finally:
            await conn.close()
    return asyncio.run(go())


def channels(port: int) -> list[dict]:
    return json.loads(esl(port, "show channels as json")[0]).get("rows", [])


@pytest.fixture
def sim(tmp_path):
    """``hotline sim`` at 2x on a free loopback port; yields the port."""
    err_path = tmp_path / "sim.err"
    err = open(err_path, "w+")
    proc = subprocess.Popen([sys.executable, str(ROOT / "hotline.py"), "sim", "--port", "0", "--speed", "2",
                             "--seed", "5", "--phone-drop-every", "0"], cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=err)
    try:
        line = wait_until(lambda: re.search(r"on 127\.0\.0\.1:(\d+)", err_path.read_text()), timeout=30,
                          what="the simulator listening", show=err_path.read_text)
        yield int(line.group(1))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        err.close()


@pytest.mark.timeout(240)
def test_transfer_and_pick_up_move_the_call_on_the_switch_and_are_audited(tmux, tmp_path, sim):  # noqa: F811
    db = tmp_path / "hotline.db"
    store = open_store(str(db), migrate=True)
    seed_tickets(store, DEMO_DIR, random.Random(2), FixedClock(datetime.now(SITE_TZ) - timedelta(days=1)),
                 tickets=100, days=10)
    store.close()
    cfg = tmp_path / "console.yaml"
    cfg.write_text(f"store: {db}\nconfig_dir: {DEMO_DIR}\nswitch:\n  - name: fs1\n    host: 127.0.0.1\n"
                   f"    port: {sim}\n    password: ClueCon\n", encoding="utf-8")
    env = "HOTLINE_LANG=en LANG=C.UTF-8 TERM=xterm-256color"
    tmux("new-session", "-d", "-s", "hl", "-x", "150", "-y", "40",
         f"cd {ROOT} && env {env} {sys.executable} hotline.py --as duty console --config {cfg}; "
         "echo CONSOLE EXITED $?; sleep 120")
    wait_for(tmux, lambda t: "General enquiries" in t and "fs1 connected" in t, timeout=90, what="the wallboard")

    # -- transfer an agent's call to extension 1902 -------------------------------------------
    tmux("send-keys", "-t", "hl", "2")
    wait_for(tmux, lambda t: "Agent" in t and "1001" in t, what="the agents table")

    ids = sorted(r["name"] for r in parse_table(esl(sim, "callcenter_config agent list")[0]))

    def a_call():
        """An agent whose call has run a few seconds (the console has seen it) — the newest such."""
        rows = parse_table(esl(sim, "callcenter_config agent list")[0])
        now = max(int(r["last_status_change"] or 0) for r in rows) if rows else 0
        now = max([now, *(int(r["last_bridge_start"] or 0) for r in rows)])
        busy = [r for r in rows if r["state"] == "In a queue call" and now - int(r["last_bridge_start"] or 0) >= 4]
        return max(busy, key=lambda r: int(r["last_bridge_start"] or 0))["name"] if busy else None

    for attempt in range(3):          # a call may end before the keys reach it: take another
        agent = wait_until(a_call, timeout=60, what="an agent on a call")
        tmux("send-keys", "-t", "hl", "Home", *(["j"] * ids.index(agent)))     # the table is sorted by id
        wait_for(tmux, lambda t: any(ln.split()[:1] == [agent] for ln in t.splitlines()), timeout=20,
                 what=f"agent {agent} on screen")
        agent_leg = esl(sim, f"callcenter_config agent get uuid {agent}")[0].strip()
        tmux("send-keys", "-t", "hl", "T")
        try:
            wait_for(tmux, lambda t: "Transfer to a queue or extension" in t, timeout=5, what="the transfer prompt")
            break
        except AssertionError:
            if attempt == 2:
                raise
    tmux("send-keys", "-t", "hl", "1902", "Enter")
    wait_for(tmux, lambda t: "to 1902?" in t, timeout=10, what="the transfer question")
    tmux("send-keys", "-t", "hl", "y")
    moved = wait_until(lambda: [c for c in channels(sim) if c["dest"] == "1902" and c["direction"] == "inbound"],
                       timeout=20, what="the caller's channel now to 1902 in show channels")
    assert any(c["name"].startswith("sofia/internal/1902@") for c in channels(sim))
    assert agent_leg not in {c["uuid"] for c in channels(sim)}          # the agent's leg hung up: the agent is free

    # -- nobody answers: callers wait; pick the first up to the supervisor's phone (1900) -----
    esl(sim, *(f"callcenter_config agent set status {a} 'Logged Out'" for a in ids))
    wait_until(lambda: any(r["state"] == "Waiting" for r in parse_table(esl(sim, "callcenter_config queue list members")[0])),
               timeout=60, what="a caller waiting")
    tmux("send-keys", "-t", "hl", "8")
    wait_for(tmux, lambda t: "Pos." in t and " waiting" in t, timeout=20, what="the waiting callers")
    tmux("send-keys", "-t", "hl", "u")
    wait_for(tmux, lambda t: "to your phone 1900?" in t, timeout=10, what="the pick-up question")
    tmux("send-keys", "-t", "hl", "y")
    picked = wait_until(lambda: [c for c in channels(sim) if c["dest"] == "1900" and c["direction"] == "inbound"],
                        timeout=20, what="a caller's channel now to 1900 in show channels")
    assert any(c["name"].startswith("sofia/internal/1900@") and c["call_uuid"] == picked[0]["uuid"]
               for c in channels(sim))
    store = open_store(str(db))
    try:     # the console writes the entry once the switch said +OK: wait for it, then quit
        p = wait_until(lambda: store.audit.for_subject("call", picked[0]["uuid"]), timeout=20,
                       what="the pick-up in the audit log")
        assert [(e.action, e.actor, e.after["to"]) for e in p] == [("call.pick_up", "duty", "1900")]
        t = [e for e in store.audit.for_subject("agent", agent) if e.action == "call.transfer"]
        assert t and t[-1].actor == "duty" and t[-1].after["to"] == "1902" and t[-1].after["call"] == moved[0]["uuid"]
    finally:
        store.close()
    tmux("send-keys", "-t", "hl", "q")
