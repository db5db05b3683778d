"""End to end, issue 17's "Done when" as one flow: an agent's working day at the real desk
(``hotline console --as agent1001 --screen desk``) in a real terminal (tmux) against the
simulator: log out and log in with their own number, take a call the switch gives them, see the
caller's number and history, search the knowledge base and register a ticket meanwhile, see the
caller's class and its note, find the ticket in "my work", see the wrap-up count down when the
caller hangs up, go not ready with a reason (recorded for the reports), call an abandoned caller
back from the callback list (F8: the switch rings the agent's phone, then the citizen) and record
the result, and the desk still usable at 80×24. (It replaces the two tests that did the stretch
and the callback separately: one console start instead of two.)

The simulator runs as ``hotline sim`` beside the console (the console reaches it through the
real ESL adapter, exactly as the embedded one) so the test can hang the caller up through the
switch instead of waiting out a 3-minute call; its random breaks are off so the agent's state is
only what the agent sets."""

from __future__ import annotations

import asyncio
import random
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from backends.freeswitch.client import EslConnection, NodeConfig
from backends.store import open_store
from hotline_tui.calls_port import CallbackTask
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.tickets import seed_tickets
from hotline_tui.tickets.factory import ticket_service
from tests.waiting import wait_until

from .test_console_tmux import ROOT, screen, tmux, wait_for  # noqa: F401 - tmux is a fixture

pytestmark = pytest.mark.e2e
CALLBACK_NUMBER = "13800001234"


@pytest.fixture
def sim(tmp_path):
    """``hotline sim`` on a free loopback port (peak traffic, warm-up, no random breaks, no phone
    drop-outs); yields the port."""
    site = tmp_path / "site.yaml"
    text = (DEMO_DIR / "site.yaml").read_text(encoding="utf-8")
    site.write_text(re.sub(r"break_every_mean_s: *\d+", "break_every_mean_s: 0", text), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "hotline.py", "sim", "--site", str(site), "--port", "0", "--seed", "5",
                             "--phone-drop-every", "0"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        m = re.search(r"on 127\.0\.0\.1:(\d+)", line)
        assert m, f"hotline sim did not start: {line!r}"
        yield int(m.group(1))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def hang_up_callers_of(port: int, agent: str) -> int:
    """The citizen talking to ``agent`` hangs up (uuid_kill on the caller's channel, through the
    switch's event socket); returns how many calls were ended."""
    async def run() -> int:
        conn = await EslConnection.open(NodeConfig("sim", "127.0.0.1", port), lambda ev: None)
        try:
            rows = (await conn.api("callcenter_config queue list members")).strip().splitlines()
            head = rows[0].split("|")
            mine = [dict(zip(head, r.split("|"))) for r in rows[1:] if "|" in r]
            mine = [m for m in mine if m.get("serving_agent") == agent and m.get("state") == "Answered"]
            for m in mine:
                await conn.api(f"uuid_kill {m['session_uuid']}")
            return len(mine)
        finally:
            await conn.close()
    return asyncio.run(run())


def me_line(text: str) -> str:
    """The desk's own two lines (my state, my call), as one."""
    lines = text.splitlines()
    i = next((i for i, ln in enumerate(lines) if "Me: 1001" in ln), None)
    return "" if i is None else " ".join(ln.strip() for ln in lines[i:i + 2])


@pytest.mark.timeout(300)
def test_an_agents_day_at_the_desk(tmux, sim, tmp_path):
    db = tmp_path / "hotline.db"
    store = open_store(str(db), migrate=True)
    seed_tickets(store, DEMO_DIR, random.Random(2), FixedClock(datetime.now(SITE_TZ) - timedelta(days=1)),
                 tickets=200, days=20)
    # an abandoned caller from an hour ago, theirs to call back: older than any abandon the console
    # records meanwhile, so first on the list
    at = time.time() - 3600
    tid = store.calls.add_callback(CallbackTask(0, "m-e2e", "general@12345", CALLBACK_NUMBER, "王女士", at, "", "open",
                                                "", at))
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

    # log out, then log in with my own number (工号)
    tmux("send-keys", "-t", "hl", "F4")
    wait_for(tmux, lambda t: "Log out?" in t, timeout=10, what="the log-out question")
    tmux("send-keys", "-t", "hl", "y")
    wait_for(tmux, lambda t: "Logged out" in me_line(t) and "F2 logs in" in me_line(t), what="logged out")
    tmux("send-keys", "-t", "hl", "F2")
    wait_for(tmux, lambda t: "your agent number" in t, timeout=10, what="the log-in prompt")
    tmux("send-keys", "-t", "hl", "Enter")
    wait_for(tmux, lambda t: "Available" in me_line(t), what="available")

    # the switch gives me a call: its number is on the desk and in the form, with the caller's history
    text = wait_for(tmux, lambda t: "On a call with" in me_line(t), timeout=120, what="a call for me")
    number = re.search(r"On a call with (\d+)", me_line(text)).group(1)
    wait_for(tmux, lambda t: "No earlier tickets" in t or "Caller history" in t, timeout=15, what="the caller's history")

    # the caller is known to the centre as elderly (classified meanwhile by the duty supervisor)
    store = open_store(str(db))
    try:
        svc = ticket_service(store, DEMO_DIR, FixedClock(datetime.now(SITE_TZ)))
        svc.classify_caller(svc.access.user("duty"), number, "elderly", name="张大爷")
    finally:
        store.close()

    # search the knowledge base while the caller talks: the article suggests its department
    # (the search box has had the focus since the desk opened; no Escape first: Esc followed at
    # once by a key reaches the console as alt+key)
    tmux("send-keys", "-t", "hl", "-l", "shebaoka")
    wait_for(tmux, lambda t: "suggested RSJ" in t, timeout=20, what="an article and its suggested department")
    tmux("send-keys", "-t", "hl", "C-t")
    tmux("send-keys", "-t", "hl", "-l", "小区路灯不亮了")
    wait_for(tmux, lambda t: "小区路灯不亮了" in t, timeout=10, what="the ticket text typed")
    tmux("send-keys", "-t", "hl", "Enter")
    text = wait_for(tmux, lambda t: "Registered ticket" in t, timeout=20, what="the ticket registered")
    serial = re.search(r"Registered ticket (\S+)", text).group(1)
    wait_for(tmux, lambda t: "Caller history" in t and serial in t, timeout=15, what="the new ticket in the history")
    # the history, read again, shows the caller's class as a badge in words, its note and name
    wait_for(tmux, lambda t: "[elderly]" in t and "Elderly caller" in t and "张大爷" in t, timeout=15,
             what="the caller's class, its note and the known name")
    store = open_store(str(db))
    try:
        t = store.tickets.get(serial)
        assert t.caller_phone == number and t.content == "小区路灯不亮了" and t.call_id
        assert t.registered_by == "agent1001" and t.state == "registered"      # to triage
    finally:
        store.close()

    # my work: the ticket I registered, today's calls
    tmux("send-keys", "-t", "hl", "F5")
    wait_for(tmux, lambda t: "Tickets I registered" in t and serial in t and "Today:" in t, timeout=15, what="my work")
    tmux("send-keys", "-t", "hl", "Escape")
    wait_for(tmux, lambda t: "Tickets I registered" not in t, timeout=10, what="back at the desk")

    # the caller hangs up: wrap-up counts down on the desk
    wait_until(lambda: hang_up_callers_of(sim, "1001"), timeout=10, interval=0.5, what="the caller hung up")
    wait_for(tmux, lambda t: "Wrap-up" in me_line(t) and "left" in me_line(t), timeout=15, what="the wrap-up countdown")

    # not ready with a reason: on break, the reason shown
    tmux("send-keys", "-t", "hl", "F3")
    wait_for(tmux, lambda t: "Not ready: why?" in t and "Meal" in t, timeout=10, what="the reason picker")
    tmux("send-keys", "-t", "hl", "2")
    wait_for(tmux, lambda t: "On break (Meal)" in me_line(t), timeout=20, what="on break for a meal")

    # on break, off the queue: call the abandoned caller back and record the result
    tmux("send-keys", "-t", "hl", "F8")
    wait_for(tmux, lambda t: "callbacks due" in t and CALLBACK_NUMBER in t, timeout=20, what="my callback list")
    tmux("send-keys", "-t", "hl", "c")
    wait_for(tmux, lambda t: f"Calling {CALLBACK_NUMBER} back" in t, timeout=20, what="the callback placed")
    tmux("send-keys", "-t", "hl", "r")
    wait_for(tmux, lambda t: "Result of the callback" in t and "Reached" in t, timeout=10, what="the results")
    tmux("send-keys", "-t", "hl", "1")
    wait_for(tmux, lambda t: "Note (may be empty" in t, timeout=10, what="the note prompt")
    tmux("send-keys", "-t", "hl", "-l", "已回电，问题已解决")
    tmux("send-keys", "-t", "hl", "Enter")
    wait_for(tmux, lambda t: "Recorded: Reached (done)" in t, timeout=20, what="the result recorded")
    wait_for(tmux, lambda t: CALLBACK_NUMBER not in t, timeout=20, what="the task off my list")
    tmux("send-keys", "-t", "hl", "Escape")
    wait_for(tmux, lambda t: "On break (Meal)" in me_line(t), timeout=10, what="back on the desk")

    store = open_store(str(db))
    try:
        task = store.calls.callback(tid)
        assert (task.state, task.attempts, task.note) == ("done", 1, "已回电，问题已解决")
        [att] = store.calls.attempts("abandoned", [str(tid)])
        assert (att.result, att.agent) == ("reached", "1001") and att.call_id
        assert [e.action for e in store.audit.for_subject("callback", str(tid))] == [
            "call.originate_callback", "callback.attempt"]
        # the break's reason is in the record for the reports (mod_callcenter keeps none)
        brk = [e for e in store.audit.for_subject("agent", "1001") if e.action == "agent.set_status"][-1]
        assert brk.after["status"] == "On Break" and brk.after["reason"] == "meal" and brk.actor == "agent1001"
    finally:
        store.close()

    # at 80×24 the desk keeps my line, the pop, the form and the keys on screen
    tmux("resize-window", "-t", "hl", "-x", "80", "-y", "24")
    wait_for(tmux, lambda t: len(t.splitlines()[0]) <= 80 and "On break (Meal)" in me_line(t)
             and "Caller history" in t and "Address" in t and "Answer on the spot" in t, timeout=15,
             what="the desk at 80×24")

    # ctrl+q quits from anywhere (a lone Esc followed at once by q reaches the console as alt+q)
    tmux("send-keys", "-t", "hl", "C-q")
    wait_for(tmux, lambda t: "CONSOLE EXITED 0" in t, timeout=15, what="the console quit")
