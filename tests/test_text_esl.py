"""`hotline esl tail` against the simulator with a hostile caller id: the switch url-encodes the
caller's number and name (``%1B``, ``%0A``, ``%00``), the client decodes them into real control
characters, and what tail prints shows them escaped — one event, one line, nothing live."""

from __future__ import annotations

import json

import pytest

from backends.freeswitch.cli import event_line
from backends.freeswitch.client import NodeConfig, SwitchNode
from backends.sim.model import CallCenter
from backends.sim.server import EslServer
from hotline_tui import switch as sw
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site
from tests.hostile_text import CORPUS, assert_inert
from tests.waiting import wait_until_async

T0 = 1795402800.0
NUMBER = "1380013\x1b[2J\x00\n8000"
NAME = CORPUS["csi_clear_screen"] + CORPUS["osc52_clipboard"] + "\n" + CORPUS["nul"] + CORPUS["zero_width_name"] + \
    CORPUS["c1_controls"] + CORPUS["rtl_override"]


@pytest.mark.timeout(60)
async def test_esl_tail_shows_a_hostile_caller_id_escaped():
    site = load_site(DEMO_DIR / "site.yaml")
    cc = CallCenter(site, seed=3, start=T0, traffic=False)
    server = await EslServer(cc, port=0).start()
    events: list = []
    node = SwitchNode(NodeConfig("tail", "127.0.0.1", server.port, timeout_s=3, backoff_min_s=0.01), events.append)
    node.start()
    try:
        await wait_until_async(lambda: node.health.link == "connected" and node.health.resyncs >= 1, timeout=10,
                               what="the tail's link", show=lambda: node.health)
        member = cc.arrive(site.queues[0].name, NUMBER, NAME)
        await wait_until_async(lambda: any(isinstance(e, sw.MemberJoined) and e.member_uuid == member.uuid
                                           for e in events), timeout=10, what="the hostile caller's event")
    finally:
        await node.stop()
        await server.close()
    joined = next(e for e in events if isinstance(e, sw.MemberJoined) and e.member_uuid == member.uuid)
    # the decoded values really hold the live characters (the client is not the one escaping)
    assert joined.caller_number == NUMBER and joined.caller_name == NAME
    hostile = [e for e in events if NUMBER in (getattr(e, "caller_number", ""), getattr(e, "caller_name", ""))
               or getattr(e, "caller_name", "") == NAME]
    assert hostile
    for e in hostile:
        line = event_line(e)
        assert_inert(line, newline_ok=False, where=type(e).__name__)
        assert "\\x1b[2J" in line and "\\x00" in line and "⏎" in line
        assert "⟨U+200B⟩⟨U+200B⟩⟨U+200B⟩" in line and "⟨U+202E⟩" in line
        as_json = event_line(e, as_json=True)
        assert_inert(as_json, newline_ok=False, where=type(e).__name__)
        decoded = json.loads(as_json)
        assert decoded["type"] == type(e).__name__ and decoded["caller_number"] == e.caller_number
