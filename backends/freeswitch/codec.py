"""ESL frame codec (inbound event socket), incremental and bounded.

``FrameParser.feed(bytes)`` returns every complete frame; a frame split across any number of
reads parses the same. Framing follows mod_event_socket: a header block ended by an empty line,
then exactly ``Content-Length`` body **bytes** (nothing terminates the body). Outer header values
are URL-decoded (percent-only: ``+`` stays ``+``). ``text/event-plain`` bodies are split into
lines *before* URL-decoding, so an encoded ``%0A`` inside a value cannot forge a header; their
inner body follows the inner ``Content-Length``. A frame larger than ``max_frame`` raises
ProtocolError instead of growing memory without bound.

Speed (see docs/benchmarks.md): the plain events of one read are parsed together by
``_plain_batch`` with a handful of whole-buffer C operations instead of a Python loop per header
line. It takes only bodies whose every line is exactly ``Name: value`` in printable ASCII (what
FreeSWITCH sends: values are URL-encoded) and returns None for anything else, which then goes
through the line-by-line ``_plain_slow``; both give the same dict (tested on generated input).
"""

from __future__ import annotations

import binascii
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
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


def _plain_slow(body: bytes) -> dict[str, str]:
    """One event-plain body → headers (+ ``_body``), line by line: the reference behaviour."""
    head, sep, rest = body.partition(b"\n\n")
    ev = parse_header_block(head)
    if sep and "Content-Length" in ev:
        try:
            n = int(ev["Content-Length"])
        except ValueError:
            raise ProtocolError(f"bad inner Content-Length {ev['Content-Length']!r}") from None
        ev["_body"] = rest[:n].decode("utf-8", "replace")
    return ev


# The fast path's two views of a batch (bodies joined by "##"):
# * skeleton: every printable ASCII byte deleted except space, ':' and '%'. For a body it accepts,
#   that leaves ": " (plus the value's '%'s) and "\n" per header line and one "\n" for the blank
#   line the body ends with. Any other byte (control, CR, tab, NUL, >= 0x7F) survives and fails.
# * split: ':', space, LF and the "##" joiner become NUL, so each header line is the triple
#   name, "", value and each body ends with an all-empty triple; '%' becomes '=' so that
#   binascii.a2b_qp percent-decodes in C. Decoding runs after the split characters are NUL, so an
#   encoded %0A or %3A%20 can never make a line or a name.
_SKELETON = bytes(b for b in range(32, 127) if b not in b" :%")
_SPLIT = bytes.maketrans(b": \n#%", b"\0\0\0\0=")
_SEPARATORS = bytes.maketrans(b": \n#", b"\0\0\0\0")
_PCT_HEX = re.compile(rb"%(?=[0-9A-Fa-f]{2})")


def _unpercent(data: bytes) -> bytes:
    """Percent-decoding in C, as ``unquote``: ``%XX`` → byte, a ``%`` not followed by two hex
    digits stays. ``a2b_qp`` decodes ``=XX``; a literal ``=`` is escaped as ``=3D`` first.
    ``data`` must hold no CR or LF (quoted-printable soft line breaks)."""
    if b"=" in data:
        data = data.replace(b"=", b"=3D")
    return binascii.a2b_qp(_PCT_HEX.sub(b"=", data))


def _plain_batch(bodies: list[bytes]) -> list[dict[str, str] | None] | None:
    """Event-plain bodies, each ending with its blank line (``\n\n``), parsed together: the
    same dicts as ``_plain_slow`` with a fixed number of C passes over the joined bytes instead
    of a Python loop per line. Returns None (use the slow path) unless every line of every body
    is ``Name: value`` in printable ASCII with no space or colon in the value and no '%' in the
    name (FreeSWITCH URL-encodes values, so that is every event it sends); a body that carries
    an inner ``Content-Length`` gets None in its place."""
    nb = len(bodies)
    blob = b"##".join(bodies)
    skel = blob.translate(None, _SKELETON)
    pct = b"%" in skel
    if pct:
        if skel[:1] == b"%" or b"\n%" in skel:      # a '%' in a name: names are never decoded
            return None
        skel = skel.replace(b"%", b"")
    if skel.replace(b": \n", b"") != b"\n" * nb:  # one blank line per body: the one it ends with
        return None
    counts = [(len(one) + 1) // 3 for one in skel.split(b"\n\n")]   # header lines per body
    counts.pop()
    if not pct:
        parts = blob.translate(_SPLIT).decode("ascii").split("\0")
    else:
        data = None if b"=" in blob else binascii.a2b_qp(blob.translate(_SPLIT))
        if data is None or b"=" in data:             # a literal '=', or a '%' without two hex digits
            data = _unpercent(blob.translate(_SEPARATORS))
        parts = data.decode("utf-8", "replace").split("\0")
    # Each line is exactly (name, "", value): a space elsewhere than after the colon leaves a
    # non-empty middle, a decoded %00 adds a part.
    if len(parts) != 3 * (sum(counts) + nb) - 1 or "".join(parts[1::3]):
        return None
    names, values = iter(parts[0::3]), iter(parts[2::3])
    out: list[dict[str, str] | None] = []
    pos = 0
    for k in counts:
        ev = dict(zip(islice(names, k), values))
        if len(ev) != k:                             # a repeated name: the first occurrence wins
            ev.update(zip(reversed(parts[3 * pos:3 * (pos + k):3]), reversed(parts[3 * pos + 2:3 * (pos + k):3])))
        next(names)
        next(values, None)                           # the blank line's triple
        pos += k + 1
        out.append(None if "Content-Length" in ev else ev)
    return out


@dataclass(slots=True)
class Frame:
    content_type: str
    headers: dict[str, str]
    body: bytes = b""
    _event: dict | None = field(default=None, repr=False)
    # Only the wanted headers of a plain event (see HeaderPicker), when the parser was given a
    # picker and the event is one it can decode selectively; otherwise None (use ``event()``).
    picked: dict | None = field(default=None, repr=False)

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
            body = self.body
            fast = _plain_batch([body]) if body.endswith(b"\n\n") else None
            ev = fast[0] if fast and fast[0] is not None else _plain_slow(body)
        elif ct == "text/event-xml":
            ev = xml_event(self.body)
        elif ct == "text/event-json":
            try:
                # a repeated header keeps its first value, as in plain events (cJSON writes both)
                raw = json.loads(self.body, object_pairs_hook=_first_wins)
                if not isinstance(raw, dict):
                    raise ProtocolError("JSON event is not an object")
                ev = {k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
                          else str(v)) for k, v in raw.items()}
            except ValueError as exc:
                raise ProtocolError(f"bad JSON event: {exc}") from None
            except RecursionError:       # json nests by recursion: a hostile depth is bad data, not a crash
                raise ProtocolError("bad JSON event: nested too deeply") from None
        else:
            raise ProtocolError(f"unsupported event format {ct}")
        self._event = ev
        return ev

    def as_json(self) -> dict:
        """The shape ``hotline esl decode`` prints."""
        ev = self.event() if self.is_event else None
        return {"content_type": self.content_type, "headers": self.headers, "body": self.text() if self.body else None,
                "event": ev}


# -- selective decoding (the console's live path) ----------------------------------------------
# Bytes that ``str.strip()`` removes from a name once decoded: ASCII white space and the first
# byte of the UTF-8 form of every other Unicode white-space character. A wanted name preceded or
# followed by one of them, or followed by ':' without a space, is a line the full parser would
# still read as that header; the picker does not try to: it declines the event.
# Found by scanning every code point (~50 ms, which the console's first paint waited for: the
# client builds its picker at import), so the scan's answer for the Unicode database it was made
# with is kept here; another database (a newer Python) scans again, on the first picker.
# tests/esl/test_pick.py checks the kept answer against the scan.
_LEAD_WHITESPACE = {"14.0.0": (9, 11, 12, 13, 28, 29, 30, 31, 32, 0xC2, 0xE1, 0xE2, 0xE3)}


def _scan_lead_whitespace() -> list[int]:
    return sorted({chr(c).encode()[0] for c in range(0x110000) if chr(c).isspace()} - {0x0A})


@cache
def _odd_classes() -> tuple[str, str]:
    """(_ODD_START, _ODD_AFTER_NAME): "[\\n…]" and "[:…]" over the stripped lead bytes."""
    kept = _LEAD_WHITESPACE.get(unicodedata.unidata_version)
    lead = list(kept) if kept is not None else _scan_lead_whitespace()
    chars = "".join(re.escape(chr(b)) for b in lead)
    return "[\n" + chars + "]", "[:" + chars + "]"


def _alternation(names: list[str]) -> str:
    """A regular expression matching exactly ``names``, factored by common prefix (a trie): the
    engine then rejects a line on its first differing character instead of trying every name."""
    tails: dict[str, list[str]] = {}
    for n in names:
        if n:
            tails.setdefault(n[0], []).append(n[1:])
    alts = [re.escape(c) + _alternation(rest) for c, rest in sorted(tails.items())]
    if "" in names:                  # an empty last alternative, not "?": sre compiles "(?:…)?" to a
        return "(?:" + "|".join(alts) + "|)" if alts else ""    # REPEAT that allocates per match
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _pick_pattern(names) -> re.Pattern:
    """One regex for a header block viewed as Latin-1 text, searched from the line break before
    its first line: each line that is exactly ``Name: value`` for a wanted name gives (name,
    value). A wanted name followed by anything that could still make the full parser read it as
    that name (':' without a space, white space, end of line) gives (name, ""), and a line that
    starts with white space or is empty (an inner blank line) gives (that character, ""); an
    empty value makes the picker decline. Any other line is skipped. The odd-line check is the
    last first-level alternative of the name trie and starts with a character set, so a skipped
    line costs one failed alternation. A value cannot contain a raw line break, so nothing inside
    a value can start a line. The value is everything up to the line break: ``[^\n]*`` is
    sre's one-literal loop, several times cheaper per character than ``[^\r\n]*`` (a set); a CR
    (which the full parser drops at the end of a line) is not looked for here: the picker
    declines any block that holds one."""
    tails: dict[str, list[str]] = {}
    for n in sorted(names):
        tails.setdefault(n[0], []).append(n[1:])
    first = [re.escape(c) + _alternation(rest) for c, rest in sorted(tails.items())]
    odd_start, odd_after_name = _odd_classes()
    return re.compile("\\n(" + "|".join(first) + "|" + odd_start + ")"
                      "(?:: ([^\\n]*)|(?=" + odd_after_name[:-1] + "\\n])|(?<=" + odd_start + "))")


# Event-Name (and Event-Subclass when it comes first, as FreeSWITCH writes CUSTOM events) on the
# first lines of the block: being first, they are the values the full parser keeps.
_KIND = re.compile("\n(?:Event-Subclass: ([^\r\n]*)\n)?Event-Name: ([^\r\n]*)(?![^\n])")
_CC_SUB = "callcenter%3A%3Ainfo"   # as FreeSWITCH URL-encodes callcenter::info
_CC_HEAD = f"\nEvent-Subclass: {_CC_SUB}\nEvent-Name: CUSTOM\n"    # _KIND gives (_CC_SUB, "CUSTOM") here
_DECODED: dict[str, str] = {}     # percent-decoding memo: the same values come again and again


def _decoded(value: str) -> str:
    """``_decode`` of a Latin-1 view of raw bytes, memoised (never an empty string for a
    non-empty value, so ``memo(v) or _decoded(v)`` is safe)."""
    d = _DECODED.get(value)
    if d is None:
        if len(_DECODED) >= 4096:
            _DECODED.clear()
        d = _DECODED[value] = _decode(value.encode("latin-1"))
    return d


class _Slot:
    """What ``pick_many`` hands ``pick_frames`` in place of frames."""
    __slots__ = ("picked",)

    def __init__(self):
        self.picked = None


class HeaderPicker:
    """Selective decoding of ``text/event-plain`` bodies: only the headers ``reads[Event-Name]``
    (plus Event-Name) instead of all of them, with one precompiled regex per event kind. For an
    event it accepts, ``pick`` returns what the full parser gives for those names (first
    occurrence, URL-decoded by the same ``_decode``); it declines (None) anything it cannot be
    sure of — an inner body (``Content-Length``), a wanted header with an empty value, white space
    around a wanted name, an empty or white-space-led line, a CR anywhere — and the caller uses the full
    parser. Event kinds not in ``reads`` are picked with the union of all names."""

    def __init__(self, reads: dict[str, tuple[str, ...]]):
        union = {"Event-Name", "Content-Length"}.union(*reads.values())
        self._any = _pick_pattern(union)
        # Per kind, the names still to find once the first line(s) gave Event-Name (and
        # Event-Subclass): fewer names, a smaller trie, less work on every line.
        self._after_name = {kind: _pick_pattern({"Content-Length", *names}) for kind, names in reads.items()}
        self._after_sub = {kind: _pick_pattern({"Content-Length", *names} - {"Event-Subclass"})
                           for kind, names in reads.items()}
        self._cc_rx = self._after_sub.get("CUSTOM")
        # "Event-Name: <kind>" alone on the first line (how FreeSWITCH writes every event but CUSTOM),
        # looked up as the exact line: what _KIND would give, without a match object.
        self._first = {f"\nEvent-Name: {kind}\n": (rx, kind) for kind, rx in self._after_name.items()
                       if kind.isascii() and kind.isprintable() and "%" not in kind}

    def pick(self, text: str, start: int, end: int) -> dict[str, str] | None:
        """``text[start:end]``: a line break, then the header lines of one event, without the
        blank line that ends them; Latin-1 text (one character per byte). Returns the wanted
        headers or None (decline). Does not block."""
        return self.pick_many(text, [(start, end)])[0]

    def pick_many(self, text: str, spans: list[tuple[int, int]]) -> list[dict[str, str] | None]:
        """``pick`` for each (start, end) of ``text``. Does not block."""
        slots = [_Slot() for _ in spans]
        self.pick_frames(text, spans, slots)
        return [s.picked for s in slots]

    def pick_frames(self, text: str, spans: list[tuple[int, int]], frames: list) -> list:
        """``pick`` for each (start, end) of ``text``, the answer stored in the ``picked`` of the
        frame at the same index; returns the frames it declined. One loop for all the plain events
        of a read (the parser's per-read call: no call, no attribute look-ups and no result list
        per event). Does not block."""
        cc_rx, after_name, after_sub, any_rx = self._cc_rx, self._after_name, self._after_sub, self._any
        kind_match, memo, head, head_len = _KIND.match, _DECODED.get, _CC_HEAD, len(_CC_HEAD) - 1
        first, find = self._first, text.find
        declined: list = []
        if not spans:
            return declined
        # Per read, not per event: one memchr for a CR over all the spans (none in what FreeSWITCH
        # sends; if there is one, each block is checked), and whether the text is all ASCII (O(1) on a
        # str), in which case only a '%' makes a value need decoding.
        cr = text.find("\r", spans[0][0], spans[-1][1]) >= 0
        ascii = text.isascii()
        for frame, (start, end) in zip(frames, spans):
            if cc_rx is not None and text.startswith(head, start):   # the commonest first lines: _KIND's answer
                rx, sub, kind, at = cc_rx, _CC_SUB, "CUSTOM", start + head_len
            else:
                at = find("\n", start + 1, end)
                hit = first.get(text[start:at + 1]) if at > 0 else None
                if hit is not None:              # a known kind alone on the first line: _KIND's answer
                    rx, kind = hit
                    sub = None
                else:
                    m = kind_match(text, start, end)
                    known = None
                    if m is not None:
                        sub, kind = m.groups()
                        known = (after_name if sub is None else after_sub).get(kind)
                        at = m.end()             # the first lines hold no other wanted name: skip them
                    if known is None:            # no kind or an unknown one: every name, from the first line
                        rx, at, kind = any_rx, start, None
                    else:
                        rx = known
            if cr and text.find("\r", at, end) >= 0:   # see _pick_pattern; never in what FreeSWITCH sends
                declined.append(frame)
                continue
            pairs = rx.findall(text, at, end)
            # Each value as _decode gives it: a plain ASCII one as it is, any other through the memo.
            if ascii:
                ev = {k: v if "%" not in v else memo(v) or _decoded(v) for k, v in pairs}
            else:
                ev = {k: v if "%" not in v and v.isascii() else memo(v) or _decoded(v) for k, v in pairs}
            if len(ev) != len(pairs):        # a repeated name: the first occurrence wins, as in the full parser
                ev = {k: v if "%" not in v and v.isascii() else memo(v) or _decoded(v) for k, v in reversed(pairs)}
            if "" in ev.values() or "Content-Length" in ev:
                declined.append(frame)
                continue
            if kind is not None:             # the first lines' values win over any repeat further down
                if sub is _CC_SUB:
                    ev["Event-Name"] = "CUSTOM"
                    ev["Event-Subclass"] = "callcenter::info"
                else:
                    ev["Event-Name"] = kind if "%" not in kind and kind.isascii() else _decoded(kind)
                    if sub is not None:
                        ev["Event-Subclass"] = _decoded(sub)
            frame.picked = ev
        return declined


_PLAIN_HEAD = re.compile(rb"Content-Length: ([0-9]{1,9})\nContent-Type: text/event-plain\n\n")


class FrameParser:
    def __init__(self, max_frame: int = MAX_FRAME, picker: HeaderPicker | None = None):
        """``picker``: also decode each complete plain event selectively (``Frame.picked``) and
        skip the full parse for those it accepts (``Frame.event()`` still parses on demand)."""
        self.max_frame = max_frame
        self.picker = picker
        # Bytes not yet parsed: bytes, or a bytearray while a frame gathers over several reads; with a
        # pending frame, from the LF that ended its header block (so its body's span has that LF too).
        self._buf: bytes | bytearray = b""
        self._pending: tuple[dict[str, str], int] | None = None  # headers, body length
        self._scanned = 0             # bytes of _buf already searched for the end of a header block

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes; return the frames now complete (in order). Raises ProtocolError."""
        rest = self._buf
        pending = self._pending
        buf: bytes
        if rest:
            grown: bytes | bytearray
            if isinstance(rest, bytearray):   # bytes gathered over several reads: grow in place
                rest += data
                grown = rest
            else:
                grown = rest + data       # one copy
            if pending is not None:
                if len(grown) - 1 < pending[1]:   # the body is still short (it starts with the LF before it)
                    self._buf = grown if isinstance(grown, bytearray) else bytearray(grown)
                    return []             # wait without copying again
            elif grown.find(b"\n\n", max(self._scanned - 1, 0)) < 0:
                if len(grown) > self.max_frame:   # a header block still open: search only the new bytes
                    raise ProtocolError(f"header block over {self.max_frame} bytes")
                self._scanned = len(grown)
                self._buf = grown if isinstance(grown, bytearray) else bytearray(grown)
                return []
            buf = bytes(grown) if isinstance(grown, bytearray) else grown
        else:
            buf = bytes(data)             # no copy when data is bytes
        frames: list[Frame] = []
        plain: list[Frame] = []
        spans: list[tuple[int, int]] = []    # each plain frame's body in buf, from the LF before it (see HeaderPicker.pick)
        pos = 0 if pending is None else 1     # a pending frame's body follows the LF kept before it
        n = len(buf)
        head = _PLAIN_HEAD.match
        scanned = self._scanned
        while True:
            if pending is None:
                m = head(buf, pos)     # the usual event frame, in one step
                if m is not None:
                    size = m.group(1)
                    length = int(size)
                    if length > self.max_frame:
                        raise ProtocolError(f"frame of {length} bytes is over the {self.max_frame}-byte limit")
                    headers = {"Content-Length": size.decode(), "Content-Type": "text/event-plain"}
                    start = m.end()
                    stop = start + length
                    scanned = 0
                    if stop <= n:      # complete: the frame at once (what the general steps below do)
                        body = buf[start:stop]
                        frame = Frame("text/event-plain", headers, body)
                        frames.append(frame)
                        if body.endswith(b"\n\n"):
                            plain.append(frame)
                            spans.append((start - 1, stop - 1))
                        pos = stop
                        continue
                    pending = (headers, length)
                    pos = start
                else:
                    while pos < n and buf[pos] in (10, 13):  # stray blank lines between frames
                        pos += 1
                    end = buf.find(b"\n\n", max(pos, pos + scanned - 1))
                    if end < 0:
                        if n - pos > self.max_frame:
                            raise ProtocolError(f"header block over {self.max_frame} bytes")
                        scanned = n - pos
                        break
                    scanned = 0
                    headers = parse_header_block(buf[pos:end])
                    pos = end + 2
                    length = 0
                    if "Content-Length" in headers:
                        try:
                            length = int(headers["Content-Length"])
                        except ValueError:
                            raise ProtocolError(f"bad Content-Length {headers['Content-Length']!r}") from None
                        if length < 0 or length > self.max_frame:
                            raise ProtocolError(f"frame of {length} bytes is over the {self.max_frame}-byte limit")
                    pending = (headers, length)
            headers, length = pending
            if n - pos < length:
                break
            body = buf[pos:pos + length]
            pos += length
            pending = None
            frame = Frame(headers.get("Content-Type", ""), headers, body)
            frames.append(frame)
            if frame.content_type == "text/event-plain" and body.endswith(b"\n\n"):
                plain.append(frame)
                spans.append((pos - length - 1, pos - 1))
        self._pending, self._scanned = pending, scanned
        if pending is not None:           # keep the LF before the body: the picker's span starts there
            pos -= 1
        self._buf = buf[pos:] if pos < n else b""
        if plain and self.picker is not None:   # selective decoding; what it declines gets the full parse
            plain = self.picker.pick_frames(buf.decode("latin-1"), spans, plain)   # one character per byte: offsets stay
        if plain:
            parsed = _plain_batch([f.body for f in plain])
            if parsed is not None:
                for frame, ev in zip(plain, parsed):
                    frame._event = ev      # None (inner body): Frame.event() parses it the slow way
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


_PCT = re.compile(r"(%[0-9A-F]{2})")       # switch_url_encode_opt: only upper-case hex passes through


def url_encode(value: str) -> str:
    """FreeSWITCH's URL-encoding of a header value (for test captures): like
    ``switch_url_encode_opt``, an existing ``%XX`` is copied as is (no double encoding)."""
    return "".join(p if _PCT.fullmatch(p) else quote(p, safe="/,()*'!$-_.~") for p in _PCT.split(value))


def _first_wins(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        out.setdefault(k, v)
    return out


def xml_event(body: bytes) -> dict[str, str]:
    """A ``text/event-xml`` body (``switch_event_xmlize`` printed by ``switch_xml_toxml``) → the
    same dict as a plain event: ``<headers>`` children URL-decoded (a repeated header, e.g. an
    array, keeps its first value), the inner ``Content-Length`` and ``<body>`` as ``_body``.
    Raises ProtocolError on XML that does not parse or has a DOCTYPE (no entity expansion)."""
    import xml.etree.ElementTree as ET

    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise ProtocolError("XML event with a DOCTYPE")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ProtocolError(f"bad XML event: {exc}") from None
    if root.tag != "event":
        raise ProtocolError(f"XML event root is <{root.tag}>")
    ev: dict[str, str] = {}
    heads = root.find("headers")
    for h in (heads if heads is not None else []):
        text = (h.text or "").strip("\n")
        ev.setdefault(h.tag, unquote(text) if "%" in text else text)
    cl = root.find("Content-Length")
    if cl is not None:
        ev.setdefault("Content-Length", (cl.text or "").strip())
    b = root.find("body")
    if b is not None:
        ev["_body"] = b.text or ""
    return ev
