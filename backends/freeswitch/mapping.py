"""Event headers (from a plain or JSON event) → domain events of ``hotline_tui.switch``.

Unknown or irrelevant events map to None. Times: CC-* times are epoch seconds;
Event-Date-Timestamp is microseconds.
"""

from __future__ import annotations

from hotline_tui import switch as sw

# Every header ``map_event`` reads, by Event-Name (``Event-Name`` itself is read for every event;
# any other event maps to None whatever it holds). The client's live path extracts only these
# (``codec.HeaderPicker``); tests/esl/test_pick.py fails if map_event reads a header not listed.
_REG = ("from-user", "username", "contact", "expires")     # sofia::register / sofia::unregister
_REG_SUBCLASSES = frozenset(("sofia::register", "sofia::unregister"))
_CALL_IDS = ("CC-Member-UUID", "CC-Member-Session-UUID", "CC-Member-CID-Number", "CC-Member-CID-Name")
READS: dict[str, tuple[str, ...]] = {
    "CUSTOM": ("Event-Subclass", "Event-Date-Timestamp", "CC-Action", "CC-Agent", "CC-Agent-Status", "CC-Agent-State",
               "CC-Queue", *_CALL_IDS, "CC-Agent-UUID", "CC-Member-Joined-Time", "CC-Agent-Answered-Time",
               "CC-Agent-Bridged", "CC-Bridge-Terminated-Time", "CC-Hangup-Cause", "CC-Agent-No-Answer-Status",
               "CC-Cause", "CC-Member-Leaving-Time", "CC-Cancel-Reason", "CC-Count",
               "variable_cc_base_score", *_REG),
    "CHANNEL_CREATE": ("Event-Date-Timestamp", "Unique-ID", "Call-Direction", "Channel-Name", "Caller-Caller-ID-Number",
                       "Caller-Caller-ID-Name", "Caller-Destination-Number"),
    "CHANNEL_ANSWER": ("Event-Date-Timestamp", "Unique-ID"),
    "CHANNEL_BRIDGE": ("Event-Date-Timestamp", "Bridge-A-Unique-ID", "Bridge-B-Unique-ID"),
    "CHANNEL_HANGUP_COMPLETE": ("Event-Date-Timestamp", "Unique-ID", "Hangup-Cause"),
    "HEARTBEAT": ("Event-Date-Timestamp", "Uptime-msec", "Session-Count", "FreeSWITCH-Version"),
}


def _f(ev: dict, key: str) -> float:
    v = ev.get(key)
    try:
        return float(v) if v else 0.0
    except ValueError:
        return 0.0


def _cc(ev: dict, node: str, g, at: float):
    # Tested in order of how often the callcenter raises them (state changes and member counts make up
    # half of its events): each miss is one string comparison.
    action = g("CC-Action", "")
    if action == "agent-state-change":
        return sw.AgentStateChanged(node, at, g("CC-Agent", ""), g("CC-Agent-State", ""))
    if action == "members-count":
        try:
            return sw.QueueCount(node, at, g("CC-Queue", ""), int(g("CC-Count", "0")))
        except ValueError:
            return None
    if action == "agent-offering":
        return sw.AgentOffered(node, at, g("CC-Queue", ""), g("CC-Agent", ""), g("CC-Member-UUID", ""),
                               g("CC-Member-CID-Number", ""), g("CC-Member-CID-Name", ""))
    if action == "member-queue-start" or action == "member-queue-resume":
        return sw.MemberJoined(node, at, g("CC-Queue", ""), g("CC-Member-UUID", ""), g("CC-Member-Session-UUID", ""),
                               g("CC-Member-CID-Number", ""), g("CC-Member-CID-Name", ""), action == "member-queue-resume",
                               int(_f(ev, "variable_cc_base_score")))
    if action == "bridge-agent-start":
        return sw.BridgeStarted(node, at, g("CC-Queue", ""), g("CC-Agent", ""), g("CC-Member-UUID", ""),
                                g("CC-Member-Session-UUID", ""), g("CC-Agent-UUID", ""), _f(ev, "CC-Member-Joined-Time"),
                                _f(ev, "CC-Agent-Answered-Time"), g("CC-Member-CID-Number", ""), g("CC-Member-CID-Name", ""))
    if action == "member-queue-end":
        return sw.MemberLeft(node, at, g("CC-Queue", ""), g("CC-Member-UUID", ""), g("CC-Member-Session-UUID", ""),
                             g("CC-Cause", ""), _f(ev, "CC-Member-Joined-Time"), _f(ev, "CC-Member-Leaving-Time"),
                             g("CC-Cancel-Reason", ""), g("CC-Agent", ""), _f(ev, "CC-Agent-Answered-Time"),
                             g("CC-Member-CID-Number", ""), g("CC-Member-CID-Name", ""))
    if action == "bridge-agent-end":
        return sw.BridgeEnded(node, at, g("CC-Queue", ""), g("CC-Agent", ""), g("CC-Member-UUID", ""),
                              g("CC-Agent-Bridged", "") == "true", _f(ev, "CC-Member-Joined-Time"),
                              _f(ev, "CC-Agent-Answered-Time"), _f(ev, "CC-Bridge-Terminated-Time"), g("CC-Hangup-Cause", ""))
    if action == "bridge-agent-fail":
        return sw.BridgeFailed(node, at, g("CC-Queue", ""), g("CC-Agent", ""), g("CC-Member-UUID", ""), g("CC-Hangup-Cause", ""))
    if action == "agent-status-change":
        return sw.AgentStatusChanged(node, at, g("CC-Agent", ""), g("CC-Agent-Status", ""))
    if action == "agent-max-no-answer":
        return sw.AgentMaxNoAnswer(node, at, g("CC-Agent", ""), g("CC-Agent-No-Answer-Status", ""))
    return None


def _reg(node: str, g, at: float, register: bool):
    # mod_sofia names the SIP user in from-user (and username, the auth user: the same for a
    # phone that registers as itself); an event without either is no use to the console
    user = g("from-user", "") or g("username", "")
    if not user:
        return None
    if not register:
        return sw.PhoneUnregistered(node, at, user)
    try:
        expires = int(g("expires", "0") or 0)
    except ValueError:
        expires = 0
    if expires == 0:      # a REGISTER with expires 0 is an unregistration, whatever it is called
        return sw.PhoneUnregistered(node, at, user)
    return sw.PhoneRegistered(node, at, user, g("contact", ""), expires)


def map_event(ev: dict, node: str):
    """One event's headers → a domain event, or None when the console has no use for it."""
    g = ev.get
    name = g("Event-Name")
    if name not in READS:
        return None
    sub = g("Event-Subclass") if name == "CUSTOM" else None
    if sub is not None and sub != "callcenter::info" and sub not in _REG_SUBCLASSES:
        return None
    ts = g("Event-Date-Timestamp")     # in line (no call): every event the console maps has its time
    try:
        at = int(ts) / 1e6 if ts else 0.0
    except ValueError:
        at = 0.0
    if name == "CUSTOM":
        if sub == "callcenter::info":
            return _cc(ev, node, g, at)
        return _reg(node, g, at, sub == "sofia::register")
    if name == "CHANNEL_CREATE":
        return sw.ChannelCreated(node, at, g("Unique-ID", ""), g("Call-Direction", ""), g("Channel-Name", ""),
                                 g("Caller-Caller-ID-Number", ""), g("Caller-Caller-ID-Name", ""),
                                 g("Caller-Destination-Number", ""))
    if name == "CHANNEL_ANSWER":
        return sw.ChannelAnswered(node, at, g("Unique-ID", ""))
    if name == "CHANNEL_HANGUP_COMPLETE":
        return sw.ChannelHangup(node, at, g("Unique-ID", ""), g("Hangup-Cause", ""))
    if name == "CHANNEL_BRIDGE":
        return sw.ChannelBridged(node, at, g("Bridge-A-Unique-ID", ""), g("Bridge-B-Unique-ID", ""))
    if name == "HEARTBEAT":
        try:
            up = int(g("Uptime-msec", "0"))
            sessions = int(g("Session-Count", "0"))
        except ValueError:
            up = sessions = 0
        return sw.Heartbeat(node, at, up, sessions, g("FreeSWITCH-Version", ""))
    return None
