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
