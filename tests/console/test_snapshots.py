"""Snapshot tests of the main screens with a frozen clock and a seeded call centre.
Update after an intended change with: ./scripts/test tests/console/test_snapshots.py --snapshot-update"""

import pytest

from screens.app import HotlineApp

from .conftest import build

pytestmark = pytest.mark.xdist_group("snapshots")


def app_for(db, **kw):
    screen = kw.pop("screen", "wallboard")
    services, cc, store = build(db, **kw)
    services.refresh_hz = 0.1          # the frozen picture must not move while the shot is taken
    return HotlineApp(services, start_screen=screen)


def test_wallboard_at_80x24(snap_compare, db_copy):
    assert snap_compare(app_for(db_copy), terminal_size=(80, 24), press=["_"])


def test_wallboard_wide_chinese(snap_compare, db_copy):
    assert snap_compare(app_for(db_copy, lang="zh"), terminal_size=(150, 40), press=["_"])


def test_agents_chinese_aligned(snap_compare, db_copy):
    assert snap_compare(app_for(db_copy, lang="zh", screen="agents"), terminal_size=(150, 30), press=["_"])


def test_tickets(snap_compare, db_copy):
    assert snap_compare(app_for(db_copy, screen="tickets"), terminal_size=(130, 30), press=["_", "_", "_"])


def test_waiting_callers_chinese_aligned(snap_compare, db_copy):
    from hotline_tui.tickets.model import Caller
    services, cc, store = build(db_copy, lang="zh")
    services.refresh_hz = 0.1
    for t in list(cc.tiers.values()):             # nobody answers the foreign-language line
        if t.queue == "foreign@12345":
            cc.set_agent_status(t.agent, "Logged Out")
    for i, (cls, score) in enumerate((("elderly", 0), ("vip", 600), ("important", 0), ("blacklist", 0), ("", 0))):
        number = f"1380000{i:04d}"
        cc.arrive("foreign@12345", number, base_score=score)
        cc.now += 50
        if cls:
            store.tickets.save_caller(Caller(number, "", cls, ""))
    assert snap_compare(HotlineApp(services, start_screen="callers"), terminal_size=(100, 24), press=["_", "_"])
