"""Events as the simulated switch raises them, and their wire forms (plain, JSON and XML).

Serialisation follows FreeSWITCH's ``switch_event_serialize``: for CUSTOM events the
``Event-Subclass`` header comes first (the listener's clone adds it first), then the standard
prefix, then the event's own headers; values are URL-encoded with FreeSWITCH's unsafe set;
empty values are never added (FreeSWITCH drops them); an inner body follows ``Content-Length``
(an empty body adds nothing in plain and XML, but ``"Content-Length":"0","_body":""`` in JSON, as
``switch_event_serialize`` / ``switch_event_serialize_json_obj`` / ``switch_event_xmlize`` do);
JSON keeps a repeated header twice, as cJSON_AddItemToObject does.
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
    if ev.body:
        body = ev.body.encode()
        data = (inner + f"Content-Length: {len(body)}\n\n").encode() + body
    else:                                 # no body, or an empty one: just the blank line
        data = (inner + "\n").encode()
    frame = f"Content-Length: {len(data)}\nContent-Type: text/event-plain\n\n".encode() + data
    ev._wire["plain"] = frame
    return frame


def as_json(ev: SimEvent, ident: Identity) -> bytes:
    """The whole ``text/event-json`` frame (unformatted JSON, every value a string; a repeated
    header appears twice, as cJSON writes an object built with cJSON_AddItemToObject)."""
    cached = ev._wire.get("json")
    if cached is not None:
        return cached
    pairs = list(all_headers(ev, ident))
    if ev.body is not None:
        pairs += [("Content-Length", str(len(ev.body.encode()))), ("_body", ev.body)]
    dumps = json.dumps
    data = ("{" + ",".join(f"{dumps(k, ensure_ascii=False)}:{dumps(v, ensure_ascii=False)}" for k, v in pairs)
            + "}").encode()
    frame = f"Content-Length: {len(data)}\nContent-Type: text/event-json\n\n".encode() + data
    ev._wire["json"] = frame
    return frame


def _xml_text(text: str) -> str:
    # switch_xml_ampencode (switch_xml.c) for element text: & < > escaped, CR as &#xD;, every
    # non-ASCII character as a character reference (use_utf8_encoding), LF and quotes kept.
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "\r":
            out.append("&#xD;")
        elif ord(ch) > 0x7F:
            out.append(f"&#x{ord(ch):x};")
        else:
            out.append(ch)
    return "".join(out)


def as_xml(ev: SimEvent, ident: Identity) -> bytes:
    """The whole ``text/event-xml`` frame: ``switch_event_xmlize`` (values URL-encoded) printed by
    ``switch_xml_toxml`` (two-space indent, one element per line)."""
    cached = ev._wire.get("xml")
    if cached is not None:
        return cached
    lines = ["<event>", "  <headers>"]
    lines += [f"    <{k}>{_xml_text(url_encode(v))}</{k}>" for k, v in all_headers(ev, ident)]
    lines.append("  </headers>")
    if ev.body:
        lines.append(f"  <Content-Length>{len(ev.body.encode())}</Content-Length>")
        lines.append(f"  <body>{_xml_text(ev.body)}</body>")
    lines.append("</event>")
    data = ("\n".join(lines) + "\n").encode()
    frame = f"Content-Length: {len(data)}\nContent-Type: text/event-xml\n\n".encode() + data
    ev._wire["xml"] = frame
    return frame
