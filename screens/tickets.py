"""Tickets: overdue (red) and at-risk (yellow) tickets, a detail view with history and audit,
and the supervisor's actions — all through the ticket service (permissions, audit, versions)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from hotline_tui.console import fmt_duration
from hotline_tui.errors import HotlineError
from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .footer import KeyFooter
from .live_table import LiveTable
from .widgets import PromptScreen

LIGHT = {"red": ("●", "bold red"), "yellow": ("●", "yellow"), "green": ("●", "green")}
LIGHTS = (None, "red", "yellow")


def _due(due: datetime | None, now: datetime) -> tuple[str, str, str]:
    """The time left (or, with "-", overdue by) as a LiveTable cell spec."""
    if due is None:
        return ("—", "", "left")
    delta = (due - now).total_seconds()
    return (("-" if delta < 0 else "") + fmt_duration(abs(delta)), "bold red" if delta < 0 else "", "left")


class TicketActions:
    """Mixin: the actions both the list and the detail view offer on one ticket."""

    def ticket_serial(self) -> str | None:  # pragma: no cover - overridden
        return None

    def _run(self, label: str, fn) -> None:
        hot = self.app  # type: ignore[attr-defined]
        s = hot.services
        if s.readonly or s.tickets is None:
            hot.notify(hot.tr("readonly"), severity="warning")
            return
        serial = self.ticket_serial()
        if not serial:
            return
        self._do(label, serial, fn)

    @work(thread=True, exclusive=False)
    def _do(self, label: str, serial: str, fn) -> None:
        hot = self.app  # type: ignore[attr-defined]
        try:
            fn(hot.services.tickets, hot.services.user, serial)
        except HotlineError as exc:
            hot.call_from_thread(hot.report, hot.tr("refused", why=str(exc)))
            return
        hot.call_from_thread(hot.notify, hot.tr("done", what=f"{label} {serial}"))
        hot.call_from_thread(self.reload)

    def reload(self) -> None:  # pragma: no cover - overridden
        pass

    def action_urge(self) -> None:
        self.app.push_screen(PromptScreen(self.app.tr("urge_note")),  # type: ignore[attr-defined]
                             lambda note: note is not None and self._run("urge", lambda t, u, s: t.urge(u, s, note)))

    def action_approve(self) -> None:
        self._run("approve extension", lambda t, u, s: t.approve_extension(u, s))

    def action_refuse(self) -> None:
        self._run("refuse extension", lambda t, u, s: t.refuse_extension(u, s))

    def action_redispatch(self) -> None:
        self.app.push_screen(PromptScreen("department code (e.g. RSJ)"),  # type: ignore[attr-defined]
                             lambda d: d and self._run("redispatch", lambda t, u, s: t.redispatch(u, s, d.strip().upper())))

    def action_accept_reply(self) -> None:
        self._run("accept reply", lambda t, u, s: t.review_reply(u, s, True))

    def action_send_back(self) -> None:
        self.app.push_screen(PromptScreen("why is the reply sent back?"),  # type: ignore[attr-defined]
                             lambda n: n and self._run("send back", lambda t, u, s: t.review_reply(u, s, False, n)))

    def action_callback(self) -> None:
        self.app.push_screen(  # type: ignore[attr-defined]
            PromptScreen("callback: handler result [note]  e.g. satisfied satisfied 已解决"),
            lambda v: v and self._callback(v))

    def _callback(self, value: str) -> None:
        parts = value.split(None, 2)
        if len(parts) < 2:
            self.app.report("callback needs: handler result [note]")  # type: ignore[attr-defined]
            return
        self._run("callback", lambda t, u, s: t.callback(u, s, parts[0], parts[1], parts[2] if len(parts) > 2 else ""))


ACTION_BINDINGS = [
    Binding("u", "urge", "Urge"),
    Binding("e", "approve", "Approve ext."),
    Binding("E", "refuse", "Refuse ext."),
    Binding("r", "redispatch", "Re-dispatch"),
    Binding("v", "accept_reply", "Accept reply"),
    Binding("V", "send_back", "Send back"),
    Binding("c", "callback", "Callback"),
]


class TicketsScreen(TicketActions, LiveScreen):
    TITLE_KEY = "tickets"
    BINDINGS = [Binding("slash", "filter", "Filter"), Binding("f", "light", "Red/yellow"),
                Binding("enter", "open", "Open"), Binding("escape", "clear", "Clear", show=False)] + ACTION_BINDINGS
    DEFAULT_CSS = """
    #ticket-filter { display: none; height: 3; }
    #ticket-filter.shown { display: block; }
    #tickets { height: 1fr; }
    """

    def __init__(self):
        super().__init__()
        self.light: str | None = None
        self.filter_text = ""
        self.rows: list = []
        self.loaded_at = 0.0

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Input(placeholder="/ department, category, serial, text", id="ticket-filter")
        yield LiveTable(id="tickets")
        yield KeyFooter()

    def on_mount(self) -> None:
        t = self.query_one("#tickets", LiveTable)
        for key in ("serial", "light", "due", "ticket_state", "department", "category", "content"):
            t.add_column(self.tr(key), key=key, max_width=60 if key == "content" else 24)
        t.focus()          # the hidden filter box must not catch keys
        super().on_mount()
        self.reload()

    def show(self, snap, alerts) -> None:
        if self.hot.clock_s() - self.loaded_at > 30:
            self.reload()

    def reload(self) -> None:
        self.loaded_at = self.hot.clock_s()
        if self.services.tickets is not None:
            self._load(self.light)

    @work(thread=True, exclusive=True, group="tickets")
    def _load(self, light: str | None) -> None:
        s = self.services
        try:
            rows = s.tickets.overdue(s.user, light=light, limit=500)
        except HotlineError as exc:
            self.app.call_from_thread(self.hot.report, str(exc))
            return
        now = s.tickets.clock.now()
        self.app.call_from_thread(self._fill, rows, now)

    def _fill(self, rows, now) -> None:
        self.rows = rows
        f = self.filter_text.lower()
        tr, category = self.tr, self._category_name()
        out = {}
        order = []
        for t, light in rows:
            state, cat, lit = tr(f"ts_{t.state}"), category(t.category), tr(f"light_{light}")
            hay = f"{t.serial} {t.department} {t.category} {cat} {t.state} {state} {lit} {t.content}".lower()
            if f and f not in hay:
                continue
            sym, style = LIGHT[light]
            # plain values: the table makes them terminal-safe and never reads them as markup
            out[t.serial] = ((t.serial, "", "left"), (sym + " " + lit, style, "left"), _due(t.current_due, now),
                             (state, "", "left"), (t.department, "", "left"), (cat, "", "left"),
                             (t.content, "", "left"))
            order.append(t.serial)
        self.query_one("#tickets", LiveTable).sync(out, order)
        red = sum(1 for _, lt in rows if lt == "red")
        self.sub_title = (f"{self.tr('overdue_title')} · ● {tr('light_red')} {red} · ● {tr('light_yellow')} "
                          f"{len(rows) - red}" + (f" · {tr('light_' + self.light)}" if self.light else "")
                          + (f" · /{self.filter_text}" if f else ""))

    def _category_name(self):
        """Category code -> what the table shows: the catalogue's (Chinese) name in the Chinese
        UI, the code in the English one."""
        names = getattr(getattr(self.services.tickets, "catalog", None), "categories", {}) or {}
        if self.services.lang != "zh":
            return lambda code: code
        return lambda code: names.get(code, code)

    def ticket_serial(self) -> str | None:
        return self.query_one("#tickets", LiveTable).cursor_key

    def action_light(self) -> None:
        self.light = LIGHTS[(LIGHTS.index(self.light) + 1) % len(LIGHTS)]
        self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#ticket-filter", Input)
        box.add_class("shown")
        self.set_focus(box)   # now, not on the next loop turn: keys typed right after / go to the box

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "ticket-filter" and event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            if self.rows:
                self._fill(self.rows, self.services.tickets.clock.now())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#tickets", LiveTable).focus()

    def action_clear(self) -> None:
        box = self.query_one("#ticket-filter", Input)
        had = self.filter_text
        box.value, self.filter_text = "", ""
        box.remove_class("shown")
        self.query_one("#tickets", LiveTable).focus()
        if had and self.rows:
            self._fill(self.rows, self.services.tickets.clock.now())

    def on_live_table_selected(self, event: LiveTable.Selected) -> None:
        self.action_open()

    def action_open(self) -> None:
        serial = self.ticket_serial()
        if serial:
            self.app.push_screen(TicketDetailScreen(serial))


class TicketDetailScreen(TicketActions, Screen):
    """One ticket: the record, its notes (urges, returns, replies…) and its audit trail."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back")] + ACTION_BINDINGS
    DEFAULT_CSS = "#detail { padding: 0 1; }"

    def __init__(self, serial: str):
        super().__init__()
        self.serial = serial

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.serial
        self.reload()

    def ticket_serial(self) -> str | None:
        return self.serial

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="detail")
    def _load(self) -> None:
        s = self.app.services  # type: ignore[attr-defined]
        try:
            t = s.tickets.get(s.user, self.serial)
            notes = s.tickets.notes(s.user, self.serial)
            hist = s.tickets.history(s.user, self.serial) if s.user.can("audit.read") or s.user.can("tickets.read") else []
            light = s.tickets.light(t)
        except HotlineError as exc:
            self.app.call_from_thread(self.app.report, str(exc))  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._fill, t, notes, hist, light)

    def _fill(self, t, notes, hist, light) -> None:
        tr = self.app.tr  # type: ignore[attr-defined]
        out = Text()
        sym, style = LIGHT[light]
        out.append(f"{t.serial}  ", style="bold")
        out.append(f"{sym} {tr('light_' + light)}", style=style)
        out.append(f"  {tr('ts_' + t.state)}  v{t.version}\n")
        fields = [("caller", f"{t.caller_name} {t.caller_phone}"), ("department", t.department),
                  ("category", f"{t.category} {t.subcategory}"), ("due", f"{t.current_due:%Y-%m-%d %H:%M}" if t.current_due else "—"),
                  ("urge", str(t.urges)), ("content", t.content)]
        for k, v in fields:
            out.append(f"{tr(k)}: ", style="bold")
            out.append(terminal_safe(v) + "\n")
        out.append(f"\n{tr('history')}\n", style="bold underline")
        for n in notes:
            out.append(f"{n.at:%m-%d %H:%M} {n.kind:<10} {n.actor:<10} ", style="dim")
            out.append(terminal_safe(n.text) + "\n")
        out.append(f"\n{tr('audit')}\n", style="bold underline")
        for a in hist:
            out.append(f"{a.at:%m-%d %H:%M} {a.actor:<10} {a.action:<24}", style="dim")
            after = {k: v for k, v in (a.after or {}).items() if (a.before or {}).get(k) != v}
            out.append(terminal_safe(", ".join(f"{k}={v}" for k, v in list(after.items())[:4])) + "\n")
        self.query_one("#detail", Static).update(out)
