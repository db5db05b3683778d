"""The frame: config errors name file/line/key; text from outside cannot drive a terminal;
migrations are versioned and checked."""

import pytest

from hotline_tui.config import load_yaml
from hotline_tui.errors import ConfigError
from hotline_tui.text import cell_width, terminal_safe


def test_config_error_names_file_line_and_key(tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text("queues:\n  - name: a\n  - nme: b\n", encoding="utf-8")
    doc = load_yaml(p)
    err = doc.error(("queues", 1, "name"), "name is required")
    assert err.line == 3 and err.key == "queues[1].name"
    assert str(err) == f"{p}:3: queues[1].name: name is required"


def test_broken_yaml_is_one_line_with_line_number(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_yaml(p)
    assert str(exc.value).startswith(f"{p}:") and "\n" not in str(exc.value)


def test_terminal_safe_defuses_escape_codes():
    hostile = "张三\x1b[2J\x07\u202eevil\r\nnext"
    safe = terminal_safe(hostile)
    assert "\x1b" not in safe and "\x07" not in safe and "\u202e" not in safe
    assert safe.startswith("张三\\x1b[2J") and "⏎" in safe


def test_cjk_cell_width():
    assert cell_width("社保abc") == 7


def test_migrations_apply_once_and_check(tmp_path):
    from backends.db import SqliteDb
    from backends.migrate import migrate, require_current, status
    from backends.schema import Migration
    from hotline_tui.errors import HotlineError

    db = SqliteDb(tmp_path / "m.db")
    ms = [Migration("demo", 1, "t", "CREATE TABLE t (id INTEGER PRIMARY KEY)", "CREATE TABLE t (id SERIAL PRIMARY KEY)")]
    assert [m.version for m in migrate(db, ms)] == [1]
    assert migrate(db, ms) == []
    assert status(db, ms).ok
    more = ms + [Migration("demo", 2, "u", "CREATE TABLE u (x TEXT)", "CREATE TABLE u (x TEXT)")]
    assert status(db, more).pending == {"demo": 2}
    db.close()
