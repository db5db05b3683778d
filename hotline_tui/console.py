"""What the console screens are given: the core services, the live picture and the links.

``hotline.py`` builds a ``ConsoleServices`` (real store, real switch adapter, or a replay) and
hands it to ``screens.app.HotlineApp``. Screens only call what is here, so permissions, audit
and the store's rules apply to every keypress. Also the pure pieces screens share: alerts
and number formatting.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Literal, TypedDict

from . import switch as sw
from .access import Access, User
from .calls import CallbackService, HandoverNotes
from .clock import Clock
from .kb.service import KnowledgeService
from .kpi import KpiSettings
from .live.state import LiveState
from .live.views import LiveSnapshot
from .supervisor import Supervisor
from .tickets.service import TicketService


class StoreInfo(TypedDict):
    """What the engineer view shows about the store (``ConsoleServices.store_info``)."""

    kind: str            # sqlite | postgres
    where: str           # file path or DSN without the password
    latency_ms: float    # one schema-status round trip
    migrations: str      # "component=version ..." (+ what is pending)


@dataclass
class ConsoleServices:
    """Everything a screen may use. A service is None when the console runs without it (a
    replay has no switch and no supervisor); screens check before they offer the action.
    Services block (database I/O): screens call them from workers. A store outage raises
    ``StoreError`` (``hotline_tui.errors``), a switch link failure ``LinkError``."""

    user: User
    access: Access
    live: LiveState
    settings: KpiSettings
    clock: Clock
    lang: str = "zh"
    readonly: bool = False
    refresh_hz: float = 2.0
    switch: sw.SwitchPort | None = None
    supervisor: Supervisor | None = None
    tickets: TicketService | None = None
    callbacks: CallbackService | None = None
    notes: HandoverNotes | None = None
    kb: KnowledgeService | None = None
    agent_names: dict[str, str] = field(default_factory=dict)
    queue_names: dict[str, str] = field(default_factory=dict)
    store_info: Callable[[], StoreInfo] | None = None    # blocks (one round trip); raises StoreError
    now: Callable[[], float] = time.time              # the live picture's clock (replay: recording time)
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)   # started on mount
    periodic: list[Callable[[], object]] = field(default_factory=list)  # blocking, run in a thread; result ignored
    on_exit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    errors: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=200))   # (epoch, text)
    mode: Literal["live", "replay", "embedded"] = "live"
    recording: str = ""               # path when recording the event stream

    def nodes(self) -> list[sw.NodeHealth]:
        return self.switch.nodes() if self.switch is not None else []

    def can(self, permission: str) -> bool:
        return not self.readonly and self.user.can(permission)

    def error(self, text: str) -> None:
        self.errors.append((time.time(), text))


def fmt_duration(seconds: float | None) -> str:
    """12s, 3:05, 1:02:03 — compact, fixed meaning, '—' when unknown."""
    if seconds is None:
        return "—"
    s = int(max(seconds, 0))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 86400}d{s // 3600 % 24:02d}h"


def fmt_clock(epoch: float, fmt: str = "%H:%M:%S") -> str:
    """An epoch time as the site's wall clock (never the server's zone)."""
    from datetime import datetime

    from .clock import SITE_TZ
    return datetime.fromtimestamp(epoch, SITE_TZ).strftime(fmt)


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@dataclass(frozen=True)
class Alert:
    severity: str    # red | yellow
    key: str         # catalog key
    params: dict


def alerts(snap: LiveSnapshot, settings: KpiSettings, nodes: list[sw.NodeHealth], *,
           tickets_yellow: int = 0, tickets_red: int = 0, queue_names: dict[str, str] | None = None) -> list[Alert]:
    """Everything a duty supervisor must look at now, most severe first."""
    qn = queue_names or {}
    out: list[Alert] = []
    for n in nodes:
        if n.link != "connected":
            out.append(Alert("red", "alert_link", {"node": n.node, "state": n.link}))
    for q in snap.queues:
        k = q.kpi.get("30m")
        if k is not None and k.service_level is not None and k.offered >= 5 and k.service_level < settings.sl_target:
            out.append(Alert("red" if k.service_level < settings.sl_target - 0.1 else "yellow", "alert_sl",
                             {"queue": qn.get(q.name, q.name), "value": fmt_rate(k.service_level),
                              "target": fmt_rate(settings.sl_target)}))
        if q.longest_wait_s > settings.caller_waiting_over_s:
            out.append(Alert("red", "alert_wait", {"queue": qn.get(q.name, q.name), "value": fmt_duration(q.longest_wait_s)}))
    for a in snap.agents:
        if a.status == "On Break" and a.time_in_state_s > settings.break_over_s:
            out.append(Alert("yellow", "alert_break", {"agent": a.name, "value": fmt_duration(a.time_in_state_s)}))
        for f in a.flags:
            out.append(Alert("yellow", "alert_flag", {"what": f"{a.name}: {f}"}))
    for c in snap.calls:
        for f in c.flags:
            out.append(Alert("yellow", "alert_flag", {"what": f"{c.caller_number or c.uuid[:8]}: {f}"}))
    if tickets_yellow or tickets_red:
        out.append(Alert("red" if tickets_red else "yellow", "alert_tickets", {"n": tickets_yellow, "m": tickets_red}))
    out.sort(key=lambda a: a.severity != "red")
    return out
