"""``hotline live queues|agents|callers|calls [--json]`` (issue 18): a separate process against
the simulator on loopback connects, resyncs, prints and exits; callers masked per role."""

from __future__ import annotations

import json
import re
import subprocess

from hotline_tui.config import DEMO_DIR

from .test_record_cli import hotline, sim  # noqa: F401  (the simulator fixture)


def run(*args: str) -> subprocess.CompletedProcess:
    proc = hotline(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def config(tmp_path, port: int):
    cfg = tmp_path / "console.yaml"
    cfg.write_text(f"store: {tmp_path / 'live.db'}\nconfig_dir: {DEMO_DIR}\nswitch:\n  - name: fs1\n"
                   f"    host: 127.0.0.1\n    port: {port}\n    password: ClueCon\n", encoding="utf-8")
    return str(cfg)


def test_every_kind_as_json_and_text_with_masking_per_role(tmp_path, sim):  # noqa: F811
    cfg = config(tmp_path, sim)
    queues = run("live", "queues", "--config", cfg, "--json")
    assert queues.returncode == 0, queues.stderr
    rows = json.loads(queues.stdout)
    assert {r["queue"] for r in rows} >= {"general@12345", "elderly@12345"}
    assert all(r["node"] in ("fs1", "") and r["logged_in"] >= 0 for r in rows)
    agents = json.loads(run("live", "agents", "--config", cfg, "--json").stdout)
    assert len(agents) == 100 and {a["node"] for a in agents} == {"fs1"}
    assert {a["status"] for a in agents} <= {"Available", "On Break", "Logged Out", "Available (On Demand)"}
    duty = json.loads(run("--as", "duty", "live", "callers", "--config", cfg, "--json").stdout)
    qa = json.loads(run("--as", "qa", "live", "callers", "--config", cfg, "--json").stdout)
    for r in duty:
        assert re.fullmatch(r"1\d{10}", r["caller"]) and r["position"] >= 1 and r["state"] in ("waiting", "being offered")
    for r in qa:
        assert "****" in r["caller"]                                   # qa has no personal_data.view
    on_call = [a["caller"] for a in json.loads(run("--as", "qa", "live", "agents", "--config", cfg, "--json").stdout)
               if a["caller"]]
    assert on_call and all("****" in c for c in on_call)     # the same masking as the console's
    calls = run("--as", "qa", "live", "calls", "--config", cfg, "--json")
    assert calls.returncode == 0 and all("****" in c["caller"] for c in json.loads(calls.stdout))
    text = run("live", "queues", "--config", cfg)
    lines = text.stdout.splitlines()
    assert text.returncode == 0 and lines[0].split()[:3] == ["queue", "waiting", "longest"] and len(lines) == len(rows) + 1


def test_without_a_switch_or_with_one_that_is_gone_is_one_line(tmp_path):
    cfg = tmp_path / "console.yaml"
    cfg.write_text(f"store: {tmp_path / 'x.db'}\nconfig_dir: {DEMO_DIR}\n", encoding="utf-8")
    r = run("live", "queues", "--config", str(cfg))
    assert r.returncode == 2 and "no switch nodes" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    gone = config(tmp_path, 1)            # nothing listens on port 1
    r = run("live", "agents", "--config", gone, "--timeout", "1")
    assert r.returncode != 0 and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1
