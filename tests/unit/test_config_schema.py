"""config.validate: pydantic errors become one line with the YAML line, the key and a hint."""

import pytest

from hotline import _load_console_config
from hotline_tui.access import load_access
from hotline_tui.config import DEMO_DIR, load_yaml, validate
from hotline_tui.config_schema import RolesFile, SlaFile
from hotline_tui.errors import ConfigError


def _doc(tmp_path, text, name="f.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_yaml(p)


def test_unknown_key_without_a_close_match_lists_the_known_keys(tmp_path):
    doc = _doc(tmp_path, "default_user: a\nroles: {r: {}}\nusers:\n  - {name: a, role: r, colour: red}\n")
    with pytest.raises(ConfigError, match=r"f.yaml:4: users\[0\].colour: unknown key 'colour' \(known keys: name, display, role,"):
        validate(doc, RolesFile)


def test_a_misspelt_key_is_reported_before_the_missing_one_it_caused(tmp_path):
    doc = _doc(tmp_path, "clocks:\n  acknowledge: {default: {minutes: 30}}\n  handle: {default: {hours: 1}}\n"
                         "  review: {default: {hours: 1}}\n  calback: {default: {hours: 1}}\n")
    with pytest.raises(ConfigError, match=r"f.yaml:5: clocks.calback: unknown key 'calback' \(did you mean 'callback'\?\)"):
        validate(doc, SlaFile)


def test_strict_types_no_bool_for_a_number(tmp_path):
    doc = _doc(tmp_path, "clocks:\n  acknowledge: {default: {minutes: true}}\n")
    with pytest.raises(ConfigError, match=r"f.yaml:2: clocks.acknowledge.default.minutes: must be a whole number, not True"):
        validate(doc, SlaFile)


def test_department_users_are_restricted_to_their_department():
    a = load_access(DEMO_DIR)
    depts = {u.name: u.department for u in a.users.values() if u.role.name == "department"}
    assert depts == {"dept-rsj": "RSJ", "dept-zjj": "ZJJ", "dept-gjj": "GJJ"}


def test_console_config_parses_nodes_and_simulate(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("store: x.db\nswitch:\n  - {host: 10.0.0.1}\n  - {name: b, host: 10.0.0.2, port: 8022}\n", "utf-8")
    cfg = _load_console_config(str(p))
    assert cfg["store"] == "x.db" and cfg["simulate"] is False and cfg["refresh_hz"] == 2.0
    assert [(n["name"], n["port"]) for n in cfg["switch"]] == [("fs1", 8021), ("b", 8022)]
    p.write_text("lang: zh\n", "utf-8")
    assert _load_console_config(str(p))["simulate"] is True
