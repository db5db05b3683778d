"""Small things from issue 14: ``db check`` names only what is wrong, ``review --send-back``
names the option it needs, and one agent has one name in every demo file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from backends.db import open_db
from hotline import cli
from hotline_tui.access import load_access
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site


def _go(db):
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)


def test_db_check_on_a_fresh_store_says_pending_and_nothing_about_too_new(tmp_path):
    go = _go(str(tmp_path / "fresh.db"))
    r = go("db", "check")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "migrations pending" in r.stderr and "run: hotline db migrate" in r.stderr
    assert "new" not in r.stderr.replace("hotline db migrate", "")
    out = json.loads(go("db", "check", "--json").stdout)
    assert out["ok"] is False and out["pending"] and out["too_new"] == {}


def test_db_check_when_current_and_when_too_new(tmp_path):
    path = str(tmp_path / "db.db")
    go = _go(path)
    assert go("db", "migrate").exit_code == 0
    r = go("db", "check")
    assert r.exit_code == 0 and "schema current" in r.stdout and r.stderr == ""
    db = open_db(path)
    db.execute("INSERT INTO schema_migrations (component, version, name, applied_at) VALUES ('tickets', 999, 'x', 0)")
    db.close()
    r = go("db", "check")
    assert r.exit_code == 1 and "newer than this hotline (tickets v999); upgrade hotline" in r.stderr
    assert "pending" not in r.stderr and "db migrate" not in r.stderr


def test_send_back_without_a_note_names_the_note_option(tmp_path):
    go = _go(str(tmp_path / "r.db"))
    assert go("db", "migrate").exit_code == 0
    s = json.loads(go("tickets", "new", "--phone", "13812341234", "--content", "x", "--category", "consult",
                      "--json").stdout)["serial"]
    for args in (("dispatch", s, "--department", "ZJJ"), ("ack", s), ("reply", s, "--text", "done")):
        assert go("tickets", *args).exit_code == 0
    r = go("tickets", "review", s, "--send-back")
    assert r.exit_code == 2 and "--note" in r.stderr and "reason" not in r.stderr
    assert "--note" in go("tickets", "review", "--help").stdout
    assert go("tickets", "review", s, "--send-back", "--note", "答复不完整").exit_code == 0


def test_every_user_who_answers_calls_has_the_agents_name_from_the_site_file():
    displays = load_site(DEMO_DIR / "site.yaml").displays()
    users = [u for u in load_access(DEMO_DIR).users.values() if u.agent]
    assert users
    for user in users:
        assert user.display == displays[user.agent], (user.name, user.display, displays[user.agent])
