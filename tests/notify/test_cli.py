"""``hotline notify …`` end to end through click's runner, a real SQLite file and a loopback
gateway; ``hotline demo gateway`` as a real process printing what it receives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest
from click.testing import CliRunner

from hotline import cli
from tests.waiting import wait_until

from .conftest import site_for


@pytest.fixture
def go(tmp_path, gateway):
    site = site_for(tmp_path, gateway.url)
    db = str(tmp_path / "h.db")
    runner = CliRunner()

    def go(*args, ok=True):
        r = runner.invoke(cli, ["--db", db, "--config-dir", str(site), *args], catch_exceptions=False)
        if ok:
            assert r.exit_code == 0, r.output
        return r
    go("db", "migrate")
    return go


def test_tickets_notify_and_the_engineer_manages_the_outbox(go, gateway):
    t = json.loads(go("tickets", "new", "--phone", "13812341234", "--content", "路灯坏了", "--category",
                      "complaint", "--json").stdout)
    go("tickets", "dispatch", t["serial"], "--department", "RSJ")
    listed = json.loads(go("--as", "duty", "notify", "list", "--json").stdout)
    assert listed["counts"] == {"pending": 3}
    rid = f"{t['serial']}-dispatch-v2-RSJ"
    assert json.loads(go("--as", "duty", "notify", "show", rid, "--json").stdout)["payload"]["type"] == "ticket.dispatch"
    go("--as", "duty", "notify", "drop", rid)
    assert "delivered: 2 attempts" in go("--as", "duty", "notify", "run", "--once").stdout
    counts = json.loads(go("--as", "duty", "notify", "list", "--json").stdout)["counts"]
    assert counts == {"sent": 2, "dropped": 1}
    assert len(gateway.state.processed) == 2
    r = go("--as", "duty", "notify", "retry", rid, ok=False)
    assert r.exit_code == 1 and "not dead" in r.output
    assert go("--as", "duty", "notify", "endpoints", "--json").stdout.strip() == "[]"
    r = go("--as", "agent1001", "notify", "list", ok=False)
    assert r.exit_code == 3 and "engineer.view" in r.output


def test_demo_gateway_prints_and_verifies(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    import socket

    with socket.socket() as s:        # a free port for the child (it prints its own URL too)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.Popen([sys.executable, "-m", "hotline", "demo", "gateway", "--listen", f"127.0.0.1:{port}",
                          "--receipts", ""], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    try:
        from hotline_tui.config import DEMO_DIR
        from hotline_tui.notify.settings import load_notify
        from hotline_tui.notify.signing import sign

        cfg = load_notify(DEMO_DIR)
        assert cfg is not None
        body = b'{"type": "ticket.urge", "data": {}}'
        import time

        headers = sign(cfg.secrets(cfg.departments[0]), "msg-1", int(time.time()), body)

        def post(h):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/hooks/RSJ", data=body, headers=h, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code
            except OSError:
                return None
        assert wait_until(lambda: post(headers), what="the gateway answering") == 200
        assert post({**headers, "webhook-signature": "v1,AAAA"}) == 401
    finally:
        p.terminate()
        out, err = p.communicate(timeout=10)
    assert "hook  RSJ  ticket.urge  id msg-1  signature ok" in out
    assert "REFUSED: no valid signature" in out


def test_notify_serve_runs_the_intake(tmp_path, go):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    site = tmp_path / "site"
    p = subprocess.Popen([sys.executable, "-m", "hotline", "--db", str(tmp_path / "h.db"), "--config-dir", str(site),
                          "notify", "serve", "--listen", f"127.0.0.1:{port}"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    try:
        def status():
            req = urllib.request.Request(f"http://127.0.0.1:{port}/receipts", data=b"{}", method="POST",
                                         headers={"authorization": "Bearer wrong"})
            try:
                urllib.request.urlopen(req, timeout=5)
            except urllib.error.HTTPError as e:
                return e.code
            except OSError:
                return None
            return 200
        assert wait_until(status, what="the intake answering") == 401
    finally:
        p.terminate()
        _, err = p.communicate(timeout=10)
    assert f"intake on http://127.0.0.1:{port}" in err
