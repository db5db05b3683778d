"""Clocks. Every time-dependent rule takes a Clock so tests can freeze or step time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

#: The hotline's civil time zone: deadlines, shifts and "today" are in this zone.
SITE_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """The clock port. Implemented by ``SystemClock`` (the machine's clock) and ``FixedClock``
    (tests: stands still until advanced). No store or link behind it: it raises nothing."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware. Raises nothing. Never blocks."""
        ...

    def monotonic(self) -> float:
        """Return seconds from an arbitrary origin that never goes backwards (for intervals
        and rates, never for deadlines). Raises nothing. Never blocks."""
        ...


class SystemClock:
    def __init__(self, tz: tzinfo = SITE_TZ):
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock:
    """A clock for tests: stands still until ``advance`` is called."""

    def __init__(self, start: datetime | str = "2026-11-23T09:00:00+08:00"):
        if isinstance(start, str):
            start = datetime.fromisoformat(start)
        if start.tzinfo is None:
            start = start.replace(tzinfo=SITE_TZ)
        self._now = start
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float = 0, **kw: float) -> None:
        delta = timedelta(seconds=seconds, **kw)
        self._now += delta
        self._mono += delta.total_seconds()


def parse_time(text: str, tz: tzinfo = SITE_TZ) -> datetime:
    """Parse an ISO-8601 time from the user; a naive time is taken in the site's zone.

    Raises ValueError with a one-line message on bad input.
    """
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a time: {text!r} (use ISO 8601, e.g. 2026-11-23T09:30)") from None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)
