"""The notification workers' dead-letter sweep (issue 21): unsent messages older than
``worker.expire_s`` become dead, on both stores; it runs once per site under the
``notify.dead-letter`` lease — a second ``hotline notify run`` waits as a standby and takes the
sweep over within seconds when the first is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from backends.store import open_store
from hotline_tui.clock import SITE_TZ
from hotline_tui.notify.model import OutboxRow
from hotline_tui.notify.settings import WorkerSpec
from hotline_tui.notify.worker import DeadLetterSweep
from tests.waiting import wait_until

from .conftest import site_for

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SITE_TZ)


def _row(id: str, age_h: float, status: str = "pending", lease_until: float = 0.0, next_at: float = 0.0) -> OutboxRow:
    return OutboxRow(id, "T1", "registered", "sms", "13812341234", "sms", {"template": "registered"},
                     NOW - timedelta(hours=age_h), status=status, lease_until=lease_until, next_at=next_at)


def test_the_sweep_expires_only_stale_unsent_messages(store):
    now = NOW.timestamp()
    store.outbox.enqueue([_row("old-pending", 30), _row("new-pending", 1), _row("old-sent", 30, status="sent"),
                          _row("old-held", 30, status="sending", lease_until=now + 60),
                          _row("old-abandoned", 30, status="sending", lease_until=now - 60)])
    sweep = DeadLetterSweep(store.outbox, store.leases, WorkerSpec(expire_s=86400), clock=lambda: now)
    assert sweep.sweep_once() == 2
    status = {r.id: r.status for r in store.outbox.rows(limit=10)}
    assert status == {"old-pending": "dead", "old-abandoned": "dead", "new-pending": "pending", "old-sent": "sent",
                      "old-held": "sending"}       # a row a worker holds now is left to it
    dead = store.outbox.get("old-pending")
    assert dead is not None and dead.last_error == "expired: not sent within 24 h" and dead.done_at == now
    assert sweep.sweep_once() == 0                 # nothing twice


def test_a_sweep_that_loses_its_lease_stops_and_waits_as_a_standby(store):
    now = NOW.timestamp()
    lines: list[str] = []
    sweep = DeadLetterSweep(store.outbox, store.leases, WorkerSpec(expire_s=3600, sweep_s=0.05), clock=lambda: now,
                            ttl_s=0.6, retry_s=0.05, holder="me:1", log=lines.append)
    stop = threading.Event()
    t = threading.Thread(target=sweep.run, args=(stop,), daemon=True)
    t.start()
    try:
        wait_until(lambda: store.leases.current(DeadLetterSweep.LEASE) is not None, timeout=10, what="the lease held")
        store.outbox.enqueue([_row("stale", 2)])
        wait_until(lambda: store.outbox.get("stale").status == "dead", timeout=10, what="the sweep at work")
        store.db.execute("UPDATE leases SET holder = 'thief:1', epoch = epoch + 1, expires_at = :e WHERE name = :n",
                         {"e": 4e9, "n": DeadLetterSweep.LEASE})
        wait_until(lambda: any("standby, held by thief:1" in ln for ln in lines), timeout=10,
                   what="the sweep back on standby", show=lambda: lines)
        store.outbox.enqueue([_row("stale-2", 2)])
        swept = sweep.swept
        stop.wait(0.3)                                 # a standby sweeps nothing
        assert sweep.swept == swept and store.outbox.get("stale-2").status == "pending"
        assert any("taken over by another instance" in ln for ln in lines)
    finally:
        stop.set()
        t.join(10)
    assert not t.is_alive()


def _worker(db: str, site: Path, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hotline", "--db", db, "--config-dir", str(site), "--as", "duty",
                             "notify", "run", "--lease-ttl", "2"], cwd=ROOT, stdout=log, stderr=log)


def test_a_standby_worker_takes_the_sweep_over_after_kill_9(db_target, tmp_path):
    site = site_for(tmp_path, "http://127.0.0.1:9", sweep_s=0.2, expire_s=3600)
    store = open_store(db_target, migrate=True)
    procs: list[subprocess.Popen] = []
    try:
        logs = [tmp_path / "first.log", tmp_path / "second.log"]
        read = [lambda p=p: p.read_text() if p.exists() else "" for p in logs]
        with open(logs[0], "w") as f:
            procs.append(_worker(db_target, site, f))
        wait_until(lambda: "dead-letter: held by" in read[0](), timeout=30, what="the first worker sweeping",
                   show=read[0])
        with open(logs[1], "w") as f:
            procs.append(_worker(db_target, site, f))
        wait_until(lambda: "dead-letter: standby" in read[1](), timeout=30, what="the second on standby", show=read[1])
        os.kill(procs[0].pid, signal.SIGKILL)
        procs[0].wait(timeout=10)
        # a stale message, due only later (no worker sends it first): only a sweep makes it dead
        far = datetime.now(SITE_TZ).timestamp() + 86400
        old = datetime.now(SITE_TZ) - timedelta(hours=3)
        store.outbox.enqueue([OutboxRow("stale", "T1", "registered", "sms", "13812341234", "sms", {}, old,
                                        next_at=far)])
        wait_until(lambda: "dead-letter: held by" in read[1](), timeout=30, what="the standby taking over",
                   show=read[1])
        assert "(epoch 2)" in read[1]()
        wait_until(lambda: store.outbox.get("stale").status == "dead", timeout=30, what="the new holder sweeping")
        procs[1].send_signal(signal.SIGTERM)
        assert procs[1].wait(timeout=30) == 0
        lease = store.leases.current("notify.dead-letter")
        assert lease is not None and lease.holder == "" and lease.epoch == 2     # given back on SIGTERM
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        store.close()


def test_notify_sweep_waits_for_the_lease_and_sweeps_once_it_is_free(db_target, tmp_path):
    from click.testing import CliRunner

    from hotline import cli

    site = site_for(tmp_path, "http://127.0.0.1:9", expire_s=3600)
    store = open_store(db_target, migrate=True)
    try:
        old = datetime.now(SITE_TZ) - timedelta(hours=2)
        store.outbox.enqueue([OutboxRow("stale", "T1", "registered", "sms", "13812341234", "sms", {}, old,
                                        next_at=datetime.now(SITE_TZ).timestamp() + 86400)])
        assert store.leases.try_acquire("notify.dead-letter", "other-host:1", 60) == 1

        def go():
            return CliRunner().invoke(cli, ["--db", db_target, "--config-dir", str(site), "--as", "duty", "notify",
                                            "sweep", "--wait", "0.3"], catch_exceptions=False)
        held = go()
        assert held.exit_code == 1 and "another sweep still holds the lease" in held.output, held.output
        assert store.outbox.get("stale").status == "pending"
        store.leases.release("notify.dead-letter", "other-host:1")
        ok = go()
        assert ok.exit_code == 0 and "expired: 1 message(s)" in ok.output, ok.output
        assert store.outbox.get("stale").status == "dead"
    finally:
        store.close()
