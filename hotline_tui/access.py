"""Users, roles and the permission matrix (用户管理 / 角色管理 / 权限管理).

Loaded from ``roles.yaml`` in the site's config folder. Every service call takes the acting
``User`` and calls ``Access.require`` first; refusal is ``PermissionDenied``. Personal data
(phone numbers, names) is shown only to roles with ``personal_data.view``: use ``mask_phone``.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import load_yaml, validate
from .errors import NotFound, PermissionDenied

#: Every permission the project knows, with what it allows. Roles may use ``prefix.*``.
PERMISSIONS: dict[str, str] = {
    "tickets.read": "see tickets and their history",
    "tickets.register": "register tickets (受理), answer on the spot",
    "tickets.triage": "triage and classify (分理)",
    "tickets.dispatch": "dispatch and re-dispatch to departments (派单/转办)",
    "tickets.urge": "urge a department (催办/督办)",
    "tickets.extension": "approve or refuse extension requests (延期审批)",
    "tickets.review": "review department replies and returns (回单审核/退单审核)",
    "tickets.callback": "record callbacks to citizens (回访)",
    "tickets.archive": "archive with responsibility judgement (归档)",
    "tickets.link": "link or merge tickets (案件关联/并单)",
    "tickets.supplement": "add information after closure (补填)",
    "tickets.reopen": "reopen a ticket (重办)",
    "tickets.department": "act as the department: acknowledge, return, request extension, reply",
    "callers.read": "see a caller's history and class",
    "callers.classify": "set a caller's class (elderly, VIP, important, blacklist)",
    "personal_data.view": "see citizens' phone numbers and names unmasked",
    "kb.read": "search and read the knowledge base",
    "kb.flag": "flag a question the knowledge base could not answer (查无)",
    "kb.edit": "write and edit articles, answer flagged questions",
    "kb.publish": "publish and retire articles",
    "agent.self": "at the agent desk: log in, ready, not ready with a reason, log out (one's own agent only)",
    "agents.control": "set agents' status, move agents between queues, log agents out",
    "calls.listen": "listen, whisper and barge (监听/耳语/强插)",
    "calls.control": "transfer or hang up calls, originate callbacks",
    "callbacks.assign": "reassign abandoned-call callback tasks",
    "handover.write": "write shift handover notes",
    "audit.read": "read the audit log",
    "engineer.view": "see switch links, store health and error logs",
    "reports.read": "read KPI reports",
    "qa.score": "score the calls and tickets one is assigned to inspect (质检)",
    "qa.sample": "sample a month for QA, store scorecard versions, add calibration inspectors",
    "qa.read": "read every QA evaluation and the QA figures",
    "qa.decide": "decide agents' QA appeals (a team lead: own team only)",
    "qa.own": "see one's own QA evaluations and appeal each once (agents)",
}


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    permissions: frozenset[str]

    def grants(self, permission: str) -> bool:
        return any(fnmatch.fnmatchcase(permission, p) for p in self.permissions)


@dataclass(frozen=True)
class User:
    name: str
    display: str
    role: Role
    team: str = ""
    department: str = ""   # for department users: the department code they act for
    contact: str = ""      # the phone a supervisor listens from (user/<contact>)
    agent: str = ""        # the mod_callcenter agent this user answers calls as (the agent desk)

    def can(self, permission: str) -> bool:
        return self.role.grants(permission)


def is_department_role(role: Role) -> bool:
    """A role that acts as a department (承办单位): it may acknowledge and reply
    (``tickets.department``) but not dispatch. Its users must name the department they act for —
    without one they would be treated as centre staff and see every department's tickets."""
    return role.grants("tickets.department") and not role.grants("tickets.dispatch")


def _department_codes(config_dir: Path) -> set[str] | None:
    """Department codes from ``tickets.yaml`` beside ``roles.yaml`` (None when there is none)."""
    from .config_schema import TicketsFile

    path = config_dir / "tickets.yaml"
    if not path.exists():
        return None
    return {d.code for d in validate(load_yaml(path), TicketsFile).departments}


@dataclass
class Access:
    roles: dict[str, Role]
    users: dict[str, User]
    default_user: str
    source: str = ""
    teams: tuple[str, ...] = field(default_factory=tuple)

    def user(self, name: str | None) -> User:
        """The user called ``name`` (the default user when None). Raises NotFound."""
        key = name or self.default_user
        try:
            return self.users[key]
        except KeyError:
            raise NotFound(f"unknown user '{key}' (users are defined in {self.source})") from None

    def require(self, user: User, permission: str, action: str | None = None) -> None:
        """Return None if ``user`` may; raise PermissionDenied otherwise. Never blocks."""
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        if not user.can(permission):
            raise PermissionDenied(user.name, permission, action)


def load_access(config_dir: str | Path) -> Access:
    """Read ``roles.yaml``. Raises ConfigError naming file, line and key."""
    from .config_schema import RolesFile   # here, not at the top: only the loaders need pydantic

    doc = load_yaml(Path(config_dir) / "roles.yaml")
    validate(doc, RolesFile)   # types and unknown keys: a misspelt ``departmnet:`` is refused here
    roles: dict[str, Role] = {}
    raw_roles = doc.get("roles")
    if not isinstance(raw_roles, dict) or not raw_roles:
        raise doc.error(("roles",), "a mapping of role name to {label, permissions} is required")
    for name, spec in raw_roles.items():
        if not isinstance(spec, dict):
            raise doc.error(("roles", name), "must be a mapping with label and permissions")
        perms = spec.get("permissions") or []
        for i, p in enumerate(perms):
            if not any(fnmatch.fnmatchcase(k, p) for k in PERMISSIONS):
                raise doc.error(("roles", name, "permissions", i), f"unknown permission {p!r}")
        roles[name] = Role(name, str(spec.get("label", name)), frozenset(perms))
    users: dict[str, User] = {}
    codes: set[str] | None = None
    for i, spec in enumerate(doc.get("users") or []):
        if not isinstance(spec, dict) or "name" not in spec:
            raise doc.error(("users", i), "each user needs a name")
        role = spec.get("role")
        if role not in roles:
            raise doc.error(("users", i, "role"), f"unknown role {role!r}")
        uname = str(spec["name"])
        dept = str(spec.get("department", ""))
        if is_department_role(roles[role]) and not dept:
            raise doc.error(("users", i), f"user {uname!r} has the department role {role!r} but no department "
                                          "(the code of the department it acts for, from tickets.yaml)")
        if dept:
            codes = codes if codes is not None else _department_codes(Path(config_dir)) or set()
            if codes and dept not in codes:
                close = difflib.get_close_matches(dept, sorted(codes), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise doc.error(("users", i, "department"), f"unknown department {dept!r} in tickets.yaml{hint}")
        if uname in users:
            raise doc.error(("users", i, "name"), f"user {uname!r} appears twice")
        users[uname] = User(uname, str(spec.get("display", uname)), roles[role], str(spec.get("team", "")),
                            str(spec.get("department", "")), str(spec.get("contact", "")), str(spec.get("agent", "")))
    default = str(doc.get("default_user", ""))
    if default not in users:
        raise doc.error(("default_user",), f"must name one of the users, not {default!r}")
    teams = tuple(sorted({u.team for u in users.values() if u.team}))
    return Access(roles, users, default, doc.path, teams)


_DIGITS = re.compile(r"\d")


def mask_phone(number: str, viewer: User | None) -> str:
    """``13812341234`` → ``138****1234`` unless ``viewer`` may see personal data.

    Short numbers (extensions, 5 digits or fewer) are left alone; landlines keep their last 4.
    """
    if viewer is not None and viewer.can("personal_data.view"):
        return number
    digits = _DIGITS.findall(number or "")
    if len(digits) <= 5:
        return number
    if len(number) >= 11:
        return number[:3] + "****" + number[-4:]
    return "*" * (len(number) - 4) + number[-4:]


def mask_name(name: str, viewer: User | None) -> str:
    """``张三丰`` → ``张**`` unless ``viewer`` may see personal data."""
    if not name or (viewer is not None and viewer.can("personal_data.view")):
        return name
    return name[0] + "*" * (len(name) - 1)


def sees_personal_data(viewer: User | None) -> bool:
    """Whether ``viewer`` may see phone numbers and names unmasked (``personal_data.view``)."""
    return viewer is not None and viewer.can("personal_data.view")


# Phone numbers typed into free text (content, notes, replies): mobiles (1[3-9] + 9 digits)
# and landlines with an area code (0xx-xxxxxxxx). Digit runs next to other digits are left
# alone, so serials (20261123-000001), times and amounts are never touched.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")


def mask_text(text: str, viewer: User | None) -> str:
    """Free text with every phone number in it masked (``请回电13812341234`` → ``请回电138****1234``)
    unless ``viewer`` may see personal data. Never blocks."""
    if not text or sees_personal_data(viewer):
        return text
    text = _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)


#: Keys of records (ticket snapshots, caller records, audit before/after) that hold a citizen's
#: phone number or name.
PHONE_KEYS = frozenset({"caller_phone", "caller_number", "phone"})
NAME_KEYS = frozenset({"caller_name", "name"})


def mask_record(value: Any, viewer: User | None) -> Any:
    """A copy of a JSON-able record (dicts, lists, strings) with personal data masked for
    ``viewer``: phone and name keys masked, phone numbers in every other text masked. The
    record itself is returned when ``viewer`` may see personal data. Never blocks."""
    if sees_personal_data(viewer):
        return value
    return _mask_value(value, viewer, "")


def _mask_value(value: Any, viewer: User | None, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _mask_value(v, viewer, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_mask_value(v, viewer, key) for v in value)
    if isinstance(value, str):
        if key in PHONE_KEYS:
            return mask_text(mask_phone(value, viewer), viewer)
        if key in NAME_KEYS:
            return mask_name(value, viewer)
        return mask_text(value, viewer)
    return value
