"""Standard Webhooks signing (https://www.standardwebhooks.com/): ``webhook-id``,
``webhook-timestamp`` (epoch seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">``; several space-separated signatures while a secret is rotated (every
current secret signs; a receiver accepts any one it knows). Secrets are written ``whsec_`` +
base64 of the key bytes, as the spec's libraries write them; a secret without the prefix is
used as its UTF-8 bytes. Receivers refuse timestamps more than ``TOLERANCE_S`` away."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable, Mapping

from ..errors import HotlineError

TOLERANCE_S = 300


class SignatureError(HotlineError):
    """A signed request that must be refused: missing headers, a stale timestamp, no
    signature matching a known secret."""

    exit_code = 3


def _key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):])
    return secret.encode()


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature. Never blocks."""
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def sign(secrets: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers for ``body``, signed with every secret in ``secrets``. Never blocks."""
    sigs = " ".join(signature(s, msg_id, timestamp, body) for s in secrets)
    if not sigs:
        raise ValueError("no secret to sign with")
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": sigs}


def verify(secrets: Iterable[str], headers: Mapping[str, str], body: bytes, now: float) -> str:
    """Check a signed request; return its ``webhook-id``. Raises SignatureError (one line) for
    missing headers, a timestamp outside ``TOLERANCE_S`` of ``now``, or no matching signature.
    Comparisons are constant-time. Never blocks."""
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    sigs = headers.get("webhook-signature", "")
    if not msg_id or not ts or not sigs:
        raise SignatureError("unsigned request: webhook-id, webhook-timestamp and webhook-signature are required")
    try:
        stamp = int(ts)
    except ValueError:
        raise SignatureError("webhook-timestamp is not a number") from None
    if abs(now - stamp) > TOLERANCE_S:
        raise SignatureError(f"stale or future webhook-timestamp ({int(now - stamp)} s away; the window is {TOLERANCE_S} s)")
    offered = [s for s in sigs.split() if s.startswith("v1,")]
    for secret in secrets:
        want = signature(secret, msg_id, stamp, body)
        if any(hmac.compare_digest(want, s) for s in offered):
            return msg_id
    raise SignatureError("no valid signature")
