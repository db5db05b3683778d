"""ESL frame codec (inbound event socket), incremental and bounded.

``FrameParser.feed(bytes)`` returns every complete frame; a frame split across any number of
reads parses the same. Framing follows mod_event_socket: a header block ended by an empty line,
then exactly ``Content-Length`` body **bytes** (nothing terminates the body). Outer header values
are URL-decoded (percent-only: ``+`` stays ``+``). ``text/event-plain`` bodies are split into
lines *before* URL-decoding, so an encoded ``%0A`` inside a value cannot forge a header; their
inner body follows the inner ``Content-Length``. A frame larger than ``max_frame`` raises
ProtocolError instead of growing memory without bound.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from hotline_tui.errors import ProtocolError

MAX_FRAME = 16 * 1024 * 1024


def _decode(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return unquote(text) if "%" in text else text


def parse_header_block(block: bytes) -> dict[str, str]:
    """``Name: value`` lines → dict (first occurrence wins, as the C client looks up)."""
    headers: dict[str, str] = {}
    for line in block.split(b"\n"):
        if not line:
            continue
        if line.endswith(b"\r"):
            line = line[:-1]
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        key = name.decode("utf-8", "replace").strip()
        if key not in headers:
            headers[key] = _decode(value[1:] if value.startswith(b" ") else value)
    return headers


@dataclass(slots=True)
class Frame:
    content_type: str
    headers: dict[str, str]
    body: bytes = b""
    _event: dict | None = field(default=None, repr=False)

    @property
    def is_event(self) -> bool:
        return self.content_type.startswith("text/event-")

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def event(self) -> dict | None:
        """The event's headers as a dict (inner body under ``_body``), for event frames."""
        if self._event is not None or not self.is_event:
            return self._event
        ct = self.content_type
        if ct == "text/event-plain":
            head, sep, rest = self.body.partition(b"\n\n")
            ev = parse_header_block(head)
            if sep and "Content-Length" in ev:
                try:
                    n = int(ev["Content-Length"])
                except ValueError:
                    raise ProtocolError(f"bad inner Content-Length {ev['Content-Length']!r}") from None
                ev["_body"] = rest[:n].decode("utf-8", "replace")
        elif ct == "text/event-json":
            try:
                raw = json.loads(self.body)
            except ValueError as exc:
                raise ProtocolError(f"bad JSON event: {exc}") from None
            if not isinstance(raw, dict):
                raise ProtocolError("JSON event is not an object")
            ev = {k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v))
                  for k, v in raw.items()}
        else:
            raise ProtocolError(f"unsupported event format {ct}")
        self._event = ev
        return ev

    def as_json(self) -> dict:
        """The shape ``hotline esl decode`` prints."""
        ev = self.event() if self.is_event else None
        return {"content_type": self.content_type, "headers": self.headers, "body": self.text() if self.body else None,
                "event": ev}


class FrameParser:
    def __init__(self, max_frame: int = MAX_FRAME):
        self.max_frame = max_frame
        self._buf = bytearray()
        self._pending: tuple[dict[str, str], int] | None = None  # headers, body length

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes; return the frames now complete (in order). Raises ProtocolError."""
        buf = self._buf
        buf += data
        frames: list[Frame] = []
        pos = 0
        n = len(buf)
        while True:
            if self._pending is None:
                while pos < n and buf[pos] in (10, 13):  # stray blank lines between frames
                    pos += 1
                end = buf.find(b"\n\n", pos)
                if end < 0:
                    if n - pos > self.max_frame:
                        raise ProtocolError(f"header block over {self.max_frame} bytes")
                    break
                headers = parse_header_block(bytes(buf[pos:end]))
                pos = end + 2
                length = 0
                if "Content-Length" in headers:
                    try:
                        length = int(headers["Content-Length"])
                    except ValueError:
                        raise ProtocolError(f"bad Content-Length {headers['Content-Length']!r}") from None
                    if length < 0 or length > self.max_frame:
                        raise ProtocolError(f"frame of {length} bytes is over the {self.max_frame}-byte limit")
                self._pending = (headers, length)
            headers, length = self._pending
            if n - pos < length:
                break
            body = bytes(buf[pos:pos + length])
            pos += length
            self._pending = None
            frames.append(Frame(headers.get("Content-Type", ""), headers, body))
        if pos:
            del buf[:pos]
        return frames


def encode_command(command: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """A client command packet. Refuses CR/LF in the command (it would inject a second command)."""
    if "\n" in command or "\r" in command:
        raise ProtocolError("a command cannot contain a line break")
    lines = [command]
    for k, v in (headers or {}).items():
        if "\n" in k + v or "\r" in k + v:
            raise ProtocolError(f"header {k!r} contains a line break")
        lines.append(f"{k}: {v}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\n".join(lines) + "\n\n").encode() + body


_PCT = re.compile(r"(%[0-9A-Fa-f]{2})")


def url_encode(value: str) -> str:
    """FreeSWITCH's URL-encoding of a header value (for test captures): like
    ``switch_url_encode_opt``, an existing ``%XX`` is copied as is (no double encoding)."""
    return "".join(p if _PCT.fullmatch(p) else quote(p, safe="/,()*'!$-_.~") for p in _PCT.split(value))
