"""The live picture as a viewer may see it: callers' numbers and names masked for roles without
``personal_data.view`` (issue 14: every screen masked, in one place).

The switch reports every caller's number in full; ``LiveState.snapshot`` keeps it that way
(KPIs, callbacks and the switch actions need it). What is handed to the screens goes through
``mask_snapshot`` first (``ConsoleServices.snapshot``), so no screen masks — or forgets to
mask — by itself. Text the console collects for the engineer view (errors that may quote a
number) is masked with ``access.mask_text`` the same way.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .access import User, mask_name, mask_phone, mask_text, sees_personal_data
from .live.views import AgentView, CallView, LiveSnapshot, QueueView, WaitingCaller


#: A caller id that is a number only (digits, a leading +, dashes, spaces): masked as a phone.
_PLAIN_NUMBER = re.compile(r"\+?[\d\- ]+")


def mask_number(number: str, viewer: User | None) -> str:
    """A caller id from the switch masked for ``viewer``: a plain number as a phone
    (``13812341234`` → ``138****1234``, ``029-88123456`` → ``029****3456``), the numbers inside
    any other id (``sip:13812341234@carrier``) as in free text. Never blocks."""
    if not number or sees_personal_data(viewer):
        return number
    if _PLAIN_NUMBER.fullmatch(number):
        return mask_phone(number, viewer)
    return mask_text(number, viewer)


def _waiting(c: WaitingCaller, viewer: User | None) -> WaitingCaller:
    return replace(c, caller_number=mask_number(c.caller_number, viewer), caller_name=mask_name(c.caller_name, viewer))


def _queue(q: QueueView, viewer: User | None) -> QueueView:
    return replace(q, callers=tuple(_waiting(c, viewer) for c in q.callers)) if q.callers else q


def _agent(a: AgentView, viewer: User | None) -> AgentView:
    return replace(a, caller_number=mask_number(a.caller_number, viewer)) if a.caller_number else a


def _call(c: CallView, viewer: User | None) -> CallView:
    return replace(c, caller_number=mask_number(c.caller_number, viewer), caller_name=mask_name(c.caller_name, viewer))


def mask_snapshot(snap: LiveSnapshot, viewer: User | None) -> LiveSnapshot:
    """``snap`` with every caller's number and name masked for ``viewer`` (waiting callers,
    agents' current callers, calls); ``snap`` itself when ``viewer`` may see personal data.
    Keys (uuids, agent and queue names) and figures are unchanged. Never blocks."""
    if sees_personal_data(viewer):
        return snap
    return replace(snap, queues=tuple(_queue(q, viewer) for q in snap.queues),
                   agents=tuple(_agent(a, viewer) for a in snap.agents),
                   calls=tuple(_call(c, viewer) for c in snap.calls))
