"""TicketService: every ticket action, with permission, workflow rule, SLA clocks and audit.

Each mutating method: loads the ticket, checks the actor's permission and the transition,
applies the change, bumps the version, and writes ticket + note + audit entry in ONE
transaction. ``expected_version`` (the version the user's screen showed) turns a concurrent
edit into ConflictError instead of a silent overwrite. ``at`` enters work done earlier (tickets
taken on paper during an outage); the audit keeps both ``at`` and the recording time.
All methods block (database I/O).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from ..access import Access, User, mask_name, mask_phone, mask_record, mask_text, sees_personal_data
from ..audit import AuditEntry, AuditLog
from ..clock import SITE_TZ, Clock
from ..errors import ConflictError, IllegalTransition, NotFound, PermissionDenied, ValidationError, refuse_nul
from ..sla import SlaPolicy
from . import workflow
from .catalog import Catalog
from .events import events_of
from .model import Caller, DepartmentTask, Ticket, TicketNote
from .ports import TicketStore

#: (action, before snapshot or None, after snapshot, when, note) -> None; may raise StoreError.
ChangeHook = Callable[[str, "dict[str, Any] | None", "dict[str, Any]", datetime, str], None]

SATISFACTION = ("satisfied", "unsatisfied", "unconfirmed")
#: ``--at`` must lie in these years (the calendar's range; also keeps serials 8-digit dates).
AT_YEARS = (2000, 2100)
#: how far ``--at`` may lie ahead of the clock (clock skew between workstations)
AT_SKEW = timedelta(minutes=5)

#: Bounds of a list page (the CLI's --limit/--offset ranges are the same): a negative LIMIT or
#: one past BIGINT is refused here, not by PostgreSQL with a traceback.
MAX_PAGE, MAX_OFFSET = 10_000, 10**9


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"limit must be between 1 and {MAX_PAGE:,}, not {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationError(f"offset must be between 0 and {MAX_OFFSET:,}, not {offset}")
RESPONSIBILITY = ("at_fault", "not_at_fault")


@dataclass
class Intake:
    """What the agent types while the citizen is on the line (受理登记)."""

    channel: str
    caller_phone: str
    content: str
    category: str
    caller_name: str = ""
    address: str = ""
    district: str = ""
    subcategory: str = ""
    urgency: str = "normal"
    call_id: str = ""
    recording_id: str = ""
    remind_at: datetime | None = None


class TicketService:
    def __init__(self, store: TicketStore, audit: AuditLog, access: Access, catalog: Catalog,
                 policy: SlaPolicy, clock: Clock):
        self.store, self.audit, self.access = store, audit, access
        self.catalog, self.policy, self.clock = catalog, policy, clock
        #: Called inside each change's transaction with (action, before, after, when, note):
        #: the notifications' outbox (hotline_tui/notify/planner.py) writes its rows there, so
        #: they commit or vanish with the change. None: no notifications.
        self.on_change: ChangeHook | None = None

    # -- what screens need besides actions ---------------------------------------------------
    def categories(self) -> dict[str, str]:
        """Ticket categories, code -> display name, in the catalogue's order. Never blocks."""
        return dict(self.catalog.categories)

    def departments(self) -> dict[str, str]:
        """Departments tickets are dispatched to, code -> display name. Never blocks."""
        return dict(self.catalog.departments)

    def districts(self) -> tuple[str, ...]:
        """The site's districts (the desk's picker; empty: free text). Never blocks."""
        return tuple(self.catalog.districts)

    def urgencies(self) -> tuple[str, ...]:
        """Urgency levels, the default first. Never blocks."""
        return tuple(self.catalog.urgencies)

    def now(self) -> datetime:
        """The service's current time (its clock: frozen in tests), timezone-aware. Never blocks."""
        return self.clock.now()

    def calendar_warning(self) -> str | None:
        """The working-day calendar's warning for today (the service's clock, site time): one
        line naming the provisional years — those in use whose 调休 is not announced, statutory
        days by rule only — and the files to add; None when every year in use is known. The
        years themselves: ``policy.calendar.provisional_years``. Never blocks."""
        return self.policy.calendar.warning(self.clock.now().astimezone(SITE_TZ).date())

    def provisional_years(self) -> list[int]:
        """The years ``calendar_warning`` names (sorted; empty when it is None). Never blocks."""
        return self.policy.calendar.provisional_years(self.clock.now().astimezone(SITE_TZ).date())

    # -- helpers ---------------------------------------------------------------------------
    def _when(self, at: datetime | None) -> datetime:
        """When an action happened, in the site's zone: the serial's day and the working-day
        calendar are the site's, whatever offset ``--at`` was written with."""
        now = self.clock.now()
        if at is None:
            return now.astimezone(SITE_TZ)
        lo, hi = AT_YEARS
        if at.tzinfo is None:
            at = at.replace(tzinfo=SITE_TZ)
        # The year is checked on the value as written first: converting year 1 at +14:00 to
        # the site's zone would overflow (OverflowError) before any comparison.
        if not lo <= at.year <= hi or not lo <= at.astimezone(SITE_TZ).year <= hi:
            raise ValidationError(f"--at {at.isoformat()} is outside the years {lo}-{hi}")
        if at > now + AT_SKEW:
            raise ValidationError(f"--at {at.isoformat()} is in the future")
        return at.astimezone(SITE_TZ)

    def _visible(self, viewer: User | None, t: Ticket) -> bool:
        """Whether ``viewer`` may know ``t`` exists: department users see only their own
        department's tickets (lead or co-handling); centre staff see every ticket."""
        if viewer is None or not viewer.department:
            return True
        return viewer.department in {t.department, *(c.department for c in t.co_departments)}

    def _load(self, serial: str, viewer: User | None = None, *, for_update: bool = False) -> Ticket:
        """The ticket, if ``viewer`` may see it. A ticket the viewer may not see raises the
        same NotFound as one that does not exist, so refusals never tell who exists.
        ``for_update`` locks the row until the transaction ends (PostgreSQL)."""
        t = self.store.get(serial, for_update=True) if for_update else self.store.get(serial)
        if t is None or not self._visible(viewer, t):
            raise NotFound(f"no ticket {serial}")
        return t

    def _not_before_last_action(self, t: Ticket, when: datetime) -> None:
        """``--at`` may not lie before the ticket's registration or its last recorded action."""
        if when < t.created_at:
            raise ValidationError(f"--at {when.isoformat()} is before the ticket was registered "
                                  f"({t.created_at.astimezone(SITE_TZ).isoformat()})")
        last = max((e.at for e in self.audit.for_subject("ticket", t.serial)), default=t.created_at)
        if when < last:
            raise ValidationError(f"--at {when.isoformat()} is before the ticket's last action "
                                  f"({last.astimezone(SITE_TZ).isoformat()})")

    def _set_clock(self, t: Ticket, start: datetime) -> None:
        """Start the clock of ``t.state`` (or stop all when none runs) and store its due time."""
        clock = workflow.clock_for(t.state)
        due = None
        if clock == "acknowledge":
            due = t.ack_due = self.policy.deadline("acknowledge", t.category, t.urgency, start)
        elif clock == "handle":
            if t.handle_due is None:
                t.handle_due = self.policy.deadline("handle", t.category, t.urgency, start)
            due = t.handle_due
        elif clock == "review":
            due = t.review_due = self.policy.deadline("review", t.category, t.urgency, start)
        elif clock == "callback":
            if t.callback_due is None:
                t.callback_due = self.policy.deadline("callback", t.category, t.urgency, start)
            due = t.callback_due
        t.current_due = due
        t.yellow_from = self.policy.yellow_from(due, start) if due else None

    def _department_may(self, user: User, t: Ticket, *, co_ok: bool = False) -> None:
        # A department user acts only for its own tickets; centre staff holding the permission
        # may record a department's action on its behalf (e.g. confirmed by phone).
        if user.department:
            mine = {t.department} | ({c.department for c in t.co_departments} if co_ok else set())
            if user.department not in mine:
                raise PermissionDenied(user.name, "tickets.department", f"act for {t.department or 'no department'}")

    def _require(self, actor: User, action: str, serial: str) -> None:
        self.access.require(actor, workflow.permission_for(action), action.replace("_", " ") + f" {serial}")

    def _act(self, actor: User, serial: str, action: str, change: Callable[[Ticket, datetime], None], *,
             expected_version: int | None, at: datetime | None, note: str | Callable[[], str] = "",
             note_kind: str | None = None, dept_check: bool = False, co_ok: bool = False,
             details: dict[str, Any] | None = None) -> Ticket:
        when = self._when(at)
        # Order (docs/tickets.md): permission for the action, visibility of the ticket to this
        # user, the version the screen showed, then the transition. Each refusal tells only
        # what the user may already know.
        self._require(actor, action, serial)
        with self.store.tx():
            # Locked until commit (PostgreSQL FOR UPDATE; SQLite's BEGIN IMMEDIATE holds the
            # write lock): without an expected version a save applies to the current version,
            # so concurrent saves queue instead of conflicting over a version nobody gave.
            t = self._load(serial, actor, for_update=True)
            if dept_check:
                self._department_may(actor, t, co_ok=co_ok)
            if expected_version is not None and expected_version != t.version:
                raise ConflictError(f"ticket {serial}", expected_version, t.version)
            target, _ = workflow.check(t.state, action)
            if at is not None:
                self._not_before_last_action(t, when)
            before = t.snapshot()
            old_version = t.version
            previous_state = t.state
            change(t, when)
            if callable(note):      # a note that depends on the change (approve_extension's days)
                note = note()
            # only what this action writes: a field stored before the rule stays actionable
            refuse_nul(note=note, **{k: v for k, v in t.snapshot().items() if isinstance(v, str) and before.get(k) != v})
            if target is not None and t.state == previous_state and action not in ("ack",):
                t.state = target
            if t.state != previous_state:
                self._set_clock(t, when)
            t.version = old_version + 1
            t.updated_at = self.clock.now()
            self.store.update(t, old_version)
            if note_kind and note:
                self.store.add_note(TicketNote(serial, note_kind, when, actor.name, note))
            # ``details``: facts about the action that are not ticket fields (e.g. the cited article).
            after = t.snapshot() if details is None else {**t.snapshot(), **details}
            self.audit.append(AuditEntry(actor.name, f"ticket.{action}", "ticket", serial, when, self.clock.now(),
                                         before, after, note))
            if self.on_change is not None:
                self.on_change(action, before, after, when, note)
            # What a department is judged by (returns, wrong returns, urges ...), named for the
            # department it counts for, in the same transaction (docs/reports.md, "Departments").
            for ev in events_of(action, before, after, when):
                self.store.add_event(ev)
        return self.masked(t, actor)

    # Masking happens here, where data leaves the service: every ticket, note, audit entry and
    # caller a method returns is masked for viewers without personal_data.view, so no caller
    # (CLI, screen, export) can forget to.
    def masked(self, t: Ticket, viewer: User) -> Ticket:
        """A copy of ``t`` with personal data masked for viewers without personal_data.view:
        phone and name, and phone numbers typed into its free text. Never blocks."""
        if sees_personal_data(viewer):
            return t
        changes: dict[str, Any] = {
            f.name: mask_text(getattr(t, f.name), viewer)
            for f in dataclasses.fields(t) if isinstance(getattr(t, f.name), str)
        }
        changes["caller_phone"] = mask_text(mask_phone(t.caller_phone, viewer), viewer)
        changes["caller_name"] = mask_name(t.caller_name, viewer)
        return dataclasses.replace(t, **changes)

    def masked_note(self, n: TicketNote, viewer: User) -> TicketNote:
        """``n`` with phone numbers in its text masked for ``viewer``. Never blocks."""
        return n if sees_personal_data(viewer) else dataclasses.replace(n, text=mask_text(n.text, viewer))

    def masked_entry(self, e: AuditEntry, viewer: User) -> AuditEntry:
        """An audit entry with personal data masked in its before/after records, its note and,
        for a caller, its subject (the phone number). Never blocks."""
        if sees_personal_data(viewer):
            return e
        subject = mask_phone(e.subject_id, viewer) if e.subject_type == "caller" else e.subject_id
        return dataclasses.replace(e, subject_id=subject, before=mask_record(e.before, viewer),
                                   after=mask_record(e.after, viewer), note=mask_text(e.note, viewer))

    def masked_caller(self, c: Caller, viewer: User) -> Caller:
        """``c`` with phone, name and note masked for ``viewer``. Never blocks."""
        if sees_personal_data(viewer):
            return c
        return Caller(mask_phone(c.phone, viewer), mask_name(c.name, viewer), c.caller_class, mask_text(c.note, viewer))

    # -- register ----------------------------------------------------------------------------
    def register(self, actor: User, intake: Intake, *, at: datetime | None = None) -> Ticket:
        """Register a ticket (受理). Returns it with its new serial."""
        self.access.require(actor, "tickets.register", "register a ticket")
        refuse_nul(**{k: v for k, v in vars(intake).items() if isinstance(v, str)})
        c = self.catalog
        when = self._when(at)
        phone = c.phone(intake.caller_phone)
        content = c.fits("content", intake.content.strip())
        if not content:
            raise ValidationError("content is required")
        t = Ticket(
            serial="", created_at=when, channel=c.channel(intake.channel), caller_phone=phone,
            content=content, category=c.category(intake.category), caller_name=c.fits("name", intake.caller_name),
            address=c.fits("address", intake.address), district=c.district(intake.district),
            subcategory=intake.subcategory, urgency=c.urgency(intake.urgency),
            call_id=c.fits("call_id", intake.call_id), recording_id=c.fits("recording_id", intake.recording_id),
            remind_at=intake.remind_at, registered_by=actor.name,
        )
        c.subcategory(t.category, intake.subcategory)
        if t.category == "todo":
            if intake.remind_at is None:
                raise ValidationError("a to-do ticket needs a reminder time (--remind-at)")
            t.state = "todo"
        t.updated_at = self.clock.now()
        # Serial, ticket and audit entry in one transaction the store opens itself (on PostgreSQL
        # a single statement: one round trip, no separate BEGIN/COMMIT); the store puts the new
        # serial into the entry's subject and after-snapshot.
        entry = AuditEntry(actor.name, "ticket.register", "ticket", "", when, self.clock.now(), None, t.snapshot())
        if self.on_change is None:
            self.store.insert_new(t, entry)
        else:
            with self.store.tx():       # the registration SMS commits with the ticket
                self.store.insert_new(t, entry)
                self.on_change("register", None, t.snapshot(), when, "")
        return self.masked(t, actor)

    def register_and_answer(self, actor: User, intake: Intake, answer: str, *, article_id: int | None = None,
                            at: datetime | None = None) -> Ticket:
        """Register a ticket and answer it on the spot (受理 + 当即答复结案) in ONE store
        transaction: both or nothing, an audit entry for each, the cited knowledge article's id
        (``article_id``) kept as the ticket's ``cited_article`` (so in the answer's audit entry too). Returns the
        closed ticket with its new serial. Raises PermissionDenied, ValidationError (bad
        intake or empty answer, before anything is written), StoreError (StoreUnavailable,
        StoreBusy, ...: nothing written, the serial given back). Blocks."""
        self.access.require(actor, "tickets.register", "register and answer a ticket")
        text = self._answer_text(answer)
        when = self._when(at)                # one moment for both steps
        with self.store.tx():
            t = self.register(actor, intake, at=when)
            # the cited article is a field of the ticket (and so of the answer's audit entry)
            return self._answer(actor, t.serial, text, expected_version=t.version, at=when, article_id=article_id)

    def register_and_dispatch(self, actor: User, intake: Intake, department: str, *, note: str = "",
                              at: datetime | None = None) -> Ticket:
        """Register a ticket and dispatch it straight to ``department`` (受理 + 直派: the
        department the agent was shown as the suggestion, e.g. the cited article's) in ONE
        store transaction: both or nothing, an audit entry for each, the acknowledge clock
        started. Returns the dispatched ticket with its new serial. Raises PermissionDenied
        (tickets.register and tickets.dispatch, both checked before anything is written),
        ValidationError (bad intake, unknown department), StoreError (nothing written).
        Blocks."""
        self.access.require(actor, "tickets.register", "register a ticket")
        self.access.require(actor, "tickets.dispatch", "dispatch a ticket")
        self.catalog.department(department)
        when = self._when(at)
        with self.store.tx():
            t = self.register(actor, intake, at=when)
            return self.dispatch(actor, t.serial, department, expected_version=t.version, at=when, note=note)

    def mine(self, viewer: User, *, since: datetime | None = None, limit: int = 50) -> list[Ticket]:
        """The tickets ``viewer`` registered (the desk's "my work"), newest first, at or after
        ``since`` when given; masked like every ticket. Raises PermissionDenied without
        tickets.read, ValidationError for a bad ``limit``, StoreError. Blocks."""
        self.access.require(viewer, "tickets.read", "list my tickets")
        _page(limit, 0)
        return [self.masked(t, viewer) for t in self.store.registered_by(viewer.name, since=since, limit=limit)]

    # -- actions -----------------------------------------------------------------------------
    def _answer_text(self, answer: str) -> str:
        refuse_nul(answer=answer)
        text = self.catalog.fits("note", answer.strip())
        if not text:
            raise ValidationError("the answer is required")
        return text

    def _answer(self, actor: User, serial: str, text: str, *, expected_version: int | None, at: datetime | None,
                details: dict[str, Any] | None = None, article_id: int | None = None) -> Ticket:
        def change(t: Ticket, when: datetime) -> None:
            t.answer, t.closed_at = text, when
            if article_id is not None:
                t.cited_article = int(article_id)
        return self._act(actor, serial, "answer", change, expected_version=expected_version, at=at,
                         note=text, note_kind="answer", details=details)

    def answer(self, actor: User, serial: str, answer: str, *, expected_version: int | None = None,
               at: datetime | None = None) -> Ticket:
        """Answer on the spot and close at once (当即答复结案)."""
        return self._answer(actor, serial, self._answer_text(answer), expected_version=expected_version, at=at)

    def triage(self, actor, serial, *, category=None, subcategory=None, urgency=None, expected_version=None, at=None):
        def change(t, when):
            if category:
                t.category = self.catalog.category(category)
            if subcategory is not None:
                t.subcategory = self.catalog.subcategory(t.category, subcategory)
            if urgency:
                t.urgency = self.catalog.urgency(urgency)
        return self._act(actor, serial, "triage", change, expected_version=expected_version, at=at)

    def dispatch(self, actor, serial, department: str, *, co_departments=(), expected_version=None, at=None,
                 note: str = "") -> Ticket:
        """Dispatch to a lead department (+ co-handling units); starts the 30-minute ack clock."""
        lead = self.catalog.department(department)
        cos = [self.catalog.department(d) for d in co_departments if d != lead]
        self.catalog.fits("note", note)

        def change(t, when):
            t.department = lead
            t.co_departments = [DepartmentTask(d, "co", when) for d in cos]
            t.acknowledged_at = None
            # The handle clock runs from dispatch: "within N working days" of the department's receipt.
            t.handle_due = self.policy.deadline("handle", t.category, t.urgency, when)
        return self._act(actor, serial, "dispatch", change, expected_version=expected_version, at=at,
                         note=note, note_kind="dispatch")

    def acknowledge(self, actor, serial, *, expected_version=None, at=None) -> Ticket:
        """The department confirms receipt (签收). A co-handling unit's ack is recorded on its task."""
        def change(t, when):
            dept = actor.department or t.department
            if dept == t.department:
                if t.state == "handling" and t.acknowledged_at:
                    raise IllegalTransition(t.state, "ack")
                t.acknowledged_at = when
                t.state = "handling"
            else:
                for task in t.co_departments:
                    if task.department == dept:
                        if task.acknowledged_at:
                            raise IllegalTransition("acknowledged", "ack")
                        task.acknowledged_at = when
        return self._act(actor, serial, "ack", change, expected_version=expected_version, at=at,
                         dept_check=True, co_ok=True)

    def return_ticket(self, actor, serial, reason: str, *, expected_version=None, at=None) -> Ticket:
        """The department returns a ticket that is not theirs (退单); the centre reviews it."""
        if not reason.strip():
            raise ValidationError("a return needs a reason")
        self.catalog.fits("note", reason.strip(), label="reason")

        def change(t, when):
            t.returns += 1
        return self._act(actor, serial, "return", change, expected_version=expected_version, at=at,
                         note=reason.strip(), note_kind="return", dept_check=True)

    def redispatch(self, actor, serial, department: str, *, expected_version=None, at=None, note="") -> Ticket:
        """Return accepted: dispatch to the right department (counts a justified return)."""
        new = self.catalog.department(department)
        self.catalog.fits("note", note)

        def change(t, when):
            self.store.count_return(t.department, wrong=False)
            t.department, t.co_departments, t.acknowledged_at = new, [], None
            t.handle_due = self.policy.deadline("handle", t.category, t.urgency, when)
        return self._act(actor, serial, "redispatch", change, expected_version=expected_version, at=at,
                         note=note or f"re-dispatched to {new}", note_kind="dispatch")

    def reject_return(self, actor, serial, note: str = "", *, expected_version=None, at=None) -> Ticket:
        """Wrong return: back to the same department, counted against it."""
        self.catalog.fits("note", note)
        def change(t, when):
            self.store.count_return(t.department, wrong=True)
            t.acknowledged_at = None
        return self._act(actor, serial, "reject_return", change, expected_version=expected_version, at=at,
                         note=note, note_kind="review")

    def request_extension(self, actor, serial, working_days: int, reason: str, *, expected_version=None, at=None):
        if working_days < 1:
            raise ValidationError("an extension is at least 1 working day")
        if not reason.strip():
            raise ValidationError("an extension request needs a reason")
        self.catalog.fits("note", reason.strip(), label="reason")
        return self._act(actor, serial, "extend", lambda t, w: None, expected_version=expected_version, at=at,
                         note=f"{working_days}|{reason.strip()}", note_kind="extension", dept_check=True)

    def _pending_extension_days(self, serial: str) -> int:
        for n in reversed(self.store.notes(serial)):
            if n.kind == "extension":
                return int(n.text.split("|", 1)[0])
        raise NotFound(f"ticket {serial} has no extension request")

    def approve_extension(self, actor, serial, *, expected_version=None, at=None, note="") -> Ticket:
        """Approve: the handle deadline moves by the requested working days (recorded)."""
        self.catalog.fits("note", note)
        # Permission, visibility, version and state come first (in _act); the request last.
        requested: list[int] = []

        def change(t, when):
            days = self._pending_extension_days(serial)
            requested.append(days)
            t.handle_due = self.policy.calendar.add_working_days(t.handle_due or when, days)
            t.extensions += 1
            t.state = "handling"
        return self._act(actor, serial, "approve_extension", change, expected_version=expected_version, at=at,
                         note=lambda: note or f"extended by {requested[0]} working days",
                         note_kind="extension-decision")

    def refuse_extension(self, actor, serial, *, expected_version=None, at=None, note="") -> Ticket:
        """Refuse: the deadline stays."""
        self.catalog.fits("note", note)
        return self._act(actor, serial, "refuse_extension", lambda t, w: None, expected_version=expected_version,
                         at=at, note=note or "extension refused", note_kind="extension-decision")

    def pause(self, actor, serial, reason: str, *, expected_version=None, at=None) -> Ticket:
        """Wait for the citizen's supplement: the handle clock stops (policy's pause states)."""
        self.catalog.fits("note", reason, label="reason")

        def change(t, when):
            if "waiting_supplement" not in self.policy.pause_states:
                raise IllegalTransition(t.state, "pause (the SLA policy allows no pause)")
            t.paused_at = when
        return self._act(actor, serial, "pause", change, expected_version=expected_version, at=at,
                         note=reason, note_kind="pause", dept_check=True)

    def resume(self, actor, serial, *, expected_version=None, at=None) -> Ticket:
        def change(t, when):
            paused = int((when - t.paused_at).total_seconds()) if t.paused_at else 0
            t.paused_seconds += max(paused, 0)
            if t.handle_due:
                t.handle_due += timedelta(seconds=max(paused, 0))
            t.paused_at = None
        return self._act(actor, serial, "resume", change, expected_version=expected_version, at=at, dept_check=True)

    def reply(self, actor, serial, text: str, *, expected_version=None, at=None) -> Ticket:
        """The department's result (回单); starts the centre's review clock."""
        body = self.catalog.fits("note", text.strip())
        if not body:
            raise ValidationError("a reply needs text")

        def change(t, when):
            t.reply, t.replied_at = body, when
        return self._act(actor, serial, "reply", change, expected_version=expected_version, at=at,
                         note=body, note_kind="reply", dept_check=True)

    def review_reply(self, actor, serial, accept: bool, note: str = "", *, expected_version=None, at=None) -> Ticket:
        """Accept the reply (→ callback) or send it back to the department."""
        action = "accept_reply" if accept else "send_back"
        if not accept and not note.strip():
            raise ValidationError("sending a reply back needs a note saying why (--note)")
        self.catalog.fits("note", note)
        return self._act(actor, serial, action, lambda t, w: None, expected_version=expected_version, at=at,
                         note=note, note_kind="review")

    def callback(self, actor, serial, handler: str, result: str, note: str = "", *, expected_version=None, at=None):
        """Record the callback (回访). 'unconfirmed' on both counts keeps it pending (try again)."""
        for v in (handler, result):
            if v not in SATISFACTION:
                raise ValidationError(f"callback result must be one of {', '.join(SATISFACTION)}, not {v!r}")
        self.catalog.fits("note", note)

        def change(t, when):
            t.callback_attempts += 1
            t.callback_at = when
            t.callback_handler, t.callback_result = handler, result
            if not (handler == "unconfirmed" and result == "unconfirmed"):
                t.state = "called_back"
        return self._act(actor, serial, "callback", change, expected_version=expected_version, at=at,
                         note=note or f"handler={handler} result={result}", note_kind="callback")

    def reopen(self, actor, serial, reason: str, *, expected_version=None, at=None) -> Ticket:
        """Reopen (重办), e.g. after an unsatisfied callback: back to triage for a new dispatch."""
        if not reason.strip():
            raise ValidationError("reopening needs a reason")
        self.catalog.fits("note", reason, label="reason")

        def change(t, when):
            t.closed_at = None
            t.handle_due = t.callback_due = None
        return self._act(actor, serial, "reopen", change, expected_version=expected_version, at=at,
                         note=reason, note_kind="reopen")

    def archive(self, actor, serial, *, responsibility: str = "", unit: str = "", reason: str = "",
                expected_version=None, at=None) -> Ticket:
        """Archive (归档) with the responsibility judgement (complaints need one)."""
        if responsibility and responsibility not in RESPONSIBILITY:
            raise ValidationError(f"responsibility must be one of {', '.join(RESPONSIBILITY)}")
        self.catalog.fits("unit", unit)
        self.catalog.fits("note", reason, label="reason")

        def change(t, when):
            if t.category == "complaint" and t.state != "closed" and not responsibility:
                raise ValidationError("archiving a complaint needs --responsibility at_fault|not_at_fault")
            if t.state == "callback_pending" and t.callback_attempts == 0:
                raise IllegalTransition(t.state, "archive before any callback attempt")
            t.responsibility, t.responsible_unit, t.responsibility_reason = responsibility, unit, reason
            t.closed_at = t.closed_at or when
        return self._act(actor, serial, "archive", change, expected_version=expected_version, at=at,
                         note=reason, note_kind="archive")

    def complete_todo(self, actor, serial, note: str = "", *, expected_version=None, at=None) -> Ticket:
        self.catalog.fits("note", note)
        def change(t, when):
            t.closed_at = when
        return self._act(actor, serial, "complete_todo", change, expected_version=expected_version, at=at,
                         note=note, note_kind="todo")

    def urge(self, actor, serial, note: str = "", channel: str = "message", *, expected_version=None, at=None):
        """Urge the department (催办); recorded and counted."""
        self.catalog.fits("note", note)
        def change(t, when):
            t.urges += 1
        return self._act(actor, serial, "urge", change, expected_version=expected_version, at=at,
                         note=f"[{channel}] {note}".strip(), note_kind="urge")

    def escalate(self, actor, *, limit: int = 1000) -> list[tuple[str, str]]:
        """Take every escalation step now due on yellow/red tickets (cron: ``hotline tickets
        escalate``). Each step is taken once per deadline and logged; ``auto_urge`` counts as an
        urge. Returns (serial, step name) pairs taken."""
        self.access.require(actor, "tickets.urge", "escalate overdue tickets")
        now = self.clock.now()
        taken: list[tuple[str, str]] = []
        for t in self.store.overdue(now, limit=limit):
            due = t.current_due
            if due is None:                  # overdue() lists running clocks only
                continue
            key = due.isoformat()
            done = set(t.escalation_done) if t.escalation_key == key else set()
            due_steps = [st for st in self.policy.escalation_steps() if due + st.offset <= now and st.name not in done]
            if not due_steps:
                continue

            def change(tk, when, steps=due_steps, key=key):
                if tk.escalation_key != key:
                    tk.escalation_key, tk.escalation_done = key, []
                for st in steps:
                    tk.escalation_done.append(st.name)
                    tk.urges += st.action == "auto_urge"
            names = ", ".join(st.name for st in due_steps)
            self._act(actor, t.serial, "escalate", change, expected_version=t.version, at=None,
                      note=f"[auto] {names}", note_kind="urge" if any(s.action == "auto_urge" for s in due_steps) else "escalation")
            taken += [(t.serial, st.name) for st in due_steps]
        return taken

    def link(self, actor, serial, other: str, *, at=None) -> Ticket:
        """Link two tickets about related matters (案件关联)."""
        if other == serial:
            raise ValidationError("a ticket cannot be linked to itself")
        self._require(actor, "link", serial)      # before looking the other ticket up
        self._load(other, actor)

        def change(t, when):
            self.store.link(serial, other, "related")
        return self._act(actor, serial, "link", change, expected_version=None, at=at,
                         note=f"linked to {other}", note_kind="link")

    def merge(self, actor, serial, into: str, *, at=None) -> Ticket:
        """Merge a repeat request into the main ticket (并单); the trail is kept on both."""
        if into == serial:
            raise ValidationError("a ticket cannot be merged into itself")
        self._require(actor, "merge", serial)     # before looking the main ticket up
        main = self._load(into, actor)
        if main.state in workflow.TERMINAL:
            raise IllegalTransition(main.state, "merge into")

        def change(t, when):
            t.merged_into = into
            t.closed_at = when
            self.store.link(serial, into, "merged")
        return self._act(actor, serial, "merge", change, expected_version=None, at=at,
                         note=f"merged into {into}", note_kind="merge")

    def supplement(self, actor, serial, text: str, *, at=None) -> Ticket:
        """Add information to a ticket, also long after closure (补填)."""
        body = self.catalog.fits("note", text.strip())
        if not body:
            raise ValidationError("a supplement needs text")
        return self._act(actor, serial, "supplement", lambda t, w: None, expected_version=None, at=at,
                         note=body, note_kind="supplement")

    # -- reads -----------------------------------------------------------------------------
    def get(self, viewer: User, serial: str) -> Ticket:
        """The ticket, masked for ``viewer``. Raises PermissionDenied without tickets.read, and
        NotFound for a ticket that does not exist or that ``viewer`` may not see (the same
        message). Blocks."""
        self.access.require(viewer, "tickets.read", f"read {serial}")
        return self.masked(self._load(serial, viewer), viewer)

    def notes(self, viewer: User, serial: str) -> list[TicketNote]:
        """The ticket's notes, oldest first, masked for ``viewer``. Raises like ``get``."""
        self.get(viewer, serial)
        return [self.masked_note(n, viewer) for n in self.store.notes(serial)]

    def history(self, viewer: User, serial: str) -> list[AuditEntry]:
        """The ticket's audit trail, oldest first, with before/after masked for ``viewer``.
        Raises like ``get``."""
        self.get(viewer, serial)
        return [self.masked_entry(e, viewer) for e in self.audit.for_subject("ticket", serial)]

    def links(self, viewer: User, serial: str) -> list[tuple[str, str]]:
        self.get(viewer, serial)
        return self.store.links(serial)

    def _filters(self, viewer: User, filters: dict) -> dict:
        """``filters`` checked and completed: a light needs the clock's now, a department user
        sees its own department only."""
        if filters.get("light") not in (None, "", "red", "yellow", "green"):
            raise ValidationError("light must be red, yellow or green")
        if filters.get("light"):
            filters["now"] = self.clock.now()
        if filters.get("since") and filters.get("until") and filters["since"] >= filters["until"]:
            raise ValidationError("the date range ends before it starts")
        if viewer.department:
            filters["department"] = viewer.department
        return filters

    def search(self, viewer: User, **filters) -> list[Ticket]:
        """Tickets matching ``filters`` (TicketStore.search: state, department, category,
        phone, text folded, serial, light, since/until; limit, offset), newest first; a
        department user sees its own only. Raises PermissionDenied, ValidationError (a bad
        light, page or range), StoreError. Blocks."""
        self.access.require(viewer, "tickets.read", "list tickets")
        _page(filters.get("limit", 50), filters.get("offset", 0))
        return [self.masked(t, viewer) for t in self.store.search(**self._filters(viewer, filters))]

    def count(self, viewer: User, **filters) -> int:
        """How many tickets ``search`` with the same filters finds without a limit (``limit``
        and ``offset`` are ignored): the "500 of 1,203" of a list. Raises PermissionDenied,
        ValidationError, StoreError. Blocks."""
        self.access.require(viewer, "tickets.read", "count tickets")
        filters.pop("limit", None)
        filters.pop("offset", None)
        return self.store.count(**self._filters(viewer, filters))

    def page(self, viewer: User, *, limit: int = 50, offset: int = 0,
             **filters) -> tuple[list[tuple[Ticket, str]], int]:
        """One page of every ticket matching ``filters`` (as ``search``), each with its light
        from the stored clock columns (red, yellow, green: what ``overdue`` and the light
        filter use), and how many match in all: the console's "51-100 of 1,203". Raises like
        ``search``. Blocks (two queries)."""
        rows = self.search(viewer, limit=limit, offset=offset, **dict(filters))
        total = self.count(viewer, **dict(filters))
        now = self.clock.now()

        def lit(t: Ticket) -> str:
            if t.current_due is not None and t.current_due <= now:
                return "red"
            return "yellow" if t.yellow_from is not None and t.yellow_from <= now else "green"
        return [(t, lit(t)) for t in rows], total

    def overdue(self, viewer: User, *, light: str | None = None, department: str | None = None,
                category: str | None = None, text: str | None = None, limit: int = 50,
                offset: int = 0) -> list[tuple[Ticket, str]]:
        """Red and yellow tickets (most overdue first) with their light, from indexed columns;
        ``text`` as TicketStore.overdue's (content, name, address folded; serial; codes)."""
        self.access.require(viewer, "tickets.read", "list overdue tickets")
        if light not in (None, "red", "yellow"):
            raise ValidationError("--light must be red or yellow")
        _page(limit, offset)
        if viewer.department:
            department = viewer.department
        now = self.clock.now()
        rows = self.store.overdue(now, light=light, department=department, category=category, text=text,
                                  limit=limit, offset=offset)
        return [(self.masked(t, viewer), "red" if t.current_due and t.current_due <= now else "yellow") for t in rows]

    def overdue_counts(self, viewer: User, *, text: str | None = None) -> tuple[int, int]:
        """(yellow, red) over every ticket ``overdue`` would list for ``viewer`` (no limit; the
        same ``text`` filter); counted in the store, so the console can poll it. Raises
        PermissionDenied."""
        self.access.require(viewer, "tickets.read", "count overdue tickets")
        return self.store.overdue_counts(self.clock.now(), department=viewer.department or None, text=text)

    def light(self, t: Ticket) -> str:
        return self.policy.light(t.current_due, self.clock.now(), t.created_at if t.state in workflow.ACTIVE else None,
                                 t.yellow_from) \
            if t.state in workflow.ACTIVE else "green"

    # -- callers ---------------------------------------------------------------------------
    def caller(self, viewer: User, phone: str) -> tuple[Caller, list[Ticket]]:
        """The caller's class and earlier tickets (来电历史), newest first."""
        self.access.require(viewer, "callers.read", "see caller history")
        phone = self.catalog.phone(phone)
        c = self.store.caller(phone) or Caller(phone)
        # A department user sees only its own department's tickets here too.
        history = [self.masked(t, viewer) for t in self.store.search(phone=phone, limit=20) if self._visible(viewer, t)]
        return self.masked_caller(c, viewer), history

    def caller_class(self, viewer: User, phone: str) -> str:
        """The caller class (elderly / vip / important / blacklist) stored for ``phone``; "" when
        none, or when ``phone`` is no phone number (a SIP URI, anonymous). Raises
        PermissionDenied (no callers.read), StoreError. Blocks (one read)."""
        self.access.require(viewer, "callers.read", "see caller classes")
        try:
            phone = self.catalog.phone(phone)
        except ValidationError:
            return ""
        c = self.store.caller(phone)
        return c.caller_class if c is not None else ""

    def classify_caller(self, actor: User, phone: str, caller_class: str, *, name: str = "", note: str = "",
                        at: datetime | None = None) -> Caller:
        self.access.require(actor, "callers.classify", "classify a caller")
        refuse_nul(phone=phone, name=name, note=note)
        phone = self.catalog.phone(phone)
        cls = self.catalog.caller_class(caller_class)
        self.catalog.fits("name", name)
        self.catalog.fits("note", note)
        when = self._when(at)
        with self.store.tx():
            old = self.store.caller(phone)
            new = Caller(phone, name or (old.name if old else ""), cls, note or (old.note if old else ""))
            self.store.save_caller(new)
            self.audit.append(AuditEntry(actor.name, "caller.classify", "caller", phone, when, self.clock.now(),
                                         old.__dict__ if old else None, new.__dict__))
        return self.masked_caller(new, actor)
