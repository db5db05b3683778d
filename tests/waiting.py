"""Waiting in tests: on a condition, with a deadline, never for a fixed time.

``wait_until`` polls ``predicate`` until it returns something truthy and returns that value;
when ``timeout`` seconds pass first it raises AssertionError naming ``what`` it waited for
(and what it last saw: ``show()`` as text, else the predicate's last value). ``wait_until_async`` is the same for the event loop:
it yields with ``await sleep(interval)`` between looks (pass ``sleep=pilot.pause`` inside a
Textual pilot so the app gets to run). The deadline is on the monotonic clock; the interval
is only how often to look, never a wait the test relies on.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")


def _failure(what: str, timeout: float, last: object, show: Callable[[], object] | None) -> AssertionError:
    if show is not None:
        seen = f"\nlast seen:\n{show()}"          # as text: a screen prints as a screen
    elif last is not None and last is not False:
        seen = f"\nlast value: {last!r}"      # an empty list or a 0 says something
    else:
        seen = ""
    return AssertionError(f"waited {timeout:g} s for {what}, in vain{seen}")


def wait_until(predicate: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.01,
               what: str = "the condition", show: Callable[[], object] | None = None) -> T:
    """Return ``predicate()``'s first truthy value; raise AssertionError after ``timeout`` s.
    Blocks the calling thread (sleeps ``interval`` between looks)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise _failure(what, timeout, value, show)
        time.sleep(interval)


async def wait_until_async(predicate: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.01,
                           what: str = "the condition", show: Callable[[], object] | None = None,
                           sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> T:
    """``wait_until`` for coroutines: awaits ``sleep(interval)`` between looks, so the event
    loop (and whatever the test waits for) keeps running. Raises AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise _failure(what, timeout, value, show)
        await sleep(interval)
