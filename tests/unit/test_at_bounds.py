"""``--at`` (work entered later) has bounds: not before the ticket's registration or its last
action, not in the future beyond 5 minutes of clock skew, not outside 2000–2100. Each refusal
is one ValidationError line and writes nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from backends.store import open_store
from hotline import cli
from hotline_tui.clock import SITE_TZ, FixedClock, parse_time
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

NOW = "2026-11-23T09:00:00+08:00"


@pytest.fixture
def env(sqlite_path):
    store = open_store(sqlite_path, migrate=True)
    clock = FixedClock(NOW)
    svc = ticket_service(store, DEMO_DIR, clock)
    yield svc, svc.access.user, store
    store.close()


def _register(svc, u, at=None):
    return svc.register(u("agent1001"), Intake("phone", "13812341234", "补录", "consult"), at=at)


@pytest.mark.parametrize("text, says", [
    ("0001-01-01T00:00+14:00", "outside the years 2000-2100"),   # was an OverflowError
    ("0001-01-01", "outside the years 2000-2100"),               # was serial 10101-000001
    ("1999-12-31T23:59", "outside the years 2000-2100"),
    ("2101-01-01T00:00", "outside the years 2000-2100"),
    ("2100-12-31T23:00-12:00", "outside the years 2000-2100"),   # 2101 at the site
    ("9999-12-31T23:59-14:00", "outside the years 2000-2100"),
    ("2026-11-23T09:06", "in the future"),
])
def test_register_at_out_of_bounds_is_one_line_and_writes_nothing(env, text, says):
    svc, u, store = env
    with pytest.raises(ValidationError, match=says) as info:
        _register(svc, u, parse_time(text))
    assert "\n" not in str(info.value)
    assert store.tickets.count_by_state() == {}


def test_clock_skew_and_the_bounds_themselves_are_accepted(env):
    svc, u, _ = env
    assert _register(svc, u, parse_time("2026-11-23T09:04:59")).serial == "20261123-000001"
    assert _register(svc, u, parse_time("2000-01-01T00:00")).serial == "20000101-000001"


def test_not_before_registration_or_the_last_action(env):
    svc, u, store = env
    t = _register(svc, u, parse_time("2026-11-23T08:00"))
    with pytest.raises(ValidationError, match="before the ticket was registered"):
        svc.triage(u("handler"), t.serial, urgency="urgent", at=parse_time("2026-11-23T07:59"))
    svc.dispatch(u("handler"), t.serial, "ZJJ", at=parse_time("2026-11-23T08:30"))
    with pytest.raises(ValidationError, match=r"before the ticket's last action \(2026-11-23T08:30:00\+08:00\)"):
        svc.acknowledge(u("dept-zjj"), t.serial, at=parse_time("2026-11-23T08:20"))
    # the same moment as the last action is fine; so is "now" (no --at)
    assert svc.acknowledge(u("dept-zjj"), t.serial, at=parse_time("2026-11-23T08:30")).state == "handling"
    assert svc.urge(u("duty"), t.serial).urges == 1
    with pytest.raises(ValidationError, match="before the ticket's last action"):
        svc.supplement(u("handler"), t.serial, "补充", at=parse_time("2026-11-23T08:45"))
    assert svc.get(u("duty"), t.serial).version == 4   # register, dispatch, ack, urge


def test_action_at_out_of_years_is_refused(env):
    svc, u, _ = env
    t = _register(svc, u)
    with pytest.raises(ValidationError, match="outside the years"):
        svc.supplement(u("handler"), t.serial, "x", at=datetime(1, 1, 1, tzinfo=SITE_TZ))


def test_cli_gives_one_line_not_a_traceback(tmp_path):
    db = str(tmp_path / "at.db")
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)

    assert go("db", "migrate").exit_code == 0
    for at in ("0001-01-01T00:00+14:00", "0001-01-01"):
        r = go("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "consult", "--at", at)
        assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "outside the years 2000-2100" in r.stderr
    later = (datetime.now(SITE_TZ) + timedelta(hours=1)).isoformat(timespec="minutes")
    r = go("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "consult", "--at", later)
    assert r.exit_code == 2 and "in the future" in r.stderr
    assert json.loads(go("tickets", "list", "--json").stdout) == []
