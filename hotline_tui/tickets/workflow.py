"""The ticket life cycle as a table: which action is legal in which state, and where it leads.

``None`` as target means "stays in the same state" (urge, link, supplement, co-unit ack).
Rendered into docs/tickets.md; ``check`` raises IllegalTransition naming state and action.
"""

from __future__ import annotations

from ..errors import IllegalTransition

OPEN_HANDLING = ("dispatched", "handling", "extension_requested", "waiting_supplement")

#: action -> (states it is legal in or None for any, resulting state or None, permission needed)
TRANSITIONS: dict[str, tuple[tuple[str, ...] | None, str | None, str]] = {
    "answer": (("registered",), "closed", "tickets.register"),                 # 当即答复结案
    "triage": (("registered", "triaged"), "triaged", "tickets.triage"),                  # 分理
    "dispatch": (("registered", "triaged"), "dispatched", "tickets.dispatch"),  # 派单
    "ack": (("dispatched", "handling"), "handling", "tickets.department"),      # 签收
    "return": (("dispatched", "handling"), "returned", "tickets.department"),   # 退单
    "redispatch": (("returned",), "dispatched", "tickets.dispatch"),           # 退单审核: return accepted
    "reject_return": (("returned",), "dispatched", "tickets.review"),          # 退单审核: wrong return
    "extend": (("handling",), "extension_requested", "tickets.department"),    # 延期申请
    "approve_extension": (("extension_requested",), "handling", "tickets.extension"),
    "refuse_extension": (("extension_requested",), "handling", "tickets.extension"),
    "pause": (("handling",), "waiting_supplement", "tickets.department"),      # 待市民补充材料
    "resume": (("waiting_supplement",), "handling", "tickets.department"),
    "reply": (("handling", "extension_requested"), "replied", "tickets.department"),  # 反馈/回单
    "accept_reply": (("replied",), "callback_pending", "tickets.review"),      # 回单审核 通过
    "send_back": (("replied",), "handling", "tickets.review"),                 # 回单审核 退回
    "callback": (("callback_pending",), None, "tickets.callback"),             # 回访 (target by result)
    "reopen": (("called_back", "closed", "archived"), "triaged", "tickets.reopen"),  # 重办
    "archive": (("called_back", "closed", "callback_pending", "todo"), "archived", "tickets.archive"),
    "urge": (OPEN_HANDLING + ("returned", "replied"), None, "tickets.urge"),   # 催办
    "link": (None, None, "tickets.link"),                                      # any state
    "merge": (("registered", "triaged", "dispatched", "handling", "todo"), "merged", "tickets.link"),  # 并单
    "supplement": (None, None, "tickets.supplement"),                          # 补填, any state
    "complete_todo": (("todo",), "archived", "tickets.register"),
    "escalate": (("dispatched", "handling", "extension_requested", "returned", "replied", "callback_pending"),
                 None, "tickets.urge"),                                        # 预警/超期/自动催办/督办
}

STATES = (
    "registered", "closed", "todo", "triaged", "dispatched", "handling", "returned",
    "extension_requested", "waiting_supplement", "replied", "callback_pending", "called_back",
    "archived", "merged",
)
TERMINAL = ("archived", "merged")
#: states in which a department is expected to act — the ones the overdue list is about
ACTIVE = ("dispatched", "handling", "extension_requested", "waiting_supplement", "returned", "replied",
          "callback_pending")


def check(state: str, action: str) -> tuple[str | None, str]:
    """Return (target state or None, permission). Raises IllegalTransition. Never blocks."""
    try:
        states, target, permission = TRANSITIONS[action]
    except KeyError:
        raise IllegalTransition(state, action) from None
    if states is not None and state not in states:
        raise IllegalTransition(state, action)
    if state == "merged" and action not in ("supplement", "link"):
        raise IllegalTransition(state, action)
    return target, permission


def permission_for(action: str) -> str:
    """The permission ``action`` needs. Raises IllegalTransition for an unknown action."""
    if action not in TRANSITIONS:
        raise IllegalTransition("any", action)
    return TRANSITIONS[action][2]


def clock_for(state: str) -> str | None:
    """Which SLA clock runs in ``state`` (None: no clock, e.g. closed, paused)."""
    return {
        "dispatched": "acknowledge", "handling": "handle", "extension_requested": "handle",
        "returned": "review", "replied": "review", "callback_pending": "callback",
    }.get(state)
