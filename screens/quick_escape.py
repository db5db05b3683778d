"""A terminal driver that hands a lone Esc to the console as soon as its wait is over.

A terminal sends Esc as the byte that also starts every escape sequence (arrows, F-keys, mouse),
so a lone Esc is only known once nothing follows it for a while (curses' ESCDELAY). Textual's
LinuxDriver waits 100 ms for that, but its input thread only looks at the clock when its 100 ms
select() returns, so a lone Esc reached the screens 100 to 200 ms after the press (p50 165 ms
in the console benchmark). This driver's input thread sleeps only until the parser's deadline,
and the default wait is 25 ms, as htop's: a terminal writes a key's whole sequence at once, so
it arrives in one read even over SSH (tmux 3.5 waits 10 ms). A link that splits sequences can
raise it: ESCDELAY=100 (milliseconds), as for any curses program.

Terminals that speak the kitty keyboard protocol send Esc unambiguously and never wait.

It also counts what it writes: the writer thread's file is a ``CountingOutput``
(``screens/byte_meter.py``), the trust line's bytes-per-second figure and the lean mode's
back-pressure signal; in lean mode each frame is cut down to the cells that changed first
(``screens/cell_diff.py``).
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Mapping

from textual import constants
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from .byte_meter import CountingOutput
from .cell_diff import DiffingOutput

IDLE_POLL = 0.1          # s: how often the thread looks at exit_event when no key comes
DEFAULT_ESCDELAY_MS = 25


def escape_delay(environ: Mapping[str, str]) -> float:
    """Seconds to wait after an Esc for the rest of a sequence: ESCDELAY (ms) if it is a
    positive integer, else 25 ms."""
    raw = environ.get("ESCDELAY", "")
    try:
        ms = int(raw)
    except ValueError:
        ms = 0
    return (ms if ms >= 1 else DEFAULT_ESCDELAY_MS) / 1000.0


def poll_timeout(deadline: float | None, now: float, idle: float = IDLE_POLL) -> float:
    """How long the input thread may block in select(): until the parser's pending deadline
    (an Esc waiting to be told from a sequence) if there is one, never longer than `idle`."""
    if deadline is None:
        return idle
    return max(0.0, min(idle, deadline - now))


class QuickEscapeDriver(LinuxDriver):
    """Textual's LinuxDriver, with an input loop that wakes at the parser's deadline and a
    byte count of its output (``meter``)."""

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        # LinuxDriver hands self._file to its WriterThread when application mode starts:
        # frames go through the lean mode's cell diff (off until lite), then are counted
        self.meter = CountingOutput(self._file)
        self.cells = DiffingOutput(self.meter)
        self._file = self.cells

    def run_input_thread(self) -> None:
        """Read the terminal until exit_event is set; blocks (it is the input thread's body)."""
        constants.ESCAPE_DELAY = escape_delay(os.environ)
        fileno = self.fileno
        selector = selectors.SelectSelector()   # as Textual: select() works on every tty
        selector.register(fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode   # a stray byte is not fatal

        def pump(ready, final: bool = False) -> bool:
            for _key, mask in ready:
                if mask & selectors.EVENT_READ:
                    data = os.read(fileno, 4096)
                    if not data:             # stdin closed or piped dry: nothing more will come
                        return False
                    # half of a CJK character decodes to "" and waits for its other half;
                    # feed("") would tell the parser the input has ended
                    text = decode(data, final=final)
                    for event in parser.feed(text) if text else ():
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                # _timeout_time is the parser's own deadline for the pending Esc; if a Textual
                # release renames it, getattr falls back to Textual's 100 ms poll
                # (tests/console/test_quick_escape.py fails loudly first).
                deadline = getattr(parser, "_timeout_time", None)
                if not pump(selector.select(poll_timeout(deadline, get_time()))):
                    break
            selector.unregister(fileno)
            pump(selector.select(IDLE_POLL), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
