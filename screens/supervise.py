"""The supervisor's actions on agents: one path for the agents screen's keys and the ':' commands.

Each checks read-only and the permission first (a notification, nothing sent), then runs the
Supervisor service's coroutine in a worker (``run_call``): the service checks the permission
again, acts through the switch port and audits. Per-agent failures are reported together;
a refusal of the whole action is reported by the App's worker handler.
"""

from __future__ import annotations

from typing import Callable

from textual.dom import DOMNode

from hotline_tui.switch import AgentRef

from .context import ScreenContext
from .desk_dialogs import ChoiceScreen
from .dialogs import ConfirmScreen
from .work import run_call

Results = list[tuple[str, str | None]]     # (agent, None) done, (agent, error) not
Target = str | AgentRef                     # an agent id, or the agent on its switch (several switches)


def resolve(ctx: ScreenContext, agent: Target) -> Target:
    """``<id>@<node>`` (how the agents table keys rows with several switches, and what a ``:``
    command may say) → the agent on that node; anything else as given. An id that itself holds
    an ``@`` (``1001@default``) stays an id when the picture has such an agent."""
    if isinstance(agent, AgentRef) or "@" not in agent:
        return agent
    name, _, node = agent.rpartition("@")
    nodes = {n.node for n in ctx.services.nodes()}
    if len(nodes) > 1 and node in nodes and not ctx.services.live.nodes_of(agent):
        return AgentRef(name, node)
    return agent


def allowed(ctx: ScreenContext, permission: str) -> bool:
    """Whether the acting user may do a supervisor action now; says why not (a notification)."""
    s = ctx.services
    if s.readonly:
        ctx.notify(ctx.tr("readonly"), severity="warning")
        return False
    if s.supervisor is None or not s.user.can(permission):
        ctx.notify(ctx.tr("refused", why=permission), severity="error")
        return False
    return True


def _summarise(ctx: ScreenContext, results: Results, target: str) -> list[str]:
    failed = [f"{a}: {e}" for a, e in results if e]
    if failed:
        ctx.report(ctx.tr("refused", why="; ".join(failed[:3])))
    done = [a for a, e in results if not e]
    if done:
        names = ", ".join(done[:6]) + (f" … (+{len(done) - 6})" if len(done) > 6 else "")
        ctx.notify(ctx.tr("done", what=f"{names} → {target}"))
    return done


def set_status(ctx: ScreenContext, node: DOMNode, agents: list[Target], status: str, *,
               before: dict[str, str] | None = None, done: Callable[[list[str]], object] | None = None) -> None:
    """Set ``agents``' status (``before``: their status now, for the audit); ``done(agents set)``
    runs on the UI loop afterwards."""
    if not agents or not allowed(ctx, "agents.control"):
        return
    s = ctx.services
    assert s.supervisor is not None

    def after(results: Results) -> None:
        ok = _summarise(ctx, results, ctx.tr(status))
        if done is not None:
            done(ok)
    targets = [resolve(ctx, a) for a in agents]
    run_call(node, s.supervisor.set_status(s.user, targets, status, before), then=after, refused=True)


def move_to_queue(ctx: ScreenContext, node: DOMNode, agents: list[Target], queue: str) -> None:
    """Put ``agents`` in ``queue`` (tier level 1)."""
    if not agents or not allowed(ctx, "agents.control"):
        return
    s = ctx.services
    assert s.supervisor is not None
    run_call(node, s.supervisor.move_to_queue(s.user, [resolve(ctx, a) for a in agents], queue),
             then=lambda results: _summarise(ctx, results, queue), refused=True)


def listen(ctx: ScreenContext, node: DOMNode, agent: Target, mode: str) -> None:
    """Listen to, whisper to or barge into ``agent``'s call from the user's own phone."""
    if not allowed(ctx, "calls.listen"):
        return
    s = ctx.services
    assert s.supervisor is not None
    agent = resolve(ctx, agent)
    label = agent.label() if isinstance(agent, AgentRef) else agent
    run_call(node, s.supervisor.listen(s.user, agent, mode, s.user.contact),
             then=lambda leg: ctx.notify(ctx.tr("done", what=f"{ctx.tr(mode)} {label} ({leg[:8]})")), refused=True)


# -- asking first: the keys and the ':' commands put the same question (issue 18) ---------------
def confirm(ctx: ScreenContext, node: DOMNode, question: str, act: Callable[[], object]) -> None:
    """Ask ``question`` (y / n); ``act()`` runs only on yes."""
    node.app.push_screen(ConfirmScreen(question, "y / n"), lambda ok: ok and act())


def label_of(agents: list[str]) -> str:
    return ", ".join(agents[:6]) + (f" … (+{len(agents) - 6})" if len(agents) > 6 else "")


def ask_status(ctx: ScreenContext, node: DOMNode, agents: list[str], status: str, *,
               before: dict[str, str] | None = None, done: Callable[[list[str]], object] | None = None,
               refs: Callable[[str], Target] = lambda k: k) -> None:
    """Confirm, then ``set_status`` (the agents screen's a / b / o and ``:break``/``:avail``/``:logout``)."""
    if not agents or not allowed(ctx, "agents.control"):
        return
    q = ctx.tr("confirm_status", agents=label_of(agents), status=ctx.tr(status))
    confirm(ctx, node, q, lambda: set_status(ctx, node, [refs(k) for k in agents], status, before=before, done=done))


def ask_move(ctx: ScreenContext, node: DOMNode, agents: list[str], queue: str, *,
             refs: Callable[[str], Target] = lambda k: k) -> None:
    """Confirm, then ``move_to_queue`` (the agents screen's m and ``:move``)."""
    if not agents or not allowed(ctx, "agents.control"):
        return
    q = ctx.tr("confirm_move", agents=label_of(agents), queue=ctx.services.queue_names.get(queue, queue))
    confirm(ctx, node, q, lambda: move_to_queue(ctx, node, [refs(k) for k in agents], queue))


# -- calls: waiting callers and agents' calls ----------------------------------------------------
def _call_done(ctx: ScreenContext, what: str) -> Callable[[object], None]:
    return lambda _result: ctx.notify(ctx.tr("done", what=what))


def pick_up(ctx: ScreenContext, node: DOMNode, session: str, queue: str, who: str, *, switch: str | None) -> None:
    """Confirm, then take the waiting caller ``session`` to the user's own phone."""
    if not allowed(ctx, "calls.control"):
        return
    s = ctx.services
    assert s.supervisor is not None
    sup = s.supervisor
    q = ctx.tr("confirm_pick_up", caller=who, contact=s.user.contact or "?")
    confirm(ctx, node, q, lambda: run_call(node, sup.pick_up(s.user, session, queue, node=switch),
                                           then=_call_done(ctx, f"{who} → {s.user.contact}"), refused=True))


def move_caller(ctx: ScreenContext, node: DOMNode, session: str, queue: str, to_queue: str, who: str, *,
                switch: str | None) -> None:
    """Confirm, then move the waiting caller to ``to_queue``."""
    if not allowed(ctx, "calls.control"):
        return
    s = ctx.services
    assert s.supervisor is not None
    sup = s.supervisor
    name = s.queue_names.get(to_queue, to_queue)
    confirm(ctx, node, ctx.tr("confirm_move_caller", caller=who, queue=name),
            lambda: run_call(node, sup.move_caller(s.user, session, queue, to_queue, node=switch),
                             then=_call_done(ctx, f"{who} → {name}"), refused=True))


def raise_priority(ctx: ScreenContext, node: DOMNode, session: str, queue: str, priority: int, before: int,
                   who: str, *, switch: str | None) -> None:
    """Confirm, then give the waiting caller the base score ``priority``."""
    if not allowed(ctx, "calls.control"):
        return
    s = ctx.services
    assert s.supervisor is not None
    sup = s.supervisor
    confirm(ctx, node, ctx.tr("confirm_priority", caller=who, before=before, priority=priority),
            lambda: run_call(node, sup.raise_priority(s.user, session, queue, priority, before=before, node=switch),
                             then=_call_done(ctx, f"{who} ↑ {priority}"), refused=True))


def transfer(ctx: ScreenContext, node: DOMNode, session: str, destination: str, agent: str, who: str, *,
             switch: str | None) -> None:
    """Confirm, then transfer the call (the caller's channel ``session``) to a queue or extension."""
    if not allowed(ctx, "calls.control"):
        return
    s = ctx.services
    assert s.supervisor is not None
    sup = s.supervisor
    name = s.queue_names.get(destination, destination)
    confirm(ctx, node, ctx.tr("confirm_transfer", caller=who, agent=agent or "-", to=name),
            lambda: run_call(node, sup.transfer(s.user, session, destination, agent, node=switch),
                             then=_call_done(ctx, f"{who} → {name}"), refused=True))


def hangup(ctx: ScreenContext, node: DOMNode, session: str, agent: str, who: str, *, switch: str | None) -> None:
    """Pick a reason (desk.yaml hangup_reasons), confirm, then hang the call up."""
    if not allowed(ctx, "calls.control"):
        return
    s = ctx.services
    assert s.supervisor is not None
    sup = s.supervisor
    idx = 0 if s.lang == "zh" else 1
    labels = {r.code: (r.zh, r.en)[idx] for r in s.hangup_reasons}

    def chosen(code: str | None) -> None:
        if not code:
            return
        confirm(ctx, node, ctx.tr("confirm_hangup", caller=who, reason=labels.get(code, code)),
                lambda: run_call(node, sup.hangup(s.user, session, agent, node=switch, reason=code,
                                                  reasons=list(labels)),
                                 then=_call_done(ctx, f"{who} ✕ {labels.get(code, code)}"), refused=True))
    node.app.push_screen(ChoiceScreen(ctx.tr("hangup_reason", caller=who), list(labels.items())), chosen)
