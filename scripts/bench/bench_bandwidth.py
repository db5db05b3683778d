"""Bandwidth benchmark: what the console costs a slow link, lean mode (``--lite``) beside the
default, in a real pseudo-terminal (a pty, not tmux: every byte the console writes is read here).

One ``hotline sim`` (the demo site, peak traffic, queues kept full: calls 3x the demo's, talk
times long enough that a call ends only when this script hangs it up; no random breaks) feeds
every run. A seeded SQLite store (demo tickets and knowledge base) in a temp dir. Runs, in order:

- the desk, lite and default, 80x24, each run as its own agent (agent1001-1004, desk users the
  script adds to a copy of the demo config, so concurrent desks never take each other's calls):
  a scripted busy stretch — a call reaches the agent, they search the knowledge base (``/`` + a
  query), type the ticket (``ctrl+t`` + text) and register it (Enter), the caller hangs up
  (``uuid_kill`` through the switch's event socket), wrap-up runs; after the 1st, 4th, 7th ...
  call the agent calls an abandoned caller back (呼损回拨: ``F8``, ``c`` — the switch rings the
  agent's phone, then the citizen — a short talk, the citizen hangs up, ``r`` + reached + a
  note, Escape), after every third call goes not ready (``F3`` + a reason) for a few seconds
  and ready again (``F2``); 20 abandoned callers per agent are seeded in the store, older than
  any the consoles record meanwhile, so first on the agent's list;
- the wallboard, lite and default, at 80x24 and at 160x48 (a wall screen: no keys);
- the desk, lite and then default, with its output read through a throttle of 64 kbit/s (8,000
  bytes/s: the pty fills and the console's writes wait, as on a thin link), the same stretch.

Per run: bytes written after the first paint / seconds (the average), the first paint's time
(spawn to the first frame that shows the screen) and bytes; on the desk, every typed character
is a key press timed from the write to the first read after which a VT emulator (pyte) fed
every byte shows the last characters typed: p50/p95 (the note typed for a callback included).

    .venv/bin/python scripts/bench/bench_bandwidth.py --minutes 10          # the issue's stretch
    .venv/bin/python scripts/bench/bench_bandwidth.py --minutes 0.5          # development
    .venv/bin/python scripts/bench/bench_bandwidth.py --only desk-lite,desk-lite-64k
    .venv/bin/python scripts/bench/bench_bandwidth.py --minutes 10 --together     # all 8 at once, one sim
    .venv/bin/python scripts/bench/bench_bandwidth.py --minutes 0.05 --repeat 5 --only desk-lite,desk-default
                                                                              # first paint, median of 5

``--together`` starts every run at once (``--stagger`` seconds apart) against the one simulator:
each console has its own pty, reader thread and counts, each desk its own agent; the 1-minute
load average is sampled every 15 s over the whole batch. First paints then compete with each
other: measure first paint in a short run without it (``--repeat``).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import random
import re
import select
import signal
import statistics
import string
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[()][0-9A-Za-z]|\x1b[=>78MDEc]")
LINK_BPS = 64_000 / 8            # 64 kbit/s
PYCACHE = Path(tempfile.gettempdir()) / "hotline-bw-pycache"
WIDE_SGR = re.compile(rb"\x1b\[[0-9;]*[34]8;[25];")


def plain(data: bytes) -> str:
    return ANSI.sub(b"", data).decode("utf-8", "ignore")


def screen_text(vt) -> str:
    """What the emulated terminal shows. pyte 0.8.2's ``display`` raises IndexError on a cell
    with no character (a wide character's second half, written over): then each cell's own."""
    try:
        return "\n".join(vt.display)
    except IndexError:
        return "\n".join("".join(vt.buffer[y][x].data or " " for x in range(vt.columns)) for y in range(vt.lines))


def load1() -> float:
    return os.getloadavg()[0]


# -- the switch ------------------------------------------------------------------------------
def busy_site(tmp: Path) -> Path:
    """The demo site with its queues kept full: 3x the calls, talk long enough (15 min) that a
    call of agent 1001 ends when the script hangs it up, no random breaks."""
    from hotline_tui.config import DEMO_DIR

    text = (DEMO_DIR / "site.yaml").read_text(encoding="utf-8")
    text = re.sub(r"break_every_mean_s: *\d+", "break_every_mean_s: 0", text)
    text = re.sub(r"calls_per_hour: *(\d+)", lambda m: f"calls_per_hour: {int(m.group(1)) * 3}", text)
    text = re.sub(r"talk_s: \{mean: *\d+, *cv: *[0-9.]+\}", "talk_s: {mean: 900, cv: 0.2}", text)
    p = tmp / "site.yaml"
    p.write_text(text, encoding="utf-8")
    return p


class Sim:
    def __init__(self, site: Path, log: Path):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([PY, str(ROOT / "hotline.py"), "sim", "--site", str(site), "--port", "0",
                                      "--seed", "5", "--phone-drop-every", "0"], cwd=ROOT, stderr=subprocess.PIPE,
                                     stdout=self.log, text=True, start_new_session=True)
        line = self.proc.stderr.readline() if self.proc.stderr else ""
        m = re.search(r"on 127\.0\.0\.1:(\d+)", line)
        if not m:
            raise RuntimeError(f"hotline sim did not start: {line!r}")
        self.port = int(m.group(1))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stderr or ():
            self.log.write(line)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _esl(port: int, work):
    """Run ``work(conn)`` (a coroutine function) on a fresh event-socket connection."""
    from backends.freeswitch.client import EslConnection, NodeConfig

    async def run():
        conn = await EslConnection.open(NodeConfig("sim", "127.0.0.1", port), lambda ev: None)
        try:
            return await work(conn)
        finally:
            await conn.close()
    return asyncio.run(run())


def hang_up(port: int, agent: str = "1001") -> int:
    """The citizen talking to ``agent`` hangs up; returns how many calls ended."""
    async def work(conn) -> int:
        rows = (await conn.api("callcenter_config queue list members")).strip().splitlines()
        head = rows[0].split("|")
        mine = [dict(zip(head, r.split("|"))) for r in rows[1:] if "|" in r]
        mine = [m for m in mine if m.get("serving_agent") == agent and m.get("state") == "Answered"]
        for m in mine:
            await conn.api(f"uuid_kill {m['session_uuid']}")
        return len(mine)
    return _esl(port, work)


def hang_up_callback(port: int, agent: str) -> int:
    """The citizen called back by ``agent`` hangs up: the agent's leg of a callback is the one on
    their phone with the hotline's caller id (12345, ``originate_callback`` in backends/freeswitch/port.py)."""
    async def work(conn) -> int:
        body = await conn.api("show channels as json")
        rows = json.loads(body).get("rows", []) if body.strip().startswith("{") else []
        legs = [r["uuid"] for r in rows if r.get("name", "").startswith(f"sofia/internal/{agent}@")
                and r.get("cid_num") == "12345"]
        for u in legs:
            await conn.api(f"uuid_kill {u}")
        return len(legs)
    return _esl(port, work)


# -- the console in a pty ----------------------------------------------------------------------
class Console:
    """``hotline.py console`` on a pty of ``cols`` x ``rows``; every byte read is kept with the
    time it was read. ``throttle_bps``: the reader takes at most that many bytes a second (in
    512-byte sips), so the pty fills and the console's writes wait, as on a thin link."""

    def __init__(self, args: list[str], env: dict[str, str], cols: int, rows: int, throttle_bps: float | None = None,
                 emulate: bool = False):
        # emulate: a VT emulator (pyte) is fed every byte, so waits look at the screen as a
        # terminal shows it; in lean mode the output holds only changed cells, so "Registered
        # ticket" may never be one run of text in the byte stream
        self.vt = None
        if emulate:
            import pyte
            self.vt = pyte.Screen(cols, rows)
            self.vt_stream = pyte.ByteStream(self.vt)
        self.watches: list[list] = []      # [pred, event, time seen]
        self.vt_errors = 0
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.raw = bytearray()
        self.marks: list[tuple[float, int]] = []
        self.cond = threading.Condition()
        self.throttle = throttle_bps
        self.t_spawn = time.monotonic()
        self.proc = subprocess.Popen([PY, str(ROOT / "hotline.py"), "console", *args], cwd=ROOT, stdin=slave,
                                     stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                r, _, _ = select.select([self.master], [], [], 0.5)
                if not r:
                    if self.proc.poll() is not None:
                        break
                    continue
                data = os.read(self.master, 512 if self.throttle else 1 << 16)
            except OSError:
                break
            if not data:
                break
            t = time.monotonic()
            with self.cond:
                self.raw += data
                self.marks.append((t, len(self.raw)))
                if self.vt is not None:
                    try:     # the emulator failing never stops the reading (the bytes are the figure)
                        self.vt_stream.feed(data)
                        if self.watches:
                            shown = screen_text(self.vt)
                            for w in list(self.watches):
                                if w[0](shown):
                                    w[2] = t
                                    w[1].set()
                                    self.watches.remove(w)
                    except Exception as exc:
                        self.vt_errors += 1
                        print(f"VT emulator: {exc!r}", file=sys.stderr, flush=True)
                self.cond.notify_all()
            if self.throttle:
                time.sleep(len(data) / self.throttle)

    def shown(self) -> str:
        with self.cond:
            return screen_text(self.vt) if self.vt is not None else ""

    def send_and_watch(self, keys: bytes, pred, timeout: float) -> tuple[float, float | None]:
        """Write ``keys``; returns (time written, time of the first read after it that made the
        emulated screen satisfy ``pred``, or None)."""
        w = [pred, threading.Event(), None]
        with self.cond:
            self.watches.append(w)
        t = time.monotonic()
        os.write(self.master, keys)
        w[1].wait(timeout)
        with self.cond:
            if w in self.watches:
                self.watches.remove(w)
        return t, w[2]

    def wait_screen(self, pred, timeout: float) -> bool:
        """Until the emulated screen satisfies ``pred`` (at once if it does now)."""
        w = [pred, threading.Event(), None]
        with self.cond:
            if pred(screen_text(self.vt) if self.vt is not None else ""):
                return True
            self.watches.append(w)
        ok = w[1].wait(timeout)
        with self.cond:
            if w in self.watches:
                self.watches.remove(w)
        return ok

    def send(self, keys: bytes) -> tuple[float, int]:
        with self.cond:
            start = len(self.raw)
        t = time.monotonic()
        os.write(self.master, keys)
        return t, start

    def offset(self) -> int:
        with self.cond:
            return len(self.raw)

    def wait_for(self, pred, start: int, timeout: float, overlap: int = 4096) -> float | None:
        """Time of the first read after ``start`` whose output (ANSI-stripped, with ``overlap``
        bytes before it) makes ``pred`` true; None on timeout."""
        deadline = time.monotonic() + timeout
        done = start
        with self.cond:
            while True:
                i = len(self.marks)
                while i > 0 and self.marks[i - 1][1] > done:
                    i -= 1
                for t, end in self.marks[i:]:
                    window = bytes(self.raw[max(start, done - overlap):end])
                    done = end
                    if pred(plain(window)):
                        return t
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def bytes_between(self, t0: float, t1: float) -> int:
        with self.cond:
            before = [n for t, n in self.marks if t <= t0]
            upto = [n for t, n in self.marks if t <= t1]
        return (upto[-1] if upto else 0) - (before[-1] if before else 0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.write(self.master, b"\x11")        # ctrl+q
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.throttle = None
        self.reader.join(5)
        os.close(self.master)


# -- the agent ---------------------------------------------------------------------------------
# What the desk shows (screens/i18n.py, English). The "Me:" line is two rows high: "On a call with
# <number>" comes last on it and wraps onto the second row once the line before it grows (a
# state time of a minute or more, a two-digit call count, talk time in hours), so it is matched
# across the wrap, never as one run of text.
ON_CALL = re.compile(r"On\s+a\s+call\s+with")
F2, F3, F8 = b"\x1bOQ", b"\x1bOR", b"\x1b[19~"


def on_call(s: str) -> bool:
    return ON_CALL.search(s) is not None


@dataclass
class Agent:
    """Works calls at the desk as agent ``number`` until ``until``; times every typed character."""

    con: Console
    port: int
    rng: random.Random
    until: float
    number: str = "1001"
    timeout: float = 5.0
    presses: list[float | None] = field(default_factory=list)
    by_box: dict[str, list[float | None]] = field(default_factory=dict)
    calls: int = 0
    tickets: int = 0
    searches: int = 0
    breaks: int = 0
    callbacks: int = 0
    callback_hangups: int = 0       # callback legs found and hung up (one per callback placed)
    stalls: int = 0

    def wait(self, pred, timeout: float = 20.0) -> bool:
        return self.con.wait_screen(pred, timeout)

    def stalled(self, what: str) -> None:
        """A wait ran out: counted, and the screen as the terminal shows it goes to stderr."""
        self.stalls += 1
        print(f"stall ({self.number}): {what}\n" + self.con.shown(), file=sys.stderr, flush=True)

    def key(self, k: bytes, pause: tuple[float, float] = (0.3, 0.8)) -> None:
        self.con.send(k)
        time.sleep(self.rng.uniform(*pause))

    def type_timed(self, text: str, box: str) -> None:
        """One character at a time at a typist's pace; each is timed until the output shows the
        last characters typed (the box redraws its line)."""
        for i, ch in enumerate(text):
            tail = text[max(0, i - 4):i + 1]
            if i >= 2 and " " not in tail:
                t, seen = self.con.send_and_watch(ch.encode(), lambda s, tail=tail: tail in s, self.timeout)
                ms = None if seen is None else (seen - t) * 1000
                self.presses.append(ms)
                self.by_box.setdefault(box, []).append(ms)
            else:
                self.con.send(ch.encode())
            time.sleep(self.rng.uniform(0.12, 0.45))

    def word(self, n: int) -> str:
        return "".join(self.rng.choice(string.ascii_lowercase) for _ in range(n))

    def callback(self) -> None:
        """呼损回拨 from the desk: F8 (my callbacks; the oldest abandoned caller first), ``c``
        (the switch rings my phone, then the citizen), a short talk, the citizen hangs up,
        ``r`` + 1 (reached) + a note, back to the desk."""
        self.key(F8)
        if not self.wait(lambda s: "callbacks due" in s and "Abandoned" in s, 20):
            self.stalled("no abandoned caller on my callback list (F8) in 20 s")
            self.key(b"\x1b")
            return
        time.sleep(self.rng.uniform(0.5, 1.5))            # reads the list
        _t, placed = self.con.send_and_watch(b"c", lambda s: re.search(r"Calling \S{5,}", s) is not None, 20)
        if placed is None:
            self.stalled("no 'Calling … back' in 20 s")
            self.key(b"\x1b")
            return
        time.sleep(self.rng.uniform(3, 6))                # the citizen answers, they talk
        self.callback_hangups += hang_up_callback(self.port, self.number)
        time.sleep(self.rng.uniform(0.3, 0.8))
        _t, asked = self.con.send_and_watch(b"r", lambda s: "Result of the callback" in s, 10)
        if asked is None:
            self.stalled("no result picker in 10 s")
            self.key(b"\x1b")
            return
        time.sleep(self.rng.uniform(0.4, 0.9))
        _t, note = self.con.send_and_watch(b"1", lambda s: "Note (may" in s, 10)
        if note is None:
            self.stalled("no note prompt in 10 s")
            self.key(b"\x1b")
            return
        self.type_timed(self.word(5) + " " + self.word(4), "note")
        _t, done = self.con.send_and_watch(b"\r", lambda s: "Recorded:" in s, 20)
        if done is None:
            self.stalled("no 'Recorded:' in 20 s")
        else:
            self.callbacks += 1
        time.sleep(self.rng.uniform(0.5, 1))
        self.key(b"\x1b")                                  # back to the desk
        self.wait(lambda s: f"Me: {self.number}" in s, 10)

    def run(self) -> None:
        while time.monotonic() < self.until:
            if not self.wait(on_call, timeout=60):
                self.stalled("no call in 60 s")
                self.key(b"\x1b")
                self.con.send(F2)                       # ready, in case the agent is not
                continue
            self.calls += 1
            time.sleep(self.rng.uniform(1, 2))      # the caller says what they want
            self.key(b"\x1b")                        # leave whatever box has the focus (after F2: the phone)
            self.key(b"/")                           # search the knowledge base beside the form
            self.type_timed(self.rng.choice(["shebao", "gongjijin", "ludeng", "yibao", "hukou"]), "search")
            self.searches += 1
            time.sleep(self.rng.uniform(1.5, 3))    # reads the article
            self.key(b"\x14")                        # ctrl+t: the ticket text
            self.type_timed(" ".join(self.word(self.rng.randint(4, 7)) for _ in range(3)), "ticket")
            _t, done = self.con.send_and_watch(b"\r", lambda s: "Registered ticket" in s, 20)
            time.sleep(0.2)
            if done is not None:
                self.tickets += 1
            else:
                self.stalled("no 'Registered ticket' in 20 s")
                self.key(b"\x0e")                    # ctrl+n: a fresh form, so the next call is not asked about
            self.key(b"\x1b")
            if time.monotonic() >= self.until:
                break
            hang_up(self.port, self.number)
            self.wait(lambda s: not on_call(s), timeout=20)   # wrap-up on the desk
            if self.calls % 3 == 1:                 # wrap-up time: call an abandoned caller back
                self.callback()
            elif self.calls % 3 == 0:               # a short break now and then
                self.key(F3, (0.8, 1.2))                # not ready, a reason
                self.key(b"1", (3, 5))
                self.key(F2, (0.5, 1))                  # ready
                self.breaks += 1


# -- one run -----------------------------------------------------------------------------------
def console_env(db: Path, lite: bool) -> dict[str, str]:
    """The console's environment: the caller's, without anything of theirs that changes what the
    console does (user, language, config, link speed), pinned to the run's store and mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", COLORTERM="truecolor", HOTLINE_DB=str(db),
               HOTLINE_LITE="1" if lite else "0", PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("NO_COLOR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # as installed: bytecode compiled once (see main)
    return env


def run_one(name: str, *, screen: str, lite: bool, cols: int, rows: int, minutes: float, cfg: Path, db: Path,
            port: int, throttle: float | None, seed: int, agent: str = "1001") -> dict:
    env = console_env(db, lite)
    args = ["--config", str(cfg), "--screen", screen]
    if screen == "desk":
        args += ["--as", f"agent{agent}"]
    la0 = load1()
    con = Console(args, env, cols, rows, throttle, emulate=screen == "desk")
    marker = f"Me: {agent}" if screen == "desk" else "Total"
    painted = con.wait_for(lambda s: marker in s, 0, 60)
    if painted is None:
        con.stop()
        raise RuntimeError(f"{name}: no first paint in 60 s")
    first_paint_s = painted - con.t_spawn
    first_bytes = con.bytes_between(0, painted)
    t0 = time.monotonic()
    until = t0 + minutes * 60
    worker = None
    try:
        if screen == "desk":
            worker = Agent(con, port, random.Random(seed), until, number=agent, timeout=10.0 if throttle else 5.0)
            worker.run()
        left = until - time.monotonic()
        if left > 0:
            time.sleep(left)
        t1 = time.monotonic()
        sent = con.bytes_between(t0, t1)
        with con.cond:   # colours beyond the 16 (256-colour or 24-bit SGR) anywhere in the run
            wide_colour = len(WIDE_SGR.findall(bytes(con.raw)))
    finally:
        con.stop()
    out = {"run": name, "screen": screen, "lite": lite, "size": f"{cols}x{rows}", "throttle_bps": throttle,
           "seconds": round(t1 - t0, 1), "bytes": sent, "avg_bytes_per_s": round(sent / (t1 - t0), 1),
           "first_paint_s": round(first_paint_s, 2), "first_paint_bytes": first_bytes, "sgr_beyond_16": wide_colour,
           "load1_before": round(la0, 2), "load1_after": round(load1(), 2), "vt_errors": con.vt_errors}
    if worker is not None:
        ms = sorted(p for p in worker.presses if p is not None)
        q = statistics.quantiles(ms, n=20) if len(ms) >= 20 else []
        out.update({"agent": agent, "calls": worker.calls, "tickets": worker.tickets, "searches": worker.searches,
                    "breaks": worker.breaks, "callbacks": worker.callbacks,
                    "callback_hangups": worker.callback_hangups, "stalls": worker.stalls,
                    "presses": len(worker.presses), "presses_unseen": sum(p is None for p in worker.presses),
                    "key_p50_ms": round(statistics.median(ms), 1) if ms else None,
                    "key_p95_ms": round(q[18], 1) if q else None, "key_max_ms": round(ms[-1], 1) if ms else None})
        for box, got in worker.by_box.items():   # the search box searches as you type; the ticket box only echoes
            seen = sorted(p for p in got if p is not None)
            out[f"key_{box}_p50_p95_ms"] = ([round(statistics.median(seen), 1),
                                             round(statistics.quantiles(seen, n=20)[18], 1) if len(seen) >= 20 else None]
                                            if seen else None)
    return out


RUNS = [  # name, screen, lite, cols, rows, throttled, agent (desk runs: each its own, so none takes another's calls)
    ("desk-lite", "desk", True, 80, 24, False, "1001"),
    ("desk-default", "desk", False, 80, 24, False, "1002"),
    ("wallboard-lite-80x24", "wallboard", True, 80, 24, False, ""),
    ("wallboard-default-80x24", "wallboard", False, 80, 24, False, ""),
    ("wallboard-lite-160x48", "wallboard", True, 160, 48, False, ""),
    ("wallboard-default-160x48", "wallboard", False, 160, 48, False, ""),
    ("desk-lite-64k", "desk", True, 80, 24, True, "1003"),
    ("desk-default-64k", "desk", False, 80, 24, True, "1004"),
]
CALLBACKS_PER_AGENT = 20     # abandoned callers waiting for each desk agent (a callback every third call)


def site_config(tmp: Path, agents: list[str]) -> Path:
    """The demo config with a desk user per agent (the demo has agent1001 only)."""
    import shutil

    from hotline_tui.config import DEMO_DIR

    d = tmp / "config"
    shutil.copytree(DEMO_DIR, d)
    roles = d / "roles.yaml"
    have = roles.read_text(encoding="utf-8")
    extra = "".join(f'  - {{name: agent{a}, display: 坐席{a}, role: agent, team: 话务一班, agent: "{a}"}}\n'
                    for a in agents if f"agent{a}," not in have)
    roles.write_text(have.rstrip("\n") + "\n" + extra, encoding="utf-8")
    return d


def seed_callbacks(store, agents: list[str], n: int) -> None:
    """``n`` abandoned callers for each agent, from 1-2 hours ago: older than any abandon the
    consoles record meanwhile, so first on the agent's list (F8)."""
    from hotline_tui.calls_port import CallbackTask

    rng = random.Random(7)
    now = time.time()
    for a in agents:
        for i in range(n):
            at = now - 7200 + i * 60
            number = f"139{rng.randrange(10**8):08d}"
            tid = store.calls.add_callback(CallbackTask(0, f"bw-{a}-{i}", "general@12345", number, "", at, "",
                                                        "open", "", at))
            store.calls.assign_callback(tid, [a], at)


class LoadSampler(threading.Thread):
    """The 1-minute load average every ``every`` seconds while the runs go on."""

    def __init__(self, every: float = 15.0):
        super().__init__(daemon=True)
        self.every, self.samples, self.stop = every, [load1()], threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.samples.append(load1())

    def summary(self) -> dict:
        x = self.samples + [load1()]
        return {"load1_first": round(x[0], 2), "load1_last": round(x[-1], 2), "load1_min": round(min(x), 2),
                "load1_mean": round(statistics.fmean(x), 2), "load1_max": round(max(x), 2), "load1_samples": len(x)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10, help="the busy stretch of each run (issue: 10)")
    ap.add_argument("--only", default="", help="comma-separated run names (default: all)")
    ap.add_argument("--together", action="store_true",
                    help="all the runs at once against the one simulator (each console its own pty, reader and, "
                         "on the desk, agent); first paints then compete: measure those in a short run without it")
    ap.add_argument("--stagger", type=float, default=2.0, help="--together: seconds between the consoles' starts")
    ap.add_argument("--repeat", type=int, default=1, help="each run this many times in a row (first paint medians)")
    ap.add_argument("--out", help="write the results as JSON here too")
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    only = {s for s in a.only.split(",") if s}
    unknown = only - {r[0] for r in RUNS}
    if unknown:
        ap.error(f"unknown run(s): {', '.join(sorted(unknown))}")
    runs = [r for r in RUNS if not only or r[0] in only]
    from backends.store import open_store
    from hotline_tui.cli.demo import seed_all
    from hotline_tui.config import DEMO_DIR

    results: list[dict] = []
    errors: list[str] = []
    load: dict = {}
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="hotline-bw-") as d:
        tmp = Path(d)
        db = tmp / "hotline.db"
        agents = sorted({r[6] for r in RUNS if r[6]})
        store = open_store(str(db), migrate=True)
        seed_all(store, str(DEMO_DIR), seed=1, tickets=500, days=20)
        seed_callbacks(store, agents, CALLBACKS_PER_AGENT * a.repeat)
        store.close()
        config_dir = site_config(tmp, agents)
        # An installed package has its bytecode; the helpers' environment sets
        # PYTHONDONTWRITEBYTECODE, which would recompile every module at every start (first paint)
        subprocess.run([PY, "-m", "compileall", "-q", "hotline.py", "hotline_tui", "backends", "screens"], cwd=ROOT,
                       env=dict({k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                                PYTHONPYCACHEPREFIX=str(PYCACHE)), check=True)
        sim = Sim(busy_site(tmp), tmp / "sim.log")
        try:
            cfg = tmp / "console.yaml"
            cfg.write_text(f"config_dir: {config_dir}\nlang: en\nswitch:\n  - {{name: sim, host: 127.0.0.1, "
                           f"port: {sim.port}}}\n", encoding="utf-8")
            # one start first, unmeasured: the libraries' bytecode lands in PYCACHE too
            run_one("warm-up", screen="desk", lite=True, cols=80, rows=24, minutes=0, cfg=cfg, db=db, port=sim.port,
                    throttle=None, seed=a.seed)
            loads = LoadSampler()
            loads.start()

            def one(run: tuple, i: int) -> None:
                name, screen, lite, cols, rows, throttled, agent = run
                try:
                    r = run_one(name, screen=screen, lite=lite, cols=cols, rows=rows, minutes=a.minutes, cfg=cfg,
                                db=db, port=sim.port, throttle=LINK_BPS if throttled else None, seed=a.seed + i,
                                agent=agent or "1001")
                except Exception as exc:      # one run failing does not lose the others' figures
                    errors.append(f"{name}: {exc!r}")
                    print(f"{name}: failed: {exc!r}", file=sys.stderr, flush=True)
                    return
                if a.together:
                    r["together"] = len(runs)
                print(json.dumps(r, ensure_ascii=False), flush=True)
                results.append(r)

            for i in range(a.repeat):
                if a.together:
                    threads = [threading.Thread(target=one, args=(run, i), name=run[0]) for run in runs]
                    for t in threads:
                        t.start()
                        time.sleep(a.stagger)
                    for t in threads:
                        t.join()
                else:
                    for run in runs:
                        one(run, i)
            loads.stop.set()
            load = loads.summary()
            print(json.dumps({"load": load, "started": started}), flush=True)
        finally:
            sim.stop()
    if a.repeat > 1:       # first paint over the repeats
        for name in dict.fromkeys(r["run"] for r in results):
            fp = [r["first_paint_s"] for r in results if r["run"] == name]
            print(json.dumps({"run": name, "first_paint_median_s": round(statistics.median(fp), 2),
                              "first_paints_s": fp}), flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps({"when": started, "cpus": os.cpu_count(), "minutes": a.minutes,
                                           "together": a.together, "load": load, "errors": errors,
                                           "runs": results}, indent=1, ensure_ascii=False))
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
