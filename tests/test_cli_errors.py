"""No traceback reaches a user for what a store, a socket or a config file can do: the CLI
prints one line on stderr and exits non-zero with the error's code."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

import backends.db
from hotline import LazyGroup, cli
from hotline_tui.config import DEMO_DIR

ROOT = Path(__file__).resolve().parents[1]


def _one_error_line(result, code: int) -> str:
    """The single stderr line of a failed command, after checking there is only that."""
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


@pytest.fixture
def migrated(tmp_path):
    db = str(tmp_path / "cli.db")
    assert CliRunner().invoke(cli, ["--db", db, "db", "migrate"], catch_exceptions=False).exit_code == 0
    return db


def test_a_locked_database_is_one_line_and_exit_7(migrated, monkeypatch):
    monkeypatch.setattr(backends.db, "SQLITE_BUSY_TIMEOUT_S", 0.05)
    locker = sqlite3.connect(migrated, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        r = CliRunner().invoke(cli, ["--db", migrated, "tickets", "list"], catch_exceptions=False)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    line = _one_error_line(r, 7)
    assert line == f"error: store busy (sqlite:{migrated}): database is locked; try again"
    ok = CliRunner().invoke(cli, ["--db", migrated, "tickets", "list", "--json"], catch_exceptions=False)
    assert ok.exit_code == 0 and ok.stdout.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_postgres_is_one_line_without_the_password_in_a_real_process():
    dsn = f"postgresql://hotline:sekrit@127.0.0.1:{_free_port()}/test?connect_timeout=1"
    r = subprocess.run([sys.executable, "-c", "import hotline; hotline.main()", "--db", dsn, "tickets", "list"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 6 and r.stdout == "", (r.returncode, r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("error: store unavailable (postgresql://hotline@127.0.0.1:")
    assert "Connection refused" in r.stderr and "sekrit" not in r.stderr


@pytest.mark.parametrize("target, text", [
    (".", "unable to open database file"),                   # a folder
    ("notes.txt", "file is not a database"),
])
def test_a_store_that_cannot_be_opened_is_one_line_and_exit_6(tmp_path, target, text):
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    path = str(tmp_path / target)
    r = CliRunner().invoke(cli, ["--db", path, "tickets", "list"], catch_exceptions=False)
    assert _one_error_line(r, 6) == f"error: store unavailable (sqlite:{path}): {text}"


def test_a_yaml_syntax_error_names_the_file_and_the_line(migrated, tmp_path):
    config = tmp_path / "site-config"
    shutil.copytree(DEMO_DIR, config)
    roles = config / "roles.yaml"
    lines = roles.read_text(encoding="utf-8").splitlines()
    lines[5] = "  agent: [unclosed"           # line 6; the parser finds the problem on line 7
    roles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", migrated, "--config-dir", str(config), "tickets", "list"],
                           catch_exceptions=False)
    line = _one_error_line(r, 2)
    # libyaml's parser (CSafeLoader) words it "did not find expected ',' or ']'", PyYAML's own
    # "expected ',' or ']', but got ':'": either way file, line and what was expected.
    assert line.startswith(f"error: {roles}:7: invalid YAML: ") and "expected ',' or ']'" in line, line


def test_a_console_config_with_a_yaml_syntax_error_is_one_line(tmp_path):
    bad = tmp_path / "console.yaml"
    bad.write_text("store: x.db\nswitch:\n  - host: fs1\n    port: [8021\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "console", "--config", str(bad)],
                           catch_exceptions=False)
    assert _one_error_line(r, 2).startswith(f"error: {bad}:5: invalid YAML: ")


# -- the top-level group covers commands that do not wrap themselves ---------------------------------
def _group_raising(exc: BaseException) -> click.Group:
    @click.group(cls=LazyGroup)
    def top():
        pass

    @top.command()
    def go():
        raise exc

    return top


def _yaml_error(text: str) -> Exception:
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return exc
    raise AssertionError("the YAML parsed")


@pytest.mark.parametrize("exc, line, code", [
    (ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 8021)"),
     "error: connection refused: Connect call failed ('127.0.0.1', 8021)", 1),
    (TimeoutError(), "error: timed out", 1),
    (ConnectionResetError(104, "Connection reset by peer"), "error: Connection reset by peer", 1),   # said once
    (socket.gaierror(-2, "Name or service not known"), "error: Name or service not known", 1),
    (FileNotFoundError(2, "No such file or directory", "/no/such/rec.jsonl"),
     "error: /no/such/rec.jsonl: No such file or directory", 1),
    (ValueError("bad value\nsecond line"), "error: bad value", 2),
    (_yaml_error("a: 1\nb: [2\n"), "error: invalid YAML: line 3: expected ',' or ']', but got '<stream end>'", 2),
    (_yaml_error("a: \x00"), "error: invalid YAML: unacceptable character #x0000: special characters are not allowed", 2),
])
def test_socket_and_file_errors_from_any_command_are_one_line(exc, line, code):
    r = CliRunner().invoke(_group_raising(exc), ["go"], catch_exceptions=False)
    assert _one_error_line(r, code) == line


def test_a_bug_keeps_its_traceback():
    r = CliRunner().invoke(_group_raising(KeyError("bug")), ["go"])
    assert isinstance(r.exception, KeyError)


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    # `hotline … | head`: the pipe closes early; no "error: connection lost" on stderr.
    env = {**os.environ, "HOTLINE_DB": str(tmp_path / "p.db")}
    subprocess.run([sys.executable, str(Path(__file__).resolve().parents[1] / "hotline.py"), "db", "migrate"],
                   env=env, check=True, capture_output=True, timeout=120)
    p = subprocess.run(f"'{sys.executable}' '{Path(__file__).resolve().parents[1] / 'hotline.py'}' calendar check"
                       " | head -c 1", shell=True, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stderr.count("error:") == 0, p.stderr
