"""LiveState: the live picture as a pure projection of switch events. No sockets, no clock.

    state = LiveState(load_kpi_settings(config_dir))
    for event in events:            # from backends.freeswitch (or a recording)
        state.apply(event)
    snap = state.snapshot(now=time.time())   # LiveSnapshot for the screens

Figures over windows (last 30 min, this shift, today) come from per-queue time buckets of
running sums (``windows.py``), so they slide and a refresh never walks the day's calls: nothing
is reset at midnight except the per-agent "today" counters, which by definition start at local
midnight.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Callable

from .. import switch as sw
from ..calls_port import AgentInterval
from ..clock import SITE_TZ
from ..kpi import CallOutcome, KpiSettings, KpiSums
from .occupancy import Occupancy
from .windows import QueueWindows, window_starts
from .views import AgentView, CallView, LiveSnapshot, QueueView, WaitingCaller

HISTORY_S = 1800
AVAILABLE = ("Available", "Available (On Demand)")
AgentKey = tuple[str, str]      # (node, agent id): the same id on two switches is two agents


def extension(agent: str, contact: str = "") -> str:
    """The SIP user whose registration is the agent's phone: the ``<ext>`` of a ``user/<ext>``
    or ``user/<ext>@domain`` contact, else the agent id before any ``@`` (mod_callcenter agents
    are often named ``1001@default``). The simulator names agent ``1001``'s contact
    ``user/1001@<domain>`` and registers its phone as SIP user ``1001`` (docs/esl.md)."""
    if contact.startswith("user/"):
        ext = contact[5:].split("@", 1)[0]
        if ext:
            return ext
    return agent.split("@", 1)[0]


class _Agent:
    __slots__ = ("name", "node", "status", "state", "since", "calls", "talk", "member", "caller", "bridge_end",
                 "wrap_up", "queues", "day", "sw_calls", "sw_talk", "contact", "known", "ivl_start", "reason")

    def __init__(self, name, node, at):
        self.name, self.node = name, node
        self.contact = ""          # the agent table's contact (user/<ext>[@domain]), from a resync
        self.status, self.state, self.since = "Logged Out", "Idle", at
        self.calls, self.talk, self.member, self.caller = 0, 0.0, "", ""
        self.bridge_end, self.wrap_up, self.queues, self.day = 0.0, 0, set(), None
        # The switch's own counters (agent list calls_answered / talk_time) as far as the events
        # tell: +1 per bridged call, back to 0 when the agent becomes Available (mod_callcenter
        # resets them then). A resync adds what the switch counted while the link was down.
        self.sw_calls, self.sw_talk = 0, 0.0
        # The agent's status/state interval: known once an event or the agent table said what
        # they are (before that the status above is a placeholder), open since ``ivl_start``.
        self.known, self.ivl_start = False, at
        # The not-ready reason the desk gave (``LiveState.note_reason``): the switch's events carry
        # none. It goes with the agent's On Break intervals until the status leaves On Break.
        self.reason = ""


class _Member:
    __slots__ = ("uuid", "node", "queue", "session", "joined", "number", "name", "state", "agent", "answered", "score")

    def __init__(self, uuid, node, queue, session, joined, number, name, score=0):
        self.uuid, self.node, self.queue, self.session, self.joined = uuid, node, queue, session, joined
        self.number, self.name, self.state, self.agent, self.answered = number, name, "Waiting", "", 0.0
        self.score = score         # base score (cc_base_score)


def _since(row: sw.AgentRow) -> float:
    """When the agent's current status/state began, from the agent table: the last status
    change, or — when later — the event that put the agent in its state: the bridge for "In a
    queue call", the offer for "Receiving" (and, the table having nothing closer, for a
    "Waiting" after a failed offer), the end of the last call for "Waiting"/"Idle". 0 if unknown."""
    if row.state == "In a queue call":
        started = row.last_bridge_start
    elif row.state == "Receiving":
        started = row.last_offered_call
    else:
        started = max(row.last_bridge_end, row.last_offered_call)
    return max(row.last_status_change, started)


class LiveState:
    def __init__(self, settings: KpiSettings | None = None, *, teams: dict[str, str] | None = None,
                 queues: tuple[str, ...] = ()):
        self.settings = settings or KpiSettings()
        self.teams = teams or {}
        self.known_queues = set(queues)
        self.agents: dict[AgentKey, _Agent] = {}
        # SIP users registered, per node; a node is absent while its registrations are unknown
        # (no resync yet, or the switch would not list them): nothing is flagged for it then
        self.registered: dict[str, set[str]] = {}
        self.members: dict[str, _Member] = {}
        # caller's channel (uuids are unique across nodes) -> "picked_up" | "moved": callers a supervisor is taking out of
        # their queue (switch.CallerTaken); read by the member-queue-end that follows
        self.taken: dict[str, str] = {}
        self.channels: dict[str, tuple[str, float]] = {}  # uuid -> (node, created)
        self.windows = QueueWindows(self.settings)     # call figures per queue, by time bucket
        self.history: deque[tuple[float, int]] = deque()   # (10 s bucket start, callers waiting), from events
        self.waiting_now = 0
        self.heartbeats: dict[str, float] = {}
        self.events_applied = 0
        self.last_event_at: float | None = None
        self.sinks: list[Callable[[CallOutcome, sw.MemberLeft], None]] = []
        self.interval_sinks: list[Callable[[AgentInterval], None]] = []   # finished status/state intervals
        self.occupancy = Occupancy()
        self._pending_reasons: dict[str, str] = {}   # note_reason for an agent not seen yet
        # What ``rebuild`` (rebuild.py) read from the record: visits that left before
        # ``calls_recorded_until`` and an agent's intervals that started before their recorded end
        # are already counted (only the simulator's warm-up replays such a past); occupancy from
        # events counts from ``occupancy_floor`` on.
        self.calls_recorded_until = 0.0
        self.intervals_recorded_until: dict[tuple[str, str], float] = {}
        self.occupancy_floor = 0.0
        # event type -> handler (each handler takes its own event type; Any keeps the table one dict)
        self._dispatch: dict[type, Callable[[Any], None]] = {
            sw.AgentStatusChanged: self._status, sw.AgentStateChanged: self._state, sw.AgentOffered: self._offered,
            sw.MemberJoined: self._joined, sw.BridgeStarted: self._bridge_start, sw.BridgeEnded: self._bridge_end,
            sw.BridgeFailed: self._bridge_fail, sw.MemberLeft: self._left, sw.ChannelCreated: self._ch_create,
            sw.ChannelHangup: self._ch_hangup, sw.Heartbeat: self._heartbeat, sw.Resynced: self._resync,
            sw.PhoneRegistered: self._registered, sw.PhoneUnregistered: self._unregistered,
            sw.CallerTaken: self._taken,
        }

    # -- applying events -------------------------------------------------------------------
    def apply(self, event: sw.SwitchEvent) -> None:
        """Apply one domain event. Never blocks; unknown events are ignored."""
        fn = self._dispatch.get(type(event))
        self.events_applied += 1
        if event.at:
            self.last_event_at = event.at
        if fn is not None:
            fn(event)

    def _agent(self, name: str, node: str, at: float) -> _Agent:
        a = self.agents.get((node, name))
        if a is None:
            a = self.agents[(node, name)] = _Agent(name, node, at)
            a.reason = self._pending_reasons.pop(name, "")
        return a

    def caller_numbers(self, members: list[str]) -> dict[str, str]:
        """The callers' numbers (unmasked: for store lookups, never for display) of the members
        ``members`` (member uuids) still known. Never blocks."""
        out = {}
        for u in members:
            m = self.members.get(u)
            if m is not None and m.number:
                out[u] = m.number
        return out
    def note_reason(self, agent: str, status: str, reason: str) -> None:
        """The desk set ``agent``'s own ``status`` with a not-ready ``reason`` (``Supervisor.
        set_own_status``): the agent's On Break interval — the one open now, or the next if the
        switch's event has not come yet — is recorded with it. Never blocks."""
        for (node, name), a in self.agents.items():
            if name == agent:
                a.reason = reason if status == "On Break" else ""
        if not any(name == agent for _, name in self.agents):
            self._pending_reasons[agent] = reason if status == "On Break" else ""

    def nodes_of(self, agent: str) -> list[str]:
        """The nodes that have an agent with id ``agent`` (sorted; empty when none does)."""
        return sorted(n for n, name in self.agents if name == agent)

    def _today(self, a: _Agent, at: float) -> None:
        day = datetime.fromtimestamp(at, SITE_TZ).date() if at else None
        if day is not None and day != a.day:
            a.day, a.calls, a.talk = day, 0, 0.0

    def _occupied(self, a: _Agent, at: float) -> None:
        """Tell the occupancy meter what ``a`` is doing from ``at`` (see occupancy.py)."""
        if a.member or a.state in ("In a queue call", "Receiving"):
            kind, until = "busy", 0.0
        elif a.status in ("Logged Out", "On Break"):
            kind, until = "off", 0.0
        else:
            kind, until = "idle", (a.bridge_end + a.wrap_up) if a.bridge_end else 0.0
        self.occupancy.set(f"{a.node}\x00{a.name}", max(at, self.occupancy_floor), kind, until)

    def _close_interval(self, a: _Agent, at: float, reason: str = "") -> None:
        """``a``'s current status/state ends at ``at``: hand the finished interval to the
        interval sinks (unless unknown, empty, or already in the record) and open the next.
        Interval times are whole seconds, as the switch's agent table keeps them: a console that
        learnt the state from the table on connect and one that saw the event then write the same
        key (node, agent, start); a stretch shorter than that second is not written."""
        start, end = math.floor(a.ivl_start), math.floor(at)
        if a.known and end > start and start >= self.intervals_recorded_until.get((a.node, a.name), 0.0):
            reason = reason or (a.reason if a.status == "On Break" else "")
            iv = AgentInterval(a.node, a.name, float(start), float(end), a.status, a.state, reason)
            for sink in self.interval_sinks:
                sink(iv)
        a.ivl_start = max(at, a.ivl_start)

    def _status(self, e: sw.AgentStatusChanged):
        a = self._agent(e.agent, e.node, e.at)
        if e.status == "Available" and a.status != "Available":
            a.sw_calls, a.sw_talk = 0, 0.0
        if not a.known or a.status != e.status:
            self._close_interval(a, e.at)
            if a.status == "On Break" and e.status != "On Break":
                a.reason = ""
        a.status, a.since, a.known = e.status, e.at, True
        self._occupied(a, e.at)

    def _state(self, e: sw.AgentStateChanged):
        a = self._agent(e.agent, e.node, e.at)
        if a.state != e.state or not a.known:
            self._close_interval(a, e.at)
            a.known = True
        if a.state != e.state:
            a.state, a.since = e.state, e.at
            self._occupied(a, e.at)

    def _offered(self, e: sw.AgentOffered):
        m = self.members.get(e.member_uuid)
        if m is not None and m.state == "Waiting":
            m.state = "Trying"

    def _note_waiting(self, at: float) -> None:
        """Keep the waiting-callers chart from events (so a replay or a warm start has history):
        one point per 10 s bucket, holding the bucket's latest count."""
        if not at:
            return
        bucket = at - at % 10
        if self.history and self.history[-1][0] == bucket:
            self.history[-1] = (bucket, self.waiting_now)
        elif not self.history or bucket > self.history[-1][0]:
            self.history.append((bucket, self.waiting_now))

    def _joined(self, e: sw.MemberJoined):
        old = self.members.get(e.member_uuid)
        if old is None or old.state not in ("Waiting", "Trying"):
            self.waiting_now += 1
        self.members[e.member_uuid] = _Member(e.member_uuid, e.node, e.queue, e.session_uuid, e.at,
                                              e.caller_number, e.caller_name, e.base_score)
        self.known_queues.add(e.queue)
        self._note_waiting(e.at)

    def _bridge_start(self, e: sw.BridgeStarted):
        m = self.members.get(e.member_uuid)
        if m is not None:
            if m.state in ("Waiting", "Trying"):
                self.waiting_now = max(self.waiting_now - 1, 0)
                self._note_waiting(e.at)
            m.state, m.agent, m.answered = "Answered", e.agent, e.answered_at or e.at
        a = self._agent(e.agent, e.node, e.at)
        a.member, a.caller = e.member_uuid, e.caller_number
        self._occupied(a, e.at)

    def _bridge_end(self, e: sw.BridgeEnded):
        a = self._agent(e.agent, e.node, e.at)
        self._today(a, e.ended_at or e.at)
        if e.bridged:
            talk = max((e.ended_at or e.at) - (e.answered_at or e.at), 0.0)
            a.calls += 1
            a.talk += talk
            a.sw_calls += 1
            a.sw_talk += talk
        a.bridge_end = e.ended_at or e.at
        a.member = a.caller = ""
        self._occupied(a, a.bridge_end)

    def _bridge_fail(self, e: sw.BridgeFailed):
        m = self.members.get(e.member_uuid)
        if m is not None and m.state == "Trying":
            m.state = "Waiting"

    def _taken(self, e: sw.CallerTaken):
        if e.how:
            self.taken[e.session_uuid] = e.how
        else:
            self.taken.pop(e.session_uuid, None)

    def _left(self, e: sw.MemberLeft):
        m = self.members.pop(e.member_uuid, None)
        if m is not None and m.state in ("Waiting", "Trying"):
            self.waiting_now = max(self.waiting_now - 1, 0)
            self._note_waiting(e.at)
        joined = e.joined_at or (m.joined if m else e.at)
        left = e.left_at or e.at
        if left < self.calls_recorded_until:
            return   # in the record already (rebuild): the simulator's warm-up replaying the past
        answered_at = e.answered_at or (m.answered if m else 0.0)
        answered = e.cause == "Terminated" and answered_at > 0
        agent = e.agent or (m.agent if m else "")
        served_by = self.agents.get((e.node, agent)) if answered else None
        # A caller a supervisor took leaves with Cancel / BREAK_OUT like one who hung up
        # (docs/kpi.md "Taken by a supervisor"): picked up is answered then, moved is neither.
        taken = self.taken.pop(e.session_uuid, "") if e.session_uuid else ""
        if answered or e.cancel_reason != "BREAK_OUT":
            taken = ""
        if taken == "picked_up":
            answered, answered_at = True, left
        outcome = CallOutcome(
            e.queue, joined, left, answered,
            wait_s=max((answered_at if answered else left) - joined, 0.0),
            talk_s=max(left - answered_at, 0.0) if answered else 0.0,
            abandoned=(not answered and not taken and e.cancel_reason == "BREAK_OUT"), agent=e.agent,
            wrap_s=float(served_by.wrap_up) if served_by is not None else 0.0, taken=taken)
        self.windows.add(outcome)
        for sink in self.sinks:
            sink(outcome, e)

    def _ch_create(self, e: sw.ChannelCreated):
        self.channels[e.uuid] = (e.node, e.at)

    def _ch_hangup(self, e: sw.ChannelHangup):
        self.channels.pop(e.uuid, None)

    def _heartbeat(self, e: sw.Heartbeat):
        self.heartbeats[e.node] = e.at

    def _registered(self, e: sw.PhoneRegistered):
        # Before the first resync of the node nothing is known of its other phones: keep the
        # node unknown rather than flag every other agent as unregistered.
        if e.node in self.registered:
            self.registered[e.node].add(e.user)

    def _unregistered(self, e: sw.PhoneUnregistered):
        if e.node in self.registered:
            self.registered[e.node].discard(e.user)

    def _resync(self, e: sw.Resynced):
        """Replace what is known about ``e.node`` with the switch's own tables (see docs/esl.md,
        "Resync"): agents, their queues, waiting and answered callers, channels. Every agent's
        call and caller come from the member table only, so a call that ended while the link was
        down leaves nothing behind. Time in state is seeded from the agent table; calls and talk
        today from its counters (for an agent already known today: plus what the switch counted
        while the link was down)."""
        old = {k[1]: a for k, a in self.agents.items() if k[0] == e.node}
        for n in old:
            del self.agents[(e.node, n)]
            self.occupancy.forget(f"{e.node}\x00{n}", e.at)
        if e.registrations is None:
            self.registered.pop(e.node, None)
        else:
            self.registered[e.node] = set(e.registrations)
        in_table = {row.name for row in e.agents}
        for n, gone in old.items():
            if n not in in_table:          # gone from the switch's table: its interval ends here
                self._close_interval(gone, e.at)
        today = datetime.fromtimestamp(e.at, SITE_TZ).date() if e.at else None
        for row in e.agents:
            seeded = _since(row) or e.at
            a = old.get(row.name)
            if a is None:
                a = _Agent(row.name, e.node, seeded)
            elif a.status != row.status or a.state != row.state or a.since <= seeded - 1:
                a.since = seeded
            if a.known and (a.status != row.status or a.state != row.state):
                # changed while the link was down: the old interval ends when the table says
                # the new status/state began (never before it started)
                self._close_interval(a, max(seeded, a.ivl_start))
            elif not a.known:
                a.ivl_start, a.known = seeded, True
            # else the state began where the events said (a finer time than the table's whole
            # seconds, and exact where the table only gives a lower bound): keep it
            a.status, a.state, a.node, a.contact = row.status, row.state, e.node, row.contact
            a.wrap_up, a.bridge_end = row.wrap_up_time, max(a.bridge_end, row.last_bridge_end)
            a.queues = set()
            a.member = a.caller = ""
            if a.day is not None and a.day == today:
                # known today: add what the switch counted meanwhile (its counters only fall when
                # it reset them, on Available: then all it has counted since is new to us)
                gained = row.calls_answered - a.sw_calls if row.calls_answered >= a.sw_calls else row.calls_answered
                gained_talk = row.talk_time - a.sw_talk if row.talk_time >= a.sw_talk else float(row.talk_time)
                a.calls += max(gained, 0)
                a.talk += max(gained_talk, 0.0)
            else:
                a.day, a.calls, a.talk = today, row.calls_answered, float(row.talk_time)
            a.sw_calls, a.sw_talk = row.calls_answered, float(row.talk_time)
            self.agents[(e.node, row.name)] = a
        for t in e.tiers:
            ta = self.agents.get((e.node, t.agent))
            if ta is not None:
                ta.queues.add(t.queue)
            self.known_queues.add(t.queue)
        self.known_queues.update(e.queues)
        for uuid in [u for u, m in self.members.items() if m.node == e.node]:
            del self.members[uuid]
        for r in e.members:
            if r.state in ("Waiting", "Trying", "Answered"):
                m = _Member(r.uuid, e.node, r.queue, r.session_uuid, r.joined_at, r.caller_number, r.caller_name,
                            r.base_score)
                m.state, m.agent, m.answered = r.state, r.serving_agent, r.bridge_at
                self.members[r.uuid] = m
                served = self.agents.get((e.node, r.serving_agent))
                if r.state == "Answered" and served is not None:
                    served.member = r.uuid
                    served.caller = r.caller_number
        self.waiting_now = sum(1 for m in self.members.values() if m.state in ("Waiting", "Trying"))
        self._note_waiting(e.at)
        for row in e.agents:
            self._occupied(self.agents[(e.node, row.name)], e.at)
        self.channels = {u: v for u, v in self.channels.items() if v[0] != e.node}
        self.channels.update({c.uuid: (e.node, c.created_at) for c in e.channels})

    # -- reading ---------------------------------------------------------------------------
    def _agent_view(self, a: _Agent, now: float, today: date | None = None) -> AgentView:
        wrap = a.status in AVAILABLE and a.state == "Waiting" and a.bridge_end and now < a.bridge_end + a.wrap_up
        flags = []
        if a.member:
            m = self.members.get(a.member)
            if m is None:
                flags.append("call-gone")
            elif self.channels and m.session and m.session not in self.channels:
                flags.append("channel-gone")     # still "answered", but the caller's channel is gone
        if a.state == "In a queue call" and not a.member:
            flags.append("in-call-without-caller")
        regs = self.registered.get(a.node)
        if a.status in AVAILABLE and regs is not None and extension(a.name, a.contact) not in regs:
            flags.append("available-unregistered")
        today = today or datetime.fromtimestamp(now, SITE_TZ).date()
        calls, talk = (a.calls, a.talk) if a.day == today else (0, 0.0)
        return AgentView(a.name, a.node, a.status, a.state, a.since, max(now - a.since, 0.0), calls, talk,
                         tuple(sorted(a.queues)), self.teams.get(a.name, ""), a.member, a.caller, bool(wrap), tuple(flags),
                         a.bridge_end + a.wrap_up - now if wrap else 0.0)

    def snapshot(self, now: float) -> LiveSnapshot:
        """The whole picture at ``now`` (epoch seconds). Cost is linear in agents + callers +
        queues (not in the day's calls: windows.py); call it at the screen's refresh rate, not per event."""
        starts = window_starts(now, self.settings)
        today = datetime.fromtimestamp(now, SITE_TZ).date()
        agents = tuple(sorted((self._agent_view(a, now, today) for a in self.agents.values()),
                              key=lambda v: (v.name, v.node)))
        by_queue: dict[str, list[AgentView]] = {}     # one pass, not one per queue (50 x 1,000 at a big site)
        for a in agents:
            for q in a.queues:
                by_queue.setdefault(q, []).append(a)
        self.windows.prune(now)
        sums = {"30m": self.windows.sliding(starts["30m"]),
                "shift": self.windows.anchored_since("shift", starts["shift"]),
                "today": self.windows.anchored_since("today", starts["today"])}
        empty = KpiSums()
        waiting_by_q: dict[str, list[WaitingCaller]] = {}
        calls = []
        for m in self.members.values():
            if m.state in ("Waiting", "Trying"):
                waiting_by_q.setdefault(m.queue, []).append(
                    WaitingCaller(m.uuid, m.queue, m.number, m.name, m.joined, max(now - m.joined, 0.0), m.state,
                                  m.session, m.node, m.score))
            else:
                flags = ("channel-gone",) if self.channels and m.session and m.session not in self.channels else ()
                calls.append(CallView(m.uuid, m.node, m.queue, m.number, m.name, m.agent, m.joined, m.answered or None,
                                      max(now - (m.answered or m.joined), 0.0), flags, m.session))
        queues = []
        for q in sorted(self.known_queues | set(waiting_by_q)):
            members_q = by_queue.get(q, ())
            waiting = sorted(waiting_by_q.get(q, []), key=lambda w: w.joined_at)
            if waiting:
                # the switch's order (queue list members: ORDER BY score DESC, time-base-score queue)
                ranked = sorted(waiting, key=lambda w: (-(w.priority + w.wait_s), w.joined_at))
                pos = {w.member_uuid: i for i, w in enumerate(ranked, 1)}
                waiting = [replace(w, position=pos[w.member_uuid]) for w in waiting]
            kpi = {w: sums[w].get(q, empty).figures(w, self.settings) for w in ("30m", "shift", "today")}
            available = sum(1 for a in members_q if a.status in AVAILABLE and a.state == "Waiting" and not a.wrap_up)
            on_call = sum(1 for a in members_q if a.state in ("In a queue call", "Receiving"))
            wrap = sum(1 for a in members_q if a.wrap_up)
            brk = sum(1 for a in members_q if a.status == "On Break")
            logged = sum(1 for a in members_q if a.status != "Logged Out")
            aht = kpi["30m"].aht_s or kpi["today"].aht_s or 180.0
            ewt = (len(waiting) * aht / max(available + on_call + wrap, 1)) if waiting else 0.0
            node = members_q[0].node if members_q else next((m.node for m in self.members.values() if m.queue == q), "")
            queues.append(QueueView(q, node, len(waiting),
                                    now - waiting[0].joined_at if waiting else 0.0, ewt if logged else None,
                                    available, on_call, wrap, brk, logged, kpi, tuple(waiting)))
        self.occupancy.prune(now)
        totals = {}
        for w in ("30m", "shift", "today"):
            acc = KpiSums()
            for per_q in sums[w].values():
                acc.merge(per_q)
            totals[w] = replace(acc.figures(w, self.settings), occupancy=self.occupancy.ratio(now, starts[w]))
        total_waiting = sum(q.waiting for q in queues)
        self.waiting_now = total_waiting
        self._note_waiting(now)
        while self.history and self.history[0][0] < now - HISTORY_S:
            self.history.popleft()
        return LiveSnapshot(now, tuple(queues), agents, tuple(sorted(calls, key=lambda c: c.started_at)), totals,
                            tuple(self.history), self.last_event_at, self.events_applied)
