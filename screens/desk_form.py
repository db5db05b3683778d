"""The desk's intake form (受理登记) for the call on the line: number and name (a known caller's
name is filled in), address, district, category and urgency pickers, the department to send it
to (the knowledge article's department is suggested), what the caller asks, and the reply
(答复) — ``ctrl+y`` on the desk inserts the article's answer (答复口径) into it.

Compact one-line fields, so the form, the screen pop and the knowledge panel fit at 80×24. The
form only holds what is typed: the desk registers it through the ticket service.
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from hotline_tui.text import clip_line, terminal_safe
from hotline_tui.tickets.service import Intake

from .context import ScreenContext

_ANSWER = re.compile(r"\*\*答复口径\*\*[:：]\s*(.+)")


def article_answer(article: Any, limit: int = 1000) -> str:
    """What an agent reads to the caller from ``article``: its 答复口径 paragraph (the demo
    articles' form), else its first paragraph that is not a heading; plain text (markdown
    emphasis removed, escapes made visible), at most ``limit`` characters."""
    body = article.body or ""
    m = _ANSWER.search(body)
    text = m.group(1) if m else next((p for p in (x.strip() for x in body.split("\n\n"))
                                      if p and not p.startswith(("#", "---", ">"))), article.title)
    text = re.sub(r"[*_`]+", "", " ".join(text.split()))
    return clip_line(terminal_safe(text), limit)


class DeskForm(Vertical):
    DEFAULT_CSS = """
    DeskForm { height: auto; }
    DeskForm Horizontal { height: 1; }
    DeskForm Input { height: 1; }
    DeskForm #desk-phone { width: 22; }
    DeskForm #desk-name { width: 1fr; }
    DeskForm #desk-district { width: 1fr; }
    DeskForm #desk-category { width: 1fr; }
    DeskForm #desk-urgency { width: 14; }
    DeskForm #desk-department { width: 1fr; }
    DeskForm #desk-suggested { width: auto; max-width: 24; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, ctx: ScreenContext, **kw: Any):
        super().__init__(**kw)
        self.ctx = ctx
        self.suggested = ""          # the department the article on screen suggests
        self.prefilled = ""          # the known caller's name put in the name box

    def tr(self, key: str, **kw: object) -> str:
        return self.ctx.tr(key, **kw)

    def compose(self) -> ComposeResult:
        tickets = self.ctx.services.tickets
        cats = list(tickets.categories().items()) if tickets is not None else []
        deps = list(tickets.departments().items()) if tickets is not None else []
        districts = tickets.districts() if tickets is not None else ()
        urgencies = tickets.urgencies() if tickets is not None else ("normal",)
        with Horizontal():
            yield Input(placeholder=self.tr("desk_phone"), id="desk-phone", max_length=20, compact=True)
            yield Input(placeholder=self.tr("desk_name"), id="desk-name", max_length=100, compact=True)
        yield Input(placeholder=self.tr("desk_address"), id="desk-address", max_length=200, compact=True)
        with Horizontal():
            yield Select([(d, d) for d in districts], id="desk-district", prompt=self.tr("desk_district"),
                         compact=True)
            yield Select([(name, code) for code, name in cats], id="desk-category", allow_blank=False,
                         value=cats[0][0] if cats else Select.NULL, compact=True) if cats else Static("")
            yield Select([(self.tr(f"urgency_{u}"), u) for u in urgencies], id="desk-urgency", allow_blank=False,
                         value=urgencies[0], compact=True)
        with Horizontal():
            yield Select([(f"{code} {name}", code) for code, name in deps], id="desk-department",
                         prompt=self.tr("desk_to_triage"), compact=True)
            yield Static("", id="desk-suggested")
        yield Input(placeholder=self.tr("desk_content"), id="desk-content", max_length=4000, compact=True)
        yield Input(placeholder=self.tr("desk_reply"), id="desk-reply", max_length=2000, compact=True)

    # -- reading the form ----------------------------------------------------------------------
    def value(self, sel: str) -> str:
        w = self.query_one(sel)
        if isinstance(w, Input):
            return w.value.strip()
        if isinstance(w, Select):
            return "" if w.value is Select.NULL or w.value is None else str(w.value)
        return ""

    def intake(self, call_id: str, recording_id: str = "") -> Intake:
        """What is typed, as the ticket service's Intake (the call's id and recording with it)."""
        return Intake(channel="phone", caller_phone=self.value("#desk-phone"), content=self.value("#desk-content"),
                      category=self.value("#desk-category") or "consult", caller_name=self.value("#desk-name"),
                      address=self.value("#desk-address"), district=self.value("#desk-district"),
                      urgency=self.value("#desk-urgency") or "normal", call_id=call_id, recording_id=recording_id)

    def has_text(self) -> bool:
        """Whether the agent typed anything for the caller (a prefilled name is not typed)."""
        name = self.value("#desk-name")
        return any(self.value(f) for f in ("#desk-content", "#desk-address", "#desk-reply")) or \
            bool(name and name != self.prefilled)

    def department(self) -> str:
        """The department picked (or suggested and kept); "" = to triage."""
        return self.value("#desk-department")

    def reply(self) -> str:
        return self.value("#desk-reply")

    # -- filling it ----------------------------------------------------------------------------
    def known_name(self, name: str) -> None:
        """A known caller's name, filled in unless the agent typed one."""
        box = self.query_one("#desk-name", Input)
        if name and not box.value.strip():
            box.value = self.prefilled = terminal_safe(name)

    def suggest(self, department: str) -> None:
        """The article on screen names its department: pick it unless the agent picked one."""
        tickets = self.ctx.services.tickets
        if tickets is None or department not in tickets.departments():
            return
        sel = self.query_one("#desk-department", Select)
        if sel.value is Select.NULL or sel.value == self.suggested:
            sel.value = department
        self.suggested = department
        self.query_one("#desk-suggested", Static).update(self.tr("desk_suggested", dept=department))

    def insert_answer(self, article: Any) -> None:
        box = self.query_one("#desk-reply", Input)
        box.value = article_answer(article, box.max_length or 2000)

    def clear(self, *, keep_phone: bool = False) -> None:
        """Empty what was typed for the last caller (the pickers back to their defaults)."""
        for sel in ("#desk-name", "#desk-address", "#desk-content", "#desk-reply") + (() if keep_phone else ("#desk-phone",)):
            self.query_one(sel, Input).value = ""
        for sel in ("#desk-district", "#desk-department"):
            self.query_one(sel, Select).clear()
        self.suggested = self.prefilled = ""
        self.query_one("#desk-suggested", Static).update("")
