"""Standard Webhooks signing (the spec's published example), notify.yaml's errors naming
file, line and key, and the SMS adapter: named -> positional parameters, the client reference,
no blind resend after an ambiguous timeout (the receipt is looked up first)."""

from __future__ import annotations

import shutil

import pytest

from backends.notify_gateway import Gateway
from backends.notify_http import HttpNotifier, retry_after
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError
from hotline_tui.notify.model import OutboxRow
from hotline_tui.notify.settings import load_notify
from hotline_tui.notify.signing import SignatureError, sign, verify
from hotline_tui.notify.worker import Backoff, DeliveryWorker
from hotline_tui.notify_port import DeliveryFailed, Message

from .conftest import site_for

# The example of the Standard Webhooks specification (its test vectors).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TS = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_spec_example_signs_and_verifies():
    assert sign([SPEC_SECRET], SPEC_ID, SPEC_TS, SPEC_BODY)["webhook-signature"] == SPEC_SIG
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TS), "webhook-signature": f"v1,bad {SPEC_SIG}"}
    assert verify([SPEC_SECRET], headers, SPEC_BODY, SPEC_TS + 299) == SPEC_ID
    with pytest.raises(SignatureError, match="stale"):
        verify([SPEC_SECRET], headers, SPEC_BODY, SPEC_TS + 301)
    with pytest.raises(SignatureError, match="no valid signature"):
        verify([SPEC_SECRET], headers, SPEC_BODY + b" ", SPEC_TS)


def test_rotation_signs_with_every_secret():
    sigs = sign(["whsec_YQ==", "whsec_Yg=="], "m", 1, b"{}")["webhook-signature"].split()
    assert len(sigs) == 2
    for s in ("whsec_YQ==", "whsec_Yg=="):
        assert verify([s], {"webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": " ".join(sigs)}, b"{}", 1)


def test_backoff_is_capped_full_jitter():
    b = Backoff(2.0, 60.0)
    waits = [b(n) for n in range(1, 12) for _ in range(20)]
    assert all(0 <= w <= 60 for w in waits) and max(waits) > 30
    assert all(b(1) <= 2.0 for _ in range(50))
    assert retry_after("7", 0) == 7.0 and retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10.0
    assert retry_after("soon", 0) is None


@pytest.mark.parametrize("edit, where", [
    (("lang: zh", "lang: fr"), "sms.lang"),
    (("max_attempts: 8", "max_attempts: eight"), "worker.max_attempts"),
    (('zh: "您的工单{serial}已办结', 'zh: "您的工单{serial}{when}已办结'), "sms.templates.closed.zh"),
    (("  sign_name:", "  sign_nam:"), "sms.sign_nam"),
    (("lease_s: 60", "lease_s: 5"), "worker.lease_s"),
    (("url: http://127.0.0.1:8725/hooks/RSJ", "url: ftp://x/RSJ"), "departments[0].url"),
])
def test_a_bad_notify_yaml_names_file_line_and_key(tmp_path, edit, where):
    site = tmp_path / "s"
    site.mkdir()
    text = (DEMO_DIR / "notify.yaml").read_text("utf-8")
    assert edit[0] in text
    (site / "notify.yaml").write_text(text.replace(edit[0], edit[1], 1), "utf-8")
    line = next(i for i, s in enumerate((site / "notify.yaml").read_text("utf-8").splitlines(), 1) if edit[1] in s)
    with pytest.raises(ConfigError) as err:
        load_notify(site)
    assert f"notify.yaml:{line}: {where}:" in str(err.value)


def _sms(oid="20261123-000001-registered-v1-citizen") -> Message:
    return Message("sms", "13812341234", "【市12345热线】…", oid, "dispatched",
                   {"template": "SMS_12345002", "params": {"department": "市人社局", "serial": "20261123-000001"},
                    "sign_name": "市12345热线"})


def test_named_parameters_go_positional_with_the_reference(tmp_path):
    seen = []

    class Spy(Gateway):
        def _sms(self, body):
            import json
            seen.append(json.loads(body))
            return super()._sms(body)
    gw = Spy({}).start()
    try:
        cfg = load_notify(site_for(tmp_path, gw.url))
        assert cfg is not None and cfg.sms is not None
        cfg.sms.positional = True
        n = HttpNotifier(cfg)
        res = n.send(_sms())
        assert res.accepted and res.reference == "m-20261123-000001-registered-v1-citizen"
        assert seen[0]["params"] == ["20261123-000001", "市人社局"]       # the template's order
        assert seen[0]["reference"] == "20261123-000001-registered-v1-citizen" and seen[0]["to"] == ["13812341234"]
        n.close()
    finally:
        gw.stop()


class _Outbox:
    """Just enough of the outbox for one row's attempts (the store itself: test_outbox.py)."""

    def __init__(self, row):
        self.row, self.log = row, []

    def endpoint(self, ep):
        from hotline_tui.notify.model import Endpoint
        return Endpoint(ep)

    def endpoint_ok(self, *a):
        pass

    def sms_blocked(self, phone):
        return ""

    def endpoint_failed(self, *a):
        pass

    def finish(self, id, w, status, now, reference="", error=""):
        self.log.append(status)
        return True

    def reschedule(self, id, w, next_at, error, ambiguous):
        self.log.append("ambiguous" if ambiguous else "retry")
        self.row.ambiguous = ambiguous
        return True


def test_an_ambiguous_sms_is_looked_up_not_sent_again(tmp_path):
    gw = Gateway({}, faults=1.0, fault_kinds=("slow",), slow_s=0.6).start()      # processes, answers too late
    try:
        cfg = load_notify(site_for(tmp_path, gw.url, timeout_s=0.2))
        assert cfg is not None
        n = HttpNotifier(cfg)
        row = OutboxRow("20261123-000001-registered-v1-citizen", "20261123-000001", "registered", "sms",
                        "13812341234", "sms", dict(_sms().payload), __import__("datetime").datetime.now(),
                        lease_until=1e12)
        box = _Outbox(row)
        w = DeliveryWorker(box, n, cfg.worker, cfg.breaker, name="w")     # type: ignore[arg-type]
        assert w.deliver(row) == "retry" and box.log == ["ambiguous"]
        with pytest.raises(DeliveryFailed) as exc:
            n.send(_sms("other-ref"))
        assert exc.value.ambiguous
        gw.faults = 0.0
        assert w.deliver(row) == "sent"
        assert gw.state.sms_sends[row.id] == 1            # found by its reference: not sent again
        n.close()
    finally:
        gw.stop()
