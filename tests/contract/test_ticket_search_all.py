"""Every ticket, searchable: the console's whole-store search (serial, phone, name, text,
department, category, state, light, date range) with a page and the count, on both stores."""

from datetime import datetime, timedelta

import pytest

from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake


@pytest.fixture
def env(store):
    clock = FixedClock("2026-11-23T09:00:00+08:00")
    svc = ticket_service(store, DEMO_DIR, clock)
    return svc, clock, svc.access.user


def _new(svc, u, **kw):
    base = dict(channel="phone", caller_phone="13812341234", caller_name="张三", content="小区夜间施工噪音扰民",
                category="complaint", subcategory="噪音扰民", district="秦都区")
    base.update(kw)
    return svc.register(u("agent1001"), Intake(**base))


def test_every_filter_pages_and_counts(env, store):
    svc, clock, u = env
    a = _new(svc, u)
    b = _new(svc, u, caller_phone="13900001111", caller_name="Ｌｉ Ｓｉ", content="路灯不亮", category="consult",
             subcategory="")
    clock.advance(hours=24)
    c = _new(svc, u, content="公积金提取咨询", caller_name="王五")
    svc.dispatch(u("handler"), a.serial, "ZJJ")
    svc.dispatch(u("handler"), c.serial, "GJJ")
    clock.advance(minutes=45)        # a and c past their 30-minute acknowledgement: red
    duty = u("duty")

    def serials(**f):
        rows, total = svc.page(duty, limit=50, offset=0, **f)
        assert total == svc.count(duty, **f) == len(rows)
        return [t.serial for t, _light in rows]

    assert serials() == [c.serial, b.serial, a.serial]            # newest first
    assert serials(serial=a.serial) == [a.serial]
    assert serials(serial="1124-") == [c.serial]                 # a part of it
    assert serials(phone="13900001111") == [b.serial]
    assert serials(text="li si") == [b.serial]                     # name, folded (width, case)
    assert serials(text="公积金") == [c.serial]
    assert serials(department="ZJJ") == [a.serial]
    assert serials(category="consult") == [b.serial]
    assert serials(state="registered") == [b.serial]
    assert serials(light="red") == [c.serial, a.serial]
    assert serials(light="green") == [b.serial]
    assert serials(light="yellow") == []
    day2 = datetime(2026, 11, 24, tzinfo=SITE_TZ)
    assert serials(since=day2) == [c.serial]
    assert serials(until=day2) == [b.serial, a.serial]
    assert serials(since=day2 - timedelta(days=1), until=day2, category="complaint") == [a.serial]
    rows, total = svc.page(duty, limit=2, offset=2)
    assert [t.serial for t, _ in rows] == [a.serial] and total == 3
    assert dict((t.serial, light) for t, light in svc.page(duty)[0]) == {a.serial: "red", b.serial: "green",
                                                                         c.serial: "red"}
    assert serials(department="RSJ") == [] and svc.count(u("dept-gjj")) == 1   # a department: its own


def test_bad_light_and_range_are_refused(env):
    svc, clock, u = env
    with pytest.raises(ValidationError, match="light"):
        svc.page(u("duty"), light="blue")
    with pytest.raises(ValidationError, match="range"):
        svc.page(u("duty"), since=datetime(2026, 11, 24, tzinfo=SITE_TZ), until=datetime(2026, 11, 23, tzinfo=SITE_TZ))


def test_search_uses_an_index_for_each_filter_column(store):
    """The filters a supervisor combines most (department or category, newest first) are
    indexed (migration tickets 3), so a page of a big store is not a full scan."""
    db = store.db
    if db.dialect != "sqlite":
        names = {r["indexname"] for r in db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets'")}
    else:
        names = {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'")}
    assert {"tickets_dept_created", "tickets_category_created", "tickets_state", "tickets_phone",
            "tickets_created"} <= names
