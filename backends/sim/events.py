"""Events as the simulated switch raises them, and their wire forms (plain and JSON).

Serialisation follows FreeSWITCH's ``switch_event_serialize``: for CUSTOM events the
``Event-Subclass`` header comes first (the listener's clone adds it first), then the standard
prefix, then the event's own headers; values are URL-encoded with FreeSWITCH's unsafe set;
empty values are never added (FreeSWITCH drops them); an inner body follows ``Content-Length``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime

from backends.freeswitch.codec import url_encode
from hotline_tui.clock import SITE_TZ


@dataclass(slots=True)
class SimEvent:
    name: str
    at: float                             # epoch seconds (simulated)
    seq: int
    headers: list[tuple[str, str]]
    subclass: str | None = None
    body: str | None = None
    calling: tuple[str, str, int] = ("mod_callcenter.c", "cc_event", 0)
    _wire: dict = field(default_factory=dict, repr=False)

    def get(self, name: str, default: str = "") -> str:
        for k, v in self.headers:
            if k == name:
                return v
        return default

    def header(self, name: str) -> str | None:
        """The first header called ``name``, or None when the event has none."""
        for k, v in self.headers:
            if k == name:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the switch says it is in every event's standard prefix."""

    core_uuid: str
    hostname: str
    ipv4: str = "127.0.0.1"
    ipv6: str = "::1"


def all_headers(ev: SimEvent, ident: Identity) -> list[tuple[str, str]]:
    dt = datetime.fromtimestamp(ev.at, SITE_TZ)
    prefix = [("Event-Name", ev.name), ("Core-UUID", ident.core_uuid), ("FreeSWITCH-Hostname", ident.hostname),
              ("FreeSWITCH-Switchname", ident.hostname), ("FreeSWITCH-IPv4", ident.ipv4),
              ("FreeSWITCH-IPv6", ident.ipv6), ("Event-Date-Local", dt.strftime("%Y-%m-%d %H:%M:%S")),
              ("Event-Date-GMT", format_datetime(datetime.fromtimestamp(ev.at, timezone.utc), usegmt=True)),
              ("Event-Date-Timestamp", str(int(ev.at * 1_000_000))), ("Event-Calling-File", ev.calling[0]),
              ("Event-Calling-Function", ev.calling[1]), ("Event-Calling-Line-Number", str(ev.calling[2])),
              ("Event-Sequence", str(ev.seq))]
    if ev.subclass:
        prefix.insert(0, ("Event-Subclass", ev.subclass))
    return prefix + [(k, v) for k, v in ev.headers if v != ""]


def plain(ev: SimEvent, ident: Identity) -> bytes:
    """The whole ``text/event-plain`` frame."""
    cached = ev._wire.get("plain")
    if cached is not None:
        return cached
    inner = "".join(f"{k}: {url_encode(v)}\n" for k, v in all_headers(ev, ident))
    if ev.body is not None:
        body = ev.body.encode()
        data = (inner + f"Content-Length: {len(body)}\n\n").encode() + body
    else:
        data = (inner + "\n").encode()
    frame = f"Content-Length: {len(data)}\nContent-Type: text/event-plain\n\n".encode() + data
    ev._wire["plain"] = frame
    return frame


def as_json(ev: SimEvent, ident: Identity) -> bytes:
    """The whole ``text/event-json`` frame (unformatted JSON, every value a string)."""
    cached = ev._wire.get("json")
    if cached is not None:
        return cached
    obj: dict[str, str] = {}
    for k, v in all_headers(ev, ident):
        obj.setdefault(k, v)
    if ev.body is not None:
        obj["Content-Length"] = str(len(ev.body.encode()))
        obj["_body"] = ev.body
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    frame = f"Content-Length: {len(data)}\nContent-Type: text/event-json\n\n".encode() + data
    ev._wire["json"] = frame
    return frame
