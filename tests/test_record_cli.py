"""``hotline record`` as systemd runs it (issue 16): a separate process against the simulator on
loopback, one line per connect and flush, SIGTERM stops it cleanly after a last flush, and the
visits and agent intervals are in the store."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hotline import build_store
from hotline_tui.config import DEMO_DIR
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def hotline(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "hotline.py"), *args], cwd=ROOT, text=True, **kw)


@pytest.fixture
def sim(tmp_path):
    """``hotline sim --speed 60`` on a free loopback port; yields the port."""
    err = open(tmp_path / "sim.err", "w+")
    proc = hotline("sim", "--port", "0", "--speed", "60", "--seed", "5", "--phone-drop-every", "0",
                   stdout=subprocess.DEVNULL, stderr=err)
    try:
        line = wait_until(lambda: re.search(r"on 127\.0\.0\.1:(\d+)", (tmp_path / "sim.err").read_text()),
                          timeout=30, what="the simulator listening", show=lambda: (tmp_path / "sim.err").read_text())
        yield int(line.group(1))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        err.close()


def test_record_writes_the_switchs_day_and_stops_cleanly_on_sigterm(tmp_path, sim):
    db = tmp_path / "record.db"
    cfg = tmp_path / "site.yaml"
    cfg.write_text(f"store: {db}\nconfig_dir: {DEMO_DIR}\nswitch:\n  - name: fs1\n    host: 127.0.0.1\n"
                   f"    port: {sim}\n    password: ClueCon\n", encoding="utf-8")
    err_path = tmp_path / "record.err"
    with open(err_path, "w") as err:
        proc = hotline("record", "--config", str(cfg), "--flush-every", "0.5", stdout=subprocess.DEVNULL, stderr=err)
        try:
            log = lambda: err_path.read_text()  # noqa: E731
            wait_until(lambda: "fs1 connected" in log(), timeout=30, what="the recorder connected", show=log)
            # a few seconds of accelerated traffic: until visits have been flushed
            wait_until(lambda: re.search(r"flushed [1-9]\d* visits", log()), timeout=60, what="a flush of visits",
                       show=log)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    lines = err_path.read_text().splitlines()
    assert lines[-1] == "hotline record: stopped"
    assert all(line.startswith("hotline record: ") for line in lines)
    store = build_store(str(db))
    try:
        visits, intervals = store.calls.records(0), store.calls.intervals(0)
        assert visits and intervals
        assert {r.node for r in visits} == {"fs1"} and all(r.call_id for r in visits)
        assert {i.node for i in intervals} == {"fs1"} and all(i.ended_at > i.started_at for i in intervals)
        flushed = sum(int(n) for n in re.findall(r"visits \((\d+) new\)", "\n".join(lines)))
        assert flushed == len(visits)          # what the log says it wrote is what is stored
    finally:
        store.close()


def test_record_without_a_switch_is_one_line_and_a_non_zero_exit(tmp_path):
    proc = hotline("--db", str(tmp_path / "x.db"), "record", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert len(err.strip().splitlines()) == 1 and "no switch nodes configured" in err


def test_record_with_an_unreachable_store_is_one_line_and_a_non_zero_exit(tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text("store: postgresql://postgres@127.0.0.1:1/test?connect_timeout=2\n"
                   f"config_dir: {DEMO_DIR}\nswitch:\n  - host: 127.0.0.1\n    port: 1\n", encoding="utf-8")
    proc = hotline("record", "--config", str(cfg), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert len(err.strip().splitlines()) == 1, err
