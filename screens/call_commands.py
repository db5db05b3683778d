"""The ':' commands for call control (issue 18): pick up, move caller, priority, transfer, hang up.

Each names its caller or agent on the line, or takes the row highlighted on the screen shown
(the waiting callers' caller, the agents table's agent), then goes through the same
``supervise`` function as its key — so it asks the same question (y / n, and the reason for a
hang-up), is permission-checked and audited by the one path. Names are resolved against the
live picture as the user sees it (masked numbers as shown):

- a caller: their number as shown, a prefix (4+ characters) of the member or channel uuid, or
  ``#N``, the N-th caller in the order of the waiting callers screen;
- an agent: the id (``1001``, or ``1001@fs2`` with several switches) — for ``transfer`` and
  ``hangup``, the call that agent is on.

A name that matches nothing, or several callers, says so in one line; nothing is sent.
"""

from __future__ import annotations

from textual.dom import DOMNode

from hotline_tui.live.views import AgentView, CallView, LiveSnapshot, WaitingCaller

from . import supervise
from .agents import AgentsScreen
from .commands import Command
from .context import ScreenContext
from .waiting import WaitingScreen

USAGE = {
    "pickup": "pickup [CALLER]", "movecaller": "movecaller QUEUE [CALLER]", "priority": "priority N [CALLER]",
    "transfer": "transfer QUEUE|EXTENSION [AGENT]", "hangup": "hangup [CALLER|AGENT]",
}


def waiting(snap: LiveSnapshot) -> list[WaitingCaller]:
    """Every waiting caller, in the waiting screen's order (queue, then position)."""
    out = [c for q in snap.queues for c in q.callers]
    out.sort(key=lambda c: (c.queue, c.position or 0, c.joined_at))
    return out


def find_caller(snap: LiveSnapshot, name: str) -> list[WaitingCaller]:
    """The waiting callers ``name`` may mean (see the module's docstring). Never blocks."""
    callers = waiting(snap)
    if name.startswith("#") and name[1:].isdigit():
        n = int(name[1:])
        return [callers[n - 1]] if 1 <= n <= len(callers) else []
    exact = [c for c in callers if name in (c.caller_number, c.member_uuid, c.session_uuid)]
    if exact or len(name) < 4:
        return exact
    return [c for c in callers if c.member_uuid.startswith(name) or c.session_uuid.startswith(name)]


def agent_of(snap: LiveSnapshot, name: str) -> AgentView | None:
    return next((a for a in snap.agents if name in (a.name, f"{a.name}@{a.node}")), None)


def call_of(snap: LiveSnapshot, agent: AgentView) -> CallView | None:
    """The call ``agent`` is on (its caller's channel known), or None."""
    call = next((c for c in snap.calls if c.uuid == agent.current_call and c.node == agent.node), None)
    return call if call is not None and call.session_uuid else None


def _selected(node: DOMNode) -> object:
    """What the screen shown has highlighted: a WaitingCaller (waiting callers), an agent row
    key (str, the agents table), or None (any other screen)."""
    screen = node.app.screen
    if isinstance(screen, (WaitingScreen, AgentsScreen)):
        return screen.current()
    return None


def _who(c: WaitingCaller) -> str:
    return c.caller_number or c.caller_name or c.member_uuid[:8]


def run(ctx: ScreenContext, node: DOMNode, cmd: Command) -> None:
    """Do the call command ``cmd`` (kind "call"): resolve its target, then the key's path."""
    action, args = cmd.name, list(cmd.agents)
    need = {"movecaller": 1, "priority": 1, "transfer": 1}.get(action, 0)
    params, names = args[:need], args[need:]
    if len(names) > 1:
        ctx.report(ctx.tr("call_usage", usage=USAGE[action]))
        return
    snap = ctx.services.snapshot()
    picked = names[0] if names else _selected(node)
    agent = agent_of(snap, picked) if isinstance(picked, str) else None
    # a hang-up names an agent (their call) or a waiting caller; transfer only an agent's call
    if action in ("pickup", "movecaller", "priority") or (action == "hangup" and agent is None):
        caller = _caller(ctx, snap, picked)
        if caller is not None:
            _on_caller(ctx, node, action, params, caller)
        return
    if agent is None:
        ctx.report(ctx.tr("call_no_target", who=picked if isinstance(picked, str) else "-", usage=USAGE[action]))
        return
    call = call_of(snap, agent)
    if call is None:
        ctx.notify(ctx.tr("no_call", agent=agent.name), severity="warning")
        return
    who = call.caller_number or call.uuid[:8]
    if action == "transfer":
        supervise.transfer(ctx, node, call.session_uuid, params[0], call.agent, who, switch=call.node or None)
    else:
        supervise.hangup(ctx, node, call.session_uuid, call.agent, who, switch=call.node or None)


def _caller(ctx: ScreenContext, snap: LiveSnapshot, picked: object) -> WaitingCaller | None:
    if isinstance(picked, WaitingCaller):
        return next((c for c in waiting(snap) if c.member_uuid == picked.member_uuid), picked)
    if not isinstance(picked, str):
        ctx.report(ctx.tr("call_no_target", who="-", usage="… CALLER"))
        return None
    found = find_caller(snap, picked)
    if len(found) != 1:
        ctx.report(ctx.tr("call_no_caller" if not found else "call_many_callers", who=picked, n=len(found)))
        return None
    return found[0]


def _on_caller(ctx: ScreenContext, node: DOMNode, action: str, params: list[str], c: WaitingCaller) -> None:
    switch = c.node or None
    if action == "pickup":
        supervise.pick_up(ctx, node, c.session_uuid, c.queue, _who(c), switch=switch)
    elif action == "movecaller":
        queue = params[0]
        known = set(ctx.services.queue_names) | {q.name for q in ctx.services.snapshot().queues}
        if queue not in known:
            ctx.report(ctx.tr("call_unknown_queue", queue=queue, queues=", ".join(sorted(known))))
            return
        supervise.move_caller(ctx, node, c.session_uuid, c.queue, queue, _who(c), switch=switch)
    elif action == "priority":
        try:
            n = int(params[0])
        except ValueError:
            ctx.report(ctx.tr("refused", why=f"priority {params[0]!r} is not a number"))
            return
        supervise.raise_priority(ctx, node, c.session_uuid, c.queue, n, c.priority, _who(c), switch=switch)
    else:
        supervise.hangup(ctx, node, c.session_uuid, "", _who(c), switch=switch)
