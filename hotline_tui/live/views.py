"""Immutable snapshots of the live picture, as screens and reports read them.

``LiveState.snapshot(now)`` returns a ``LiveSnapshot``; screens diff successive snapshots by
key (queue name, agent (node, name) — the same id on two switches is two agents —, call uuid) to update tables in place. All times are epoch
seconds; durations are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# KpiFigures is defined with the figures' arithmetic in ..kpi (the live picture is built on
# it, not the other way round); it stays importable from here for the screens that read snapshots.
from ..kpi import KpiFigures as KpiFigures  # explicit re-export


@dataclass(frozen=True, slots=True)
class WaitingCaller:
    member_uuid: str
    queue: str
    caller_number: str
    caller_name: str
    joined_at: float
    wait_s: float
    state: str = "Waiting"  # Waiting | Trying (being offered to an agent)
    session_uuid: str = ""  # the caller's channel (what uuid_transfer / uuid_kill act on)
    node: str = ""          # the switch that owns the call
    priority: int = 0       # mod_callcenter's base score (cc_base_score): VIP lines, a raised priority
    position: int = 0       # 1 = next to be offered: ORDER BY score DESC, score = priority + seconds waited


@dataclass(frozen=True, slots=True)
class QueueView:
    name: str
    node: str
    waiting: int
    longest_wait_s: float
    estimated_wait_s: float | None
    agents_available: int
    agents_on_call: int
    agents_wrap_up: int
    agents_on_break: int
    agents_logged_in: int
    kpi: dict[str, KpiFigures] = field(default_factory=dict)  # by window
    callers: tuple[WaitingCaller, ...] = ()


@dataclass(frozen=True, slots=True)
class AgentView:
    name: str
    node: str
    status: str             # mod_callcenter status, e.g. "On Break"
    state: str              # mod_callcenter state, e.g. "In a queue call"
    since: float            # when the current status/state began
    time_in_state_s: float
    calls_today: int
    talk_time_today_s: float
    queues: tuple[str, ...] = ()
    team: str = ""
    current_call: str = ""  # member uuid when on a call
    caller_number: str = ""
    wrap_up: bool = False
    # contradictions: "available-unregistered" (Available, phone not registered), "call-gone"
    # (its call left the queue), "channel-gone" (its caller still "answered", channel gone),
    # "in-call-without-caller"
    flags: tuple[str, ...] = ()
    wrap_up_left_s: float = 0.0  # wrap-up: seconds until the switch offers calls again (its wrap_up_time)


@dataclass(frozen=True, slots=True)
class CallView:
    uuid: str
    node: str
    queue: str
    caller_number: str
    caller_name: str
    agent: str
    started_at: float
    answered_at: float | None
    duration_s: float
    flags: tuple[str, ...] = ()  # "channel-gone": still answered, the caller's channel is gone
    session_uuid: str = ""       # the caller's channel (what a transfer or hang-up acts on)


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    taken_at: float
    queues: tuple[QueueView, ...]
    agents: tuple[AgentView, ...]
    calls: tuple[CallView, ...]
    totals: dict[str, KpiFigures] = field(default_factory=dict)  # all queues, by window
    waiting_history: tuple[tuple[float, int], ...] = ()         # (time, callers waiting), last 30 min
    last_event_at: float | None = None
    events_applied: int = 0
