"""Trust flags of the live picture: an agent Available while the phone is not registered, a
call still "answered" after its channel is gone; per switch, with the same id on two switches."""

from __future__ import annotations

from hotline_tui import switch as sw
from hotline_tui.alerts import alerts
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.state import LiveState, extension

T = 1795402800.0


def _agent(name: str, status: str = "Available", state: str = "Waiting", contact: str = "") -> sw.AgentRow:
    return sw.AgentRow(name, status, state, contact or f"user/{name}@t.local", T - 60)


def _resync(node: str, agents, registrations, members=(), channels=()) -> sw.Resynced:
    return sw.Resynced(node, T, tuple(agents), (), tuple(members), tuple(channels), ("q1",), registrations)


def _flags(live: LiveState, at: float = T + 1) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(a.node, a.name): a.flags for a in live.snapshot(at).agents}


def test_available_while_unregistered_is_flagged_and_clears_on_register():
    live = LiveState()
    live.apply(_resync("fs1", [_agent("1001"), _agent("1002"), _agent("1003", "On Break")], ("1001",)))
    assert _flags(live) == {("fs1", "1001"): (), ("fs1", "1002"): ("available-unregistered",),
                            ("fs1", "1003"): ()}        # on break: not taking calls, nothing wrong
    live.apply(sw.PhoneUnregistered("fs1", T + 2, "1001"))
    assert _flags(live)[("fs1", "1001")] == ("available-unregistered",)
    live.apply(sw.PhoneRegistered("fs1", T + 3, "1001", '"1001" <sip:1001@10.0.0.2:5060>', 3600))
    live.apply(sw.PhoneRegistered("fs1", T + 3, "1002", "", 3600))
    assert _flags(live) == {("fs1", "1001"): (), ("fs1", "1002"): (), ("fs1", "1003"): ()}
    # becoming Available while unregistered flags at once; going on break clears it
    live.apply(sw.PhoneUnregistered("fs1", T + 4, "1003"))
    live.apply(sw.AgentStatusChanged("fs1", T + 5, "1003", "Available"))
    assert _flags(live)[("fs1", "1003")] == ("available-unregistered",)
    live.apply(sw.AgentStatusChanged("fs1", T + 6, "1003", "On Break"))
    assert _flags(live)[("fs1", "1003")] == ()


def test_unknown_registrations_flag_nothing():
    live = LiveState()
    # events before any resync: nothing is known of the other phones
    live.apply(sw.PhoneUnregistered("fs1", T, "1001"))
    live.apply(sw.AgentStatusChanged("fs1", T, "1001", "Available"))
    live.apply(sw.AgentStatusChanged("fs1", T, "1002", "Available"))
    assert _flags(live) == {("fs1", "1001"): (), ("fs1", "1002"): ()}
    # a switch that would not list its registrations (None): still nothing
    live.apply(_resync("fs1", [_agent("1001"), _agent("1002")], None))
    live.apply(sw.PhoneRegistered("fs1", T + 1, "1001", "", 3600))
    assert _flags(live) == {("fs1", "1001"): (), ("fs1", "1002"): ()}
    # once listed, the listing is the truth, and a later unlisted resync forgets it again
    live.apply(_resync("fs1", [_agent("1001"), _agent("1002")], ()))
    assert _flags(live) == {("fs1", "1001"): ("available-unregistered",), ("fs1", "1002"): ("available-unregistered",)}
    live.apply(_resync("fs1", [_agent("1001"), _agent("1002")], None))
    assert _flags(live) == {("fs1", "1001"): (), ("fs1", "1002"): ()}


def test_registrations_are_per_switch_and_the_same_id_stays_two_agents():
    live = LiveState()
    live.apply(_resync("fs1", [_agent("1003")], ("1003",)))
    live.apply(_resync("fs2", [_agent("1003"), _agent("1004")], ("1004",)))
    assert _flags(live) == {("fs1", "1003"): (), ("fs2", "1003"): ("available-unregistered",), ("fs2", "1004"): ()}
    live.apply(sw.AgentStatusChanged("fs1", T + 2, "1003", "On Break"))
    views = {(a.node, a.name): a for a in live.snapshot(T + 3).agents}
    assert views[("fs1", "1003")].status == "On Break" and views[("fs2", "1003")].status == "Available"
    assert live.nodes_of("1003") == ["fs1", "fs2"]
    # a resync of one switch leaves the other's agents and registrations alone
    live.apply(_resync("fs1", [], ()))
    assert _flags(live) == {("fs2", "1003"): ("available-unregistered",), ("fs2", "1004"): ()}
    # alerts name the node only where ids collide
    live.apply(_resync("fs1", [_agent("1003")], ()))
    what = sorted(a.params["what"] for a in alerts(live.snapshot(T + 4), KpiSettings(), [])
                  if a.key == "alert_flag")
    assert what == ["1003@fs1: available-unregistered", "1003@fs2: available-unregistered"]


def test_the_agents_extension_comes_from_its_contact_else_its_id():
    assert extension("1001") == "1001"
    assert extension("1001@default") == "1001"
    assert extension("1001@default", "user/2001@12345.demo") == "2001"
    assert extension("1001", "user/2001") == "2001"
    assert extension("1001", "sofia/gateway/x/123") == "1001"      # not a user/ contact: the id
    live = LiveState()
    live.apply(_resync("fs1", [_agent("a1@default", contact="user/2001@t.local")], ("2001",)))
    assert _flags(live) == {("fs1", "a1@default"): ()}
    live.apply(sw.PhoneUnregistered("fs1", T + 1, "2001"))
    assert _flags(live) == {("fs1", "a1@default"): ("available-unregistered",)}


def test_an_answered_call_whose_channel_is_gone_is_flagged():
    live = LiveState()
    member = sw.MemberRow("q1", "m1", "s1", "Answered", T - 30, "13800000001", "", "1001", T - 20)
    channels = (sw.ChannelRow("s1", "inbound", T - 30), sw.ChannelRow("leg1", "outbound", T - 25))
    live.apply(_resync("fs1", [_agent("1001", state="In a queue call")], ("1001",), [member], channels))
    snap = live.snapshot(T + 1)
    assert [(c.uuid, c.flags) for c in snap.calls] == [("m1", ())]
    assert _flags(live) == {("fs1", "1001"): ()}
    live.apply(sw.ChannelHangup("fs1", T + 2, "s1", "NORMAL_CLEARING"))    # no member-queue-end follows
    snap = live.snapshot(T + 3)
    assert [(c.uuid, c.node, c.flags) for c in snap.calls] == [("m1", "fs1", ("channel-gone",))]
    assert _flags(live, T + 3) == {("fs1", "1001"): ("channel-gone",)}
    flagged = [a.params["what"] for a in alerts(snap, KpiSettings(), []) if a.key == "alert_flag"]
    assert sorted(flagged) == ["1001: channel-gone", "13800000001: channel-gone"]
    # the member leaves after all: the call is gone, and so is the flag
    live.apply(sw.MemberLeft("fs1", T + 4, "q1", "m1", "s1", "Terminated", T - 30, T + 4, agent="1001",
                             answered_at=T - 20))
    live.apply(sw.BridgeEnded("fs1", T + 4, "q1", "1001", "m1", True, T - 30, T - 20, T + 4))
    assert _flags(live, T + 4) == {("fs1", "1001"): ("in-call-without-caller",)}   # until its state changes
    live.apply(sw.AgentStateChanged("fs1", T + 4, "1001", "Waiting"))
    assert live.snapshot(T + 5).calls == () and _flags(live, T + 5) == {("fs1", "1001"): ()}
