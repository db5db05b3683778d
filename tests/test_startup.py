"""Process start: ``hotline --help`` and ``hotline kb search`` import only what they use
(docs/benchmarks.md, "Process start"), and the lazily loaded subcommands are the real ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import hotline

ROOT = Path(__file__).resolve().parent.parent


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh ``hotline ARGS`` process imported (from ``-X importtime``)."""
    env = {**os.environ, "HOTLINE_DB": str(tmp_path / "hotline.db"), "PYTHONPATH": str(ROOT)}
    env.pop("HOTLINE_CONFIG_DIR", None)
    r = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "hotline.py"), *args],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    mods = {line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "click" in mods          # the parse worked: an empty set would pass every check below
    return mods


def under(mods: set[str], *packages: str) -> set[str]:
    return {m for m in mods if any(m == p or m.startswith(p + ".") for p in packages)}


def test_help_imports_click_and_nothing_of_the_product(tmp_path):
    mods = imported(tmp_path, "--help")
    assert not under(mods, "textual", "rich", "psycopg", "sqlite_utils", "yaml", "pydantic", "backends", "screens",
                     "hotline_tui.kb")
    # The console command's options are declared in hotline.py with the shared ranges (click only).
    assert under(mods, "hotline_tui") <= {"hotline_tui", "hotline_tui.cli", "hotline_tui.cli.ranges"}


def test_kb_search_does_not_load_the_console_the_switch_or_postgres(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "hotline.py"), "db", "migrate"], check=True, capture_output=True,
                   env={**os.environ, "HOTLINE_DB": str(tmp_path / "hotline.db")}, timeout=120)
    mods = imported(tmp_path, "kb", "search", "shebao")
    assert "hotline_tui.kb.service" in mods and "backends.kb_store" in mods
    assert not under(mods, "textual", "screens", "psycopg", "sqlite_utils", "backends.freeswitch", "backends.sim",
                     "hotline_tui.live")
    # The calendar's holiday library and rich (highlights off a terminal are plain text) neither.
    assert not under(mods, "holidays", "rich", "hotline_tui.calendar")
    assert "hotline_tui.config_schema" in mods and "pydantic" in mods    # the config is still validated


def test_kb_search_output_off_a_terminal_is_what_rich_prints(tmp_path, monkeypatch):
    """The plain path (no rich import) prints exactly what rich's Console prints to a file that is
    not a terminal: wide characters, made-visible control characters, lines longer than COLUMNS."""
    import json

    import hotline_tui.cli.kb as kb_cli

    db = str(tmp_path / "out.db")
    runner = CliRunner()
    assert runner.invoke(hotline.cli, ["--db", db, "db", "migrate"]).exit_code == 0
    items = [{"title": "社保卡丢失\x1b[31m补办" + "很长的标题" * 12, "body": "社保卡\t挂失\n补办 " + "材料齐全 " * 40},
             {"title": "社保 app 使用说明", "body": "下载 app 后登录社保账户。"}]
    (tmp_path / "a.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(hotline.cli, ["--db", db, "kb", "import", str(tmp_path / "a.json"), "--publish",
                                       "--as", "editor"]).exit_code == 0
    args = ["--db", db, "kb", "search", "社保", "--as", "agent1001"]
    monkeypatch.setenv("COLUMNS", "30")
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(var, raising=False)
    plain = runner.invoke(hotline.cli, args, catch_exceptions=False).output
    monkeypatch.setattr(kb_cli, "_styled_stdout", lambda: True)        # rich's path, to a non-terminal
    via_rich = runner.invoke(hotline.cli, args, catch_exceptions=False).output
    assert plain == via_rich and plain.count("\n") == 4 and "\x1b" not in plain
    monkeypatch.setenv("FORCE_COLOR", "1")                               # rich styles the highlights
    styled = runner.invoke(hotline.cli, args, catch_exceptions=False).output
    assert "\x1b[" in styled and styled != plain


def test_the_codec_builds_its_tables_on_first_use_not_at_import(tmp_path):
    code = ("import backends.freeswitch.codec as c; assert c._odd_classes.cache_info().currsize == 0; "
            "c.HeaderPicker({'CHANNEL_ANSWER': {'Unique-ID'}}); assert c._odd_classes.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("name", sorted(hotline.SUBCOMMANDS))
def test_the_listed_help_is_the_commands_own(name):
    group = hotline.cli
    assert isinstance(group, hotline.LazyGroup)
    cmd = group.load(name)
    assert cmd.name == name
    assert cmd.get_short_help_str(limit=1000) == hotline.SUBCOMMANDS[name][1]


def test_help_lists_every_command_and_each_still_runs():
    r = CliRunner().invoke(hotline.cli, ["--help"])
    assert r.exit_code == 0
    listed = {line.split()[0] for line in r.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == {*hotline.SUBCOMMANDS, "console"}
    r = CliRunner().invoke(hotline.cli, ["staffing", "--calls-per-hour", "120", "--aht", "180", "--json"])
    assert r.exit_code == 0 and '"agents"' in r.output


def test_an_unknown_command_is_a_usage_error():
    r = CliRunner().invoke(hotline.cli, ["nosuch"])
    assert r.exit_code == 2 and "No such command 'nosuch'" in r.output


def test_a_bad_lazy_entry_is_an_error_not_a_missing_command():
    group = hotline.LazyGroup(lazy={"x": ("hotline:main", "Not a command.")})
    with pytest.raises(TypeError):
        group.get_command(click.Context(group), "x")
