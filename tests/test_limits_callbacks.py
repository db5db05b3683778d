"""Abandoned-call callback tasks (呼损回拨): the note and the agent a task is given to have
limits too, checked before the store is asked; on both stores."""

from __future__ import annotations

import pytest

from hotline_tui.access import load_access
from hotline_tui.calls import AGENT_MAX, CALLBACK_NOTE_MAX, CallbackService
from hotline_tui.calls_port import AgentPresence, CallbackTask
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError


@pytest.fixture
def env(store):
    access = load_access(DEMO_DIR)
    svc = CallbackService(store.calls, access, FixedClock("2026-11-23T10:30:00+08:00"))
    task_id = store.calls.add_callback(CallbackTask(0, "m1", "general@12345", "13800000001", "王", 1795402800.0,
                                                    "1001", "open", "", 1795402800.0))
    store.calls.save_presence([AgentPresence("fs1", "1002", "Available", 1795402800.0)])   # reassign checks it
    return svc, access.user("duty"), task_id, store


def test_a_note_at_the_limit_is_kept_one_more_is_refused(env):
    svc, duty, task_id, store = env
    with pytest.raises(ValidationError) as exc:
        svc.complete(duty, task_id, "回" * (CALLBACK_NOTE_MAX + 1))
    assert str(exc.value) == f"note is too long: {CALLBACK_NOTE_MAX + 1} characters, at most {CALLBACK_NOTE_MAX}"
    assert store.calls.callback(task_id).state == "open"
    done = svc.complete(duty, task_id, "回" * CALLBACK_NOTE_MAX)
    assert store.calls.callback(task_id).note == "回" * CALLBACK_NOTE_MAX and done.state == "done"


def test_the_agent_name_has_a_limit(env):
    svc, duty, task_id, store = env
    with pytest.raises(ValidationError, match=f"agent is too long: .* at most {AGENT_MAX}"):
        svc.reassign(duty, task_id, "1" * (AGENT_MAX + 1))
    assert store.calls.callback(task_id).assigned_to == "1001"
    assert svc.reassign(duty, task_id, "1002").assigned_to == "1002"
