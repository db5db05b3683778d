"""Ticket figures (工单指标): the one implementation of each, defined in docs/kpi.md.

Every rate is ``numerator / denominator`` as a float 0..1, or None when the denominator is
zero (shown as '—', never as 0 % or 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Ticket


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


def compute(tickets: Iterable[Ticket], now) -> TicketFigures:
    """Figures over ``tickets`` (e.g. those registered in a shift, day or month) as of ``now``."""
    reg = spot = disp = 0
    ack_n = ack_d = h_n = h_d = cb_n = cb_d = returned = sat_n = sat_d = 0
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
            done = t.callback_attempts > 0 and t.callback_result in ("satisfied", "unsatisfied")
            if done:
                cb_d += 1
                cb_n += (t.updated_at or now) <= t.callback_due
            elif now > t.callback_due:
                cb_d += 1
        if t.callback_result in ("satisfied", "unsatisfied"):
            sat_d += 1
            sat_n += t.callback_result == "satisfied"
    return TicketFigures(reg, spot, disp, _rate(ack_n, ack_d), _rate(h_n, h_d), _rate(cb_n, cb_d),
                         _rate(returned, disp), _rate(sat_n, sat_d), _rate(spot, reg))
