"""Users, roles and permissions from config; masking of personal data."""

import pytest

from hotline_tui.access import load_access, mask_name, mask_phone
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError, NotFound, PermissionDenied


def test_demo_roles_grant_and_refuse():
    acc = load_access(DEMO_DIR)
    duty, oncall = acc.user(None), acc.user("oncall")
    assert duty.name == "duty" and duty.can("calls.listen") and duty.can("tickets.dispatch")
    acc.require(duty, "agents.control")
    with pytest.raises(PermissionDenied, match="oncall lacks 'agents.control' to set agent status"):
        acc.require(oncall, "agents.control", "set agent status")
    with pytest.raises(NotFound):
        acc.user("nobody")


def test_masking_follows_permission():
    acc = load_access(DEMO_DIR)
    assert mask_phone("13812341234", acc.user("oncall")) == "138****1234"
    assert mask_phone("13812341234", acc.user("duty")) == "13812341234"
    assert mask_phone("1001", acc.user("oncall")) == "1001"
    assert mask_name("张三丰", acc.user("oncall")) == "张**"


def test_unknown_permission_in_config_names_line(tmp_path):
    (tmp_path / "roles.yaml").write_text(
        "default_user: a\nroles:\n  r:\n    permissions: [tickets.read, tickets.fly]\nusers:\n  - {name: a, role: r}\n",
        encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_access(tmp_path)
    assert exc.value.line == 4 and "roles.r.permissions[1]" in str(exc.value) and "tickets.fly" in str(exc.value)
