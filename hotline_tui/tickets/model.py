"""The ticket record. Plain data; rules live in workflow.py and service.py."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class DepartmentTask:
    """One department's part of a ticket: the lead unit (主办) or a co-handling unit (协办)."""

    department: str
    role: str = "lead"                  # lead | co
    dispatched_at: datetime | None = None
    acknowledged_at: datetime | None = None


@dataclass
class Ticket:
    serial: str
    created_at: datetime
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
    state: str = "registered"
    department: str = ""                # the lead unit once dispatched
    co_departments: list[DepartmentTask] = field(default_factory=list)
    remind_at: datetime | None = None   # to-do tickets (待办事务)
    answer: str = ""                    # answered on the spot, or the centre's final answer
    reply: str = ""                     # the department's reply (回单)
    callback_handler: str = ""          # satisfied | unsatisfied | unconfirmed (about the handler)
    callback_result: str = ""           # the same, about the result
    callback_attempts: int = 0
    callback_at: datetime | None = None  # when the last callback (回访) attempt was made
    responsibility: str = ""            # at_fault | not_at_fault (archive judgement)
    responsible_unit: str = ""
    responsibility_reason: str = ""
    # SLA clocks: due times are computed once and stored (never recomputed from the calendar).
    ack_due: datetime | None = None
    handle_due: datetime | None = None
    review_due: datetime | None = None
    callback_due: datetime | None = None
    current_due: datetime | None = None  # due time of the clock running in this state
    yellow_from: datetime | None = None  # when that clock turns yellow
    paused_at: datetime | None = None
    paused_seconds: int = 0
    urges: int = 0
    returns: int = 0
    extensions: int = 0
    merged_into: str = ""
    escalation_key: str = ""            # the deadline the steps below were taken for
    escalation_done: list[str] = field(default_factory=list)
    acknowledged_at: datetime | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    id: int | None = None
    registered_by: str = ""             # the user who registered it (受理人; the desk's "my work")
    cited_article: int | None = None    # the knowledge article an on-the-spot answer cited

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able dict of the whole record (for audit before/after and ``--json``)."""
        out = {}
        for name in _FIELD_NAMES:
            v = getattr(self, name)
            if isinstance(v, datetime):
                v = v.isoformat()
            elif name == "co_departments":
                v = [{"department": t.department, "role": t.role,
                      "acknowledged_at": t.acknowledged_at.isoformat() if t.acknowledged_at else None} for t in v]
            out[name] = v
        return out


@dataclass(frozen=True)
class TicketNote:
    """A dated entry on a ticket: urge, supplement, return reason, extension request, reply..."""

    serial: str
    kind: str
    at: datetime
    actor: str
    text: str


@dataclass(frozen=True)
class Caller:
    phone: str
    name: str = ""
    caller_class: str = ""   # elderly | vip | important | blacklist | ""
    note: str = ""


@dataclass(frozen=True)
class OverdueRow:
    serial: str
    state: str
    category: str
    department: str
    urgency: str
    created_at: datetime
    current_due: datetime
    light: str
    caller_phone: str
    content: str
    urges: int


@dataclass(slots=True)
class TicketFacts:
    """What the ticket reports count of a ticket (``hotline_tui.tickets.figures.counts`` takes
    these or whole ``Ticket``s): read by the store straight from the stored record, without
    building the whole ticket, so a month of a big site reads in a second."""

    serial: str
    state: str
    created_at: datetime
    category: str
    channel: str
    department: str
    answer: str = ""
    returns: int = 0
    ack_due: datetime | None = None
    acknowledged_at: datetime | None = None
    handle_due: datetime | None = None
    replied_at: datetime | None = None
    callback_due: datetime | None = None
    callback_attempts: int = 0
    callback_result: str = ""
    callback_at: datetime | None = None
    updated_at: datetime | None = None


#: The ``TicketFacts`` fields kept only in the record's JSON body (the others are columns).
FACT_BODY_FIELDS = ("answer", "returns", "ack_due", "acknowledged_at", "handle_due", "replied_at", "callback_due",
                    "callback_attempts", "callback_result", "callback_at")


def facts_of(t: Ticket) -> TicketFacts:
    return TicketFacts(t.serial, t.state, t.created_at, t.category, t.channel, t.department, t.answer, t.returns,
                       t.ack_due, t.acknowledged_at, t.handle_due, t.replied_at, t.callback_due, t.callback_attempts,
                       t.callback_result, t.callback_at, t.updated_at)


# Field order is the snapshot's key order ("serial" first: the stores rely on it).
_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Ticket))
_NAME_SET = frozenset(_FIELD_NAMES)
_TIME_FIELDS = {f.name for f in dataclasses.fields(Ticket) if "datetime" in str(f.type)}


def ticket_from_snapshot(data: dict[str, Any]) -> Ticket:
    """Inverse of ``Ticket.snapshot`` (unknown keys from newer versions are ignored)."""
    names = _NAME_SET
    kw = {k: v for k, v in data.items() if k in names}
    for k in _TIME_FIELDS & kw.keys():
        if kw[k]:
            kw[k] = datetime.fromisoformat(kw[k])
    kw["co_departments"] = [
        DepartmentTask(t["department"], t.get("role", "co"), None,
                       datetime.fromisoformat(t["acknowledged_at"]) if t.get("acknowledged_at") else None)
        for t in kw.get("co_departments") or []
    ]
    return Ticket(**kw)
