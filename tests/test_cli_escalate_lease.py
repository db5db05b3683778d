"""``hotline tickets escalate`` holds the site's escalation lease (issue 21): a second run
waits as a standby, and gives up with one line when the lease stays held."""

from __future__ import annotations

from click.testing import CliRunner

from backends.store import open_store
from hotline import cli


def test_escalate_waits_for_the_lease_and_runs_once_it_is_free(db_target):
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["--db", db_target, *args], catch_exceptions=False)

    assert go("db", "migrate").exit_code == 0
    store = open_store(db_target)
    try:
        assert store.leases.try_acquire("tickets.escalate", "other-host:1", 60) == 1
        held = go("tickets", "escalate", "--wait", "0.3")
        assert held.exit_code == 1
        assert "another run still holds the escalation lease" in held.output
        assert "standby, held by other-host:1" in held.output
        store.leases.release("tickets.escalate", "other-host:1")
        ok = go("tickets", "escalate", "--json", "--wait", "5")
        assert ok.exit_code == 0, ok.output
        assert ok.output.strip().endswith("[]")
        lease = store.leases.current("tickets.escalate")
        assert lease is not None and lease.holder == "" and lease.epoch == 2   # taken, then given back
    finally:
        store.close()
