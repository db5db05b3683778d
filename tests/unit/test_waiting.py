"""tests/waiting.py: the shared wait-on-a-condition helpers the slower tests rely on."""

from __future__ import annotations

import pytest

from tests.waiting import wait_until, wait_until_async


def counter_true_on(n: int):
    calls = []

    def predicate():
        calls.append(1)
        return len(calls) if len(calls) >= n else 0
    return predicate, calls


def test_returns_the_first_truthy_value_and_stops_looking():
    predicate, calls = counter_true_on(3)
    assert wait_until(predicate, timeout=60, interval=0) == 3
    assert len(calls) == 3


def test_a_condition_never_met_fails_naming_what_it_waited_for_and_the_last_value():
    with pytest.raises(AssertionError, match=r"waited 0 s for the queue to empty, in vain\nlast value: \[\]"):
        wait_until(lambda: [], timeout=0, what="the queue to empty")


def test_show_describes_what_was_seen_instead():
    with pytest.raises(AssertionError, match="last seen:\nscreen text"):
        wait_until(lambda: False, timeout=0, what="x", show=lambda: "screen text")


async def test_async_version_yields_through_the_given_sleep():
    predicate, calls = counter_true_on(4)
    slept = []

    async def sleep(interval):
        slept.append(interval)
    assert await wait_until_async(predicate, timeout=60, interval=0.5, sleep=sleep) == 4
    assert slept == [0.5, 0.5, 0.5]                    # one pause between each pair of looks


async def test_async_version_times_out_with_the_same_message():
    with pytest.raises(AssertionError, match="waited 0 s for the link to come up, in vain"):
        await wait_until_async(lambda: None, timeout=0, what="the link to come up")
