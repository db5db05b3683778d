"""Supervisor call control (issue 18): the permission and the rules are checked before the
switch is touched, nothing is audited when the switch is not reached, and hang-up reasons come
from desk.yaml. The port is the real adapter with no switch behind it: reaching it is a LinkError."""

import asyncio
from dataclasses import replace

import pytest

from backends.freeswitch.port import SwitchCluster
from hotline_tui.access import load_access
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, LinkError, PermissionDenied, ValidationError
from hotline_tui.supervisor import DEFAULT_HANGUP_REASONS, Supervisor, load_hangup_reasons
from tests.fakes import FakeStore


def rig():
    store = FakeStore()
    sup = Supervisor(SwitchCluster([], lambda e: None), load_access(DEMO_DIR), store.audit, FixedClock())
    return sup, store


def test_a_role_without_calls_control_is_refused_before_the_switch():
    sup, store = rig()
    qa = sup.access.user("qa")
    for call in (sup.pick_up(qa, "s1", "q"), sup.move_caller(qa, "s1", "q", "q2"),
                 sup.raise_priority(qa, "s1", "q", 900), sup.hangup(qa, "s1", reason="silent"),
                 sup.transfer(qa, "s1", "1902")):
        with pytest.raises(PermissionDenied):
            asyncio.run(call)
    assert store.audit.recent() == []


def test_rules_before_the_switch_and_nothing_audited_when_it_is_not_reached():
    sup, store = rig()
    duty = sup.access.user("duty")
    with pytest.raises(ValidationError, match="hangup_reasons"):
        asyncio.run(sup.hangup(duty, "s1", reason="bored", reasons=["silent", "test"]))
    with pytest.raises(ValidationError, match="not above"):
        asyncio.run(sup.raise_priority(duty, "s1", "q", 100, before=600))
    with pytest.raises(ValidationError, match="no phone"):
        asyncio.run(sup.pick_up(replace(duty, contact=""), "s1", "q"))
    with pytest.raises(LinkError):                    # allowed and valid: it reaches the (absent) switch
        asyncio.run(sup.pick_up(duty, "s1", "q"))
    assert store.audit.recent() == []


def test_hangup_reasons_from_desk_yaml(tmp_path):
    demo = load_hangup_reasons(DEMO_DIR)
    assert [r.code for r in demo] == ["abusive", "silent", "test", "stuck"]
    assert load_hangup_reasons(tmp_path) == DEFAULT_HANGUP_REASONS          # no desk.yaml
    (tmp_path / "desk.yaml").write_text("not_ready_reasons:\n  - {code: break, zh: 小休, en: Break}\n")
    assert load_hangup_reasons(tmp_path) == DEFAULT_HANGUP_REASONS          # no hangup_reasons key
    (tmp_path / "desk.yaml").write_text("not_ready_reasons:\n  - {code: break, zh: 小休, en: Break}\n"
                                        "hangup_reasons:\n  - {code: x, zh: 甲, en: X}\n  - {code: x, zh: 乙, en: Y}\n")
    with pytest.raises(ConfigError, match=r"desk.yaml:5.*hangup_reasons.*appears twice"):
        load_hangup_reasons(tmp_path)
