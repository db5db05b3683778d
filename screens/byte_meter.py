"""What the console costs the link: the bytes it writes to the terminal, and how long the
terminal kept it waiting.

Textual's LinuxDriver hands every frame (a ``str``) to its writer thread, which writes it to
``sys.__stderr__``, a text file that encodes it to UTF-8 and writes the bytes. ``CountingOutput``
stands in for that file: it does the one encode the text file would have done, writes the bytes
to the file's binary buffer and adds their length to a counter — no second copy of the frame,
no decode, nothing kept. It also adds up the time the writes and flushes spent blocked: a
terminal (or a pty reader, an SSH channel) that reads slower than the console writes makes
``write`` wait, which is the back-pressure the lean mode watches for (``screens/lite.py``).

Only the writer thread writes; the UI loop reads the two counters (an int and a float: a torn
read is impossible under the GIL) once a second through ``RateSampler``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO


class CountingOutput:
    """A text file's stand-in that writes through its binary buffer and counts the bytes.
    ``write`` and ``flush`` block as the terminal does (that time is ``blocked_s``)."""

    def __init__(self, file: TextIO, clock: Callable[[], float] = time.perf_counter):
        self._file = file
        file.flush()                       # what the text layer holds goes first, in order
        self._buffer = file.buffer
        self._encoding = file.encoding or "utf-8"
        self._errors = file.errors or "strict"
        self._clock = clock
        self.bytes = 0                     # written so far (what the terminal was sent)
        self.blocked_s = 0.0               # time spent inside write/flush

    def write(self, text: str) -> int:
        data = text.encode(self._encoding, self._errors)   # the encode the text file would do
        t0 = self._clock()
        self._buffer.write(data)
        self.blocked_s += self._clock() - t0
        self.bytes += len(data)
        return len(text)

    def flush(self) -> None:
        t0 = self._clock()
        self._buffer.flush()
        self.blocked_s += self._clock() - t0

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def __getattr__(self, name: str) -> Any:   # encoding, errors, ...: the wrapped file's
        return getattr(self._file, name)


@dataclass(frozen=True)
class Rate:
    bytes_per_s: float      # over the last sample period
    blocked_share: float    # of that period spent blocked in write/flush (0..1)


class RateSampler:
    """Turns the meter's running totals into a rate per sample (the UI samples once a second)."""

    def __init__(self, meter: CountingOutput, clock: Callable[[], float] = time.monotonic):
        self.meter = meter
        self._clock = clock
        self._at = clock()
        self._bytes = meter.bytes
        self._blocked = meter.blocked_s
        self.last = Rate(0.0, 0.0)

    def sample(self) -> Rate:
        now, b, blocked = self._clock(), self.meter.bytes, self.meter.blocked_s
        dt = now - self._at
        if dt > 0:
            self.last = Rate((b - self._bytes) / dt, min(max((blocked - self._blocked) / dt, 0.0), 1.0))
            self._at, self._bytes, self._blocked = now, b, blocked
        return self.last


def fmt_rate(bytes_per_s: float) -> str:
    """``830 B/s``, ``1.2 KB/s``, ``14 KB/s`` (KB = 1,000 bytes, as link speeds are counted)."""
    if bytes_per_s < 1000:
        return f"{bytes_per_s:.0f} B/s"
    kb = bytes_per_s / 1000
    return f"{kb:.1f} KB/s" if kb < 10 else f"{kb:.0f} KB/s"
