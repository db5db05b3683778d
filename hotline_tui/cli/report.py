"""``hotline report handover|call-loss``: the shift handover (交接班) and the call-loss report (呼损).

Cron-friendly: no terminal needed, the same bytes for the same data (``--at`` fixes "now"),
``--output FILE`` written whole or not at all, one line on stderr and a non-zero exit on failure.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..audit import AuditEntry
from ..calls import HandoverNotes
from ..clock import SITE_TZ, parse_time
from ..errors import ValidationError
from ..kpi import load_kpi_settings
from ..reports import call_loss as loss
from ..reports import handover as ho
from ..reports.period import Period, free_period, shift_at, shift_named
from ..reports.ports import Signoff
from ..reports.render import FORMS
from ..tickets.factory import ticket_service
from .common import as_option, one_line_errors, wiring
from .report_txt import to_txt


@click.group("report")
def report() -> None:
    """Reports: the shift handover (交接班) and call loss (呼损)."""


def _period(shift: str | None, start: str | None, end: str | None, now: datetime, settings) -> Period:
    if shift and (start or end):
        raise ValidationError("give --shift or --from/--to, not both")
    if start or end:
        if not (start and end):
            raise ValidationError("--from and --to go together")
        return free_period(parse_time(start), parse_time(end))
    return shift_named(shift, now, settings) if shift else shift_at(now, settings)


def _write(text: str, output: str | None) -> None:
    """To stdout, or to ``output`` through a temporary file renamed over it (a cron job's reader
    never sees half a report)."""
    if not output:
        click.echo(text, nl=False)
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent or Path(".")))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(data: dict[str, Any], fmt: str) -> str:
    return to_txt(data) if fmt == "txt" else FORMS[fmt](data)


def _now(at: str | None) -> datetime:
    return parse_time(at) if at else datetime.now(SITE_TZ)


period_options = [
    click.option("--from", "start", help="Period start (ISO time, site zone when naive)."),
    click.option("--to", "end", help="Period end (exclusive)."),
    click.option("--at", "at", help="Take the report as of this time (default: now); fixes the output for tests."),
    click.option("--output", "-o", "output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout."),
]


def _options(fn):
    for opt in reversed(period_options):
        fn = opt(fn)
    return fn


@report.command("handover")
@click.option("--shift", help="Shift name from kpi.yaml (default: the shift running now).")
@_options
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "html"]), default="txt", show_default=True)
@click.option("--sign-off", "sign_off", is_flag=True, help="Record that you hand this shift over (--as USER).")
@click.option("--receive", is_flag=True, help="Record that you receive this shift (--as USER).")
@as_option
@one_line_errors
def handover_cmd(shift, start, end, at, output, fmt, sign_off, receive):
    """The shift handover report (交接班): figures, events, notes, open items, sign-off."""
    w = wiring()
    settings = load_kpi_settings(w.config_dir)
    store = w.open_store()
    now = _now(at)
    period = _period(shift, start, end, now, settings)
    from ..clock import FixedClock
    svc = ticket_service(store, w.config_dir, FixedClock(now))
    user = svc.access.user(w.as_user)
    svc.access.require(user, "reports.read", "read the handover report")
    if sign_off and receive:
        raise ValidationError("--sign-off and --receive are two people: give one")
    if sign_off or receive:
        from ..reports.desk import sign     # the same sign-off as the console's handover screen

        sign(store, svc.access, user, period, "handed_over" if sign_off else "received", now)
    notes = (HandoverNotes(store.calls, svc.access, FixedClock(now), settings).for_shift(user, period.shift_date, period.shift)
             if period.shift else [])
    inp = ho.gather(period, as_of=now, settings=settings, calls=store.calls, tickets=svc, notes=notes,
                    signoffs=store.reports.signoffs(period.start.timestamp(), period.end.timestamp()),
                    teams=ho.site_teams(w.config_dir), reports=store.reports)
    _write(_render(ho.handover(inp, settings, user), fmt), output)


@report.command("call-loss")
@click.option("--shift", help="Shift name from kpi.yaml (default: the shift running now).")
@_options
@click.option("--by", type=click.Choice(["half-hour", "day"]), default="half-hour", show_default=True)
@click.option("--queue", help="One queue only.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "csv", "html"]), default="txt", show_default=True)
@as_option
@one_line_errors
def call_loss_cmd(shift, start, end, at, output, by, queue, fmt):
    """Call loss (呼损): abandons by wait band, timeouts and overflows, answer and abandon rate."""
    w = wiring()
    settings = load_kpi_settings(w.config_dir)
    store = w.open_store()
    from ..access import load_access
    access = load_access(w.config_dir)
    access.require(access.user(w.as_user), "reports.read", "read the call-loss report")
    period = _period(shift, start, end, _now(at), settings)
    records = store.calls.records(period.start.timestamp(), period.end.timestamp(), queue)
    _write(_render(loss.call_loss(records, period, settings, by=by, queue=queue), fmt), output)


@report.command("qa")
@click.option("--period", help="YYYY-MM (default: every month).")
@click.option("--team", help="One team.")
@click.option("--agent", help="One agent.")
@click.option("--output", help="Write to FILE (whole or not at all) instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(["txt", "json"]), default="txt", show_default=True)
@as_option
@one_line_errors
def qa_cmd(period, team, agent, output, fmt):
    """Quality inspection (质检): QA score per agent, team and month, item deductions, service-attitude
    rate, inspector calibration spread (docs/kpi.md, the same figures as ``hotline qa report``)."""
    from ..clock import SystemClock
    from ..qa.factory import qa_service
    from ..text import terminal_safe
    from .common import dump_json
    from .qa import figures_json, figures_text

    w = wiring()
    svc = qa_service(w.open_store(), w.config_dir, SystemClock())
    f = svc.figures(svc.access.user(w.as_user), period, team=team, agent=agent)
    text = dump_json(figures_json(f)) + "\n" if fmt == "json" else "".join(
        terminal_safe(line) + "\n" for line in figures_text(f))
    _write(text, output)
