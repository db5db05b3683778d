"""The lean mode for slow links (``hotline console --lite``): when it is on and why.

What lean means (the App applies it, ``HotlineApp.go_lite``): no animation (Textual's
``animation_level = "none"``, inputs' cursors do not blink), at most one timed repaint a second
(``LITE_MAX_HZ``; ``+`` cannot go past it), the ``ansi-dark`` theme — the terminal's own 16
colours, written as 5-byte SGR codes instead of 19-byte 24-bit ones, and readable on a
16-colour or monochrome terminal (``NO_COLOR`` makes Textual drop colour altogether). Textual
draws only the regions that changed; the tables (``LiveTable``) only their changed rows.

When it is on (decided here, once at start and then once a second):

- ``--lite``, or ``HOTLINE_LITE=1`` (also ``on``/``yes``/``true``): from the start;
- ``HOTLINE_LITE=0`` (``off``/``no``/``false``): never, not even automatically;
- otherwise (unset or ``auto``) it switches itself on, once, when the link is measured slow:
  the terminal kept the writer blocked for at least ``BLOCKED_SHARE`` of each second for
  ``BLOCKED_SECONDS`` seconds running (output back-pressure: the pty, SSH channel or terminal
  reads slower than the console writes), or — when ``HOTLINE_LINK_KBPS`` gives the link's speed
  in kbit/s — the console's output over the last ``WINDOW_S`` seconds averaged more than
  ``LINK_SHARE`` of it. An SSH client with a deep window may hide back-pressure from the
  console: on a known-thin link, give ``HOTLINE_LINK_KBPS``.

Another value is a one-line error naming the variable before the terminal is taken.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from hotline_tui.errors import ConfigError

from .byte_meter import Rate

LITE_MAX_HZ = 1.0
LITE_THEME = "ansi-dark"
BLOCKED_SHARE = 0.2
BLOCKED_SECONDS = 3
WINDOW_S = 10
LINK_SHARE = 0.5

_ON = {"1", "on", "yes", "true"}
_OFF = {"0", "off", "no", "false"}


@dataclass
class LiteMode:
    on: bool = False
    reason: str = ""                  # why it is on: "--lite", "HOTLINE_LITE=1", "back-pressure", "link"
    auto: bool = True                 # may switch itself on when the link is measured slow
    link_kbps: float | None = None    # HOTLINE_LINK_KBPS
    _blocked_run: int = 0
    _window: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW_S))

    def cap(self, hz: float) -> float:
        """The refresh rate the console may use: ``hz``, at most ``LITE_MAX_HZ`` when lean."""
        return min(hz, LITE_MAX_HZ) if self.on else hz

    def watch(self, rate: Rate) -> str | None:
        """Feed one second's measurement; returns the reason when lean mode should start now
        (once: it is then on, and stays on). Pure."""
        if self.on or not self.auto:
            return None
        self._blocked_run = self._blocked_run + 1 if rate.blocked_share >= BLOCKED_SHARE else 0
        self._window.append(rate.bytes_per_s)
        reason = None
        if self._blocked_run >= BLOCKED_SECONDS:
            reason = "back-pressure"
        elif (self.link_kbps is not None and len(self._window) == WINDOW_S
              and sum(self._window) / WINDOW_S * 8 / 1000 > LINK_SHARE * self.link_kbps):
            reason = "link"
        if reason:
            self.on, self.reason = True, reason
        return reason


def lite_mode(flag: bool, environ: Mapping[str, str]) -> LiteMode:
    """The lean mode at start from ``--lite`` and the environment; raises ConfigError for a
    HOTLINE_LITE or HOTLINE_LINK_KBPS it cannot read."""
    raw = environ.get("HOTLINE_LITE", "").strip().lower()
    if raw not in _ON | _OFF | {"", "auto"}:
        raise ConfigError("environment", None, "HOTLINE_LITE", f"{raw!r}: give 1, 0 or auto")
    kbps_raw = environ.get("HOTLINE_LINK_KBPS", "").strip()
    kbps = None
    if kbps_raw:
        try:
            kbps = float(kbps_raw)
        except ValueError:
            kbps = -1.0
        if not 1 <= kbps <= 10_000_000:
            raise ConfigError("environment", None, "HOTLINE_LINK_KBPS",
                              f"{kbps_raw!r}: give the link's speed in kbit/s (1 to 10000000)")
    if flag:
        return LiteMode(on=True, reason="--lite", auto=False, link_kbps=kbps)
    if raw in _ON:
        return LiteMode(on=True, reason="HOTLINE_LITE=1", auto=False, link_kbps=kbps)
    return LiteMode(on=False, auto=raw not in _OFF, link_kbps=kbps)
