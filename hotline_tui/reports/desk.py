"""The console's reports: the live draft of the shift handover with its sign-off, and the reports
screen's catalogue (pick a report and a period, get its data). The same builders as
``hotline report`` (``handover.gather``/``handover``, ``call_loss``, ``queue_interval`` …), so the console and the CLI
show the same numbers for the same period. Every method blocks (store reads) and raises
StoreError on an outage, PermissionDenied without the permission it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Protocol

from ..access import Access, User
from ..audit import AuditEntry
from ..calls import HandoverNotes
from ..calls_port import CallStore
from ..clock import SITE_TZ, Clock
from ..errors import ValidationError
from ..kpi import KpiSettings
from ..tickets.service import TicketService
from . import call_loss as loss
from . import handover as ho
from .period import Period, free_period, shift_at
from .ports import ReportsStore, Signoff

#: The periods the reports screen offers, in its order.
PERIODS = ("shift", "previous-shift", "today", "yesterday", "last-7-days", "this-month")


def period_of(choice: str, now: datetime, settings: KpiSettings) -> Period:
    """The period called ``choice`` (one of PERIODS) as of ``now``, in site time: the shift
    running now or the one before it, today or yesterday (midnight to midnight), the seven days
    up to tomorrow's midnight, this calendar month. Raises ValidationError for another name."""
    local = now.astimezone(SITE_TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if choice == "shift":
        return shift_at(local, settings)
    if choice == "previous-shift":
        return shift_at(shift_at(local, settings).start - timedelta(seconds=1), settings)
    if choice == "today":
        return free_period(midnight, midnight + timedelta(days=1))
    if choice == "yesterday":
        return free_period(midnight - timedelta(days=1), midnight)
    if choice == "last-7-days":
        return free_period(midnight - timedelta(days=6), midnight + timedelta(days=1))
    if choice == "this-month":
        first = midnight.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return free_period(first, nxt)
    raise ValidationError(f"no period {choice!r} (periods: {', '.join(PERIODS)})")


class Stores(Protocol):
    """The component stores the desk reads (a ``backends.store.Store``)."""

    @property
    def calls(self) -> CallStore:
        """The call store."""
        ...

    @property
    def reports(self) -> ReportsStore:
        """The reports component (sign-offs, link log, caller classes)."""
        ...


#: A report builder: (desk, viewer, period, now) → the report's JSON-able data (docs/reports.md).
Builder = Callable[["ReportDesk", User, Period, datetime], dict[str, Any]]


def _handover(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    notes = desk.notes.for_shift(viewer, period.shift_date, period.shift) if period.shift else []
    inp = ho.gather(period, as_of=now, settings=desk.settings, calls=desk.stores.calls, tickets=desk.tickets,
                    notes=notes, signoffs=desk.stores.reports.signoffs(period.start.timestamp(), period.end.timestamp()),
                    teams=desk.teams, reports=desk.stores.reports)
    return ho.handover(inp, desk.settings, viewer)


def _call_loss(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    records = desk.stores.calls.records(period.start.timestamp(), period.end.timestamp())
    by = "half-hour" if period.end - period.start <= timedelta(days=1) else "day"
    return loss.call_loss(records, period, desk.settings, by=by)


def _agent_workload(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from . import agents as ag
    lo, hi = period.start.timestamp(), period.end.timestamp()
    return ag.agent_workload(desk.stores.calls.records(lo - ag.LOOKBACK_S, hi), desk.stores.calls.intervals(lo, hi),
                             period, desk.settings)


def _agent_states(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from . import agents as ag
    return ag.agent_states(desk.stores.calls.intervals(period.start.timestamp(), period.end.timestamp()), period)


def _departments(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from .departments import departments
    st = desk.tickets.store
    return departments(st.facts(period.start, period.end), st.event_tallies(period.start, period.end), period, now,
                       desk.tickets.departments())


def _categories(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from .ticket_groups import categories
    return categories(desk.tickets.store.facts(period.start, period.end), period, now, desk.tickets.categories())


def _channels(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from .ticket_groups import channels
    return channels(desk.tickets.store.facts(period.start, period.end), period, now)


def _callbacks(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from .ticket_groups import callbacks
    events = desk.tickets.store.events(period.start, period.end, of_registered=False, kind="callback")
    return callbacks(events, period, desk.tickets.departments())


def _by(period: Period) -> str:
    # as the CLI's default for a shift or a day; a longer period by day
    return "half-hour" if period.end - period.start <= timedelta(days=1) else "day"


def _queue_interval(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from . import queue_interval as qi
    from ..live.rebuild import BUSY_STATES, OFF_STATUSES
    lo, hi = period.start.timestamp(), period.end.timestamp()
    by, calls, s = _by(period), desk.stores.calls, desk.settings
    if qi.slots_fit(period, by):          # as ``hotline report queue-interval``: the store's sums per half hour
        return qi.queue_interval_from_sums(calls.visit_sums(lo, hi, s.threshold_s, s.short_abandon_s, qi.SLOT_S),
                                           calls.staffed_spans(lo, hi, BUSY_STATES, OFF_STATUSES), period, s,
                                           by=by, tiers=desk.tiers)
    return qi.queue_interval(calls.records(lo, hi), calls.intervals(lo, hi), period, s, by=by, tiers=desk.tiers)


def _assessment(desk: "ReportDesk", viewer: User, period: Period, now: datetime) -> dict[str, Any]:
    from .assessment import DEFAULT_WEIGHTS, assessment
    month = f"{period.start:%Y-%m}"
    whole_month = (period.start.day == 1 and period.start.hour == period.start.minute == 0
                   and period.end == (period.start + timedelta(days=32)).replace(day=1))
    return assessment(_departments(desk, viewer, period, now), desk.weights or dict(DEFAULT_WEIGHTS),
                      month if whole_month else "")


#: The reports the console's reports screen offers: the same builders as ``hotline report``
#: (queue-interval by half hour for a shift or a day, by day for longer, as the CLI's tiers from
#: site.yaml; the assessment sheet with kpi.yaml's weights, its month when the period is one).
BUILDERS: dict[str, Builder] = {"handover": _handover, "call-loss": _call_loss, "queue-interval": _queue_interval,
                                "agent-workload": _agent_workload, "agent-states": _agent_states,
                                "departments": _departments, "assessment": _assessment,
                                "categories": _categories, "channels": _channels, "callbacks": _callbacks}


def sign(stores: Stores, access: Access, actor: User, period: Period, role: str, now: datetime) -> Signoff:
    """Record that ``actor`` hands ``period`` over (role ``handed_over``) or receives it
    (``received``) at ``now``, with an audit entry, in one transaction. Raises PermissionDenied
    without handover.write, ValidationError out of sequence (twice, or a receipt before the
    hand-over), StoreError. Blocks."""
    access.require(actor, "handover.write", "sign a shift handover")
    if role not in ("handed_over", "received"):
        raise ValidationError(f"no sign-off role {role!r}")
    why = ho.sequence_ok(stores.reports.signoffs(period.start.timestamp(), period.end.timestamp()), role)
    if why:
        raise ValidationError(why)
    s = Signoff(period.shift_date, period.shift, period.start.timestamp(), period.end.timestamp(), role, actor.name,
                now.timestamp())
    entry = AuditEntry(actor.name, f"handover.{role}", "shift",
                       f"{period.shift_date} {period.shift}".strip() or period.label, now, datetime.now(SITE_TZ), None,
                       {**period.as_dict(), "role": role})
    sid = stores.reports.add_signoff(s, entry)
    return Signoff(s.shift_date, s.shift_name, s.period_from, s.period_to, s.role, s.user, s.at, sid)


@dataclass
class ReportDesk:
    stores: Stores
    tickets: TicketService
    notes: HandoverNotes
    access: Access
    clock: Clock
    settings: KpiSettings
    teams: dict[str, str] = field(default_factory=dict)      # agent → team (site.yaml)
    #: agent → the queues it has a tier in (site.yaml skills; None: every agent staffs every queue)
    tiers: dict[str, list[str]] | None = None
    #: the assessment sheet's weights (kpi.yaml ``assessment.weights``; None: the defaults)
    weights: dict[str, float] | None = None
    #: name → builder; the reports screen offers these. Another report joins with ``register``.
    builders: dict[str, Builder] = field(default_factory=lambda: dict(BUILDERS))

    def register(self, name: str, builder: Builder) -> None:
        """Offer report ``name`` on the reports screen, built by ``builder``. Never blocks."""
        self.builders[name] = builder

    def names(self) -> list[str]:
        """The reports offered: handover first, call loss next, then by name. Never blocks."""
        return sorted(self.builders, key=lambda n: (n != "handover", n != "call-loss", n))

    def run(self, viewer: User, name: str, choice: str) -> dict[str, Any]:
        """Report ``name`` for the period ``choice`` (PERIODS) as of now. Raises PermissionDenied
        (reports.read), ValidationError (unknown report or period), StoreError. Blocks."""
        self.access.require(viewer, "reports.read", "read reports")
        fn = self.builders.get(name)
        if fn is None:
            raise ValidationError(f"no report {name!r} (reports: {', '.join(self.names())})")
        now = self.clock.now()
        return fn(self, viewer, period_of(choice, now, self.settings), now)

    def handover_draft(self, viewer: User, choice: str = "shift") -> dict[str, Any]:
        """The handover report of the shift running now (``choice`` "previous-shift": the one
        before, for the receiving lead), as of now: the live draft. Blocks."""
        return self.run(viewer, "handover", choice)

    def sign(self, actor: User, role: str, choice: str = "shift") -> Signoff:
        """Sign the hand-over or the receipt of the shift ``choice`` now (``sign`` above). Blocks."""
        now = self.clock.now()
        return sign(self.stores, self.access, actor, period_of(choice, now, self.settings), role, now)
