"""An outbox row and the words of the notification life cycle (docs/notify.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: pending -> sending (claimed, leased) -> sent (accepted) -> delivered | failed (SMS receipt);
#: sending -> pending (retry later) | dead (after N attempts, or refused) -> pending (retry) |
#: dropped; suppressed: never sent (opted out, blacklisted, not a mobile number).
STATUSES = ("pending", "sending", "sent", "delivered", "failed", "dead", "dropped", "suppressed")
#: Department events (webhooks) and citizen events (SMS).
DEPARTMENT_EVENTS = ("dispatch", "urge", "deadline_warning", "extension_decision", "callback_result")
CITIZEN_EVENTS = ("registered", "dispatched", "closed")


def outbox_id(serial: str, event: str, version: int, receiver: str) -> str:
    """The stable id, the idempotency key: the same change always gives the same id, so a
    retried transaction or a second worker can never make a second message."""
    return f"{serial}-{event}-v{version}-{receiver}"


@dataclass
class OutboxRow:
    id: str
    serial: str
    event: str
    channel: str                 # sms | webhook
    receiver: str                # phone (sms) or department code (webhook)
    endpoint: str                # sms | dept:<code>
    payload: dict[str, Any]
    created_at: datetime
    text: str = ""
    status: str = "pending"
    attempts: int = 0
    next_at: float = 0.0
    lease_until: float = 0.0
    claimed_by: str = ""
    ambiguous: bool = False
    reference: str = ""
    last_error: str = ""
    done_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The row as plain data (``--json``)."""
        return {
            "id": self.id, "serial": self.serial, "event": self.event, "channel": self.channel,
            "receiver": self.receiver, "endpoint": self.endpoint, "status": self.status,
            "attempts": self.attempts, "next_at": self.next_at, "ambiguous": self.ambiguous,
            "reference": self.reference, "last_error": self.last_error, "text": self.text,
            "payload": self.payload, "created_at": self.created_at.isoformat(), "done_at": self.done_at,
        }


@dataclass(frozen=True)
class Endpoint:
    """One far end's circuit breaker, as every worker sees it in the store."""

    endpoint: str
    failures: int = 0
    open_until: float = 0.0
    disabled: bool = False
    last_error: str = ""

    def state(self, now: float, threshold: int) -> str:
        if self.disabled:
            return "disabled"
        if self.open_until > now:
            return "open"
        return "half-open" if self.failures >= threshold else "closed"


@dataclass(frozen=True)
class IntakeRecord:
    """A department request the intake has answered (its id is never acted on twice)."""

    department: str
    request_id: str
    body_hash: str
    status: int
    response: str
