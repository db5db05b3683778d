"""Rigs for the notification tests: the demo site copied to a temporary folder with its
notify.yaml pointed at a real loopback gateway (``backends.notify_gateway.Gateway``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hotline_tui.config import DEMO_DIR
from hotline_tui.notify.settings import load_notify


def site_for(tmp_path: Path, gateway_url: str, **worker) -> Path:
    """A copy of the demo site whose SMS gateway and webhooks are ``gateway_url``; ``worker``
    overrides notify.yaml's worker numbers (small backoffs and timeouts for tests)."""
    site = tmp_path / "site"
    if not site.exists():
        shutil.copytree(DEMO_DIR, site, ignore=shutil.ignore_patterns("kb"))
    data = yaml.safe_load((DEMO_DIR / "notify.yaml").read_text("utf-8"))
    data["sms"]["url"] = f"{gateway_url}/sms"
    data["sms"]["status_url"] = f"{gateway_url}/sms/status"
    for d in data["departments"]:
        d["url"] = f"{gateway_url}/hooks/{d['code']}"
    data["worker"].update({"backoff_initial_s": 0.01, "backoff_max_s": 0.2, "timeout_s": 1.0, "lease_s": 5.0,
                           "idle_s": 0.05, **worker})
    data.setdefault("breaker", {}).update({"failures": 1000, "open_s": 1.0})
    (site / "notify.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return site


def secrets_of(site: Path) -> dict[str, list[str]]:
    cfg = load_notify(site)
    assert cfg is not None
    return {d.code: cfg.secrets(d) for d in cfg.departments}


@pytest.fixture
def gateway():
    from backends.notify_gateway import Gateway

    from hotline_tui.notify.settings import load_notify as _load

    cfg = _load(DEMO_DIR)
    assert cfg is not None
    gw = Gateway({d.code: cfg.secrets(d) for d in cfg.departments}).start()
    yield gw
    gw.stop()
