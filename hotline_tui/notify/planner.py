"""Which messages a ticket change makes (docs/notify.md, "Events"). Called by the ticket
service inside the change's transaction (``TicketService.on_change``): the rows it returns
are written by the same transaction, so a change and its notifications commit or vanish
together. Works on the ticket's snapshot dicts (the notify package never imports tickets).

Citizen SMS: ``registered`` (受理), ``dispatched`` (派单), ``closed`` (办结). Department
webhooks: ``dispatch`` (lead and co-handling units), ``urge``, ``deadline_warning`` (an
escalation step), ``extension_decision``, ``callback_result``. SMS to a caller who opted out,
is blacklisted, or whose number is not a mobile number is written as ``suppressed`` (kept,
visible, never sent): a number that is not a mobile one here, an opt-out or the blacklist
by the worker just before it sends."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable, Mapping

from .model import OutboxRow, outbox_id
from .ports import OutboxStore
from .settings import NotifyFile

#: A mainland mobile number (optionally +86 / 86): the only numbers an SMS goes to.
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")

_CITIZEN = {"register": "registered", "dispatch": "dispatched", "redispatch": "dispatched",
            "answer": "closed", "archive": "closed", "complete_todo": None}
_DEPARTMENT = {"dispatch": "dispatch", "redispatch": "dispatch", "urge": "urge", "escalate": "deadline_warning",
               "approve_extension": "extension_decision", "refuse_extension": "extension_decision",
               "callback": "callback_result"}
#: Ticket fields a department's webhook carries (no caller name or phone: a department user
#: sees them masked in the console too, and the intake gives it what its role may see).
_FIELDS = ("serial", "state", "category", "subcategory", "urgency", "content", "address", "district",
           "department", "handle_due", "current_due", "urges", "extensions", "callback_handler",
           "callback_result", "version")


class Planner:
    def __init__(self, cfg: NotifyFile, outbox: OutboxStore, departments: Mapping[str, str],
                 now: Callable[[], float]):
        self.cfg, self.outbox, self.departments, self.now = cfg, outbox, departments, now
        self.hooks = {d.code: d for d in cfg.departments if d.url}     # departments with a webhook

    def __call__(self, action: str, before: dict[str, Any] | None, after: dict[str, Any], when: datetime,
                 note: str = "") -> None:
        """The ticket service's hook: plan and write this change's messages. Raises StoreError
        (the change rolls back with it). Blocks."""
        rows = self.plan(action, before, after, when, note)
        if rows:
            self.outbox.enqueue(rows)

    def plan(self, action: str, before: dict[str, Any] | None, after: dict[str, Any], when: datetime,
             note: str = "") -> list[OutboxRow]:
        rows: list[OutboxRow] = []
        event = _CITIZEN.get(action)
        if event and not (action == "archive" and before and before.get("closed_at")):
            row = self._sms(event, after, when)
            if row is not None:
                rows.append(row)
        dept_event = _DEPARTMENT.get(action)
        if dept_event:
            targets = [after.get("department") or ""]
            if dept_event == "dispatch":
                targets += [c["department"] for c in after.get("co_departments") or []]
            for code in dict.fromkeys(t for t in targets if t):
                row = self._webhook(dept_event, code, action, after, when, note)
                if row is not None:
                    rows.append(row)
        return rows

    def _sms(self, event: str, t: dict[str, Any], when: datetime) -> OutboxRow | None:
        sms = self.cfg.sms
        if sms is None or event not in sms.templates:
            return None
        tpl = sms.templates[event]
        phone = str(t.get("caller_phone") or "")
        values = {"serial": t["serial"], "department": self.departments.get(t.get("department") or "", t.get("department") or ""),
                  "sign": sms.sign_name}
        params = {p: str(values.get(p, "")) for p in tpl.params}
        text = f"【{sms.sign_name}】" + getattr(tpl, sms.lang).format_map(params)
        # Opt-outs and the blacklist are checked by the worker just before sending (the state
        # then is what counts, and the change's transaction stays one INSERT longer, no more).
        compact = re.sub(r"[\s-]", "", phone)
        why = "" if MOBILE.match(compact) else "not a mobile number"
        row = OutboxRow(
            outbox_id(t["serial"], event, int(t["version"]), "citizen"), t["serial"], event, "sms", compact, "sms",
            {"template": tpl.id, "params": params, "sign_name": sms.sign_name}, when, text=text, next_at=self.now())
        if why:
            row.status, row.last_error = "suppressed", why
        return row

    def _webhook(self, event: str, code: str, action: str, t: dict[str, Any], when: datetime,
                 note: str) -> OutboxRow | None:
        if code not in self.hooks:
            return None
        data = {k: t.get(k) for k in _FIELDS}
        data.update(action=action, note=note, department_name=self.departments.get(code, code))
        if action == "callback":
            data["satisfied"] = t.get("callback_result") == "satisfied"
        oid = outbox_id(t["serial"], event, int(t["version"]), code)
        body = {"type": f"ticket.{event}", "timestamp": when.isoformat(), "data": data}
        return OutboxRow(oid, t["serial"], event, "webhook", code, f"dept:{code}", body, when,
                         text=f"{event} {t['serial']} -> {code}", next_at=self.now())
