"""The ':' line's parser, the screens' formatting of the alerts' raw figures, the import graph."""

from __future__ import annotations

import grimp
import pytest

from hotline_tui.alerts import Alert
from screens.commands import SCREEN_KEYS, Command, parse
from screens.fmt import alert_text, fmt_duration, fmt_rate
from screens.i18n import strings


@pytest.mark.parametrize("line, want", [
    ("", None),
    ("  :  ", None),
    (":tk", Command("go", ":tk", "tickets")),
    ("Q", Command("go", "Q", "wallboard")),
    ("break 1001 1002", Command("status", "break 1001 1002", "On Break", ("1001", "1002"))),
    ("logout 1003", Command("status", "logout 1003", "Logged Out", ("1003",))),
    ("move general@12345 1001", Command("move", "move general@12345 1001", "general@12345", ("1001",))),
    ("refresh 5", Command("refresh", "refresh 5", hz=5.0)),
    ("refresh fast", Command("unknown", "refresh fast")),
    ("refresh nan", Command("unknown", "refresh nan")),
    ("lang zh", Command("lang", "lang zh", "zh")),
    ("lang fr", Command("unknown", "lang fr")),
    ("theme nord", Command("theme", "theme nord", "nord")),
    ("q!", Command("quit", "q!")),
    ("break", Command("unknown", "break")),           # no agents: not a status command
    ("tk 5", Command("unknown", "tk 5")),
    ("frobnicate", Command("unknown", "frobnicate")),
])
def test_parse(line, want):
    assert parse(line) == want


def test_every_alias_names_a_screen():
    from screens.app import SCREENS
    from screens.commands import ALIASES, UNNUMBERED
    assert set(ALIASES.values()) == set(SCREEN_KEYS) | set(UNNUMBERED) == set(SCREENS)


def test_alerts_carry_raw_figures_and_the_screens_write_them():
    tr = strings("en")
    sl = Alert("red", "alert_sl", {"queue": "General", "value": 0.634, "target": 0.8})
    assert alert_text(sl, tr) == "General: service level 63% under target 80%"
    wait = Alert("red", "alert_wait", {"queue": "General", "value": 185.0})
    assert alert_text(wait, tr) == "General: a caller has waited 3:05"
    brk = Alert("yellow", "alert_break", {"agent": "1001", "value": 3723})
    assert alert_text(brk, strings("zh")) == "坐席 1001 小休已 1:02:03"
    tickets = Alert("yellow", "alert_tickets", {"n": 3, "m": 0})
    assert alert_text(tickets, tr).startswith("3 tickets about to breach")
    assert fmt_duration(None) == "—" and fmt_rate(None) == "—" and fmt_duration(90000) == "1d01h"


def test_no_cycle_among_the_screens_and_the_core_imports_no_screen():
    g = grimp.build_graph("screens", "hotline_tui")
    screens = sorted(m for m in g.modules if m.startswith("screens."))
    cycles = [(a, b) for a in screens for b in g.find_modules_directly_imported_by(a)
              if b.startswith("screens.") and g.chain_exists(importer=b, imported=a)]
    assert cycles == []
    assert [m for m in screens if "screens.app" in g.find_modules_directly_imported_by(m)] == []
    assert not g.chain_exists(importer="hotline_tui", imported="screens", as_packages=True)


def test_chinese_aliases_of_the_agent_commands_and_the_callers_screen():
    assert parse(":小休 1001") == Command("status", ":小休 1001", "On Break", ("1001",))
    assert parse("示忙 1001 1002").name == "On Break" and parse("示闲 1001").name == "Available"
    assert parse("签出 1003").name == "Logged Out"
    assert parse("调入 general@12345 1001") == Command("move", "调入 general@12345 1001", "general@12345", ("1001",))
    assert parse("排队") == Command("go", "排队", "callers") and parse("cl").name == "callers"
    assert SCREEN_KEYS.index("callers") == 7            # key 8
