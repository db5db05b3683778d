"""QuickEscapeDriver: its input loop over a real pty, and the Textual internals it leans on."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import queue
import signal
import struct
import termios
import threading
import tty

from textual import events
from textual._time import get_time
from textual._xterm_parser import XTermParser

from screens.quick_escape import QuickEscapeDriver, escape_delay, poll_timeout
from tests.waiting import wait_until_async


def test_escape_delay_reads_escdelay_in_milliseconds_and_defaults_to_25():
    assert escape_delay({}) == 0.025
    assert escape_delay({"ESCDELAY": "100"}) == 0.1
    assert escape_delay({"ESCDELAY": "0"}) == 0.025
    assert escape_delay({"ESCDELAY": "soon"}) == 0.025


def test_poll_timeout_sleeps_until_the_pending_deadline_and_no_longer_than_idle():
    assert poll_timeout(None, now=5.0) == 0.1
    assert abs(poll_timeout(5.02, now=5.0) - 0.02) < 1e-9
    assert poll_timeout(9.0, now=5.0) == 0.1
    assert poll_timeout(4.0, now=5.0) == 0.0        # overdue: look at once


def test_textual_parser_still_keeps_its_escape_deadline_where_the_driver_reads_it():
    parser = XTermParser()
    assert list(parser.feed("\x1b")) == []
    deadline = parser._timeout_time
    assert deadline is not None and deadline > get_time() - 1
    parser._timeout_time = get_time() - 0.001        # as if the wait had passed
    keys = [e.key for e in parser.tick() if isinstance(e, events.Key)]
    assert keys == ["escape"]


class _Recorder(QuickEscapeDriver):
    """The driver with its messages caught here instead of posted to an app."""

    def __init__(self, fd: int, out: queue.Queue):
        super().__init__(app=None)            # type: ignore[arg-type]
        self.fileno = fd
        self.out = out

    def process_message(self, message) -> None:
        self.out.put(message)


def _keys(out: queue.Queue, n: int) -> list[str]:
    got = []
    while len(got) < n:
        m = out.get(timeout=5)
        if isinstance(m, events.Key):
            got.append(m.key)
    return got


def _unread(fd: int) -> int:
    """Bytes waiting in the terminal's input queue (not yet read by the driver)."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def test_driver_reads_lone_esc_sequences_split_cjk_and_stray_bytes_from_a_pty(monkeypatch):
    monkeypatch.delenv("ESCDELAY", raising=False)
    saved = {s: signal.getsignal(s) for s in (signal.SIGTSTP, signal.SIGCONT)}
    master, slave = pty.openpty()
    tty.setraw(slave)                                     # as the driver's application mode does
    out: queue.Queue = queue.Queue()

    async def run() -> list[str]:
        driver = _Recorder(slave, out)
        thread = threading.Thread(target=driver.run_input_thread, daemon=True)
        thread.start()
        try:
            os.write(master, b"\x1b")                     # a lone Esc
            first = _keys(out, 1)
            os.write(master, b"\x1b[A")                   # an arrow: one sequence, not Esc + "[A"
            second = _keys(out, 1)
            han = "中".encode()
            os.write(master, han[:1])                     # a CJK character cut in two reads
            await wait_until_async(lambda: _unread(slave) == 0, timeout=5, what="the driver to read the first byte")
            os.write(master, han[1:] + b"\xffx")          # then a byte that is not UTF-8, then x
            rest = _keys(out, 3)
            return first + second + rest
        finally:
            driver.exit_event.set()
            thread.join(timeout=5)
            assert not thread.is_alive()

    try:
        keys = asyncio.run(run())
    finally:
        os.close(master)
        os.close(slave)
        for s, h in saved.items():
            signal.signal(s, h)
    assert keys[:2] == ["escape", "up"]
    assert keys[2] == "中"
    assert keys[4] == "x"                                 # the stray byte did not stop the reader
