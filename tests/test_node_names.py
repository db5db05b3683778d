"""Names come from each switch node's own site data (issue 15, several switches): agent 1003 on
fs1 and agent 1003 on fs2 are two people, and the agents table names each from its node's file."""

from __future__ import annotations

from hotline import _load_console_config, node_agent_names
from hotline_tui.live.views import AgentView
from screens.agents import display_name


def _site(path, name: str, ids: str, names: list[str]) -> None:
    path.write_text(f"""
switch: {{hostname: {name}, domain: {name}.local}}
queues:
  - name: q@{name}
agents:
  - team: T-{name}
    ids: {ids}
    names: [{", ".join(names)}]
    skills: {{q@{name}: 1}}
""", encoding="utf-8")


def _agent(name: str, node: str) -> AgentView:
    return AgentView(name=name, node=node, status="Available", state="Waiting", since=0.0, time_in_state_s=0.0,
                     calls_today=0, talk_time_today_s=0.0, queues=(), team="", current_call="", caller_number="",
                     wrap_up=False)


def test_each_node_names_its_own_agents(tmp_path):
    _site(tmp_path / "fs1.yaml", "fs1", "1001-1003", ["张丽", "王强", "李娜"])
    _site(tmp_path / "fs2.yaml", "fs2", "1003-1004", ["赵敏", "周杰"])
    console = tmp_path / "console.yaml"
    console.write_text("""
switch:
  - {name: fs1, host: 127.0.0.1, port: 8021, site: fs1.yaml}
  - {name: fs2, host: 127.0.0.1, port: 8022, site: fs2.yaml}
""", encoding="utf-8")
    cfg = _load_console_config(str(console))
    assert [n["site"] for n in cfg["switch"]] == [str(tmp_path / "fs1.yaml"), str(tmp_path / "fs2.yaml")]
    names = node_agent_names(cfg["switch"])
    assert names == {"1001@fs1": "张丽", "1002@fs1": "王强", "1003@fs1": "李娜", "1003@fs2": "赵敏", "1004@fs2": "周杰"}
    # the same id on two nodes: two names; an agent of a node without its own file falls back to
    # the console's site file (by id)
    names["1009"] = "陈晨"
    assert display_name(names, _agent("1003", "fs1")) == "李娜"
    assert display_name(names, _agent("1003", "fs2")) == "赵敏"
    assert display_name(names, _agent("1009", "fs3")) == "陈晨"
    assert display_name(names, _agent("1010", "fs1")) == ""


def test_a_node_without_a_site_file_adds_no_names(tmp_path):
    console = tmp_path / "console.yaml"
    console.write_text("switch:\n  - {name: fs1, host: 127.0.0.1}\n", encoding="utf-8")
    cfg = _load_console_config(str(console))
    assert cfg["switch"][0]["site"] is None and node_agent_names(cfg["switch"]) == {}
