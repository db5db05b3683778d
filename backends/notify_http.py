"""The HTTP notifier (httpx): department webhooks signed the Standard Webhooks way, and a
generic SMS gateway adapter. Implements ``hotline_tui.notify_port.Notifier``.

SMS request (JSON), shaped after the common Chinese SMS APIs (Aliyun's PhoneNumbers /
SignName / TemplateCode / TemplateParam / OutId, Tencent's PhoneNumberSet / SignName /
TemplateId / TemplateParamSet / SessionContext)::

    {"to": ["13800138000"], "sign_name": "…", "template_id": "SMS_1",
     "params": {"serial": "…"} | ["…"] (positional: notify.yaml sms.positional), "reference": "<outbox id>"}

The answer: 2xx ``{"message_id": "…"}``; a 4xx refusal is final. ``lookup`` asks
``status_url?reference=<outbox id>``: 200 ``{"status": …, "message_id": …}`` when the
gateway has it, 404 when it does not.

Transport errors are sorted in one place (``_failure``): refused or unreachable before the
request left is a plain failure; a timeout or a dropped connection after it was sent is
*ambiguous* (the far end may have it).
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Callable

import httpx

from hotline_tui.errors import ValidationError
from hotline_tui.notify.settings import NotifyFile
from hotline_tui.notify.signing import sign
from hotline_tui.notify_port import DeliveryFailed, DeliveryResult, Message

_RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _failure(exc: httpx.HTTPError) -> DeliveryFailed:
    sent = isinstance(exc, (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError,
                            httpx.WriteTimeout, httpx.WriteError))
    kind = type(exc).__name__
    return DeliveryFailed(f"{kind}: {exc}"[:300] or kind, ambiguous=sent)


class HttpNotifier:
    def __init__(self, cfg: NotifyFile, *, client: httpx.Client | None = None,
                 clock: Callable[[], float] = time.time):
        self.cfg, self.clock = cfg, clock
        self.client = client or httpx.Client(timeout=cfg.worker.timeout_s,
                                             headers={"user-agent": "hotline-notify/1"})

    def close(self) -> None:
        self.client.close()

    def send(self, message: Message) -> DeliveryResult:
        if message.channel == "sms":
            return self._sms(message)
        return self._webhook(message)

    def lookup(self, message: Message) -> DeliveryResult | None:
        sms = self.cfg.sms
        if message.channel != "sms" or sms is None or not sms.status_url:
            return None        # nothing to ask: webhooks are deduplicated by their id
        try:
            r = self.client.get(sms.status_url, params={"reference": message.key}, headers=self._auth())
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"receipt lookup: {_failure(exc)}") from exc
        if r.status_code == 404:
            return None
        if r.status_code >= 300:
            raise DeliveryFailed(f"receipt lookup: HTTP {r.status_code}")
        data = self._json(r)
        return DeliveryResult(True, str(data.get("message_id", "")), "found by receipt lookup")

    # -- the two channels ------------------------------------------------------------------------
    def _auth(self) -> dict[str, str]:
        sms = self.cfg.sms
        return {"authorization": f"Bearer {sms.api_key}"} if sms and sms.api_key else {}

    def _sms(self, m: Message) -> DeliveryResult:
        sms = self.cfg.sms
        if sms is None:
            raise ValidationError("no SMS gateway configured (notify.yaml sms:)")
        params = dict(m.payload.get("params", {}))
        tpl = sms.templates.get(m.event)
        order = tpl.params if tpl else list(params)
        body = {"to": [m.to], "sign_name": m.payload.get("sign_name", sms.sign_name),
                "template_id": m.payload.get("template", tpl.id if tpl else ""),
                "params": [params.get(p, "") for p in order] if sms.positional else params,
                "reference": m.key}
        return self._post(sms.url, json.dumps(body, ensure_ascii=False).encode(), {**self._auth()})

    def _webhook(self, m: Message) -> DeliveryResult:
        d = self.cfg.department(m.to)
        if d is None or not d.url:
            raise ValidationError(f"no webhook configured for department {m.to}")
        secrets = self.cfg.secrets(d)
        if not secrets:
            raise ValidationError(f"department {m.to} has no webhook secret")
        body = json.dumps(dict(m.payload), ensure_ascii=False, default=str).encode()
        return self._post(d.url, body, sign(secrets, m.key, int(self.clock()), body))

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> DeliveryResult:
        try:
            r = self.client.post(url, content=body, headers={"content-type": "application/json", **headers})
        except httpx.HTTPError as exc:
            raise _failure(exc) from exc
        if 200 <= r.status_code < 300:
            data = self._json(r)
            return DeliveryResult(True, str(data.get("message_id", "")) if isinstance(data, dict) else "")
        if r.status_code == 410:
            return DeliveryResult(False, detail="410 Gone: endpoint disabled", gone=True)
        if r.status_code in _RETRYABLE:
            raise DeliveryFailed(f"HTTP {r.status_code}", retry_after=retry_after(r.headers.get("retry-after"), self.clock()))
        return DeliveryResult(False, detail=f"HTTP {r.status_code}: {r.text[:200]}")

    @staticmethod
    def _json(r: httpx.Response) -> dict:
        try:
            data = r.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
