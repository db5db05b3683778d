"""``hotline callbacks list|assign|result``: the callback tasks (呼损回拨) from the shell, with
the console's permissions and audit (docs/callbacks.md). ``assign`` checks the agent against
the agent presence that consoles and ``hotline record`` write to the store (it must exist,
be logged in, and have been seen within desk.yaml ``callbacks.presence_fresh_s``)."""

from __future__ import annotations

import click

from ..access import load_access
from ..callback_desk import CallbackDesk, WorkItem, load_callback_settings
from ..calls import CallbackService
from ..clock import SITE_TZ, SystemClock
from ..tickets.factory import ticket_service
from . import ranges
from .common import as_option, echo, emit_json, one_line_errors, wiring

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
STATES = ("open", "done", "cancelled", "unreachable", "all")


def _services():
    w = wiring()
    store = w.open_store()
    clock = SystemClock()
    access = load_access(w.config_dir)
    cb = load_callback_settings(w.config_dir)
    svc = CallbackService(store.calls, access, clock, fresh_s=cb.presence_fresh_s)
    desk = CallbackDesk(store.calls, ticket_service(store, w.config_dir, clock), access, clock, cb, store.audit)
    return svc, desk, access.user(w.as_user)


def _when(epoch: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(epoch, SITE_TZ).strftime("%m-%d %H:%M") if epoch else "—"


def _task_row(t) -> dict:
    return {"id": t.id, "caller_number": t.caller_number, "caller_name": t.caller_name, "queue": t.queue,
            "abandoned_at": t.abandoned_at, "assigned_to": t.assigned_to, "state": t.state, "attempts": t.attempts,
            "due_at": t.due_at, "note": t.note, "version": t.version}


@click.group()
def callbacks():
    """Callbacks (呼损回拨 / 回访): list, assign, record a result."""


@callbacks.command("list")
@click.option("--state", type=click.Choice(STATES), default="open", show_default=True)
@click.option("--mine", is_flag=True, help="The acting agent's callbacks due now (the desk's F8 list), tickets too.")
@json_option
@as_option
@one_line_errors
def list_(state: str, mine: bool, as_json: bool) -> None:
    """Callback tasks (numbers masked for the acting role)."""
    svc, desk, user = _services()
    if mine:
        items = desk.mine(user)
        if as_json:
            emit_json([vars(i) for i in items])
            return
        for i in items:
            echo(f"{i.kind:<9} {i.ref:<16} {i.number:<14} {i.where:<16} {_when(i.since)}  tries {i.attempts}  {i.name}")
        echo(f"{len(items)} due", err=True)
        return
    tasks = svc.list(user, None if state == "all" else state)
    if as_json:
        emit_json([_task_row(t) for t in tasks])
        return
    for t in tasks:
        echo(f"{t.id:>6}  {t.state:<11} {t.caller_number:<14} {t.queue:<16} {_when(t.abandoned_at)}  "
             f"{t.assigned_to or '—':<6} tries {t.attempts}")
    echo(f"{len(tasks)} task(s)", err=True)


@callbacks.command("assign")
@click.argument("task_id", type=ranges.ROW_ID)
@click.argument("agent")
@click.option("--expect-version", "expected", type=ranges.VERSION,
              help="Fail with a conflict unless the task is still at this version.")
@json_option
@as_option
@one_line_errors
def assign(task_id: int, agent: str, expected: int | None, as_json: bool) -> None:
    """Give an open task to AGENT (an agent on the switch, logged in; audited)."""
    svc, _desk, user = _services()
    t = svc.reassign(user, task_id, agent.strip(), expected_version=expected)
    if as_json:
        emit_json(_task_row(t))
    else:
        echo(f"callback task {t.id} assigned to {t.assigned_to} (version {t.version})")


@callbacks.command("result")
@click.argument("ref")
@click.argument("result")
@click.option("--ticket", is_flag=True, help="REF is a ticket serial: record its callback (回访).")
@click.option("--note", default="", help="What the citizen said.")
@click.option("--call-id", default="", help="The callback call's uuid.")
@json_option
@as_option
@one_line_errors
def result(ref: str, result: str, ticket: bool, note: str, call_id: str, as_json: bool) -> None:
    """Record one attempt at a callback: RESULT is a desk.yaml result (reached, no_answer, …)
    for a task, satisfied / unsatisfied / unconfirmed for a ticket."""
    _svc, desk, user = _services()
    item: WorkItem = desk.item(user, "ticket" if ticket else "abandoned", ref)
    state = desk.record(user, item, result, note, call_id)
    if as_json:
        emit_json({"kind": item.kind, "ref": item.ref, "result": result, "state": state, "attempt": item.attempts + 1})
    else:
        echo(f"{'ticket' if ticket else 'callback task'} {item.ref}: {result} recorded, now {state}")
