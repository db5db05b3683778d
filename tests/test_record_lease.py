"""One recorder per switch node (issue 21): a second ``hotline record`` waits as a standby on
the node's lease and takes over within seconds when the first is killed with SIGKILL — real
processes, the simulator on loopback, both stores."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

from hotline import build_store
from hotline_tui.config import DEMO_DIR
from tests.test_record_cli import hotline, sim  # noqa: F401  (the simulator fixture)
from tests.waiting import wait_until


def test_a_standby_recorder_takes_over_the_node_after_kill_9(tmp_path, sim, db_target):  # noqa: F811
    cfg = tmp_path / "site.yaml"
    cfg.write_text(f"config_dir: {DEMO_DIR}\nswitch:\n  - name: fs1\n    host: 127.0.0.1\n"
                   f"    port: {sim}\n    password: ClueCon\n", encoding="utf-8")
    procs: list[subprocess.Popen] = []

    def start(tag: str):
        path = tmp_path / f"{tag}.err"
        f = open(path, "w")
        procs.append(hotline("--db", db_target, "record", "--config", str(cfg), "--flush-every", "0.5",
                             "--lease-ttl", "2", stdout=subprocess.DEVNULL, stderr=f))
        f.close()
        return procs[-1], (lambda: path.read_text())

    try:
        first, log1 = start("first")
        wait_until(lambda: "fs1 connected" in log1(), timeout=30, what="the first recorder connected", show=log1)
        second, log2 = start("second")
        wait_until(lambda: "standby" in log2(), timeout=30, what="the second recorder on standby", show=log2)
        assert "connected" not in log2()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed = time.monotonic()
        wait_until(lambda: "fs1 connected" in log2(), timeout=30, what="the standby taking over", show=log2)
        took = time.monotonic() - killed
        assert took < 15, took       # the lease's 2 s plus a loaded machine's start of the link
        assert "epoch 2" in log2()
        wait_until(lambda: re.search(r"flushed [1-9]\d* visits", log2()), timeout=60, what="the standby writing",
                   show=log2)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
    store = build_store(db_target)
    try:
        visits = store.calls.records(0)
        assert visits            # (an overlap of two writers duplicates nothing: call_records' natural key)
        lease = store.leases.current("record:fs1")
        assert lease is not None and lease.holder == ""                     # given back on SIGTERM
    finally:
        store.close()


def test_a_recorder_whose_lease_is_taken_stops_with_one_line(tmp_path, sim, db_target):  # noqa: F811
    """It stalled past its ttl and a standby took the node: it must stop writing (exit 1)."""
    cfg = tmp_path / "site.yaml"
    cfg.write_text(f"config_dir: {DEMO_DIR}\nswitch:\n  - name: fs1\n    host: 127.0.0.1\n"
                   f"    port: {sim}\n    password: ClueCon\n", encoding="utf-8")
    err_path = tmp_path / "record.err"
    log = lambda: err_path.read_text()  # noqa: E731
    with open(err_path, "w") as err:
        proc = hotline("--db", db_target, "record", "--config", str(cfg), "--flush-every", "0.5", "--lease-ttl", "2",
                       stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_until(lambda: "fs1 connected" in log(), timeout=30, what="the recorder connected", show=log)
        store = build_store(db_target)
        try:
            store.db.execute("UPDATE leases SET holder = 'thief:1', epoch = epoch + 1 WHERE name = 'record:fs1'")
        finally:
            store.close()
        assert proc.wait(timeout=30) == 1, log()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    lines = log().splitlines()
    assert "hotline record: lease record:fs1: taken over by another instance" in lines
    assert "lease record:fs1 lost" in lines[-1] and "hotline record: stopped" in lines, lines[-3:]
