"""Markers: an undeclared one fails the run, the declared ones are applied where they belong,
and the one test command (./scripts/test, what CI runs) deselects none of them."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def test_an_undeclared_marker_fails_the_run_and_the_declared_ones_pass(tmp_path):
    # One pytest run with the project's own configuration over two throw-away files.
    (tmp_path / "test_typo.py").write_text("import pytest\n\n@pytest.mark.slwo\ndef test_typo():\n    pass\n")
    (tmp_path / "test_marked.py").write_text("import pytest\n\n@pytest.mark.slow\n@pytest.mark.e2e\n"
                                             "@pytest.mark.postgres\ndef test_marked():\n    pass\n")
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(PYPROJECT), "--rootdir", str(tmp_path), "-p", "no:cacheprovider",
         "-p", "no:xdist", "--continue-on-collection-errors", "-q", str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "'slwo' not found in `markers` configuration option" in out
    assert re.search(r"\b1 passed, 1 error\b", out), out


def test_every_tmux_test_is_e2e_and_every_statistical_run_slow():
    tmux = [p for p in (ROOT / "tests").rglob("test_*.py") if re.search(r"""["']tmux["']""", p.read_text("utf-8"))]
    assert tmux, "no tmux test found: the search below would prove nothing"
    assert [p.name for p in tmux if "pytestmark = pytest.mark.e2e" not in p.read_text("utf-8")] == []
    assert "pytestmark = pytest.mark.slow" in (ROOT / "tests/sim/test_erlang_agreement.py").read_text("utf-8")
    erlang = (ROOT / "tests/unit/test_erlang.py").read_text("utf-8")
    assert re.search(r"@pytest\.mark\.slow\n(@.*\n)*def test_erlang_a_agrees_with_an_independent_simulation", erlang)


def test_the_test_command_selects_no_subset():
    ini = tomllib.loads(PYPROJECT.read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in ini["addopts"]
    assert not [a for a in ini["addopts"] if a.startswith(("-m", "-k"))]
    script = (ROOT / "scripts" / "test").read_text("utf-8")
    pytest_line = next(line for line in script.splitlines() if "-m pytest" in line)
    assert not re.search(r"\s-[mk]\s", pytest_line.replace("-m pytest", "")), pytest_line
    declared = {m.split(":")[0] for m in ini["markers"]}
    assert {"slow", "e2e", "postgres"} <= declared
