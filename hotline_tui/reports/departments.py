"""The department report (部门办理情况): per department, acknowledge / handle / callback on-time
rates, returns and wrong returns (错退率), extensions, urges and satisfaction.

The population is the tickets registered in the period (docs/kpi.md, "Ticket figures"; merged
ones left out), as of ``as_of``. The on-time and satisfaction rates are
``hotline_tui.tickets.figures.counts`` over the tickets whose lead department is the department
now; returns, wrong returns, extensions and urges are the department events of those tickets
(``hotline_tui.tickets.events``), each counted for the department it names — so a ticket that
unit A returned and the centre re-dispatched to B counts A's return for A and B's handling for B.
Pure: the caller reads the tickets and events. Never blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from ..tickets.events import EventTally
from ..tickets.figures import TicketCounts, counts
from ..tickets.model import Ticket, TicketFacts
from .figures import rate
from .period import Period

#: The rule of each figure, as the JSON states it (one definition each: docs/kpi.md).
DEFINITIONS = {
    "population": "tickets registered in the period, merged ones left out (docs/kpi.md, Ticket figures)",
    "acknowledged_on_time": "acknowledged by the lead unit ≤ ack_due ÷ (acknowledged + not acknowledged and past ack_due)",
    "handled_on_time": "replied ≤ handle_due (after extensions and pauses) ÷ (replied + not replied and past handle_due)",
    "callback_on_time": "callbacks with a confirmed answer made ≤ callback_due ÷ (those + not done and past callback_due)",
    "satisfaction": "callbacks satisfied about the result ÷ callbacks satisfied + unsatisfied",
    "return_rate": "tickets the department returned ÷ tickets dispatched to it (退单率)",
    "wrong_return_rate": "returns the centre rejected as wrong ÷ returns the centre reviewed (accepted + wrong) (错退率)",
    "extensions": "extensions approved", "urges": "urges, manual and automatic (催办)",
    "department": "on-time and satisfaction: the lead department now; returns, extensions, urges: the department "
                  "each event names",
    "source": "docs/kpi.md; hotline_tui/tickets/figures.py counts; hotline_tui/tickets/events.py",
}


@dataclass
class _Tally:
    """A department's event counts, from the store's ``EventTally`` rows."""

    dispatched: int = 0          # distinct tickets dispatched to it
    returns: int = 0
    returned: int = 0            # distinct tickets it returned
    accepted: int = 0
    wrong: int = 0
    extensions: int = 0
    urges: int = 0
    urged: int = 0               # distinct tickets urged

    def add(self, e: EventTally) -> None:
        if e.kind == "dispatch":
            self.dispatched = e.tickets
        elif e.kind == "return":
            self.returns, self.returned = e.events, e.tickets
        elif e.kind == "return_accepted":
            self.accepted = e.events
        elif e.kind == "wrong_return":
            self.wrong = e.events
        elif e.kind == "extension":
            self.extensions = e.events
        elif e.kind == "urge":
            self.urges, self.urged = e.n, e.tickets


def rates_of(c: TicketCounts) -> dict[str, Any]:
    """The four ticket-field rates of ``c`` as JSON rates (shared with the assessment and the
    category and channel reports)."""
    return {
        "acknowledged_on_time": rate(c.figures().ack_on_time, c.ack_on_time, c.ack_due, DEFINITIONS["acknowledged_on_time"]),
        "handled_on_time": rate(c.figures().handle_on_time, c.handle_on_time, c.handle_due, DEFINITIONS["handled_on_time"]),
        "callback_on_time": rate(c.figures().callback_on_time, c.callback_on_time, c.callback_due,
                                 DEFINITIONS["callback_on_time"]),
        "satisfaction": rate(c.figures().satisfaction, c.satisfied, c.confirmed, DEFINITIONS["satisfaction"]),
    }


def _row(name: str, c: TicketCounts, k: _Tally) -> dict[str, Any]:
    dispatched, returned = k.dispatched, min(k.returned, k.dispatched)
    reviewed = k.accepted + k.wrong
    return {
        "name": name, "dispatched": dispatched, **rates_of(c),
        "returns": k.returns, "returned_tickets": k.returned, "returns_accepted": k.accepted, "wrong_returns": k.wrong,
        "return_rate": rate(returned / dispatched if dispatched else None, returned, dispatched, DEFINITIONS["return_rate"]),
        "wrong_return_rate": rate(k.wrong / reviewed if reviewed else None, k.wrong, reviewed, DEFINITIONS["wrong_return_rate"]),
        "extensions": k.extensions, "urges": k.urges, "urged_tickets": k.urged,
    }


Countable = Ticket | TicketFacts


def live_tickets(tickets: Iterable[Countable]) -> list[Countable]:
    return [t for t in tickets if t.state != "merged"]


def departments(tickets: Sequence[Countable], tallies: Sequence[EventTally], period: Period, as_of: datetime,
                names: dict[str, str]) -> dict[str, Any]:
    """The report as JSON-able data (schema in docs/reports.md). ``tickets``: registered in
    ``period`` (``TicketStore.facts``); ``tallies``: their events counted per department and
    kind (``TicketStore.event_tallies``); ``names``: department code -> name (the catalogue)."""
    live = live_tickets(tickets)
    by_dep: dict[str, list[Countable]] = defaultdict(list)
    for t in live:
        if t.department:
            by_dep[t.department].append(t)
    kept: dict[str, _Tally] = defaultdict(_Tally)
    for e in tallies:
        kept[e.department].add(e)
    total = kept.pop("", _Tally())
    codes = sorted(set(by_dep) | set(kept))
    return {
        "report": "departments", "period": period.as_dict(), "as_of": as_of.isoformat(), "definitions": DEFINITIONS,
        "departments": {d: _row(names.get(d, d), counts(by_dep.get(d, []), as_of), kept.get(d, _Tally())) for d in codes},
        "total": _row("", counts([t for t in live if t.department], as_of), total),
    }
