"""The config fault corpus (tests/faults/config/): each broken file, put in place of its target in
a copy of the demo site, is refused with ONE line naming file, line and key — through the real
loaders and through the CLI (exit non-zero, no traceback, nothing created)."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline import _load_console_config, cli
from hotline_tui.cli.db import check_config_dir
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError

CORPUS = Path(__file__).resolve().parents[1] / "faults" / "config"
CASES = sorted(CORPUS.glob("*.yaml"))
#: The targets ``tickets list`` reads (roles, catalogue, SLA policy and calendar).
READ_BY_TICKETS = ("roles.yaml", "tickets.yaml", "sla.yaml", "calendar/")


def _case(path: Path) -> dict[str, str]:
    head = {}
    for line in path.read_text("utf-8").splitlines():
        m = re.match(r"#\s*(target|expect|delete):\s*(.*)$", line)
        if m:
            head[m.group(1)] = m.group(2).strip()
    assert "target" in head and "expect" in head, f"{path.name}: needs '# target:' and '# expect:' lines"
    return head


def _put(tmp_path: Path, path: Path) -> tuple[Path, dict[str, str], Path]:
    """A copy of the demo config with the case in place; returns (config dir, case, broken file)."""
    case = _case(path)
    cfg = tmp_path / "cfg"
    shutil.copytree(DEMO_DIR, cfg)
    if case["target"] == "console":
        target = tmp_path / "console.yaml"
    else:
        target = cfg / case["target"]
    if case.get("delete") == "true":
        target.unlink()
    else:
        target.write_text(path.read_text("utf-8"), "utf-8")
    return cfg, case, target


def test_the_corpus_is_there():
    assert len(CASES) >= 20
    assert {_case(p)["target"].split("/")[0] for p in CASES} >= {
        "roles.yaml", "tickets.yaml", "calendar", "sla.yaml", "site.yaml", "kpi.yaml", "kb.yaml", "console"}


def test_the_demo_config_passes():
    assert "calendar/2026.yaml" in check_config_dir(str(DEMO_DIR))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_loaders_refuse_with_one_line(tmp_path, path):
    cfg, case, target = _put(tmp_path, path)
    with pytest.raises(ConfigError) as exc:
        if case["target"] == "console":
            _load_console_config(str(target))
        else:
            check_config_dir(str(cfg))
    msg = str(exc.value)
    assert "\n" not in msg
    assert case["expect"] in msg, msg
    assert msg.startswith(str(target)), msg
    if not case.get("delete"):
        assert re.match(re.escape(str(target)) + r":\d+: ", msg), f"no line number: {msg}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_cli_refuses_with_one_line(tmp_path, path, monkeypatch):
    cfg, case, target = _put(tmp_path, path)
    monkeypatch.chdir(tmp_path)          # a "store: 42" would create ./42 here
    runner = CliRunner()
    (tmp_path / "store").mkdir()
    db = str(tmp_path / "store" / "t.db")
    if case["target"] == "console":
        commands = [["console", "--config", str(target)]]
    else:
        commands = [["--config-dir", str(cfg), "config", "check"]]
        if case["target"].startswith(READ_BY_TICKETS):
            assert runner.invoke(cli, ["--db", db, "db", "migrate"]).exit_code == 0
            commands.append(["--db", db, "--config-dir", str(cfg), "tickets", "list"])
    before = set(tmp_path.iterdir())
    for args in commands:
        r = runner.invoke(cli, args)
        assert r.exit_code == 2, (args, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert "Traceback" not in r.output
        assert r.stderr.count("\n") == 1 and r.stdout == "", r.output
        assert r.stderr.startswith("error: ") and case["expect"] in r.stderr, r.stderr
    assert set(tmp_path.iterdir()) == before, "a refused config created files"
