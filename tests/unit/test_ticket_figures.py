"""Ticket figures: one definition each, '—' (None) when nothing to divide by."""

from datetime import datetime, timedelta

from hotline_tui.clock import SITE_TZ
from hotline_tui.tickets.figures import compute
from hotline_tui.tickets.model import Ticket

T0 = datetime(2026, 11, 23, 9, tzinfo=SITE_TZ)


def tk(**kw):
    base = dict(serial="s", created_at=T0, channel="phone", caller_phone="1", content="c", category="complaint")
    base.update(kw)
    return Ticket(**base)


def test_rates():
    h = timedelta(hours=1)
    tickets = [
        tk(answer="ok"),                                                                    # on the spot
        tk(department="ZJJ", ack_due=T0 + h, acknowledged_at=T0 + h / 2,                   # ack on time
           handle_due=T0 + 10 * h, replied_at=T0 + 12 * h, returns=1,                      # handled late
           callback_due=T0 + 20 * h, callback_attempts=1, callback_result="satisfied", updated_at=T0 + 15 * h),
        tk(department="RSJ", ack_due=T0 + h),                                              # ack overdue, open
        tk(department="GJJ", ack_due=T0 + 100 * h),                                        # not yet due: not counted
        tk(state="merged", answer="x"),                                                   # merged: not counted
    ]
    f = compute(tickets, now=T0 + 30 * h)
    assert (f.registered, f.answered_on_spot, f.dispatched) == (4, 1, 3)
    assert f.ack_on_time == 0.5 and f.handle_on_time == 0.0 and f.callback_on_time == 1.0
    assert f.return_rate == 1 / 3 and f.satisfaction == 1.0 and f.on_spot_rate == 0.25


def test_nothing_to_divide_by_is_none():
    f = compute([], now=T0)
    assert f.ack_on_time is None and f.satisfaction is None and f.return_rate is None
