"""The notifier port: how the core hands a message to the outside (an SMS gateway, a
department's webhook). The adapter is ``backends/notify_http.py`` (httpx); the outbox worker
(``hotline_tui/notify/worker.py``) calls it, one message at a time, from its own thread or
process, never the UI loop (docs/notify.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Protocol

from .errors import LinkError


@dataclass(frozen=True)
class Message:
    """One notification. ``text`` is data: the adapter sends it as it is, never as markup.
    ``payload`` is what goes on the wire: the webhook's JSON body, or the SMS template id and
    its named parameters. ``key`` is the outbox id: the webhook id / the SMS client reference."""

    channel: Literal["sms", "webhook"]
    to: str                  # a phone number (sms) or a department code (webhook)
    text: str
    key: str = ""            # idempotency key: a resend with the same key is delivered once
    event: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryResult:
    """What the far end said about one message."""

    accepted: bool           # False: refused for good (bad number, unknown department): do not retry
    reference: str = ""      # the gateway's message id, when it gives one
    detail: str = ""         # the refusal's reason, one line
    gone: bool = False       # the endpoint answered 410 Gone: disable it (with accepted=False)


class DeliveryFailed(LinkError):
    """A failed attempt worth retrying: the far end could not be reached, timed out or answered
    5xx/429. ``ambiguous``: the request may have reached it (a timeout after it was sent, a
    connection dropped mid-answer) -- an SMS is not re-sent before its receipt is checked.
    ``retry_after``: the seconds the far end asked for (``Retry-After``)."""

    def __init__(self, detail: str, *, ambiguous: bool = False, retry_after: float | None = None):
        super().__init__(detail)
        self.ambiguous, self.retry_after = ambiguous, retry_after


class Notifier(Protocol):
    """Implemented by ``backends.notify_http.HttpNotifier`` and by test fakes."""

    def send(self, message: Message) -> DeliveryResult:
        """Deliver ``message``; returns whether the far end accepted it. A refusal of the
        message itself is a result (``accepted=False``; ``gone`` for 410), not an error.
        Raises DeliveryFailed (a LinkError) when the gateway cannot be reached, did not
        answer in time or answered 5xx/429 (the outbox retries later); ValidationError for a
        message the adapter cannot send (no such channel configured). No store behind it: no
        StoreError. Blocks (network I/O)."""
        ...

    def lookup(self, message: Message) -> DeliveryResult | None:
        """After an ambiguous attempt: ask the far end whether it has ``message`` (by its
        client reference). Returns its result when it has it, None when it does not (safe to
        send again). Raises DeliveryFailed when it cannot tell. Blocks."""
        ...
