"""``hotline db migrate|check``, ``hotline calendar due|check`` and ``hotline config check``."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from ..calendar import load_calendar
from ..clock import SITE_TZ, parse_time
from ..text import terminal_safe
from . import ranges
from .common import echo, emit_json, one_line_errors, wiring


@click.group()
def db():
    """The ticket store's schema."""


@db.command()
@one_line_errors
def migrate():
    """Apply pending migrations."""
    store = wiring().open_store(migrate=False, check=False)
    done = store.migrate()
    echo(f"{store.describe}: applied {len(done)} migration(s); schema: {store.status().level}")


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
        echo(f"{store.describe}: schema current ({st.level})")
    if not st.ok:
        if not as_json:
            echo(f"error: {store.describe}: {_problems(st)}", err=True)
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
@click.option("--working-days", type=ranges.WORKING_DAYS, required=True)
@click.option("--json", "as_json", is_flag=True)
@one_line_errors
def due(start, working_days, as_json):
    """The deadline N working days after a start time (a provisional year is warned about on stderr)."""
    cal = load_calendar(wiring().config_dir)
    t0 = parse_time(start)
    d = cal.add_working_days(t0, working_days)
    provisional = [y for y in range(t0.year, d.year + 1) if cal.year(y).source == "provisional"]
    if as_json:
        emit_json({"from": t0, "working_days": working_days, "due": d, "start_rule": cal.start_rule,
                   "day_closes_at": cal.closes_at.isoformat(), "provisional_years": provisional,
                   "sources": {y: cal.year(y).source for y in range(t0.year, d.year + 1)}})
    else:
        echo(d.isoformat())
    if provisional and not as_json:
        echo(f"warning: {cal.warning_for(provisional)}", err=True)


@calendar.command("check")
@click.option("--today", help="The day to look around (default: today, site time), e.g. 2026-12-28.")
@click.option("--json", "as_json", is_flag=True)
@one_line_errors
def calendar_check(today, as_json):
    """Each year known (site files and the years around today): its source (site file / official /
    provisional), its holidays and make-up days. Exit 0 even when a year is provisional."""
    cal = load_calendar(wiring().config_dir)
    day = date.fromisoformat(today) if today else datetime.now(SITE_TZ).date()
    years = cal.known_years(day)
    warning = cal.warning(day)
    if as_json:
        emit_json({"today": day, "start_rule": cal.start_rule, "day_closes_at": cal.closes_at.isoformat(),
                   "years": [y.as_dict() for y in years], "provisional_years": cal.provisional_years(day),
                   "warning": warning})
        return
    for y in years:
        where = f" ({y.file})" if y.file else ""
        echo(f"{y.year}  {y.source}{where}: {len(y.days_off)} days off, {len(y.make_up_days)} make-up days")
        for d, name in sorted(y.days_off.items()):
            echo(f"  off      {d.isoformat()} {d.strftime('%a')}  {terminal_safe(name)}")
        for d, name in sorted(y.make_up_days.items()):
            echo(f"  work     {d.isoformat()} {d.strftime('%a')}  {terminal_safe(name)}")
    if warning:
        echo(f"warning: {warning}", err=True)


def check_config_dir(config_dir: str) -> list[str]:
    """Load every file of the site's config folder through its real loader (schema, then the
    loader's own rules). Returns the files checked; raises ConfigError (one line: file, line,
    key) at the first problem. Reads files only."""
    from pathlib import Path

    from ..access import load_access
    from ..kb.factory import load_synonyms
    from ..kpi import load_kpi_settings
    from ..site import load_site
    from ..sla import load_sla_policy
    from ..tickets.catalog import load_catalog

    root = Path(config_dir)
    load_access(root)
    load_catalog(root)
    load_sla_policy(root)            # and the calendar files
    load_kpi_settings(root)
    load_synonyms(root)
    if (root / "site.yaml").exists():
        load_site(root / "site.yaml")
    from ..callback_desk import load_callback_settings
    from ..supervisor import load_not_ready_reasons

    load_not_ready_reasons(root)     # desk.yaml: the not-ready reasons, then the callbacks block
    load_callback_settings(root)
    if (root / "qa.yaml").exists():  # quality inspection (issue 20)
        from ..qa.settings import load_qa_settings
        load_qa_settings(root)
    from ..notify.settings import load_notify

    load_notify(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml"))


@click.group("config")
def config_group():
    """The site's configuration files."""


@config_group.command("check")
@one_line_errors
def config_check():
    """Validate every YAML file of --config-dir; exit 2 with one line naming file, line and key."""
    w = wiring()
    files = check_config_dir(w.config_dir)
    echo(f"{w.config_dir}: {len(files)} files valid ({', '.join(files)})")
