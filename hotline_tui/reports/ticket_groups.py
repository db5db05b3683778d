"""Ticket reports by category (诉求分类) and by channel (受理渠道), and the callbacks report
(回访: attempts, results, satisfaction). Every figure is ``hotline_tui.tickets.figures``' (one
definition each, docs/kpi.md). Pure: the caller reads the tickets and events. Never blocks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any, Callable, Sequence

from ..tickets.events import TicketEvent
from ..tickets.figures import counts, satisfaction_counts
from .departments import DEFINITIONS, Countable, live_tickets, rates_of
from .figures import rate
from .period import Period

RESULTS = ("satisfied", "unsatisfied", "unconfirmed")


def _group_row(name: str, tickets: list[Countable], as_of: datetime) -> dict[str, Any]:
    c = counts(tickets, as_of)
    f = c.figures()
    return {"name": name, "registered": c.registered, "answered_on_spot": c.answered_on_spot, "dispatched": c.dispatched,
            "on_spot_rate": rate(f.on_spot_rate, c.answered_on_spot, c.registered, "answered on the spot ÷ registered"),
            **rates_of(c)}


def grouped(report: str, key: Callable[[Countable], str], tickets: Sequence[Countable], period: Period, as_of: datetime,
            names: dict[str, str]) -> dict[str, Any]:
    """``categories`` or ``channels``: per value of ``key`` over the tickets registered in
    ``period`` (merged left out), and the total."""
    live = live_tickets(tickets)
    groups: dict[str, list[Countable]] = defaultdict(list)
    for t in live:
        groups[key(t)].append(t)
    return {
        "report": report, "period": period.as_dict(), "as_of": as_of.isoformat(),
        "definitions": {**{k: DEFINITIONS[k] for k in ("population", "acknowledged_on_time", "handled_on_time",
                                                        "callback_on_time", "satisfaction", "source")},
                        "on_spot_rate": "answered on the spot ÷ registered"},
        "groups": {g: _group_row(names.get(g, g), groups[g], as_of) for g in sorted(groups)},
        "total": _group_row("", live, as_of),
    }


def categories(tickets: Sequence[Countable], period: Period, as_of: datetime, names: dict[str, str]) -> dict[str, Any]:
    return grouped("categories", lambda t: t.category, tickets, period, as_of, names)


def channels(tickets: Sequence[Countable], period: Period, as_of: datetime) -> dict[str, Any]:
    return grouped("channels", lambda t: t.channel, tickets, period, as_of, {})


def _callback_row(evs: list[TicketEvent]) -> dict[str, Any]:
    results = Counter(e.result for e in evs)
    handlers = Counter(e.handler for e in evs)
    per_ticket = Counter(e.serial for e in evs)
    sat, conf = satisfaction_counts(e.result for e in evs)
    reached = sum(1 for e in evs if not (e.result == "unconfirmed" and e.handler == "unconfirmed"))
    return {
        "attempts": len(evs), "tickets": len(per_ticket), "reached": reached,
        "results": {r: results.get(r, 0) for r in RESULTS}, "handler": {r: handlers.get(r, 0) for r in RESULTS},
        "tickets_by_attempts": {"1": sum(n == 1 for n in per_ticket.values()), "2": sum(n == 2 for n in per_ticket.values()),
                                "3+": sum(n >= 3 for n in per_ticket.values())},
        "satisfaction": rate(sat / conf if conf else None, sat, conf, DEFINITIONS["satisfaction"] + " (per callback made)"),
    }


def callbacks(events: Sequence[TicketEvent], period: Period, names: dict[str, str]) -> dict[str, Any]:
    """The callbacks (回访) made in ``period``: ``events`` are the period's (``TicketStore.events``
    with ``of_registered=False``); the callback ones are counted, in total and per department."""
    cbs = [e for e in events if e.kind == "callback"]
    by_dep: dict[str, list[TicketEvent]] = defaultdict(list)
    for e in cbs:
        by_dep[e.department or "—"].append(e)
    return {
        "report": "callbacks", "period": period.as_dict(),
        "definitions": {"population": "callback attempts (回访) recorded in the period, whenever the ticket was registered",
                        "attempts": "callback attempts recorded", "tickets": "tickets with at least one attempt",
                        "reached": "attempts with an answer about the handler or the result (not both 'unconfirmed')",
                        "satisfaction": DEFINITIONS["satisfaction"] + " (per callback made)",
                        "source": "docs/kpi.md; hotline_tui/tickets/figures.py satisfaction_counts"},
        "total": _callback_row(cbs),
        "departments": {d: {"name": names.get(d, d), **_callback_row(by_dep[d])} for d in sorted(by_dep)},
    }
