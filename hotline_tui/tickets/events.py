"""Department events of a ticket (部门考核事件): what the department reports count.

A ticket's own fields keep only its present (the lead department now, one ``acknowledged_at``,
``returns`` as a number): after a return and a re-dispatch they no longer say *which* department
returned it, or whether the centre found the return wrong. ``events_of`` turns one recorded
action (its audit entry's before and after snapshot) into the events a department is judged by,
each naming the department it counts for. The service writes them in the action's transaction;
the tickets migration that adds the table derives the same events from the audit log, so the
figures of tickets handled before the table existed are rebuilt from the record.

Natural key: (serial, version after the action, kind): writing an event twice stores it once.
Pure, never blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: The kinds, in the order a ticket meets them.
KINDS = ("dispatch", "ack", "return", "return_accepted", "wrong_return", "extension", "urge", "callback")

#: Audit actions (without the ``ticket.`` prefix) that can give an event.
ACTIONS = ("dispatch", "ack", "return", "redispatch", "reject_return", "approve_extension", "urge", "escalate",
           "callback")


@dataclass(frozen=True)
class TicketEvent:
    serial: str
    version: int            # the ticket's version after the action
    kind: str               # one of KINDS
    department: str         # the department the event counts for
    at: datetime            # when it happened (``--at`` for work entered later)
    n: int = 1              # urges: how many this action added (an escalation may add one)
    result: str = ""        # callback: satisfied | unsatisfied | unconfirmed (about the result)
    handler: str = ""       # callback: the same, about the handler


@dataclass(frozen=True, order=True)
class EventTally:
    """Events of one kind for one department (``department`` "" = all departments together):
    how many, on how many distinct tickets, and their summed ``n`` (urges)."""

    department: str
    kind: str
    events: int
    tickets: int
    n: int


def events_of(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None, at: datetime) -> list[TicketEvent]:
    """The events one ticket action gives (often none). ``action`` without the ``ticket.``
    prefix; ``before``/``after``: ``Ticket.snapshot()`` dicts around it."""
    if action not in ACTIONS or not after:
        return []
    b = before or {}
    serial, version = str(after["serial"]), int(after["version"])
    dept, was = str(after.get("department") or ""), str(b.get("department") or "")

    def ev(kind: str, department: str, **kw: Any) -> TicketEvent:
        return TicketEvent(serial, version, kind, department, at, **kw)

    if action == "dispatch":
        return [ev("dispatch", dept)]
    if action == "redispatch":           # the return was right: it counts for the returning unit
        return [ev("return_accepted", was), ev("dispatch", dept)]
    if action == "reject_return":        # a wrong return (错退), counted against the same unit
        return [ev("wrong_return", was)]
    if action == "return":
        return [ev("return", was)]
    if action == "ack":                  # the lead unit's receipt; a co-unit's is on its task
        if after.get("acknowledged_at") and after.get("acknowledged_at") != b.get("acknowledged_at"):
            return [ev("ack", dept)]
        return []
    if action == "approve_extension":
        return [ev("extension", dept)]
    if action in ("urge", "escalate"):
        added = int(after.get("urges") or 0) - int(b.get("urges") or 0)
        return [ev("urge", dept, n=added)] if added > 0 else []
    # callback
    return [ev("callback", dept, result=str(after.get("callback_result") or ""),
               handler=str(after.get("callback_handler") or ""))]
