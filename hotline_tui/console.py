"""What the console screens are given: the core services, the live picture and the links.

``hotline.py`` builds a ``ConsoleServices`` (real store, real switch adapter, or a replay) and
hands it to ``screens.app.HotlineApp``. Screens only call what is here, so permissions, audit
and the store's rules apply to every keypress. (Alerts: ``alerts.py``; the screens format.)
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Literal, Protocol, TypedDict

from . import switch as sw
from .access import Access, User, mask_text
from .callback_desk import CallbackDesk
from .calls import CallbackService, HandoverNotes
from .clock import Clock
from .kb.service import KnowledgeService
from .kpi import KpiSettings
from .live.replay import ReplayPlayer
from .live.state import LiveState
from .config_schema import CallerClassNote, NotReadyReason
from .desk import DeskService
from .feed import TicketFeed
from .live.drift import CallcenterTables, Drift, drift
from .live.views import LiveSnapshot
from .masking import mask_snapshot
from .supervisor import DEFAULT_HANGUP_REASONS, DEFAULT_NOT_READY_REASONS, Supervisor
from .tickets.service import TicketService

if TYPE_CHECKING:   # the QA service is built (and its module imported) only when the site has qa.yaml
    from .qa.service import QaService


class StoreInfo(TypedDict):
    """What the engineer view shows about the store (``ConsoleServices.store_info``)."""

    kind: str            # sqlite | postgres
    where: str           # file path or DSN without the password
    latency_ms: float    # one schema-status round trip
    migrations: str      # "component=version ..." (+ what is pending)
    reconnects: int      # PostgreSQL: times the handle reconnected after losing the server (issue 21)


class ReportsPort(Protocol):
    """The console's reports, implemented by ``hotline_tui.reports.desk.ReportDesk`` (one layer
    up, so typed here by shape). Every method blocks (store reads) and raises StoreError on an
    outage, PermissionDenied without reports.read (handover.write to sign), ValidationError for
    an unknown report or period or a sign-off out of sequence."""

    def names(self) -> list[str]:
        """The reports offered, handover first. Never blocks."""
        ...

    def run(self, viewer: User, name: str, choice: str) -> dict[str, Any]:
        """Report ``name`` for period ``choice`` (``reports.desk.PERIODS``) as of now: its data
        as ``hotline report NAME --format json`` gives it."""
        ...

    def handover_draft(self, viewer: User, choice: str = "shift") -> dict[str, Any]:
        """The handover of the shift running now (or "previous-shift"), as of now."""
        ...

    def sign(self, actor: User, role: str, choice: str = "shift") -> object:
        """Record ``role`` (handed_over | received) for that shift by ``actor`` now, audited."""
        ...


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
    not_ready_reasons: tuple[NotReadyReason, ...] = DEFAULT_NOT_READY_REASONS   # the desk's F3 (desk.yaml)
    store_info: Callable[[], StoreInfo] | None = None    # blocks (one round trip); raises StoreError
    now: Callable[[], float] = time.time              # the live picture's clock (replay: recording time)
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)   # started on mount
    # started once the first live picture is on screen (or there is none to wait for): parts whose
    # start-up work (imports, a TLS context) need not delay the first paint
    after_first_paint: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    periodic: list[Callable[[], object]] = field(default_factory=list)  # blocking, run in a thread; result ignored
    on_exit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    errors: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=200))   # (epoch, text)
    mode: Literal["live", "replay", "embedded"] = "live"
    recording: str = ""               # path when recording the event stream
    callback_desk: CallbackDesk | None = None   # the desk's callback list (F8, docs/callbacks.md)
    desk: DeskService | None = None   # the agent desk's "my work" (issue 17)
    class_notes: dict[str, CallerClassNote] = field(default_factory=dict)   # desk.yaml caller_classes
    replay: ReplayPlayer | None = None   # a replay's player: its recorded time, pause, seek, end
    hangup_reasons: tuple[NotReadyReason, ...] = DEFAULT_HANGUP_REASONS    # desk.yaml hangup_reasons
    # caller class by number, with when it was read (monotonic): a class set during the shift shows
    # within CLASS_TTL_S; never shown, only the class leaves it
    _classes: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)

    CLASS_TTL_S = 60.0

    def caller_classes(self, members: list[str]) -> dict[str, str]:
        """The stored caller class (elderly / vip / important / blacklist) of each waiting or
        talking member (member uuids) that has one; the numbers are looked up unmasked here, in
        the core, so a masked screen still sees the class. Empty without the ticket service or
        ``callers.read``. Raises StoreError. Blocks (a store read per number not read lately)."""
        if self.tickets is None or not self.user.can("callers.read"):
            return {}
        now = time.monotonic()
        out: dict[str, str] = {}
        for uuid, number in self.live.caller_numbers(members).items():
            hit = self._classes.get(number)
            if hit is None or now - hit[1] > self.CLASS_TTL_S:
                hit = self._classes[number] = (self.tickets.caller_class(self.user, number), now)
            if hit[0]:
                out[uuid] = hit[0]
        return out
    qa: QaService | None = None       # quality inspection (the QA screen, docs/qa.md); None without qa.yaml
    #: Notifications (docs/notify.md): the outbox's count per status (blocks: one query;
    #: raises StoreError), and whether this console runs a delivery worker.
    outbox: Callable[[], dict[str, int]] | None = None
    notify_worker: bool = False
    feed: TicketFeed | None = None    # the ticket change feed the console follows (issue 21)
    cc_tables: CallcenterTables | None = None   # mod_callcenter's shared tables, when nodes share them
    drift: list[Drift] = field(default_factory=list)   # the last check_drift's findings
    drift_error: str = ""        # the last check could not read the shared tables: why
    drift_checked: float = 0.0   # when the last check ended (epoch seconds; 0: never)
    #: The console's reports (issue 16): the handover screen's live draft and sign-off, the
    #: reports screen (``hotline_tui.reports.desk.ReportDesk``); None in a replay.
    reports: ReportsPort | None = None

    def nodes(self) -> list[sw.NodeHealth]:
        return self.switch.nodes() if self.switch is not None else []

    def can(self, permission: str) -> bool:
        return not self.readonly and self.user.can(permission)

    def snapshot(self) -> LiveSnapshot:
        """The live picture now (``now()``), as ``user`` may see it: callers' numbers and names
        masked without personal_data.view (``masking.mask_snapshot``). What every screen is
        shown. Never blocks (a copy of in-memory state)."""
        return mask_snapshot(self.live.snapshot(self.now()), self.user)

    def check_drift(self, snap: LiveSnapshot | None = None) -> list[Drift]:
        """Compare every node's live picture (``snap``: one the UI took, since the picture is
        applied on the UI loop; default: ``snapshot()`` now) with the shared mod_callcenter
        tables (issue 21; ``live.drift``) and keep the findings in ``drift``. Blocks (reads the
        tables); raises what ``cc_tables`` raises. Without shared tables: []."""
        if self.cc_tables is None:
            return []
        picture = snap if snap is not None else self.snapshot()
        self.drift = drift(picture, self.cc_tables.agents(), self.cc_tables.members())
        return self.drift

    def mask(self, text: str) -> str:
        """``text`` with phone numbers in it masked for ``user`` (errors quoting a caller's
        number, the switch's last error). Never blocks."""
        return mask_text(text, self.user)

    def error(self, text: str) -> None:
        """Keep ``text`` for the engineer view's error list, masked for ``user``."""
        self.errors.append((time.time(), self.mask(text)))

