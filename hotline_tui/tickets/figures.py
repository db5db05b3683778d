"""Ticket figures (工单指标): the one implementation of each, defined in docs/kpi.md.

Every rate is ``numerator / denominator`` as a float 0..1, or None when the denominator is
zero (shown as '—', never as 0 % or 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Ticket, TicketFacts


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(frozen=True)
class TicketFigures:
    registered: int
    answered_on_spot: int
    dispatched: int
    ack_on_time: float | None        # acknowledged by the ack deadline ÷ acknowledged or past the deadline
    handle_on_time: float | None     # replied by the handle deadline ÷ replied or past the deadline
    callback_on_time: float | None   # called back by the callback deadline ÷ called back or past it
    return_rate: float | None        # tickets returned at least once ÷ dispatched
    satisfaction: float | None       # satisfied about the result ÷ callbacks with a confirmed answer
    on_spot_rate: float | None       # answered on the spot ÷ registered


@dataclass(frozen=True)
class TicketCounts:
    """The numerators and denominators behind ``TicketFigures`` (what a report's JSON shows)."""

    registered: int = 0
    answered_on_spot: int = 0
    dispatched: int = 0
    ack_on_time: int = 0             # acknowledged by ack_due
    ack_due: int = 0                 # acknowledged + not acknowledged and past ack_due
    handle_on_time: int = 0
    handle_due: int = 0
    callback_on_time: int = 0
    callback_due: int = 0
    returned: int = 0                # dispatched tickets returned at least once
    satisfied: int = 0
    confirmed: int = 0               # callbacks satisfied + unsatisfied about the result

    def figures(self) -> TicketFigures:
        return TicketFigures(self.registered, self.answered_on_spot, self.dispatched,
                             _rate(self.ack_on_time, self.ack_due), _rate(self.handle_on_time, self.handle_due),
                             _rate(self.callback_on_time, self.callback_due), _rate(self.returned, self.dispatched),
                             _rate(self.satisfied, self.confirmed), _rate(self.answered_on_spot, self.registered))


#: Callback answers that count for the satisfaction rate ("could not confirm" does not).
CONFIRMED = ("satisfied", "unsatisfied")


def satisfaction_counts(results: Iterable[str]) -> tuple[int, int]:
    """(satisfied, confirmed) over callback results about the result: the satisfaction rate's
    numerator and denominator (docs/kpi.md)."""
    sat = conf = 0
    for r in results:
        if r in CONFIRMED:
            conf += 1
            sat += r == "satisfied"
    return sat, conf


def counts(tickets: Iterable[Ticket | TicketFacts], now) -> TicketCounts:
    """The counts over ``tickets`` (e.g. those registered in a shift, day or month) as of ``now``."""
    reg = spot = disp = 0
    ack_n = ack_d = h_n = h_d = cb_n = cb_d = returned = 0
    results: list[str] = []
    for t in tickets:
        if t.state == "merged":
            continue
        reg += 1
        if t.answer and not t.department:
            spot += 1
        if t.department:
            disp += 1
            returned += t.returns > 0
        if t.ack_due:
            if t.acknowledged_at:
                ack_d += 1
                ack_n += t.acknowledged_at <= t.ack_due
            elif now > t.ack_due:
                ack_d += 1
        if t.handle_due:
            if t.replied_at:
                h_d += 1
                h_n += t.replied_at <= t.handle_due
            elif now > t.handle_due:
                h_d += 1
        if t.callback_due:
            done = t.callback_attempts > 0 and t.callback_result in CONFIRMED
            if done:
                cb_d += 1
                # callback_at: when the callback was made (tickets called back before it was
                # recorded, and not backfilled from the audit log, fall back to the last change)
                cb_n += (t.callback_at or t.updated_at or now) <= t.callback_due
            elif now > t.callback_due:
                cb_d += 1
        results.append(t.callback_result)
    sat, conf = satisfaction_counts(results)
    return TicketCounts(reg, spot, disp, ack_n, ack_d, h_n, h_d, cb_n, cb_d, returned, sat, conf)


def compute(tickets: Iterable[Ticket], now) -> TicketFigures:
    """Figures over ``tickets`` (e.g. those registered in a shift, day or month) as of ``now``."""
    return counts(tickets, now).figures()
