"""hotline: the composition root.

Builds the ``hotline`` CLI, reads configuration, opens the store and the switch adapters and
hands them to the core services and to the screens. The only module that imports
``hotline_tui``, ``backends`` and ``screens`` together.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from hotline_tui.config import DEMO_DIR


@dataclass
class Wiring:
    db: str | None = None
    config_dir: str = str(DEMO_DIR)
    as_user: str | None = None
    lang: str | None = None

    def open_store(self, *, migrate: bool = False, check: bool = True):
        from backends.store import open_store

        store = open_store(self.db, migrate=migrate)
        if check and not migrate:
            store.require_current()
        return store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="HOTLINE_DB", help="SQLite file or postgresql:// DSN (default: embedded SQLite file).")
@click.option("--config-dir", envvar="HOTLINE_CONFIG_DIR", type=click.Path(file_okay=False), default=str(DEMO_DIR),
              show_default=True, help="Folder with the site's YAML.")
@click.option("--as", "as_user", envvar="HOTLINE_USER", help="Acting user (default: the config's default user).")
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="HOTLINE_LANG", help="UI language.")
@click.pass_context
def cli(ctx: click.Context, db, config_dir, as_user, lang):
    """hotline — operations console and tools for a 12345 citizen service hotline."""
    ctx.obj = Wiring(db=db, config_dir=config_dir, as_user=as_user, lang=lang)


from hotline_tui.cli.db import calendar, db  # noqa: E402
from hotline_tui.cli.demo import demo  # noqa: E402
from hotline_tui.cli.tickets import callers, tickets  # noqa: E402

from backends.sim.cli import sim  # noqa: E402

for _group in (tickets, callers, db, calendar, demo, sim):
    cli.add_command(_group)


def main() -> None:
    cli(prog_name="hotline")


if __name__ == "__main__":
    main()
