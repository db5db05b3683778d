"""What the console screens are given: the core services, the live picture and the links.

``hotline.py`` builds a ``ConsoleServices`` (real store, real switch adapter, or a replay) and
hands it to ``screens.app.HotlineApp``. Screens only call what is here, so permissions, audit
and the store's rules apply to every keypress. (Alerts: ``alerts.py``; the screens format.)
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from . import switch as sw
from .access import Access, User
from .clock import Clock
from .kpi import KpiSettings
from .live.state import LiveState


@dataclass
class ConsoleServices:
    user: User
    access: Access
    live: LiveState
    settings: KpiSettings
    clock: Clock
    lang: str = "zh"
    readonly: bool = False
    refresh_hz: float = 2.0
    switch: sw.SwitchPort | None = None
    supervisor: Any = None            # hotline_tui.supervisor.Supervisor
    tickets: Any = None               # hotline_tui.tickets.service.TicketService
    callbacks: Any = None             # hotline_tui.calls.CallbackService
    notes: Any = None                 # hotline_tui.calls.HandoverNotes
    kb: Any = None                    # hotline_tui.kb.service.KnowledgeService
    agent_names: dict[str, str] = field(default_factory=dict)
    queue_names: dict[str, str] = field(default_factory=dict)
    store_info: Callable[[], dict] | None = None      # blocking: kind, where, latency_ms, migrations
    now: Callable[[], float] = time.time              # the live picture's clock (replay: recording time)
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)   # started on mount
    periodic: list[Callable[[], Any]] = field(default_factory=list)                 # blocking, run in a thread
    on_exit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    errors: deque = field(default_factory=lambda: deque(maxlen=200))               # (epoch, text)
    mode: str = "live"                # live | replay | embedded
    recording: str = ""               # path when recording the event stream

    def nodes(self) -> list[sw.NodeHealth]:
        return self.switch.nodes() if self.switch is not None else []

    def can(self, permission: str) -> bool:
        return not self.readonly and self.user.can(permission)

    def error(self, text: str) -> None:
        self.errors.append((time.time(), text))

