"""One way for the screens to run a service call off the UI loop, and one wording for failures.

``run_call(node, call, then=...)`` runs a blocking call in a worker thread (or awaits a
coroutine, for the supervisor's switch actions) and hands the result to ``then`` on the UI
loop. Nothing is caught by default: a failed call fails its worker, which never exits the app
(``exit_on_error=False``), and the App's one ``Worker.StateChanged`` handler shows
``failure_text`` — a typed error's own line, a bug's type and message — as a notification and
in the engineer view's error list.
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable

from textual.dom import DOMNode
from textual.worker import Worker

from hotline_tui.errors import HotlineError

MAX_LINE = 300


class CallWorker(Worker[None]):
    """A worker started by ``run_call``. Textual posts a worker's state changes to the node that
    started it and does not bubble them; this one's bubble up the DOM to the App, so one handler
    there sees every screen's and widget's failures."""

    class StateChanged(Worker.StateChanged, bubble=True, namespace="worker"):
        """A CallWorker's state changed (bubbles; handled as ``on_worker_state_changed``)."""

    refused = False     # a typed error reads "Refused: …" (an action the user asked for)


def run_call(node: DOMNode, call: Callable[[], Any] | Awaitable[Any], *,
             then: Callable[[Any], object] | None = None,
             on_error: Callable[[Exception], object] | None = None,
             catch: type[Exception] | tuple[type[Exception], ...] = HotlineError,
             refused: bool = False, group: str = "default", exclusive: bool = False) -> CallWorker:
    """Start a worker on ``node`` that runs ``call`` and returns at once.

    ``call`` is a function of no arguments (it blocks: it runs in a worker thread) or an
    awaitable (it runs as a task on the UI loop). ``then(result)`` runs on the UI loop after it.
    ``on_error(exc)``, when given, handles the errors ``catch`` names (typed errors by default)
    on the UI loop instead of reporting them: a screen that shows the problem in place. Any
    other error fails the worker and is reported once, by the App; ``refused`` words a typed
    error as a refusal. ``exclusive`` cancels the node's earlier workers in ``group`` (an older
    thread still finishes and still calls ``then``)."""
    app = node.app

    if inspect.isawaitable(call):
        awaitable = call

        async def run_async() -> None:
            try:
                result = await awaitable
            except catch as exc:
                if on_error is None:
                    raise
                on_error(exc)
                return
            if then is not None:
                then(result)

        work: Callable[[], Any] = run_async
        thread = False
    else:
        blocking = call

        def run_thread() -> None:
            try:
                result = blocking()
            except catch as exc:
                if on_error is None:
                    raise
                app.call_from_thread(on_error, exc)
                return
            if then is not None:
                app.call_from_thread(then, result)

        work, thread = run_thread, True
    worker = CallWorker(node, work, name=getattr(call, "__qualname__", "") or group, group=group,
                        description=f"{type(node).__name__}: {group}", exit_on_error=False, thread=thread)
    worker.refused = refused
    node.workers.add_worker(worker, start=True, exclusive=exclusive)
    return worker


def one_line(text: str) -> str:
    """``text`` on one line: whitespace runs (newlines too) become one space; cut at 300 characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"


def failure_text(exc: BaseException, tr: Callable[..., str], *, refused: bool = False) -> str:
    """The one line a failed worker shows: a typed error's own message (as a refusal when the user
    asked for an action), else — a bug, or a driver error nothing translated — type and message."""
    if isinstance(exc, HotlineError):
        text = one_line(str(exc)) or type(exc).__name__
        return tr("refused", why=text) if refused else text
    message = one_line(str(exc))
    return one_line(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)
