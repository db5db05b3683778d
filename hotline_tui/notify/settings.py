"""``notify.yaml``: the gateway, the templates, each department's webhook and intake token,
the worker's and the breaker's numbers. Validated (``config.validate``: strict types, unknown
keys refused, errors name file, line and key); cross-checks (a template's placeholders are its
parameters; a department exists in tickets.yaml) follow the schema check. Secrets may be
written in the file (the demo) or taken from the environment (``secrets_env``)."""

from __future__ import annotations

import os
import re
import string
from pathlib import Path
from typing import Annotated

from pydantic import Field

from ..config import load_yaml, validate
from ..config_schema import PosInt, Schema
from .model import CITIZEN_EVENTS, DEPARTMENT_EVENTS

FILE = "notify.yaml"
PosFloat = Annotated[float, Field(gt=0)]


class WorkerSpec(Schema):
    enabled: bool = True             # the console starts a worker
    batch: PosInt = 20
    max_attempts: PosInt = 8         # then the message is dead (parked for the engineer)
    backoff_initial_s: PosFloat = 2.0
    backoff_max_s: PosFloat = 600.0
    retry_after_max_s: PosFloat = 3600.0
    lease_s: PosFloat = 60.0
    timeout_s: PosFloat = 10.0
    idle_s: PosFloat = 1.0
    # The dead-letter sweep (once per site, under the notify.dead-letter lease): a message not
    # sent within expire_s of its change is stale news and goes to the dead letters.
    expire_s: PosFloat = 86400.0
    sweep_s: PosFloat = 60.0         # how often the sweep runs


class BreakerSpec(Schema):
    failures: PosInt = 5
    open_s: PosFloat = 60.0


class TemplateSpec(Schema):
    id: str                          # the provider's approved template id
    params: list[str]                # named parameters, in the provider's positional order
    zh: str
    en: str


class SmsSpec(Schema):
    url: str
    status_url: str = ""             # GET ?reference=<outbox id>: did the gateway get it?
    sign_name: str
    lang: str = Field(default="zh", pattern="^(zh|en)$")
    api_key: str = ""
    positional: bool = False         # the provider wants the parameters as an array
    templates: dict[str, TemplateSpec] = {}


class DepartmentSpec(Schema):
    code: str
    url: str = ""                    # webhook; none: the department uses the console only
    secrets: list[str] = []          # first signs... all sign during a rotation
    secrets_env: str = ""            # or: a space-separated list in this environment variable
    token: str = ""                  # the intake's bearer token
    user: str = ""                   # the roles.yaml user the intake acts as


class IntakeSpec(Schema):
    listen: str = "127.0.0.1:8726"
    receipts_token: str = ""


class NotifyFile(Schema):
    worker: WorkerSpec = Field(default_factory=WorkerSpec)
    breaker: BreakerSpec = Field(default_factory=BreakerSpec)
    sms: SmsSpec | None = None
    departments: list[DepartmentSpec] = []
    intake: IntakeSpec = Field(default_factory=IntakeSpec)

    def department(self, code: str) -> DepartmentSpec | None:
        return next((d for d in self.departments if d.code == code), None)

    def secrets(self, d: DepartmentSpec) -> list[str]:
        if d.secrets_env:
            return os.environ.get(d.secrets_env, "").split()
        return list(d.secrets)


def load_notify(config_dir: str | Path) -> NotifyFile | None:
    """Read ``notify.yaml`` from ``config_dir``; None when the site has none (no
    notifications). Raises ConfigError naming file, line and key. Never blocks on I/O beyond
    the read."""
    path = Path(config_dir) / FILE
    if not path.exists():
        return None
    doc = load_yaml(path)
    cfg = validate(doc, NotifyFile)
    if cfg.sms is not None:
        for name, t in cfg.sms.templates.items():
            if name not in CITIZEN_EVENTS:
                raise doc.error(("sms", "templates", name), f"unknown event; one of {', '.join(CITIZEN_EVENTS)}")
            for lang in ("zh", "en"):
                used = {f for _, f, _, _ in string.Formatter().parse(getattr(t, lang)) if f}
                if not used <= set(t.params):
                    raise doc.error(("sms", "templates", name, lang),
                                    f"placeholder {sorted(used - set(t.params))[0]!r} is not in params")
    if cfg.worker.lease_s <= cfg.worker.timeout_s:
        raise doc.error(("worker", "lease_s"), f"must exceed worker.timeout_s ({cfg.worker.timeout_s:g} s): "
                        "a lease shorter than one request gives every message back unsent")
    seen: set[str] = set()
    for i, d in enumerate(cfg.departments):
        if d.code in seen:
            raise doc.error(("departments", i, "code"), f"department {d.code} listed twice")
        seen.add(d.code)
        if d.url and not re.match(r"^https?://", d.url):
            raise doc.error(("departments", i, "url"), "must be an http:// or https:// URL")
    return cfg


__all__ = ["NotifyFile", "load_notify", "DEPARTMENT_EVENTS"]
