"""The shared mod_callcenter tables read as the nodes wrote them (issue 21), on both databases
mod_callcenter itself runs on (its SQLite default and PostgreSQL over ODBC); then the drift a
restart leaves: the second node's agent on a live call, its row reset to Waiting by the first."""

from __future__ import annotations

from backends.callcenter_tables import open_callcenter_tables
from backends.db import open_db
from hotline_tui.live.drift import SharedAgent, SharedMember, drift
from hotline_tui.live.views import AgentView, CallView, LiveSnapshot

# mod_callcenter's own DDL (the columns it creates; CC L157-250), trimmed to text and integers
DDL = """
CREATE TABLE agents (name VARCHAR(255), instance_id VARCHAR(255), uuid VARCHAR(255), type VARCHAR(255),
  contact VARCHAR(1024), status VARCHAR(255), state VARCHAR(255), max_no_answer INTEGER NOT NULL DEFAULT 0,
  wrap_up_time INTEGER NOT NULL DEFAULT 0, ready_time INTEGER NOT NULL DEFAULT 0);
CREATE TABLE members (queue VARCHAR(255), instance_id VARCHAR(255), uuid VARCHAR(255) NOT NULL DEFAULT '',
  session_uuid VARCHAR(255) NOT NULL DEFAULT '', cid_number VARCHAR(255), cid_name VARCHAR(255),
  serving_agent VARCHAR(255), serving_system VARCHAR(255), state VARCHAR(255));
"""


def test_the_tables_read_as_written_and_a_reset_under_a_live_call_is_drift(db_target):
    db = open_db(db_target)
    db.executescript(DDL)
    db.executemany("INSERT INTO agents (name, instance_id, uuid, type, contact, status, state) "
                   "VALUES (:name, 'single_box', :uuid, 'callback', 'user/x', :status, :state)",
                   [{"name": "10001", "uuid": "", "status": "Available", "state": "Waiting"},
                    {"name": "10141", "uuid": "", "status": "Available", "state": "Waiting"}])   # reset by a restart
    db.executemany("INSERT INTO members (queue, instance_id, uuid, serving_agent, state) "
                   "VALUES (:q, 'single_box', :uuid, :agent, 'Answered')",
                   [{"q": "nb-general@12345", "uuid": "m-1", "agent": "10001"}])       # node 1's agent, node 2's caller
    db.close()
    tables = open_callcenter_tables(db_target)
    try:
        agents, members = tables.agents(), tables.members()
    finally:
        tables.close()
    assert agents == [SharedAgent("10001", "single_box", "Available", "Waiting"),
                      SharedAgent("10141", "single_box", "Available", "Waiting")]
    assert members == [SharedMember("m-1", "nb-general@12345", "single_box", "Answered", "10001")]
    snap = LiveSnapshot(0.0, (), (AgentView("10001", "fs-prov-01", "Available", "Waiting", 0, 0, 0, 0),
                                  AgentView("10141", "fs-prov-02", "Available", "In a queue call", 0, 0, 0, 0,
                                            current_call="m-2")),
                        (CallView("m-1", "fs-prov-02", "nb-general@12345", "", "", "10001", 0, 0, 0),))
    assert [(d.kind, d.subject, d.nodes) for d in drift(snap, agents, members)] == [
        ("agent-reset", "10141", ("fs-prov-02",)), ("member-two-nodes", "m-1", ("fs-prov-02", "fs-prov-01"))]
