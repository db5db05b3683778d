"""Record the switch's domain events of a shift to a file and read them back for replay.

One JSON object per line: ``{"t": "<EventType>", ...fields}``; nested rows (Resynced) keep
their own type names. The first line is a header ``{"hotline_recording": 1, "started": …}``.
A replay feeds the same events to a fresh LiveState, so every screen works unchanged.
"""

from __future__ import annotations

import dataclasses
import json
from typing import IO, Iterator

from .. import switch as sw
from ..errors import ValidationError

_TYPES = {cls.__name__: cls for cls in (
    sw.AgentStatusChanged, sw.AgentStateChanged, sw.AgentOffered, sw.MemberJoined, sw.BridgeStarted, sw.BridgeEnded,
    sw.BridgeFailed, sw.AgentMaxNoAnswer, sw.MemberLeft, sw.QueueCount, sw.ChannelCreated, sw.ChannelAnswered,
    sw.ChannelBridged, sw.ChannelHangup, sw.Heartbeat, sw.LinkUp, sw.LinkDown, sw.Resynced, sw.PhoneRegistered,
    sw.PhoneUnregistered, sw.AgentRow, sw.TierRow,
    sw.MemberRow, sw.ChannelRow, sw.CallerTaken)}


def encode(event) -> dict:
    out = {"t": type(event).__name__}
    for f in dataclasses.fields(event):
        v = getattr(event, f.name)
        if isinstance(v, tuple) and v and dataclasses.is_dataclass(v[0]):
            v = [encode(x) for x in v]
        out[f.name] = v
    return out


def decode(obj: dict):
    cls = _TYPES.get(obj.get("t", ""))
    if cls is None:
        raise ValidationError(f"unknown event type {obj.get('t')!r} in recording")
    kw = {}
    for f in dataclasses.fields(cls):
        if f.name in obj:
            v = obj[f.name]
            if isinstance(v, list):
                v = tuple(decode(x) if isinstance(x, dict) else x for x in v)
            kw[f.name] = v
    return cls(**kw)


class EventRecorder:
    """A LiveState-side tap: ``recorder(event)`` appends one line (buffered; ``flush`` to disk)."""

    def __init__(self, fh: IO[str], started: float):
        self.fh = fh
        self.count = 0
        fh.write(json.dumps({"hotline_recording": 1, "started": started}) + "\n")

    def __call__(self, event) -> None:
        self.fh.write(json.dumps(encode(event), ensure_ascii=False) + "\n")
        self.count += 1

    def flush(self) -> None:
        self.fh.flush()


def read_recording(fh: IO[str], name: str = "recording") -> Iterator:
    """Events of a recording in order. Raises ValidationError naming the file and line."""
    first = fh.readline()
    try:
        head = json.loads(first)
    except ValueError:
        head = None
    if not isinstance(head, dict) or head.get("hotline_recording") != 1:
        raise ValidationError(f"{name}:1: not a hotline recording")
    for n, line in enumerate(fh, 2):
        if not line.strip():
            continue
        try:
            yield decode(json.loads(line))
        except (ValueError, TypeError) as exc:
            raise ValidationError(f"{name}:{n}: bad event line ({exc})") from None
