"""Playing a recorded shift into a live picture: at a speed, paused, sought, to its end.

The player is the replay's clock too (``now()``): the console's screens, its live picture and
its ticket figures all read the recorded time, so a replay of Monday shows Monday's red and
yellow tickets, not today's. Seeking back builds the picture again from the recording's start
(the live state only moves forward). Pure state and arithmetic: nothing here blocks or writes.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Callable, Sequence

from ..clock import SITE_TZ
from .state import LiveState


class ReplayPlayer:
    """``events`` (a recording, in order) applied to a LiveState from ``make_live`` as the
    recorded time ``t`` advances. ``on_live`` is told of each new LiveState (a seek back)."""

    def __init__(self, events: Sequence, make_live: Callable[[], LiveState], *, speed: float = 1.0,
                 on_live: Callable[[LiveState], None] = lambda live: None, started: float | None = None):
        self.events = list(events)
        times = [e.at for e in self.events if e.at]
        # The file's order is the order of application: a recording may start with a resync at
        # its start time followed by older events the switch caught up on; those apply at once.
        self.first = times[0] if times else (started if started is not None else time.time())
        self.last = max(times) if times else self.first
        self.speed = speed
        self.paused = False
        self.make_live, self.on_live = make_live, on_live
        self.live = make_live()
        self.index = 0            # the next event to apply
        self.t = self.first       # the recorded time shown
        self._apply_until(self.first)

    # -- the Clock port (hotline_tui.clock.Clock) -------------------------------------------
    def now(self) -> datetime:
        """The recorded time, in the site's zone. Raises nothing; never blocks."""
        return datetime.fromtimestamp(self.t, SITE_TZ)

    def monotonic(self) -> float:
        return time.monotonic()

    # -- playing ------------------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        """Every event applied and the clock at the recording's last one."""
        return self.index >= len(self.events) and self.t >= self.last

    def advance(self, real_seconds: float) -> int:
        """Move the recorded time on by ``real_seconds`` x speed (not while paused, never past
        the end); returns the events applied."""
        if self.paused or real_seconds <= 0:
            return 0
        return self.seek_to(self.t + real_seconds * self.speed)

    def seek(self, seconds: float) -> int:
        """Jump ``seconds`` (negative: back) within the recording; returns the events applied."""
        return self.seek_to(self.t + seconds)

    def seek_to(self, at: float) -> int:
        """Show the picture at recorded time ``at`` (clamped to the recording); returns the
        events applied. Back in time: a fresh LiveState, the events replayed up to ``at``."""
        at = min(max(at, self.first), self.last)
        if at < self.t:
            self.live, self.index = self.make_live(), 0
            self.on_live(self.live)
        self.t = at
        return self._apply_until(at)

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    def _apply_until(self, at: float) -> int:
        n = 0
        while self.index < len(self.events):
            e = self.events[self.index]
            if e.at and e.at > at:
                break
            self.live.apply(e)
            self.index += 1
            n += 1
        return n
