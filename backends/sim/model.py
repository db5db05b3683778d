"""A mod_callcenter call centre as a discrete-event model in simulated time.

``CallCenter(site, seed=…, start=…)`` holds mod_callcenter's tables (agents, tiers, members,
queues) and the switch's channels, and moves them the way mod_callcenter does: callers join a
queue, members are offered to agents by the queue's strategy, agents answer or let it ring out,
talk, wrap up, take breaks; callers hang up while waiting, press a key to leave, time out and
overflow, ring again and resume. Every change raises the events FreeSWITCH would raise
(``CUSTOM callcenter::info`` with its CC-Action headers, CHANNEL_* and HEARTBEAT), in
mod_callcenter's order, to every listener. ``run_until(t)`` advances the model; nothing here
touches a socket or the wall clock, so a seed gives the same day every time.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Self

from hotline_tui.clock import SITE_TZ
from hotline_tui.site import Queue as QueueCfg
from hotline_tui.site import Site

from .events import SimEvent

CC = "callcenter::info"
# Where mod_callcenter.c creates each event (Event-Calling-Function / -Line-Number, snapshot
# cc93a683): switch_event_create_subclass() records __SWITCH_FUNC__ and __LINE__.
_CC_CALLING = {
    "agent-add": ("cc_agent_add", 915), "agent-status-change": ("cc_agent_update", 1043),
    "agent-state-change": ("cc_agent_update", 1067), "agent-contact-change": ("cc_agent_update", 1091),
    "agent-status-get": ("cc_agent_get", 970), "agent-state-get": ("cc_agent_get", 970),
    "agent-uuid-get": ("cc_agent_get", 970), "agent-offering": ("outbound_agent_thread_run", 1717),
    "bridge-agent-start": ("outbound_agent_thread_run", 1934), "bridge-agent-end": ("outbound_agent_thread_run", 2062),
    "agent-max-no-answer": ("outbound_agent_thread_run", 2176),
    "bridge-agent-fail": ("outbound_agent_thread_run", 2200), "members-count": ("cc_queue_count", 878),
    "member-queue-start": ("callcenter_function", 3113), "member-queue-resume": ("callcenter_function", 3113),
}
# Channel events: file, function, line of their switch_event_create().
_CH_CALLING = {
    "CHANNEL_CREATE": ("switch_core_state_machine.c", "switch_core_session_run", 626),
    "CHANNEL_ANSWER": ("switch_channel.c", "switch_channel_perform_mark_answered", 3848),
    "CHANNEL_BRIDGE": ("switch_ivr_bridge.c", "signal_bridge_on_hibernate", 1377),
    "CHANNEL_HANGUP_COMPLETE": ("switch_core_state_machine.c", "switch_core_session_reporting_state", 943),
}
# switch_types.h switch_channel_state_t
STATE_NUMBER = {"CS_NEW": 0, "CS_INIT": 1, "CS_ROUTING": 2, "CS_SOFT_EXECUTE": 3, "CS_EXECUTE": 4,
                "CS_EXCHANGE_MEDIA": 5, "CS_PARK": 6, "CS_CONSUME_MEDIA": 7, "CS_HIBERNATE": 8, "CS_RESET": 9,
                "CS_HANGUP": 10, "CS_REPORTING": 11, "CS_DESTROY": 12}
READY_STATES = ("Ready", "No Answer")
VIP_BASE_SCORE = 600          # a VIP / elderly caller is served as if they had waited 10 more minutes
NO_ANSWER_RING_S = 20.0


@dataclass
class Channel:
    uuid: str
    direction: str                 # inbound | outbound
    name: str
    cid_num: str
    cid_name: str
    dest: str
    created: float
    answered: float = 0.0
    state: str = "CS_EXECUTE"
    callstate: str = "RINGING"
    application: str = ""
    app_data: str = ""
    call_uuid: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    # Channel-State is the running state, Channel-State-Number the state it is going to
    # (switch_channel_event_set_basic_data prints channel->running_state and channel->state).
    next_state: str = ""
    hangup_cause: str = ""


@dataclass
class AgentRec:
    name: str
    contact: str
    status: str = "Logged Out"
    state: str = "Waiting"
    type: str = "callback"
    max_no_answer: int = 3
    wrap_up_time: int = 10
    reject_delay_time: int = 10
    busy_delay_time: int = 60
    no_answer_delay_time: int = 30
    last_bridge_start: int = 0
    last_bridge_end: int = 0
    last_offered_call: int = 0
    last_status_change: int = 0
    no_answer_count: int = 0
    calls_answered: int = 0
    talk_time: int = 0
    ready_time: int = 0
    external_calls_count: int = 0
    uuid: str = ""
    # simulation only
    leg: str = ""                  # agent leg channel while ringing / talking
    member: str = ""
    break_due: bool = False
    break_token: int = 0


@dataclass
class Registration:
    """One phone's SIP registration on profile ``internal`` (mod_sofia's sip_registrations row and
    the core's registrations row)."""

    user: str
    call_id: str
    network_ip: str
    network_port: str
    user_agent: str
    reg_time: float                # the last REGISTER (first one or a refresh)
    core_order: int = 0            # the core table is rewritten on every REGISTER: listed by this
    expires_s: int = 3600

    def contact(self) -> str:
        return f'"{self.user}" <sip:{self.user}@{self.network_ip}:{self.network_port}>'


PHONES = ("Yealink SIP-T46U 108.86.0.20", "Grandstream GXP2170 1.0.11.23", "MicroSIP/3.21.3", "Zoiper rv2.10.19.2")
REG_LATE_MARGIN_S = 60         # sofia.c: profile->sip_expires_late_margin default
REG_REFRESH_S = 1800           # phones re-REGISTER at half the expiry


@dataclass
class TierRec:
    queue: str
    agent: str
    state: str = "Ready"
    level: int = 1
    position: int = 1


class TierTable(dict[tuple[str, str], TierRec]):
    """mod_callcenter's tiers, keyed by (queue, agent), with a per-queue index kept in the
    table's own order. Dispatch reads one queue's tiers for every waiting caller; scanning all
    of them (7,000 on a 1,000-agent site) made the model too slow for large sites. The API
    edits the table like a dict; any edit drops the index, which is rebuilt on the next read."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._by_queue: dict[str, list[TierRec]] | None = None

    def of_queue(self, queue: str) -> list[TierRec]:
        """The tiers of ``queue`` in table order (a shared list: do not modify)."""
        if self._by_queue is None:
            idx: dict[str, list[TierRec]] = {}
            for (q, _), t in self.items():
                idx.setdefault(q, []).append(t)
            self._by_queue = idx
        return self._by_queue.get(queue, [])

    def __setitem__(self, key, value) -> None:
        self._by_queue = None
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        self._by_queue = None
        super().__delitem__(key)

    def pop(self, *args):
        self._by_queue = None
        return super().pop(*args)

    def popitem(self):
        self._by_queue = None
        return super().popitem()

    def setdefault(self, key, default=None):
        self._by_queue = None
        return super().setdefault(key, default)

    def update(self, *args, **kw) -> None:
        self._by_queue = None
        super().update(*args, **kw)

    def clear(self) -> None:
        self._by_queue = None
        super().clear()

    # mypy holds an in-place |= to dict's widening __or__ overload; typeshed's own dict.__ior__
    # carries the same ignore[misc]. ``other``: what dict.update takes (a mapping or pairs).
    def __ior__(self, other: Any) -> Self:  # type: ignore[override, misc]
        self._by_queue = None
        return super().__ior__(other)


@dataclass
class MemberRec:
    queue: str
    uuid: str
    session_uuid: str
    cid_number: str
    cid_name: str
    system_epoch: int
    joined_epoch: int
    base_score: int = 0
    rejoined_epoch: int = 0
    bridge_epoch: int = 0
    abandoned_epoch: int = 0
    serving_agent: str = ""
    state: str = "Waiting"
    # simulation only
    joined_at: float = 0.0
    offer: int = 0
    ringing: list[str] = field(default_factory=list)
    talk_s: float = 0.0
    answered_at: float = 0.0
    top_down: int = 0
    queued_at: float = 0.0         # the first join (a resumed member keeps it: score by joined_epoch)


@dataclass
class QueueRec:
    cfg: QueueCfg
    calls_answered: int = 0
    calls_abandoned: int = 0
    rr_last: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One finished queue call, for tests against theory and for the truth."""

    queue: str
    joined: float
    answered: float | None
    left: float
    reason: str                    # answered | BREAK_OUT | TIMEOUT | NO_AGENT_TIMEOUT | EXIT_WITH_KEY


class CallCenter:
    def __init__(self, site: Site, *, seed: int = 0, start: float = 0.0, traffic: bool = True,
                 heartbeat_s: float = 20.0, keep_outcomes: bool = False, profile: str = "site",
                 phone_drop_every_s: float = 0.0, phone_down_s: float = 90.0):
        self.site, self.now, self.start = site, start, start
        self.profile = profile          # "site": the intraday profile; "peak": peak traffic at any hour
        self.rng = random.Random(seed)
        self._heap: list = []
        self._seq = itertools.count()
        self._ev_seq = itertools.count(1)
        self.listeners: list[Callable[[SimEvent], None]] = []
        self.muted = False
        self.sessions_since_start = 0
        self.peak_sessions = 0
        self.outcomes: list[Outcome] | None = [] if keep_outcomes else None
        self.queues = {q.name: QueueRec(q) for q in site.queues}
        self.agents: dict[str, AgentRec] = {}
        self.tiers: TierTable = TierTable()
        self.members: dict[str, MemberRec] = {}
        self.channels: dict[str, Channel] = {}
        self.abandoned: dict[tuple[str, str], str] = {}   # (queue, number) -> member uuid, for resume
        self.calls: dict[str, tuple[str, float]] = {}     # the core's calls table: caller -> (callee, created)
        # callbacks placed by originate and not ended yet: agent leg -> (citizen leg, agent)
        self.callbacks: dict[str, tuple[str, str]] = {}
        # Phones: every agent not Logged Out starts registered; each registered phone drops off
        # (sofia::unregister) every ``phone_drop_every_s`` on average (0: never) and comes back
        # after ``phone_down_s`` on average. Their own random stream, so the calls of a seed stay
        # the same whatever the phones do.
        self.registrations: dict[str, Registration] = {}
        self.reg_rng = random.Random(f"phones-{seed}")
        self.phone_drop_every_s, self.phone_down_s = phone_drop_every_s, phone_down_s
        self._reg_order = itertools.count()
        self._dispatch_due = False
        for pos, a in enumerate(site.agents, 1):
            rec = AgentRec(a.name, f"user/{a.name}@{site.domain}", status=a.status, max_no_answer=a.max_no_answer,
                           wrap_up_time=a.wrap_up_s, no_answer_delay_time=site.behaviour.no_answer_delay_s,
                           last_status_change=int(start))
            self.agents[a.name] = rec
            for q, level in a.skills.items():
                self.tiers[(q, a.name)] = TierRec(q, a.name, "Ready", level, pos)
            if rec.status == "Available":
                self._plan_break(rec)
            if rec.status != "Logged Out":
                self.register(a.name)
        if traffic:
            for qc in site.queues:
                if qc.traffic.calls_per_hour > 0:
                    self._next_arrival(qc)
        if heartbeat_s:
            self.at(start + heartbeat_s, self._heartbeat, heartbeat_s)

    # -- time ------------------------------------------------------------------------------
    def at(self, t: float, fn: Callable, *args) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), fn, args))

    def run_until(self, t: float) -> None:
        """Advance simulated time to ``t``, running everything due on the way."""
        heap = self._heap
        while heap and heap[0][0] <= t:
            when, _, fn, args = heapq.heappop(heap)
            self.now = max(self.now, when)
            fn(*args)
        self.now = max(self.now, t)

    def uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    # -- events ----------------------------------------------------------------------------
    def emit(self, name: str, headers: list[tuple[str, str]], *, subclass: str | None = None,
             body: str | None = None, calling: tuple[str, str, int] = ("mod_callcenter.c", "cc_event", 0)) -> None:
        if self.muted or not self.listeners:
            return
        ev = SimEvent(name, self.now, next(self._ev_seq), headers, subclass, body, calling)
        for fn in list(self.listeners):
            fn(ev)

    def cc(self, headers: list[tuple[str, str]], channel: Channel | None = None) -> None:
        if self.muted or not self.listeners:
            return
        pre = self.channel_data(channel) if channel is not None else []
        action = next((v for k, v in headers if k == "CC-Action"), "")
        if action == "member-queue-end":
            fn = ("outbound_agent_thread_run", 2098) if ("CC-Cause", "Terminated") in headers else ("callcenter_function", 3274)
        else:
            fn = _CC_CALLING.get(action, ("cc_agent_update", 1043))
        self.emit("CUSTOM", pre + headers, subclass=CC, calling=("mod_callcenter.c", fn[0], fn[1]))

    def channel_data(self, ch: Channel) -> list[tuple[str, str]]:
        us = lambda t: str(int(t * 1_000_000)) if t else "0"
        down = STATE_NUMBER.get(ch.state, 0) >= STATE_NUMBER["CS_HANGUP"]
        answered = "hangup" if down else "answered" if ch.answered else "ringing"
        data = [
            ("Channel-State", ch.state), ("Channel-Call-State", ch.callstate),
            ("Channel-State-Number", str(STATE_NUMBER.get(ch.next_state or ch.state, 0))), ("Channel-Name", ch.name),
            ("Unique-ID", ch.uuid), ("Call-Direction", ch.direction), ("Presence-Call-Direction", ch.direction),
            ("Channel-HIT-Dialplan", "true" if ch.direction == "inbound" else "false"),
            ("Channel-Call-UUID", ch.call_uuid or ch.uuid), ("Answer-State", answered),
            ("Hangup-Cause", ch.hangup_cause),
            ("Channel-Read-Codec-Name", "PCMA"), ("Channel-Read-Codec-Rate", "8000"),
            ("Channel-Write-Codec-Name", "PCMA"), ("Channel-Write-Codec-Rate", "8000"),
            ("Caller-Direction", ch.direction), ("Caller-Logical-Direction", ch.direction),
            ("Caller-Username", ch.cid_num), ("Caller-Dialplan", "XML"),
            ("Caller-Caller-ID-Name", ch.cid_name), ("Caller-Caller-ID-Number", ch.cid_num),
            ("Caller-Orig-Caller-ID-Name", ch.cid_name), ("Caller-Orig-Caller-ID-Number", ch.cid_num),
            ("Caller-Network-Addr", "127.0.0.1"), ("Caller-ANI", ch.cid_num), ("Caller-Destination-Number", ch.dest),
            ("Caller-Unique-ID", ch.uuid), ("Caller-Source", "mod_sofia"), ("Caller-Context", "default"),
            ("Caller-Channel-Name", ch.name), ("Caller-Profile-Index", "1"),
            ("Caller-Profile-Created-Time", us(ch.created)), ("Caller-Channel-Created-Time", us(ch.created)),
            ("Caller-Channel-Answered-Time", us(ch.answered)),
            ("Caller-Channel-Hangup-Time", us(self.now) if down else "0"),
        ]
        data += [(f"variable_{k}", v) for k, v in ch.variables.items()]
        return data

    def _channel_event(self, name: str, ch: Channel, extra: list[tuple[str, str]] | None = None,
                       before: list[tuple[str, str]] | None = None,
                       calling: tuple[str, str, int] | None = None) -> None:
        if self.muted or not self.listeners:
            return
        self.emit(name, (before or []) + self.channel_data(ch) + (extra or []),
                  calling=calling or _CH_CALLING.get(name, ("switch_channel.c", "switch_channel_event_set_data", 0)))

    def new_channel(self, direction: str, name: str, cid_num: str, cid_name: str, dest: str, **variables) -> Channel:
        # CHANNEL_CREATE is fired in CS_INIT after the endpoint's on_init moved the channel on to
        # CS_ROUTING, before any call state: Channel-State CS_INIT, -Number 2, Call-State DOWN.
        ch = Channel(self.uuid(), direction, name, cid_num, cid_name, dest, self.now,
                     variables={k: str(v) for k, v in variables.items()}, state="CS_INIT", callstate="DOWN",
                     next_state="CS_ROUTING")
        self.channels[ch.uuid] = ch
        self.sessions_since_start += 1
        self.peak_sessions = max(self.peak_sessions, len(self.channels))
        self._channel_event("CHANNEL_CREATE", ch)
        ch.state, ch.next_state, ch.callstate = "CS_EXECUTE", "", "RINGING"
        return ch

    def answer_channel(self, ch: Channel) -> None:
        ch.answered, ch.callstate = self.now, "ACTIVE"
        self._channel_event("CHANNEL_ANSWER", ch)

    def hangup_channel(self, uuid: str, cause: str = "NORMAL_CLEARING") -> None:
        ch = self.channels.pop(uuid, None)
        if ch is None:
            return
        # switch_core_session_reporting_state(): Hangup-Cause first, then the channel data, which
        # has it again (the header appears twice); the channel is CS_REPORTING (11), answer state hangup.
        ch.state, ch.callstate, ch.hangup_cause = "CS_REPORTING", "HANGUP", cause
        self.calls.pop(uuid, None)
        for caller in [k for k, (callee, _) in self.calls.items() if callee == uuid]:
            del self.calls[caller]
        dur = int(self.now - ch.created)
        bill = int(self.now - ch.answered) if ch.answered else 0
        ch.variables.update(duration=str(dur), billsec=str(bill))
        self._channel_event("CHANNEL_HANGUP_COMPLETE", ch, before=[("Hangup-Cause", cause)])

    def _heartbeat(self, every: float) -> None:
        up_ms = int((self.now - self.start) * 1000)
        self.emit("HEARTBEAT", [
            ("Event-Info", "System Ready"), ("Up-Time", _uptime(up_ms)), ("FreeSWITCH-Version", "1.10.12-release+sim"),
            ("Uptime-msec", str(up_ms)), ("Session-Count", str(len(self.channels))), ("Max-Sessions", "1000"),
            ("Session-Per-Sec", "30"), ("Session-Per-Sec-Last", "0"), ("Session-Per-Sec-Max", "2"),
            ("Session-Per-Sec-FiveMin", "0"), ("Session-Since-Startup", str(self.sessions_since_start)),
            ("Session-Peak-Max", str(self.peak_sessions)), ("Session-Peak-FiveMin", str(len(self.channels))),
            ("Idle-CPU", "97.000000")], calling=("switch_core.c", "send_heartbeat", 95))
        self.at(self.now + every, self._heartbeat, every)

    # -- traffic ---------------------------------------------------------------------------
    def _next_arrival(self, q: QueueCfg) -> None:
        rate = q.traffic.calls_per_hour / 3600.0
        self.at(self.now + self.rng.expovariate(rate), self._arrival_tick, q)

    def _arrival_tick(self, q: QueueCfg) -> None:
        # Thinning: candidates arrive at the peak rate and are kept with the profile's share.
        share = (self.site.profile_at(datetime.fromtimestamp(self.now, SITE_TZ).time())
                 if self.site.profile and self.profile == "site" else 1.0)
        if self.rng.random() < share:
            self.arrive(q.name, self._number())
        self._next_arrival(q)

    def _number(self) -> str:
        return "1" + self.rng.choice("3456789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def _talk(self, q: QueueCfg) -> float:
        t = q.traffic
        if t.talk_dist == "exponential" or t.talk_cv >= 0.999 and t.talk_dist != "lognormal":
            return self.rng.expovariate(1.0 / t.talk_mean_s)
        sigma2 = math.log(1 + t.talk_cv ** 2)
        return self.rng.lognormvariate(math.log(t.talk_mean_s) - sigma2 / 2, math.sqrt(sigma2))

    def arrive(self, queue: str, number: str, name: str = "", base_score: int | None = None) -> MemberRec:
        """A caller rings 12345 and is put in ``queue``; returns the member."""
        q = self.queues[queue].cfg
        ch = self.new_channel("inbound", f"sofia/external/{number}@carrier", number, name, "12345",
                              cc_queue=queue, sip_from_user=number)
        ch.application, ch.app_data = "callcenter", queue
        self.answer_channel(ch)       # the callcenter app answers before queueing
        if base_score is None:
            base_score = VIP_BASE_SCORE if self.rng.random() < q.traffic.vip_share else 0
        if base_score:
            ch.variables["cc_base_score"] = str(base_score)   # as the dialplan sets it before callcenter
        return self.join(queue, ch, base_score)

    def join(self, queue: str, ch: Channel, base_score: int = 0) -> MemberRec:
        q = self.queues[queue].cfg
        old = self.abandoned.pop((queue, ch.cid_num), None) if q.abandoned_resume_allowed else None
        resumed = old is not None and old in self.members
        if old is not None and resumed:
            m = self.members[old]
            m.session_uuid, m.state, m.rejoined_epoch, m.abandoned_epoch = ch.uuid, "Waiting", int(self.now), 0
            m.serving_agent, m.ringing, m.joined_at = "", [], self.now
        else:
            m = MemberRec(queue, self.uuid(), ch.uuid, ch.cid_num, ch.cid_name, int(self.now), int(self.now),
                          base_score, joined_at=self.now, queued_at=self.now)
            self.members[m.uuid] = m
        ch.variables.update(cc_queue=queue, cc_member_uuid=m.uuid, cc_side="member",
                            cc_queue_joined_epoch=str(int(self.now)))
        self.cc([("CC-Queue", queue), ("CC-Action", "member-queue-resume" if resumed else "member-queue-start"),
                 ("CC-Member-UUID", m.uuid), ("CC-Member-Session-UUID", ch.uuid),
                 ("CC-Member-CID-Name", ch.cid_name), ("CC-Member-CID-Number", ch.cid_num)], ch)
        self._members_count(queue)
        t = q.traffic
        if t.patience_mean_s:
            self.at(self.now + self.rng.expovariate(1.0 / t.patience_mean_s), self._give_up, m.uuid, m.joined_at,
                    "BREAK_OUT")
        if t.exit_key_share and self.rng.random() < t.exit_key_share:
            self.at(self.now + self.rng.uniform(10, 60), self._give_up, m.uuid, m.joined_at, "EXIT_WITH_KEY")
        if q.max_wait_time:
            self.at(self.now + q.max_wait_time, self._give_up, m.uuid, m.joined_at, "TIMEOUT")
        if q.max_wait_time_with_no_agent:
            self.at(self.now + q.max_wait_time_with_no_agent, self._no_agent_check, m.uuid, m.joined_at)
        self.want_dispatch()
        return m

    def _members_count(self, queue: str) -> None:
        n = sum(1 for m in self.members.values() if m.queue == queue and m.state in ("Waiting", "Trying"))
        self.cc([("CC-Queue", queue), ("CC-Action", "members-count"), ("CC-Count", str(n)),
                 ("CC-Selection", "Single-Queue")])

    # -- dispatch --------------------------------------------------------------------------
    def want_dispatch(self, when: float | None = None) -> None:
        if when is not None and when > self.now:
            self.at(when, self.want_dispatch)
            return
        if not self._dispatch_due:
            self._dispatch_due = True
            self.at(self.now, self._dispatch)

    def _eligible(self, a: AgentRec, t: TierRec) -> bool:
        return (a.status in ("Available", "Available (On Demand)") and a.state == "Waiting"
                and t.state in READY_STATES and a.last_bridge_end + a.wrap_up_time <= self.now
                and a.ready_time <= self.now and not a.leg and a.external_calls_count == 0)

    def _candidates(self, m: MemberRec, qr: QueueRec, taken: set[str]) -> list[AgentRec]:
        tiers = self.tiers.of_queue(m.queue)
        pairs = [(self.agents[t.agent], t) for t in tiers
                 if t.agent in self.agents and t.agent not in taken and self._eligible(self.agents[t.agent], t)]
        s = qr.cfg.strategy
        if s == "longest-idle-agent":
            pairs.sort(key=lambda p: (p[1].level, p[0].last_bridge_end, p[1].position))
        elif s == "agent-with-least-talk-time":
            pairs.sort(key=lambda p: (p[1].level, p[0].talk_time, p[1].position))
        elif s == "agent-with-fewest-calls":
            pairs.sort(key=lambda p: (p[1].level, p[0].calls_answered, p[1].position))
        elif s == "sequentially-by-agent-order":
            pairs.sort(key=lambda p: (p[1].level, p[1].position, p[0].last_offered_call))
        elif s == "random":
            pairs.sort(key=lambda p: (p[1].level, self.rng.random()))
        elif s == "round-robin":
            pairs.sort(key=lambda p: ((p[1].level, p[1].position) <= qr.rr_last, p[1].level, p[1].position))
        elif s == "top-down":
            pairs.sort(key=lambda p: (p[1].level, p[1].position))
        else:  # ring-all
            pairs.sort(key=lambda p: (p[1].level, p[1].position))
        return [a for a, _ in pairs]

    def _dispatch(self) -> None:
        self._dispatch_due = False
        waiting = [m for m in self.members.values() if m.state == "Waiting"]
        if not waiting:
            return
        now = self.now
        waiting.sort(key=lambda m: -(m.base_score + now - m.queued_at))
        taken: set[str] = set()
        for m in waiting:
            qr = self.queues[m.queue]
            cands = self._candidates(m, qr, taken)
            if not cands:
                continue
            chosen = cands if qr.cfg.strategy == "ring-all" else cands[:1]
            if qr.cfg.strategy == "round-robin":
                t = self.tiers[(m.queue, chosen[0].name)]
                qr.rr_last = (t.level, t.position)
            taken.update(a.name for a in chosen)
            self._offer(m, chosen)

    def _offer(self, m: MemberRec, agents: list[AgentRec]) -> None:
        m.state, m.offer = "Trying", m.offer + 1
        m.serving_agent = "ring-all" if len(agents) > 1 else agents[0].name
        m.ringing = [a.name for a in agents]
        member_ch = self.channels.get(m.session_uuid)
        beh = self.site.behaviour
        for a in agents:
            a.state, a.last_offered_call = "Receiving", int(self.now)
            self.tiers[(m.queue, a.name)].state = "Offering"
            self.cc([("CC-Agent", a.name), ("CC-Action", "agent-state-change"), ("CC-Agent-State", "Receiving")])
            self.cc([("CC-Queue", m.queue), ("CC-Action", "agent-offering"), ("CC-Agent", a.name),
                     ("CC-Agent-Type", a.type), ("CC-Agent-System", "single_box"), ("CC-Member-UUID", m.uuid),
                     ("CC-Member-Session-UUID", m.session_uuid), ("CC-Member-CID-Name", m.cid_name),
                     ("CC-Member-CID-Number", m.cid_number)])
            if a.name not in self.registrations:
                # user/<agent> cannot be reached: originate fails at once, no channel is created
                a.member = m.uuid
                self.at(self.now, self._ring_fail, m.uuid, m.offer, a.name, "USER_NOT_REGISTERED")
                continue
            leg = self.new_channel("outbound", f"sofia/internal/{a.name}@{self.site.domain}", m.cid_number, m.cid_name,
                                   a.name, cc_queue=m.queue, cc_member_uuid=m.uuid,
                                   cc_member_session_uuid=m.session_uuid, cc_agent=a.name, cc_agent_type=a.type,
                                   cc_side="agent", cc_queue_joined_epoch=str(m.joined_epoch))
            leg.call_uuid = member_ch.uuid if member_ch else ""
            a.leg, a.member = leg.uuid, m.uuid
            if beh.no_answer_share and self.rng.random() < beh.no_answer_share:
                self.at(self.now + NO_ANSWER_RING_S, self._ring_fail, m.uuid, m.offer, a.name, "NO_ANSWER")
            else:
                ring = self.rng.expovariate(1.0 / beh.ring_mean_s) if beh.ring_mean_s > 0 else 0.0
                self.at(self.now + min(ring, NO_ANSWER_RING_S - 1), self._agent_answers, m.uuid, m.offer, a.name)

    def _release_leg(self, a: AgentRec, m: MemberRec | None, cause: str, *, delay_for: str = "") -> None:
        """The offer to ``a`` failed, in mod_callcenter.c outbound_agent_thread_run()'s order: for a
        no-answer reaching max_no_answer, agent-max-no-answer (L2176) then agent-status-change (its
        cc_agent_update, L2186); then bridge-agent-fail (L2200); then agent-state-change(Waiting)
        (L2229). The agent's leg is hung up with ``cause`` (LOSE_RACE for ring-all losers, L1927)."""
        leg = a.leg
        a.leg, a.member = "", ""
        t = self.tiers.get((m.queue, a.name)) if m else None
        if delay_for == "no-answer":
            a.ready_time = int(self.now) + a.no_answer_delay_time
            if t:
                t.state = "No Answer"
            if a.max_no_answer and a.no_answer_count + 1 >= a.max_no_answer:
                self.cc([("CC-Agent", a.name), ("CC-Action", "agent-max-no-answer"),
                         ("CC-Agent-No-Answer-Count", str(a.max_no_answer)), ("CC-Agent-No-Answer-Status", "On Break"),
                         ("CC-Member-UUID", m.uuid if m else ""), ("CC-Member-Session-UUID", m.session_uuid if m else "")])
                self._set_status(a, "On Break")
                self._schedule_return(a)
            a.no_answer_count += 1
        elif delay_for == "not-registered":
            a.ready_time = int(self.now) + 5            # L2157: protection against a fast loop
            if t:
                t.state = "Ready"
        elif t:
            t.state = "Ready"
        if leg:
            self.hangup_channel(leg, cause)
        if m is not None:
            self.cc([("CC-Queue", m.queue), ("CC-Action", "bridge-agent-fail"), ("CC-Hangup-Cause", cause),
                     ("CC-Agent", a.name), ("CC-Agent-System", "single_box"),
                     ("CC-Agent-Called-Time", str(a.last_offered_call)), ("CC-Agent-Aborted-Time", str(int(self.now))),
                     ("CC-Member-UUID", m.uuid), ("CC-Member-Session-UUID", m.session_uuid),
                     ("CC-Member-CID-Name", m.cid_name), ("CC-Member-CID-Number", m.cid_number),
                     ("CC-Member-Joined-Time", str(m.joined_epoch))])
        self._set_state(a, "Waiting")
        self.want_dispatch()
        self.want_dispatch(a.ready_time)

    def _ring_fail(self, member_uuid: str, offer: int, agent: str, cause: str) -> None:
        m = self.members.get(member_uuid)
        a = self.agents[agent]
        if m is None or m.offer != offer or m.state != "Trying" or a.member != member_uuid:
            return
        self._release_leg(a, m, cause, delay_for="not-registered" if cause == "USER_NOT_REGISTERED" else "no-answer")
        m.ringing = [x for x in m.ringing if x != agent]
        if not m.ringing:
            m.state, m.serving_agent = "Waiting", ""
            self.want_dispatch()

    def _agent_answers(self, member_uuid: str, offer: int, agent: str) -> None:
        m = self.members.get(member_uuid)
        a = self.agents[agent]
        if m is None or m.offer != offer or m.state != "Trying" or a.member != member_uuid:
            return
        for other in m.ringing:                      # ring-all: everyone else loses the race
            if other != agent:
                self._release_leg(self.agents[other], m, "LOSE_RACE")
        q = self.queues[m.queue]
        leg = self.channels[a.leg]
        self.answer_channel(leg)
        m.state, m.serving_agent, m.ringing = "Answered", a.name, []
        m.bridge_epoch, m.answered_at = int(self.now), self.now
        m.talk_s = self._talk(q.cfg)
        a.uuid, a.last_bridge_start = leg.uuid, int(self.now)
        self.tiers[(m.queue, a.name)].state = "Active Inbound"
        a.no_answer_count = 0
        q.calls_answered += 1
        leg.variables.update(cc_agent_bridged="true")
        self.cc([("CC-Queue", m.queue), ("CC-Action", "bridge-agent-start"), ("CC-Agent", a.name),
                 ("CC-Agent-System", "single_box"), ("CC-Agent-UUID", leg.uuid),
                 ("CC-Agent-Called-Time", str(a.last_offered_call)), ("CC-Agent-Answered-Time", str(int(self.now))),
                 ("CC-Member-Joined-Time", str(m.joined_epoch)), ("CC-Member-UUID", m.uuid),
                 ("CC-Member-Session-UUID", m.session_uuid), ("CC-Member-CID-Name", m.cid_name),
                 ("CC-Member-CID-Number", m.cid_number)], leg)
        member_ch = self.channels.get(m.session_uuid)
        if member_ch is not None:
            self.calls[member_ch.uuid] = (leg.uuid, self.now)
            member_ch.variables.update(cc_agent=a.name, cc_agent_uuid=leg.uuid, cc_agent_bridged="true",
                                       cc_queue_answered_epoch=str(int(self.now)))
            self._channel_event("CHANNEL_BRIDGE", member_ch, before=[("Bridge-A-Unique-ID", member_ch.uuid),
                                                                    ("Bridge-B-Unique-ID", leg.uuid)])
        self._set_state(a, "In a queue call")
        self._members_count(m.queue)
        self.at(self.now + m.talk_s, self._call_ends, m.uuid, m.offer, "NORMAL_CLEARING")

    def _call_ends(self, member_uuid: str, offer: int, cause: str, keep_member: bool = False) -> None:
        m = self.members.get(member_uuid)
        if m is None or m.offer != offer or m.state != "Answered":
            return
        a = self.agents.get(m.serving_agent)
        leg_uuid = a.leg if a else ""
        leg = self.channels.get(leg_uuid)
        joined = str(m.joined_epoch)
        # CC-Hangup-Cause is the originate result, not how the call ended (mod_callcenter.c
        # outbound_agent_thread_run L2066/L2102: cause2str(cause)): SUCCESS once a callback agent's
        # originate succeeded, NONE (the initial value, L1686) for a uuid-standby agent.
        result = "NONE" if a is not None and a.type.lower() == "uuid-standby" else "SUCCESS"
        if a is not None:
            self.cc([("CC-Queue", m.queue), ("CC-Action", "bridge-agent-end"), ("CC-Hangup-Cause", result),
                     ("CC-Agent", a.name), ("CC-Agent-System", "single_box"), ("CC-Agent-UUID", leg_uuid),
                     ("CC-Agent-Bridged", "true"), ("CC-Agent-Called-Time", str(a.last_offered_call)),
                     ("CC-Agent-Answered-Time", str(m.bridge_epoch)), ("CC-Member-Joined-Time", joined),
                     ("CC-Bridge-Terminated-Time", str(int(self.now))), ("CC-Member-UUID", m.uuid),
                     ("CC-Member-Session-UUID", m.session_uuid), ("CC-Member-CID-Name", m.cid_name),
                     ("CC-Member-CID-Number", m.cid_number)], leg)
        member_ch = self.channels.get(m.session_uuid)
        if member_ch is not None:
            member_ch.variables.update(cc_cause="answered", cc_queue_terminated_epoch=str(int(self.now)))
        self.cc([("CC-Queue", m.queue), ("CC-Action", "member-queue-end"), ("CC-Hangup-Cause", result),
                 ("CC-Cause", "Terminated"), ("CC-Agent", a.name if a else ""), ("CC-Agent-System", "single_box"),
                 ("CC-Agent-UUID", leg_uuid), ("CC-Agent-Called-Time", str(a.last_offered_call if a else 0)),
                 ("CC-Agent-Answered-Time", str(m.bridge_epoch)), ("CC-Member-Leaving-Time", str(int(self.now))),
                 ("CC-Member-Joined-Time", joined), ("CC-Member-UUID", m.uuid),
                 ("CC-Member-Session-UUID", m.session_uuid), ("CC-Member-CID-Name", m.cid_name),
                 ("CC-Member-CID-Number", m.cid_number)], member_ch)
        self.members.pop(m.uuid, None)
        self._record(m, "answered")
        if keep_member:          # transferred on: the caller's channel lives on, without the agent
            self.calls.pop(m.session_uuid, None)
        else:
            self.hangup_channel(m.session_uuid, cause)
        if a is not None:
            self.hangup_channel(leg_uuid, cause)
            a.leg = a.member = a.uuid = ""
            a.calls_answered += 1
            a.talk_time += int(self.now - m.answered_at)
            a.last_bridge_end = int(self.now)
            t = self.tiers.get((m.queue, a.name))
            if t:
                t.state = "Ready"
            self._set_state(a, "Idle" if a.status == "Available (On Demand)" else "Waiting")
            if a.break_due:
                self._start_break(a)
            self.want_dispatch(self.now + a.wrap_up_time)

    def _record(self, m: MemberRec, reason: str) -> None:
        if self.outcomes is not None:
            self.outcomes.append(Outcome(m.queue, m.joined_at, m.answered_at or None, self.now, reason))

    def _give_up(self, member_uuid: str, joined_at: float, reason: str) -> None:
        m = self.members.get(member_uuid)
        if m is None or m.joined_at != joined_at or m.state not in ("Waiting", "Trying"):
            return
        self.leave(m, reason)

    def _no_agent_check(self, member_uuid: str, joined_at: float) -> None:
        m = self.members.get(member_uuid)
        if m is None or m.joined_at != joined_at or m.state != "Waiting":
            return
        logged = any(self.agents[t.agent].status in ("Available", "Available (On Demand)")
                     for t in self.tiers.of_queue(m.queue) if t.agent in self.agents)
        if not logged:
            self.leave(m, "NO_AGENT_TIMEOUT")

    def leave(self, m: MemberRec, reason: str, keep_channel: bool = False) -> None:
        """The caller leaves ``m``'s queue without an agent (CC-Cause Cancel); ``keep_channel``:
        transferred out of the call centre (the channel lives on, no resume, no retry)."""
        for name in list(m.ringing):
            self._release_leg(self.agents[name], m, "ORIGINATOR_CANCEL")
        m.ringing = []
        qr = self.queues[m.queue]
        qr.calls_abandoned += 1
        session = m.session_uuid
        ch = self.channels.get(session)
        if ch is not None:
            ch.variables.update(cc_cause="cancel", cc_cancel_reason=reason, cc_queue_canceled_epoch=str(int(self.now)))
        self.cc([("CC-Queue", m.queue), ("CC-Action", "member-queue-end"), ("CC-Member-Leaving-Time", str(int(self.now))),
                 ("CC-Member-Joined-Time", str(m.joined_epoch)), ("CC-Cause", "Cancel"), ("CC-Cancel-Reason", reason),
                 ("CC-Member-UUID", m.uuid), ("CC-Member-Session-UUID", m.session_uuid),
                 ("CC-Member-CID-Name", m.cid_name), ("CC-Member-CID-Number", m.cid_number)], ch)
        self._record(m, reason)
        overflow = qr.cfg.overflow if reason in ("TIMEOUT", "NO_AGENT_TIMEOUT") else None
        if reason == "BREAK_OUT" and qr.cfg.abandoned_resume_allowed and not keep_channel:
            # callcenter_function L3265: state Abandoned, session_uuid '' , abandoned_epoch now
            m.state, m.abandoned_epoch, m.serving_agent, m.session_uuid = "Abandoned", int(self.now), "", ""
            self.abandoned[(m.queue, m.cid_number)] = m.uuid
            self.at(self.now + qr.cfg.discard_abandoned_after, self._discard, m.uuid, m.abandoned_epoch)
        else:
            self.members.pop(m.uuid, None)
        self._members_count(m.queue)
        if keep_channel:
            return
        if overflow and ch is not None:
            self.join(overflow, ch, m.base_score)
        else:
            self.hangup_channel(session, "NORMAL_CLEARING" if reason != "BREAK_OUT" else "ORIGINATOR_CANCEL")
        if reason == "BREAK_OUT" and qr.cfg.traffic.retry_share and self.rng.random() < qr.cfg.traffic.retry_share:
            self.at(self.now + self.rng.expovariate(1.0 / qr.cfg.traffic.retry_after_s), self.arrive, m.queue,
                    m.cid_number, m.cid_name, m.base_score)

    def _discard(self, member_uuid: str, abandoned_epoch: int) -> None:
        m = self.members.get(member_uuid)
        if m is not None and m.state == "Abandoned" and m.abandoned_epoch == abandoned_epoch:
            del self.members[member_uuid]
            if self.abandoned.get((m.queue, m.cid_number)) == member_uuid:
                del self.abandoned[(m.queue, m.cid_number)]

    # -- agents ----------------------------------------------------------------------------
    def _set_status(self, a: AgentRec, status: str) -> None:
        changed = a.status != status
        if a.status == "Logged Out" and status != "Logged Out" and a.name not in self.registrations:
            self.register(a.name)               # the agent's phone registers as they log in
        a.status, a.last_status_change = status, int(self.now)
        if changed and status == "Available":
            a.talk_time = a.calls_answered = a.no_answer_count = 0   # as mod_callcenter does
        self.cc([("CC-Agent", a.name), ("CC-Action", "agent-status-change"), ("CC-Agent-Status", status)])
        if changed and status == "Logged Out" and a.name in self.registrations:
            self.unregister(a.name)             # ...and is switched off as they log out
        if status not in ("Available", "Available (On Demand)") and a.state == "Receiving" and a.member:
            m = self.members.get(a.member)
            self._release_leg(a, m, "ORIGINATOR_CANCEL")
            if m is not None:
                m.ringing = [x for x in m.ringing if x != a.name]
                if not m.ringing and m.state == "Trying":
                    m.state, m.serving_agent = "Waiting", ""
        self.want_dispatch()

    def _set_state(self, a: AgentRec, state: str) -> None:
        a.state = state
        self.cc([("CC-Agent", a.name), ("CC-Action", "agent-state-change"), ("CC-Agent-State", state)])

    def _plan_break(self, a: AgentRec) -> None:
        every = self.site.behaviour.break_every_mean_s
        if every:
            a.break_token += 1
            self.at(self.now + self.rng.expovariate(1.0 / every), self._break_due, a.name, a.break_token)

    def _break_due(self, name: str, token: int) -> None:
        a = self.agents.get(name)
        if a is None or a.break_token != token or a.status != "Available":
            return
        if a.leg:
            a.break_due = True
        else:
            self._start_break(a)

    def _start_break(self, a: AgentRec) -> None:
        a.break_due = False
        self._set_status(a, "On Break")
        self._schedule_return(a)

    def _schedule_return(self, a: AgentRec) -> None:
        beh = self.site.behaviour
        dur = self.rng.lognormvariate(math.log(beh.break_mean_s) - 0.08, 0.4)
        if self.rng.random() < beh.long_break_share:
            dur *= 2.5
        a.break_token += 1
        self.at(self.now + dur, self._back_from_break, a.name, a.break_token)

    def _back_from_break(self, name: str, token: int) -> None:
        a = self.agents.get(name)
        if a is None or a.break_token != token or a.status != "On Break":
            return
        self._set_status(a, "Available")
        self._plan_break(a)

    # -- operations used by the API --------------------------------------------------------
    def set_agent_status(self, name: str, status: str) -> None:
        a = self.agents[name]
        self._set_status(a, status)
        a.break_token += 1                # a supervisor's decision overrides the planned break
        if status == "Available":
            self._plan_break(a)

    def set_agent_state(self, name: str, state: str) -> None:
        self._set_state(self.agents[name], state)
        self.want_dispatch()

    def kill(self, uuid: str, cause: str = "NORMAL_CLEARING") -> bool:
        """uuid_kill: hang up a channel and whatever queue call it belongs to. False if unknown."""
        if uuid not in self.channels:
            return False
        for a_uuid, (b_uuid, user) in list(self.callbacks.items()):
            if uuid in (a_uuid, b_uuid):     # a callback: both legs end, the agent is free again
                self._callback_ends(a_uuid, b_uuid, user, cause)
                return True
        for m in list(self.members.values()):
            a = self.agents.get(m.serving_agent)
            if m.session_uuid == uuid or (a is not None and a.leg == uuid and m.state == "Answered"):
                if m.state == "Answered":
                    self._call_ends(m.uuid, m.offer, cause)
                elif m.state in ("Waiting", "Trying"):
                    self.leave(m, "BREAK_OUT")
                    self.hangup_channel(uuid, cause)
                return True
        for a in self.agents.values():
            if a.leg == uuid and a.member:
                ringing = self.members.get(a.member)
                self._release_leg(a, ringing, cause)
                if ringing is not None:
                    m = ringing
                    m.ringing = [x for x in m.ringing if x != a.name]
                    if not m.ringing and m.state == "Trying":
                        m.state, m.serving_agent = "Waiting", ""
                return True
        self.hangup_channel(uuid, cause)
        return True

    def transfer(self, uuid: str, dest: str) -> bool:
        """uuid_transfer: a waiting caller moved to another queue (``dest`` is a queue name),
        or any other destination, which takes the call out of the call centre."""
        ch = self.channels.get(uuid)
        if ch is None:
            return False
        m = next((m for m in self.members.values() if m.session_uuid == uuid), None)
        if m is None:
            a = next((a for a in self.agents.values() if a.leg == uuid and a.member), None)
            m = self.members.get(a.member) if a is not None else None
            if m is not None and m.state != "Answered":
                m = None
            ch = self.channels.get(m.session_uuid) if m is not None else ch
            if ch is None:
                return False
        if dest in self.queues:      # uuid_transfer sets the destination; the dialplan queues it
            ch.dest, ch.application, ch.app_data = dest, "callcenter", dest
        if m is not None and m.state in ("Waiting", "Trying"):
            if dest in self.queues:
                self._move(m, ch, dest)
            else:
                self.leave(m, "BREAK_OUT", keep_channel=True)
                self._to_extension(ch, dest)
        elif m is not None and m.state == "Answered":
            # the caller leaves the agent (the agent's leg hangs up) and goes on to ``dest``
            self._call_ends(m.uuid, m.offer, "NORMAL_CLEARING", keep_member=True)
            if dest in self.queues:
                self.join(dest, ch, self._score_of(ch, m.base_score))
            else:
                self._to_extension(ch, dest)
        elif m is None and dest in self.queues:
            self.join(dest, ch, self._score_of(ch, 0))
        elif m is None:
            self._to_extension(ch, dest)
        return True

    @staticmethod
    def _score_of(ch: Channel, default: int) -> int:
        """The base score the callcenter app takes for ``ch``: its cc_base_score variable."""
        try:
            return int(ch.variables.get("cc_base_score", default))
        except ValueError:
            return default

    def _to_extension(self, ch: Channel, dest: str) -> None:
        """The dialplan bridges the transferred channel to ``user/<dest>`` (a phone): a new leg
        rings and answers, CHANNEL_BRIDGE; the caller's channel now shows ``dest``. The call ends
        after a talk time (or when either leg is killed)."""
        for caller in [k for k, (callee, _) in self.calls.items() if callee == ch.uuid]:
            del self.calls[caller]
        ch.dest, ch.application, ch.app_data = dest, "bridge", f"user/{dest}@{self.site.domain}"
        out = self.new_channel("outbound", f"sofia/internal/{dest}@{self.site.domain}", ch.cid_num, ch.cid_name, dest)
        self.answer_channel(out)
        out.call_uuid = ch.uuid
        self.calls[ch.uuid] = (out.uuid, self.now)
        self._channel_event("CHANNEL_BRIDGE", ch, before=[("Bridge-A-Unique-ID", ch.uuid), ("Bridge-B-Unique-ID", out.uuid)],
                            calling=("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1689))
        self.at(self.now + 300.0, self._extension_ends, ch.uuid, out.uuid)

    def _extension_ends(self, a_uuid: str, b_uuid: str) -> None:
        if self.calls.get(a_uuid, ("",))[0] == b_uuid:
            self.hangup_channel(b_uuid)
            self.hangup_channel(a_uuid)

    def _move(self, m: MemberRec, ch: Channel, dest: str) -> None:
        for name in list(m.ringing):
            self._release_leg(self.agents[name], m, "ORIGINATOR_CANCEL")
        self.cc([("CC-Queue", m.queue), ("CC-Action", "member-queue-end"), ("CC-Member-Leaving-Time", str(int(self.now))),
                 ("CC-Member-Joined-Time", str(m.joined_epoch)), ("CC-Cause", "Cancel"), ("CC-Cancel-Reason", "BREAK_OUT"),
                 ("CC-Member-UUID", m.uuid), ("CC-Member-Session-UUID", m.session_uuid),
                 ("CC-Member-CID-Name", m.cid_name), ("CC-Member-CID-Number", m.cid_number)], ch)
        self._record(m, "TRANSFERRED")
        self.members.pop(m.uuid, None)
        self._members_count(m.queue)
        self.join(dest, ch, self._score_of(ch, m.base_score))

    def originate(self, endpoint: str, target: str, variables: dict[str, str]) -> tuple[bool, str]:
        """originate: ``endpoint`` is user/<name>[@domain]; ``target`` an extension/number or
        ``&app(args)``. Returns (ok, uuid or hangup cause)."""
        user = endpoint.split("/", 1)[1].split("@", 1)[0] if endpoint.startswith("user/") else ""
        agent = self.agents.get(user)
        if endpoint.startswith("user/") and agent is not None and user not in self.registrations:
            return False, "USER_NOT_REGISTERED"
        ch = self.new_channel("outbound", f"sofia/internal/{user or endpoint}@{self.site.domain}",
                              variables.get("origination_caller_id_number", "12345"),
                              variables.get("origination_caller_id_name", "12345"), user or endpoint, **variables)
        self.answer_channel(ch)
        if target.startswith("&"):
            app, _, rest = target[1:].partition("(")
            ch.application, ch.app_data = app, rest.rstrip(")")
            if app in ("eavesdrop", "three_way") and ch.app_data not in self.channels:
                self.hangup_channel(ch.uuid, "NORMAL_CLEARING")   # nothing to listen to: the app ends
            return True, ch.uuid
        # A callback: the agent's leg rings the citizen and they talk for a while.
        out = self.new_channel("outbound", f"sofia/external/{target}@carrier", "12345", "12345", target)
        self.answer_channel(out)
        out.call_uuid = ch.uuid
        self.calls[ch.uuid] = (out.uuid, self.now)
        # the dialplan's bridge app: switch_ivr_multi_threaded_bridge fires it (switch_ivr_bridge.c L1689)
        self._channel_event("CHANNEL_BRIDGE", ch, before=[("Bridge-A-Unique-ID", ch.uuid), ("Bridge-B-Unique-ID", out.uuid)],
                            calling=("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1689))
        if agent is not None:
            agent.external_calls_count += 1
        self.callbacks[ch.uuid] = (out.uuid, user)
        talk = self.rng.uniform(60, 240)
        self.at(self.now + talk, self._callback_ends, ch.uuid, out.uuid, user)
        return True, ch.uuid

    def _callback_ends(self, a_uuid: str, b_uuid: str, user: str, cause: str = "NORMAL_CLEARING") -> None:
        """The callback's talk is over, or one of its legs was killed (uuid_kill): both legs
        hang up and the agent takes queue calls again; once only (the timed end of a callback
        killed earlier does nothing)."""
        if self.callbacks.pop(a_uuid, None) is None:
            return
        self.hangup_channel(b_uuid, cause)
        self.hangup_channel(a_uuid, cause)
        a = self.agents.get(user)
        if a is not None and a.external_calls_count:
            a.external_calls_count -= 1
            self.want_dispatch()

    def bridge(self, a_uuid: str, b_uuid: str) -> bool:
        """uuid_bridge: bridge two existing channels (each leaves any bridge it was in) and raise
        CHANNEL_BRIDGE on the first. False if either is unknown (``-ERR Invalid uuid``)."""
        a, b = self.channels.get(a_uuid), self.channels.get(b_uuid)
        if a is None or b is None or a is b:
            return False
        for u in (a_uuid, b_uuid):
            self.calls.pop(u, None)
            for caller in [k for k, (callee, _) in self.calls.items() if callee == u]:
                del self.calls[caller]
        self.calls[a_uuid] = (b_uuid, self.now)
        b.call_uuid = a_uuid
        self._channel_event("CHANNEL_BRIDGE", a, before=[("Bridge-A-Unique-ID", a_uuid), ("Bridge-B-Unique-ID", b_uuid)])
        return True

    # -- phones ----------------------------------------------------------------------------
    def register(self, user: str) -> Registration:
        """The user's phone REGISTERs on profile internal: sofia::register (sofia_reg.c
        sofia_reg_handle_register_token L2059, headers in its order)."""
        rng = self.reg_rng
        old = self.registrations.get(user)
        if old is None:
            pos = list(self.agents).index(user) if user in self.agents else len(self.agents)
            reg = Registration(user, f"{rng.getrandbits(64):016x}@{self.site.domain}",
                               f"10.20.{pos // 250 % 250}.{pos % 250 + 2}", str(rng.choice((5060, 5062, 5064, 5066))),
                               rng.choice(PHONES), self.now)
            self.registrations[user] = reg
        else:
            reg = old
            reg.reg_time = self.now
        reg.core_order = next(self._reg_order)
        d = self.site.domain
        self.emit("CUSTOM", [
            ("profile-name", "internal"), ("from-user", user), ("from-host", d), ("presence-hosts", d),
            ("contact", reg.contact()), ("call-id", reg.call_id), ("rpid", "unknown"), ("status", "Registered(UDP)"),
            ("expires", str(reg.expires_s)), ("to-user", user), ("to-host", d), ("network-ip", reg.network_ip),
            ("network-port", reg.network_port), ("username", user), ("realm", d), ("user-agent", reg.user_agent)]
            + ([("update-reg", "true")] if old is not None else []),
            subclass="sofia::register", calling=("sofia_reg.c", "sofia_reg_handle_register_token", 2059))
        token = reg.call_id
        self.at(self.now + REG_REFRESH_S, self._refresh, user, token, reg.reg_time)
        if old is None and self.phone_drop_every_s > 0:
            self.at(self.now + rng.expovariate(1.0 / self.phone_drop_every_s), self._phone_drops, user, token)
        return reg

    def unregister(self, user: str) -> bool:
        """The phone sends REGISTER with expires 0: sofia::unregister (sofia_reg.c L2213)."""
        reg = self.registrations.pop(user, None)
        if reg is None:
            return False
        d = self.site.domain
        self.emit("CUSTOM", [
            ("profile-name", "internal"), ("username", user), ("from-user", user), ("from-host", d),
            ("contact", reg.contact()), ("call-id", reg.call_id), ("rpid", "unknown"), ("realm", d),
            ("network-ip", reg.network_ip), ("network-port", reg.network_port), ("user-agent", reg.user_agent),
            ("expires", "0")], subclass="sofia::unregister",
            calling=("sofia_reg.c", "sofia_reg_handle_register_token", 2213))
        return True

    def _refresh(self, user: str, token: str, reg_time: float) -> None:
        reg = self.registrations.get(user)
        if reg is not None and reg.call_id == token and reg.reg_time == reg_time:
            self.register(user)

    def _phone_drops(self, user: str, token: str) -> None:
        reg = self.registrations.get(user)
        if reg is None or reg.call_id != token:
            return
        self.unregister(user)
        self.at(self.now + self.reg_rng.expovariate(1.0 / max(self.phone_down_s, 1.0)), self._phone_back, user)

    def _phone_back(self, user: str) -> None:
        a = self.agents.get(user)
        if user not in self.registrations and (a is None or a.status != "Logged Out"):
            self.register(user)
            self.want_dispatch()

    # -- truth -----------------------------------------------------------------------------
    def truth(self) -> dict:
        """What the switch really holds now, in the console's terms, for tests."""
        return {
            "agents": {n: (a.status, a.state) for n, a in self.agents.items()},
            "waiting": {q: sorted(m.uuid for m in self.members.values() if m.queue == q and m.state in ("Waiting", "Trying"))
                        for q in self.queues},
            "answered": {m.uuid: m.serving_agent for m in self.members.values() if m.state == "Answered"},
            "channels": sorted(self.channels),
        }


def _uptime(ms: int) -> str:
    """switch_core.c send_heartbeat() Up-Time (and the status API's "UP …" line, mod_commands.c
    status_function): each unit singular when it is 1 ("1 minute"), plural otherwise."""
    s = ms // 1000
    parts = ((0, "year"), (s // 86400, "day"), (s // 3600 % 24, "hour"), (s // 60 % 60, "minute"), (s % 60, "second"),
             (ms % 1000, "millisecond"), (0, "microsecond"))
    return ", ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts)
