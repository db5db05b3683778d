"""``hotline report handover|call-loss|queue-interval|agent-workload|agent-states``: the shift
handover (交接班), call loss (呼损), the queue intervals with Erlang staffing, agent workload and
agent states.

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
from ..reports.period import BY, Period, free_period, shift_at, shift_named
from ..reports.ports import Signoff
from ..reports.render import FORMS
from . import ranges
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
@click.option("--by", type=click.Choice(list(BY)), default="half-hour", show_default=True)
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
# -- the ticket side (issue 16, h16b): departments, assessment, categories, channels, callbacks ----
def _ticket_period(start: str | None, end: str | None, month: str | None, now: datetime) -> tuple[Period, str]:
    """``--from/--to``, or ``--month YYYY-MM``, or the month of ``--at`` (now): the period and its
    month label ("" for a free period)."""
    from ..reports.assessment import month_period

    if start or end:
        if month:
            raise ValidationError("give --month or --from/--to, not both")
        return _period(None, start, end, now, None), ""
    p = month_period(month, now)
    return p, f"{p.start:%Y-%m}"


def _ticket_reader(at: str | None, what: str):
    """(wiring, ticket service, now) for a ticket report, after the ``reports.read`` check."""
    from ..clock import FixedClock
    w = wiring()
    store = w.open_store()
    now = _now(at)
    svc = ticket_service(store, w.config_dir, FixedClock(now))
    svc.access.require(svc.access.user(w.as_user), "reports.read", f"read the {what} report")
    return w, svc, now


ticket_options = [
    click.option("--from", "start", help="Period start (ISO time, site zone when naive): tickets registered from then."),
    click.option("--to", "end", help="Period end (exclusive)."),
    click.option("--month", help="A calendar month YYYY-MM (default: the month of --at, i.e. now)."),
    click.option("--at", "at", help="Take the report as of this time (default: now); fixes the output for tests."),
    click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "csv", "html"]), default="txt", show_default=True),
    click.option("--output", "-o", "output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout."),
]


def _ticket_options(fn):
    for opt in reversed(ticket_options):
        fn = opt(fn)
    return fn


@report.command("departments")
@_ticket_options
@as_option
@one_line_errors
def departments_cmd(start, end, month, at, fmt, output):
    """Per department: on-time rates, returns and wrong returns, extensions, urges, satisfaction."""
    from ..reports.departments import departments
    _, svc, now = _ticket_reader(at, "departments")
    period, _ = _ticket_period(start, end, month, now)
    data = departments(svc.store.facts(period.start, period.end), svc.store.event_tallies(period.start, period.end),
                       period, now, svc.departments())
    _write(_render(data, fmt), output)


@report.command("assessment")
@click.option("--month", help="The month assessed, YYYY-MM (default: the month of --at, i.e. now).")
@click.option("--at", "at", help="Take the sheet as of this time (default: now); fixes the output for tests.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "csv", "html"]), default="txt", show_default=True)
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@as_option
@one_line_errors
def assessment_cmd(month, at, fmt, output):
    """The monthly assessment sheet (考核表): weighted on-time and satisfaction rates, score, rank."""
    from ..reports.assessment import assessment, load_weights
    from ..reports.departments import departments
    w, svc, now = _ticket_reader(at, "assessment")
    weights = load_weights(w.config_dir)
    period, label = _ticket_period(None, None, month, now)
    dep = departments(svc.store.facts(period.start, period.end), svc.store.event_tallies(period.start, period.end),
                      period, now, svc.departments())
    _write(_render(assessment(dep, weights, label), fmt), output)


@report.command("categories")
@_ticket_options
@as_option
@one_line_errors
def categories_cmd(start, end, month, at, fmt, output):
    """Tickets by category (诉求分类): registered, on the spot, dispatched, on-time rates, satisfaction."""
    from ..reports.ticket_groups import categories
    _, svc, now = _ticket_reader(at, "categories")
    period, _ = _ticket_period(start, end, month, now)
    _write(_render(categories(svc.store.facts(period.start, period.end), period, now, svc.categories()), fmt), output)


@report.command("channels")
@_ticket_options
@as_option
@one_line_errors
def channels_cmd(start, end, month, at, fmt, output):
    """Tickets by channel (受理渠道): registered, on the spot, dispatched, on-time rates, satisfaction."""
    from ..reports.ticket_groups import channels
    _, svc, now = _ticket_reader(at, "channels")
    period, _ = _ticket_period(start, end, month, now)
    _write(_render(channels(svc.store.facts(period.start, period.end), period, now), fmt), output)


@report.command("callbacks")
@_ticket_options
@as_option
@one_line_errors
def callbacks_cmd(start, end, month, at, fmt, output):
    """Callbacks (回访) made in the period: attempts, results, satisfaction, per department."""
    from ..reports.ticket_groups import callbacks
    _, svc, now = _ticket_reader(at, "callbacks")
    period, _ = _ticket_period(start, end, month, now)
    events = svc.store.events(period.start, period.end, of_registered=False, kind="callback")
    _write(_render(callbacks(events, period, svc.departments()), fmt), output)
# -- the call side (issue 16, h16a): queue-interval, agent-workload, agent-states ------------------
def _reader(permission_what: str):
    """The store and kpi settings for a call report, after the ``reports.read`` check."""
    w = wiring()
    settings = load_kpi_settings(w.config_dir)
    store = w.open_store()
    from ..access import load_access
    access = load_access(w.config_dir)
    access.require(access.user(w.as_user), "reports.read", permission_what)
    return w, settings, store


def _teams(config_dir) -> dict[str, str] | None:
    """agent -> team (site.yaml in the config dir), None without a site file."""
    from ..site import load_site
    path = Path(config_dir) / "site.yaml"
    return load_site(path).teams() if path.exists() else None


def _tiers(config_dir) -> dict[str, list[str]] | None:
    """agent -> queues with a tier (site.yaml skills in the config dir), None without a site file."""
    from ..site import load_site
    path = Path(config_dir) / "site.yaml"
    if not path.exists():
        return None
    return {a.name: sorted(a.skills) for a in load_site(path).agents}


@report.command("queue-interval")
@click.option("--shift", help="Shift name from kpi.yaml (default: the shift running now).")
@_options
@click.option("--by", type=click.Choice(list(BY)), default="half-hour", show_default=True)
@click.option("--queue", help="One queue only.")
@click.option("--patience", type=ranges.POSITIVE_SECONDS,
              help="Callers' mean patience for Erlang A, seconds (default: estimated per queue from the record).")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "csv", "html"]), default="txt", show_default=True)
@as_option
@one_line_errors
def queue_interval_cmd(shift, start, end, at, output, by, queue, patience, fmt):
    """Per queue and interval: offered, answered, SL, ASA, AHT, abandon; Erlang C / A required agents beside those staffed."""
    from ..reports import queue_interval as qi
    w, settings, store = _reader("read the queue-interval report")
    period = _period(shift, start, end, _now(at), settings)
    lo, hi = period.start.timestamp(), period.end.timestamp()
    if qi.slots_fit(period, by):     # the store sums the visits per half hour (a month: ~20× faster)
        from ..live.rebuild import BUSY_STATES, OFF_STATUSES
        data = qi.queue_interval_from_sums(
            store.calls.visit_sums(lo, hi, settings.threshold_s, settings.short_abandon_s, qi.SLOT_S, queue),
            store.calls.staffed_spans(lo, hi, BUSY_STATES, OFF_STATUSES), period, settings,
            by=by, queue=queue, tiers=_tiers(w.config_dir), patience_s=patience)
    else:
        data = qi.queue_interval(store.calls.records(lo, hi, queue), store.calls.intervals(lo, hi), period, settings,
                                 by=by, queue=queue, tiers=_tiers(w.config_dir), patience_s=patience)
    _write(_render(data, fmt), output)


@report.command("agent-workload")
@click.option("--shift", help="Shift name from kpi.yaml (default: the shift running now).")
@_options
@click.option("--agent", help="One agent only.")
@click.option("--team", help="The agents of one team only (site.yaml agents: - team:).")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "csv", "html"]), default="txt", show_default=True)
@as_option
@one_line_errors
def agent_workload_cmd(shift, start, end, at, output, agent, team, fmt):
    """Per agent: calls, talk, after-call work, ready, not ready by reason, logged-in time, occupancy."""
    from ..reports import agents as ag
    w, settings, store = _reader("read the agent-workload report")
    period = _period(shift, start, end, _now(at), settings)
    lo, hi = period.start.timestamp(), period.end.timestamp()
    data = ag.agent_workload(store.calls.records(lo - ag.LOOKBACK_S, hi), store.calls.intervals(lo, hi, agent), period,
                             settings, agent=agent, team=team, teams=_teams(w.config_dir) if team else None)
    _write(_render(data, fmt), output)


@report.command("agent-states")
@click.option("--shift", help="Shift name from kpi.yaml (default: the shift running now).")
@_options
@click.option("--agent", help="One agent only.")
@click.option("--team", help="The agents of one team only (site.yaml agents: - team:).")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "csv", "html"]), default="txt", show_default=True)
@as_option
@one_line_errors
def agent_states_cmd(shift, start, end, at, output, agent, team, fmt):
    """The agents' state detail: transition time, state, reason, duration."""
    from ..reports import agents as ag
    w, settings, store = _reader("read the agent-states report")
    period = _period(shift, start, end, _now(at), settings)
    data = ag.agent_states(store.calls.intervals(period.start.timestamp(), period.end.timestamp(), agent), period,
                           agent=agent, team=team, teams=_teams(w.config_dir) if team else None)
    _write(_render(data, fmt), output)
