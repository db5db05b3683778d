"""``hotline esl tail`` in a real process against a fake switch on loopback: a failed first
connection is one line on stderr and a non-zero exit; with ``--retry`` each retry is one line."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.esl.test_link_failures import FakeSwitch

ROOT = Path(__file__).resolve().parents[2]
TAIL = [sys.executable, "-c", "import hotline; hotline.main()", "esl", "tail", "--host", "127.0.0.1"]


@pytest.fixture
def fake_switch():
    """Start FakeSwitch(mode) on a loop in a thread (the tail runs in another process)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    started: list[FakeSwitch] = []

    def start(mode: str) -> FakeSwitch:
        s = asyncio.run_coroutine_threadsafe(FakeSwitch(mode).start(), loop).result(10)
        started.append(s)
        return s

    yield start
    for s in started:
        asyncio.run_coroutine_threadsafe(s.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*TAIL, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("mode, text", [
    ("wrong-password", "authentication failed (-ERR invalid)"),
    ("bad-greeting", "expected auth/request, got 'text/html'"),
    ("refuse-subscribe", "subscribe refused"),
])
def test_a_failed_first_connection_says_why_and_exits_non_zero(fake_switch, mode, text):
    s = fake_switch(mode)
    r = tail("--port", str(s.port), "--password", "secret")
    assert r.returncode != 0 and r.stdout == "", (r.returncode, r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("error: ") and text in r.stderr, r.stderr


@pytest.mark.timeout(90)
def test_no_server_says_connection_refused_and_exits_non_zero():
    r = tail("--port", str(free_port()))
    assert r.returncode == 1 and r.stdout == "", (r.returncode, r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and "cannot connect to 127.0.0.1:" in r.stderr and "connection refused" in r.stderr


@pytest.mark.timeout(90)
def test_with_retry_it_says_so_each_time_and_keeps_going(fake_switch):
    s = fake_switch("wrong-password")
    proc = subprocess.Popen([*TAIL, "--port", str(s.port), "--retry"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        lines = []
        deadline = time.monotonic() + 60
        while len(lines) < 3 and time.monotonic() < deadline:
            line = proc.stderr.readline()     # one line per retry, about every second (backoff 0.5 s up)
            if not line:
                break
            lines.append(line)
        assert len(lines) == 3, lines
        assert all("authentication failed (-ERR invalid); retrying in " in ln for ln in lines), lines
        assert proc.poll() is None, "exited although --retry"
        assert s.accepted >= 3
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
