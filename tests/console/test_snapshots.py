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
