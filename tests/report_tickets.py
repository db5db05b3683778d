"""The hand-checked ticket fixture of the department reports: November 2026 (no holiday; 1 Nov is
a Sunday), taken as of 2026-12-01 10:00. Every ticket is worked through the real TicketService
with ``at=`` (so the department events are written as the service writes them); the SLA deadlines
below are the demo policy's (acknowledge 30 min; handle: complaint 5, public 10, policy 2 working
days; callback 2 working days; a working day closes at 17:30). Every expected number is worked out
in tests/test_report_departments.py.

    T1 complaint phone  Mon 02 09:00  CGJ: dispatch 09:10 (ack due 09:40), ack 09:20 ✓; reply Wed 04
                        (handle due Mon 09 17:30) ✓; accepted Wed 04 11:00 (callback due Fri 06
                        17:30); callback Thu 05 satisfied ✓
    T2 complaint wechat Mon 02 10:00  CGJ: dispatch 10:05 (ack due 10:35), ack 11:00 ✗; urged Tue 03;
                        extension +2 working days approved Wed 04 (handle due Mon 09 → Wed 11 17:30);
                        reply Mon 16 ✗; accepted Mon 16 10:00 (callback due Wed 18 17:30); callback
                        Tue 17 unconfirmed, Fri 20 unsatisfied ✗
    T3 public phone     Tue 03 09:00  GAJ: dispatch 09:10 (handle due Tue 17 17:30); returned 09:30;
                        the centre rejects the return 10:00 (wrong return: back to GAJ, ack due
                        10:30); ack 10:20 ✓; reply Fri 06 ✓; not yet accepted (no callback clock)
    T4 policy web       Wed 04 09:00  GAJ: dispatch 09:05; returned 09:20; return accepted,
                        re-dispatched to JYJ 09:40 (ack due 10:10, handle due Fri 06 17:30); JYJ
                        never acknowledges nor replies ✗ ✗
    T5 consult phone    Thu 05 09:00  answered on the spot
    T6 complaint sms    Fri 27 09:00  CGJ: dispatch 09:00 (ack due 09:30), never acknowledged ✗;
                        handle due Fri 04 Dec: not yet due
    T7 complaint phone  Fri 30 Oct    CGJ, registered in October (outside the month): urged Mon 02
                        Nov, called back Tue 03 Nov satisfied
    T8 consult phone    Fri 06 09:00  merged into T1 (not counted)
"""

from __future__ import annotations

from datetime import datetime

from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.tickets.factory import ticket_service
from hotline_tui.tickets.service import Intake

AS_OF = "2026-12-01T10:00:00+08:00"
MONTH = "2026-11"


def at(day: int, h: int, m: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, h, m, tzinfo=SITE_TZ)


def _new(svc, user, category: str, channel: str, when: datetime, n: int):
    return svc.register(user, Intake(channel, f"1390000000{n}", f"诉求 {n}", category), at=when).serial


def fill(store) -> dict[str, str]:
    """Work the fixture through the service; returns name -> serial."""
    svc = ticket_service(store, DEMO_DIR, FixedClock(AS_OF))
    u = svc.access.user("duty")
    s: dict[str, str] = {}

    s["T7"] = t = _new(svc, u, "complaint", "phone", at(30, 9, month=10), 7)
    svc.dispatch(u, t, "CGJ", at=at(30, 9, 5, month=10))
    svc.acknowledge(u, t, at=at(30, 9, 10, month=10))
    svc.reply(u, t, "已处理", at=at(30, 15, month=10))
    svc.urge(u, t, "请尽快", at=at(2, 8, 30))
    svc.review_reply(u, t, True, at=at(2, 9))
    svc.callback(u, t, "satisfied", "satisfied", at=at(3, 9))

    s["T1"] = t = _new(svc, u, "complaint", "phone", at(2, 9), 1)
    svc.dispatch(u, t, "CGJ", at=at(2, 9, 10))
    svc.acknowledge(u, t, at=at(2, 9, 20))
    svc.reply(u, t, "已处理", at=at(4, 10))
    svc.review_reply(u, t, True, at=at(4, 11))
    svc.callback(u, t, "satisfied", "satisfied", at=at(5, 10))

    s["T2"] = t = _new(svc, u, "complaint", "wechat", at(2, 10), 2)
    svc.dispatch(u, t, "CGJ", at=at(2, 10, 5))
    svc.acknowledge(u, t, at=at(2, 11))
    svc.urge(u, t, "市民再次来电", at=at(3, 9))
    svc.request_extension(u, t, 2, "需现场勘查", at=at(4, 9))
    svc.approve_extension(u, t, at=at(4, 10))
    svc.reply(u, t, "已处理", at=at(16, 9))
    svc.review_reply(u, t, True, at=at(16, 10))
    svc.callback(u, t, "unconfirmed", "unconfirmed", at=at(17, 10))
    svc.callback(u, t, "unsatisfied", "unsatisfied", at=at(20, 10))

    s["T3"] = t = _new(svc, u, "public", "phone", at(3, 9), 3)
    svc.dispatch(u, t, "GAJ", at=at(3, 9, 10))
    svc.return_ticket(u, t, "不属本单位职责", at=at(3, 9, 30))
    svc.reject_return(u, t, "属公安职责", at=at(3, 10))
    svc.acknowledge(u, t, at=at(3, 10, 20))
    svc.reply(u, t, "已处理", at=at(6, 10))

    s["T4"] = t = _new(svc, u, "policy", "web", at(4, 9), 4)
    svc.dispatch(u, t, "GAJ", at=at(4, 9, 5))
    svc.return_ticket(u, t, "属教育局", at=at(4, 9, 20))
    svc.redispatch(u, t, "JYJ", at=at(4, 9, 40))

    s["T5"] = svc.register_and_answer(u, Intake("phone", "13900000005", "诉求 5", "consult"), "已答复", at=at(5, 9)).serial

    s["T6"] = t = _new(svc, u, "complaint", "sms", at(27, 9), 6)
    svc.dispatch(u, t, "CGJ", at=at(27, 9))

    s["T8"] = t = _new(svc, u, "consult", "phone", at(6, 9), 8)
    svc.merge(u, t, s["T1"], at=at(6, 9, 5))
    return s
