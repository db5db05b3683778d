"""Province benchmark (issue 21): one console on the provincial site at its peak event rate.

The site is config/demo-province (``scripts/province_site.py``): 10 FreeSWITCH nodes, 1,400
agents, 100 queues. This script starts one ``hotline sim`` per node (separate processes, free
loopback ports, ``--traffic peak``, speed 1: the site's own busy hour, realistic talk times, so
the switch's clock and the console's agree), writes a console config over the ten nodes and a
SQLite store seeded with 3,000 demo tickets (in a temp dir; nothing committed), and runs the real
``hotline.py console`` in a pty (160x45) with bench_console.py's key driver: screen switches,
j/k in the agents table, typed filters, each timed key write -> first output bytes that carry
the change. CPU (utime+stime) and RSS of the console process every 10 s.

What a console costs the switch: a tap per node subscribes exactly as the adapter does
(``backends.freeswitch.client.SUBSCRIBE``) over raw TCP and counts the event frames and bytes
the node sends it: one console's subscription, per node.

    .venv/bin/python scripts/bench/bench_province.py --minutes 30 --presses 300 --peer-refresh 10 --out run.json   # recorded
    .venv/bin/python scripts/bench/bench_province.py --minutes 3                   # quick
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import selectors
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_console", HERE / "bench_console.py")
bc = importlib.util.module_from_spec(_spec)
sys.modules["bench_console"] = bc          # its dataclasses look their module up
_spec.loader.exec_module(bc)

PROVINCE = ROOT / "config" / "demo-province"


class NodeSim:
    """``hotline sim`` for one node's site file, on a free loopback port."""

    def __init__(self, site: Path, seed: int, warm_up: float, log: Path):
        self.name = site.stem
        self.port = bc.free_port()
        self.log = open(log, "ab")
        self.proc = bc.subprocess.Popen(
            [bc.PY, str(ROOT / "hotline.py"), "sim", "--site", str(site), "--port", str(self.port), "--seed", str(seed),
             "--warm-up", f"{warm_up:g}", "--traffic", "peak"], cwd=ROOT, stdout=self.log, stderr=self.log,
            start_new_session=True)

    def wait_listening(self, deadline: float) -> None:
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"hotline sim {self.name} exited with {self.proc.returncode}")
            time.sleep(0.1)
        raise RuntimeError(f"hotline sim {self.name} did not listen")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(bc.signal.SIGINT)
            try:
                self.proc.wait(10)
            except bc.subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Taps:
    """One raw ESL connection per node, subscribed as the console's adapter subscribes: what
    one console costs each node, counted as event frames and bytes received."""

    FRAME = b"Content-Type: text/event-plain"

    def __init__(self, sims: list[NodeSim], password: str = "ClueCon"):
        from backends.freeswitch.client import SUBSCRIBE

        self.sel = selectors.DefaultSelector()
        self.counts = {s.name: [0, 0] for s in sims}        # node -> [events, bytes]
        self.tail = {s.name: b"" for s in sims}
        for s in sims:
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            self._expect(sock, b"auth/request")
            sock.sendall(f"auth {password}\n\n".encode())
            self._expect(sock, b"+OK")
            sock.sendall(f"{SUBSCRIBE}\n\n".encode())
            self._expect(sock, b"+OK")
            sock.setblocking(False)
            self.sel.register(sock, selectors.EVENT_READ, s.name)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def _expect(sock: socket.socket, what: bytes) -> None:
        buf = b""
        while what not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                raise RuntimeError("the switch closed the tap")
            buf += chunk

    def _run(self) -> None:
        while not self.stopping.is_set():
            for key, _ in self.sel.select(0.5):
                try:
                    data = key.fileobj.recv(1 << 16)
                except BlockingIOError:
                    continue
                if not data:
                    self.sel.unregister(key.fileobj)
                    continue
                c = self.counts[key.data]
                c[1] += len(data)
                buf = self.tail[key.data] + data
                c[0] += buf.count(self.FRAME)
                self.tail[key.data] = buf[-(len(self.FRAME) - 1):]

    def snapshot(self) -> dict[str, tuple[int, int]]:
        return {n: (c[0], c[1]) for n, c in self.counts.items()}

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


def prepare(tmp: Path, sims: list[NodeSim]) -> Path:
    """The store (3,000 demo tickets) and a console config naming the ten running nodes."""
    from backends.store import open_store
    from hotline_tui.cli.demo import seed_all

    store = open_store(str(tmp / "hotline.db"), migrate=True)
    seed_all(store, str(PROVINCE), seed=1, tickets=3000, days=30)
    store.close()
    cfg = tmp / "console.yaml"
    nodes = "".join(f"  - {{name: {s.name}, host: 127.0.0.1, port: {s.port}, password: ClueCon}}\n" for s in sims)
    cfg.write_text(f"store: {tmp / 'hotline.db'}\nconfig_dir: {PROVINCE}\nlang: en\nsimulate: false\nswitch:\n{nodes}",
                   encoding="utf-8")
    return cfg


def _figures(driver, samples: list[dict], wall: float) -> dict:
    """One console's figures: key -> repaint, CPU, RSS."""
    ms = [p.ms for p in driver.presses if p.ms is not None]
    last = samples[-1]
    return {
        "cpu_pct": round(100 * last["cpu_s"] / wall, 1),
        "cpu_pct_max_10s": round(max((100 * (b["cpu_s"] - a["cpu_s"]) / (b["t"] - a["t"])
                                      for a, b in zip(samples, samples[1:]) if b["t"] > a["t"]), default=0), 1),
        "presses": len(driver.presses), "missed": sum(1 for p in driver.presses if p.ms is None),
        "p50_ms": bc.pct(ms, 0.5), "p95_ms": bc.pct(ms, 0.95), "max_ms": max(ms) if ms else None,
        "by_kind": {k: {"n": len(v), "p50_ms": bc.pct(v, 0.5), "p95_ms": bc.pct(v, 0.95)}
                    for k in sorted({p.kind for p in driver.presses})
                    for v in [[p.ms for p in driver.presses if p.kind == k and p.ms is not None]]},
        "rss_start_mb": samples[0]["rss_mb"], "rss_end_mb": last["rss_mb"],
        "rss_max_mb": max(s["rss_mb"] for s in samples),
        "rss_slope_mb_per_min": bc.slope_mb_per_min(samples),
        "rss_slope_mb_per_min_after_10": bc.slope_mb_per_min(samples, after_s=600),
        "rss_at_min": {m: next((s["rss_mb"] for s in samples if s["t"] >= m * 60), None)
                       for m in (1, 5, 10, 15, 20, 25, 30)},
        "samples": samples, "press_log": [p.__dict__ for p in driver.presses]}


def run(args, tmp: Path) -> dict:
    sites = sorted((PROVINCE / "nodes").glob("*.yaml"))[: args.nodes]
    sims = [NodeSim(p, args.seed + i, args.warm_up, tmp / f"sim-{p.stem}.log") for i, p in enumerate(sites)]
    cons: list = []
    taps = None
    try:
        deadline = time.time() + 120
        for s in sims:
            s.wait_listening(deadline)
        cfg = prepare(tmp, sims)
        taps = Taps(sims)
        prefix, env = [], {}
        if args.tracemalloc:        # what grows: snapshots of the console's allocations (slows it)
            prefix = [str(HERE / "_tracemalloc_run.py")]
            env = {"HOTLINE_TRACEMALLOC_DIR": str(args.tracemalloc.resolve()),
                   "HOTLINE_TRACEMALLOC_EVERY": f"{args.tracemalloc_every:g}"}
        # The console measured, and (--peer-refresh) in the same run a peer: the same console at
        # another refresh rate, on the same nodes at the same time, its keys alternating with
        # the first's (so both meet the same machine).
        rates = [args.refresh] + ([args.peer_refresh] if args.peer_refresh else [])
        res: dict = {"nodes": len(sims)}
        for i, hz in enumerate(rates):
            con = bc.Console(cfg, [*(["--refresh", f"{hz:g}"] if hz else [])], tmp / f"console{i}.out",
                             prefix=prefix if i == 0 else [], env=env if i == 0 else {})
            cons.append(con)
            t = con.wait_for(lambda s: "Est. wait" in s and "Hangzhou" in s, 0, 90)
            if i == 0:
                res["first_paint_s"] = None if t is None else round(t - con.t_spawn, 2)
            # all links live: the trust line counts more than three nodes ("10/10 nodes connected")
            n = len(sims)
            live = f"{n}/{n} nodes connected" if n > 3 else f"{sims[0].name} connected"
            t = con.wait_for(lambda s: live in s and "Hangzhou" in s, 0, 90)
            if i == 0:
                res["first_live_s"] = None if t is None else round(t - con.t_spawn, 2)
        time.sleep(5)                         # the ten resyncs' burst is not the steady state
        hay = bc.agents_haystack(PROVINCE / "site.yaml")
        drivers = [bc.Driver(c, hay, random.Random(args.seed + 1000 * i)) for i, c in enumerate(cons)]
        t0 = time.monotonic()
        end = t0 + args.minutes * 60
        cpu0, tap0 = [c.cpu_s() for c in cons], taps.snapshot()
        samples: list[list[dict]] = [[{"t": 0.0, "cpu_s": 0.0, "rss_mb": c.rss_mb()}] for c in cons]
        gap = args.minutes * 60 / args.presses / len(cons)
        next_sample, next_press, turn = t0 + 10, t0 + 1, 0
        while time.monotonic() < end and all(c.proc.poll() is None for c in cons):
            now = time.monotonic()
            if now >= next_sample:
                for c, c0, sm in zip(cons, cpu0, samples):
                    sm.append({"t": round(now - t0, 1), "cpu_s": round(c.cpu_s() - c0, 2), "rss_mb": round(c.rss_mb(), 1)})
                next_sample += 10
            elif now >= next_press and len(drivers[turn].presses) < args.presses:
                drivers[turn].step()
                next_press = time.monotonic() + drivers[turn].rng.uniform(0.3, 1.7) * gap
                turn = (turn + 1) % len(drivers)
            else:
                time.sleep(min(0.05, max(0.0, min(next_sample, next_press) - now)))
        wall = time.monotonic() - t0
        for i, c in enumerate(cons):
            if c.proc.poll() is not None:
                res["error"] = f"console {i} exited with {c.proc.returncode}"
            else:
                samples[i].append({"t": round(wall, 1), "cpu_s": round(c.cpu_s() - cpu0[i], 2),
                                   "rss_mb": round(c.rss_mb(), 1)})
        tap1 = taps.snapshot()
        per_node = {n: {"events_per_s": round((tap1[n][0] - tap0[n][0]) / wall, 2),
                        "bytes_per_s": round((tap1[n][1] - tap0[n][1]) / wall)} for n in tap1}
        res.update({
            "minutes": round(wall / 60, 2), "refresh_hz": args.refresh or 2,
            "events_per_s": round(sum(v["events_per_s"] for v in per_node.values()), 1),
            "bytes_per_s": sum(v["bytes_per_s"] for v in per_node.values()), "per_node": per_node,
            **_figures(drivers[0], samples[0], wall)})
        if len(cons) > 1:
            res["peer"] = {"refresh_hz": args.peer_refresh, **_figures(drivers[1], samples[1], wall)}
        return res
    finally:
        for c in cons:
            c.stop()
        if taps is not None:
            taps.stop()
        for s in sims:
            s.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=3.0, help="measured minutes (30 for the recorded run)")
    ap.add_argument("--presses", type=int, default=150, help="key presses, spread over the run")
    ap.add_argument("--nodes", type=int, default=10)
    ap.add_argument("--warm-up", type=float, default=600, help="simulated seconds each node runs before it listens")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="write every figure and sample as JSON here")
    ap.add_argument("--refresh", type=float, help="the console's refresh rate (Hz; default its config's, 2)")
    ap.add_argument("--peer-refresh", type=float, metavar="HZ",
                    help="in the same run, a second console at this refresh rate (e.g. 10), keys alternating")
    ap.add_argument("--tracemalloc", type=Path, metavar="DIR",
                    help="run the console under tracemalloc, a snapshot every --tracemalloc-every s into DIR "
                         "(compare: scripts/bench/_tracemalloc_run.py --compare A B)")
    ap.add_argument("--tracemalloc-every", type=float, default=60)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-province-"))
    load0 = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    try:
        r = run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    doc = {"started": started, "machine": bc.machine(), "load_avg_start": load0, "load_avg_end": os.getloadavg(),
           "command": " ".join([Path(sys.executable).name, *sys.argv]), "run": r}
    if args.out:
        args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    slim = {k: v for k, v in r.items() if k not in ("samples", "press_log")}
    if "peer" in slim:
        slim["peer"] = {k: v for k, v in slim["peer"].items() if k not in ("samples", "press_log")}
    print(json.dumps({**{k: v for k, v in doc.items() if k != "run"}, "run": slim}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
