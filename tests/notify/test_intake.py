"""The department intake over real HTTP (uvicorn on loopback): signed requests with a token
per department, acting through the ticket service (permissions, audit), idempotent by request
id; stale, replayed, unsigned and wrongly signed requests refused; SMS receipts."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from backends.notify_intake import IntakeServer, intake_app
from backends.store import open_store
from hotline_tui.clock import FixedClock
from hotline_tui.notify.settings import load_notify
from hotline_tui.notify.signing import sign
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

from .conftest import site_for


@pytest.fixture
def rig(db_target, tmp_path, gateway):
    site = site_for(tmp_path, gateway.url)
    store = open_store(db_target, migrate=True)
    svc = ticket_service(store, site, FixedClock("2026-11-23T09:00:00+08:00"))
    cfg = load_notify(site)
    assert cfg is not None
    server = IntakeServer(intake_app(store, svc, cfg)).start()
    client = httpx.Client(base_url=server.url, timeout=10)
    u = svc.access.user
    t = svc.register(u("agent1001"), Intake("phone", "13812341234", "路灯不亮", "complaint"))
    t = svc.dispatch(u("duty"), t.serial, "RSJ")
    yield svc, store, cfg, client, t.serial
    client.close()
    server.stop()
    store.close()


def _call(client, cfg, method, path, body: dict | None = None, *, code="RSJ", req_id="req-1", at=None,
          token=None, secrets=None):
    d = cfg.department(code)
    raw = b"" if body is None else json.dumps(body).encode()
    headers = sign(secrets or cfg.secrets(d), req_id, int(at if at is not None else time.time()), raw)
    headers["authorization"] = f"Bearer {token or d.token}"
    return client.request(method, path, content=raw, headers=headers)


def test_a_department_acknowledges_and_replies_through_the_service(rig):
    svc, store, cfg, client, serial = rig
    r = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {})
    assert r.status_code == 200, r.text
    assert r.json()["ticket"]["state"] == "handling"
    r = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/reply", {"text": "已修复"}, req_id="req-2")
    assert r.status_code == 200 and r.json()["ticket"]["state"] == "replied"
    history = svc.history(svc.access.user("duty"), serial)
    assert [(e.action, e.actor) for e in history][-2:] == [("ticket.ack", "dept-rsj"), ("ticket.reply", "dept-rsj")]
    work = _call(client, cfg, "GET", "/dept/v1/tickets", req_id="req-3")
    assert work.status_code == 200 and [t["serial"] for t in work.json()["tickets"]] == [serial]
    assert work.json()["tickets"][0]["caller_phone"] != "13812341234"     # masked for the department


def test_a_replayed_request_is_not_acted_on_twice(rig):
    svc, store, cfg, client, serial = rig
    first = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {})
    again = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {})
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    acks = [e for e in svc.history(svc.access.user("duty"), serial) if e.action == "ticket.ack"]
    assert len(acks) == 1
    other = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/reply", {"text": "x"})   # same id, other request
    assert other.status_code == 409 and "used for another request" in other.json()["error"]


def test_a_refusal_is_the_answer_to_its_request_id_too(rig):
    svc, store, cfg, client, serial = rig
    r = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/reply", {"text": ""})
    assert r.status_code == 422 and "needs text" in r.json()["error"]
    assert _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/reply", {"text": ""}).status_code == 422


def test_stale_unsigned_forged_and_foreign_requests_are_refused(rig):
    svc, store, cfg, client, serial = rig
    stale = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, at=time.time() - 301)
    assert stale.status_code == 401 and "stale" in stale.json()["error"]
    forged = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, secrets=["whsec_Zm9yZ2Vk"])
    assert forged.status_code == 401 and "no valid signature" in forged.json()["error"]
    assert client.post(f"/dept/v1/tickets/{serial}/ack", content=b"{}",
                       headers={"authorization": "Bearer demo-token-rsj"}).status_code == 401
    assert _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, token="nope").status_code == 401
    # ZJJ signs correctly, but the ticket is RSJ's: it does not exist for ZJJ.
    foreign = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, code="ZJJ", req_id="z-1")
    assert foreign.status_code == 404
    assert svc.get(svc.access.user("duty"), serial).state == "dispatched"


def test_rotation_either_secret_verifies(rig):
    svc, store, cfg, client, serial = rig
    d = cfg.department("RSJ")
    d.secrets = ["whsec_bmV3LXNlY3JldA==", *d.secrets]       # rotating: the new one first, the old still valid
    old_only = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, secrets=d.secrets[1:])
    assert old_only.status_code == 200


def test_receipts_mark_delivered_and_need_the_token(rig):
    svc, store, cfg, client, serial = rig
    rid = f"{serial}-registered-v1-citizen"
    hdr = {"authorization": f"Bearer {cfg.intake.receipts_token}"}
    assert client.post("/receipts", json={"reference": rid, "status": "delivered"}).status_code == 401
    for _ in range(2):                                          # a duplicate receipt changes nothing
        assert client.post("/receipts", json={"reference": rid, "status": "delivered"}, headers=hdr).status_code == 200
    assert store.outbox.get(rid).status == "delivered"
    assert client.post("/receipts", json={"reference": "nope", "status": "delivered"}, headers=hdr).status_code == 404


def test_the_gateways_duplicate_receipts_reach_the_intake_and_mark_delivered(rig, tmp_path):
    """End to end over two real servers: the worker sends the SMS, the gateway posts its
    receipt twice to the intake's /receipts, the row is delivered (once)."""
    from backends.notify_gateway import Gateway
    from backends.notify_http import HttpNotifier
    from hotline_tui.notify.worker import DeliveryWorker
    from tests.waiting import wait_until

    svc, store, cfg, client, serial = rig
    gw = Gateway({}, receipts_url=f"{client.base_url}/receipts", receipts_token=cfg.intake.receipts_token,
                 duplicate_receipts=1.0).start()
    try:
        cfg.sms.url, cfg.sms.status_url = f"{gw.url}/sms", f"{gw.url}/sms/status"
        n = HttpNotifier(cfg)
        DeliveryWorker(store.outbox, n, cfg.worker, cfg.breaker, name="w").run_once()
        n.close()
        rid = f"{serial}-registered-v1-citizen"
        row = wait_until(lambda: (r := store.outbox.get(rid)) is not None and r.status == "delivered" and r,
                         what="the receipt marking the SMS delivered", show=lambda: store.outbox.get(rid))
        assert row.attempts == 1 and gw.state.sms_sends[rid] == 1
    finally:
        gw.stop()


def test_a_department_without_its_own_user_cannot_act(rig):
    svc, store, cfg, client, serial = rig
    d = cfg.department("RSJ")
    d.user = ""                                  # never the site's default user (the duty supervisor)
    r = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, req_id="u-1")
    assert r.status_code == 403
    d.user = "dept-zjj"                          # another department's user
    r = _call(client, cfg, "POST", f"/dept/v1/tickets/{serial}/ack", {}, req_id="u-2")
    assert r.status_code == 403 and svc.get(svc.access.user("duty"), serial).state == "dispatched"
