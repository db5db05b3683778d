"""``hotline db migrate|check`` and ``hotline calendar due``."""

from __future__ import annotations

import sys

import click

from ..calendar import load_calendar
from ..clock import parse_time
from .common import emit_json, one_line_errors, wiring


@click.group()
def db():
    """The ticket store's schema."""


@db.command()
@one_line_errors
def migrate():
    """Apply pending migrations."""
    store = wiring().open_store(migrate=False, check=False)
    done = store.migrate()
    click.echo(f"{store.describe}: applied {len(done)} migration(s); schema: {store.status().level}")


@db.command()
@click.option("--json", "as_json", is_flag=True)
@one_line_errors
def check(as_json):
    """Exit 0 when the schema is current, 1 when migrations are pending."""
    from ..errors import HotlineError

    store = wiring().open_store(migrate=False, check=False)
    st = store.status()
    if as_json:
        emit_json({"store": store.describe, "applied": st.applied, "latest": st.latest, "pending": st.pending,
                   "too_new": st.too_new, "ok": st.ok})
    elif st.ok:
        click.echo(f"{store.describe}: schema current ({st.level})")
    if not st.ok:
        if not as_json:
            click.echo(f"error: {store.describe}: {_problems(st)}", err=True)
        sys.exit(1)


def _problems(st) -> str:
    """What is wrong with the schema, naming only what is (pending and/or too new)."""
    parts = []
    if st.pending:
        parts.append(f"migrations pending ({_levels(st.pending)}); run: hotline db migrate")
    if st.too_new:
        parts.append(f"schema newer than this hotline ({_levels(st.too_new)}); upgrade hotline")
    return "; ".join(parts)


def _levels(levels: dict[str, int]) -> str:
    return ", ".join(f"{c} v{v}" for c, v in sorted(levels.items()))


@click.group()
def calendar():
    """The working-day calendar (holidays and 调休 make-up days)."""


@calendar.command()
@click.option("--from", "start", required=True, help="Start time (ISO), e.g. 2026-09-30T16:00")
@click.option("--working-days", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
@one_line_errors
def due(start, working_days, as_json):
    """The deadline N working days after a start time."""
    cal = load_calendar(wiring().config_dir)
    t0 = parse_time(start)
    d = cal.add_working_days(t0, working_days)
    if as_json:
        emit_json({"from": t0, "working_days": working_days, "due": d, "start_rule": cal.start_rule,
                   "day_closes_at": cal.closes_at.isoformat()})
    else:
        click.echo(d.isoformat())
