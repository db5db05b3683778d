"""The notifier port: how the core hands a message to the outside (an SMS gateway, a
department's webhook). Only the port for now; the adapter (``backends/``, httpx) comes with
the notifications work, and the service that drains the outbox calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True)
class Message:
    """One notification. ``text`` is data: the adapter sends it as it is, never as markup."""

    channel: Literal["sms", "webhook"]
    to: str                  # a phone number (sms) or a department code (webhook)
    text: str
    key: str = ""            # idempotency key: a resend with the same key is delivered once


@dataclass(frozen=True)
class DeliveryResult:
    """What the far end said about one message."""

    accepted: bool           # False: refused for good (bad number, unknown department): do not retry
    reference: str = ""      # the gateway's message id, when it gives one
    detail: str = ""         # the refusal's reason, one line


class Notifier(Protocol):
    """Implemented by the HTTP notifier to come, and by test fakes."""

    def send(self, message: Message) -> DeliveryResult:
        """Deliver ``message``; returns whether the far end accepted it. A refusal of the
        message itself is a result (``accepted=False``), not an error. Raises LinkError when
        the gateway cannot be reached or did not answer in time (the outbox retries later);
        ValidationError for a message the adapter cannot send (no such channel configured).
        No store behind it: no StoreError. Blocks (network I/O): call it from the outbox's
        worker, never the UI loop."""
        ...
