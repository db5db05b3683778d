"""``hotline record``: the headless recorder (docs/record.md). The work — switch, store, live
picture, recorder — is wired in ``hotline.py`` (``run_record``, reached through the Wiring), so
this module imports no backend."""

from __future__ import annotations

import click

from . import ranges
from .common import one_line_errors, wiring


@click.command("record")
@click.option("--config", "config", type=click.Path(dir_okay=False), help="Site config YAML (switch nodes, store).")
@click.option("--flush-every", "flush_s", default=2.0, show_default=True, type=ranges.POSITIVE_SECONDS,
              help="Seconds between writes to the store.")
@click.option("--lease-ttl", "lease_ttl", default=15.0, show_default=True, type=ranges.POSITIVE_SECONDS,
              help="Seconds a node's recorder lease lasts unless renewed (a standby takes over this long after a crash).")
@one_line_errors
def record(config: str | None, flush_s: float, lease_ttl: float) -> None:
    """Record every finished call and agent interval from the switch to the store (headless).
    One recorder per switch node: a second one waits as a standby (docs/operations.md)."""
    w = wiring()
    w.record(config, flush_s=flush_s, log=lambda line: click.echo(line, err=True),  # type: ignore[attr-defined]
             lease_ttl=lease_ttl)
