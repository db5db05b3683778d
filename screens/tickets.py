"""Tickets: overdue (red) and at-risk (yellow) tickets, a detail view with history and audit,
and the supervisor's actions — all through the ticket service (permissions, audit, versions)."""

from __future__ import annotations

import time
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from hotline_tui.text import terminal_safe
from hotline_tui.textfold import fold, fold_query

from .base import LiveScreen, hidden_when_readonly
from .context import ScreenContext
from .dialogs import PromptScreen
from .fmt import fmt_duration
from .footer import KeyFooter
from .live_table import LiveTable
from .ticket_query import parse_query
from .work import run_call

LIGHT = {"red": ("●", "bold red"), "yellow": ("●", "yellow"), "green": ("●", "green")}
LIGHTS = (None, "red", "yellow")
#: Rows one load shows; the sub-title says "500 of 1,203" when there are more, and the filter
#: box then searches the store too (a ticket past the first page is found by its text).
PAGE = 500
#: Rows one page of the every-ticket search shows (``s``); ``]`` and ``[`` turn the pages.
ALL_PAGE = 100


def _due(due: datetime | None, now: datetime) -> tuple[str, str, str]:
    """The time left (or, with "-", overdue by) as a LiveTable cell spec."""
    if due is None:
        return ("—", "", "left")
    delta = (due - now).total_seconds()
    return (("-" if delta < 0 else "") + fmt_duration(abs(delta)), "bold red" if delta < 0 else "", "left")


class TicketActions(Screen):
    """The actions both the list and the detail view offer on one ticket (a base of both)."""

    ctx: ScreenContext

    def ticket_serial(self) -> str | None:  # pragma: no cover - overridden
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The ticket actions are hidden in a read-only console (and refused by ``_run``)."""
        return not hidden_when_readonly(self.ctx.services, action)

    def _run(self, label: str, fn) -> None:
        s = self.ctx.services
        if s.readonly or s.tickets is None:
            self.ctx.notify(self.ctx.tr("readonly"), severity="warning")
            return
        serial = self.ticket_serial()
        if not serial:
            return

        def done(_ticket) -> None:
            self.ctx.notify(self.ctx.tr("done", what=f"{label} {serial}"))
            self.reload()
        run_call(self, lambda: fn(s.tickets, s.user, serial), then=done, refused=True)

    def reload(self) -> None:  # pragma: no cover - overridden
        pass

    def action_urge(self) -> None:
        self.app.push_screen(PromptScreen(self.ctx.tr("urge_note")),
                             lambda note: note is not None and self._run("urge", lambda t, u, s: t.urge(u, s, note)))

    def action_approve(self) -> None:
        self._run("approve extension", lambda t, u, s: t.approve_extension(u, s))

    def action_refuse(self) -> None:
        self._run("refuse extension", lambda t, u, s: t.refuse_extension(u, s))

    def action_redispatch(self) -> None:
        self.app.push_screen(PromptScreen("department code (e.g. RSJ)"),
                             lambda d: d and self._run("redispatch", lambda t, u, s: t.redispatch(u, s, d.strip().upper())))

    def action_accept_reply(self) -> None:
        self._run("accept reply", lambda t, u, s: t.review_reply(u, s, True))

    def action_send_back(self) -> None:
        self.app.push_screen(PromptScreen("why is the reply sent back?"),
                             lambda n: n and self._run("send back", lambda t, u, s: t.review_reply(u, s, False, n)))

    def action_callback(self) -> None:
        self.app.push_screen(
            PromptScreen("callback: handler result [note]  e.g. satisfied satisfied 已解决"),
            lambda v: v and self._callback(v))

    def _callback(self, value: str) -> None:
        parts = value.split(None, 2)
        if len(parts) < 2:
            self.ctx.report("callback needs: handler result [note]")
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


def _of_light(counts: tuple[int, int], light: str | None) -> int:
    """How many of (yellow, red) ``counts`` the light shown covers."""
    yellow, red = counts
    return red if light == "red" else yellow if light == "yellow" else yellow + red


class TicketsScreen(TicketActions, LiveScreen):
    TITLE_KEY = "tickets"
    BINDINGS = [Binding("slash", "filter", "Filter"), Binding("s", "search_all", "All tickets"),
                Binding("f", "light", "Red/yellow"), Binding("enter", "open", "Open"),
                Binding("right_square_bracket", "page(1)", "Next page"),
                Binding("left_square_bracket", "page(-1)", "Prev. page"),
                Binding("escape", "clear", "Clear", show=False)] + ACTION_BINDINGS
    DEFAULT_CSS = """
    #ticket-filter, #ticket-search { display: none; height: 3; }
    #ticket-filter.shown, #ticket-search.shown { display: block; }
    #tickets { height: 1fr; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.light: str | None = None
        self.filter_text = ""
        self.rows: list = []
        self.counts = (0, 0)          # (yellow, red) in the store, every page
        self.found: list = []         # the store's matches for ``found_for``
        self.found_for = ""
        self.found_total = 0          # how many the store has for it (under the light shown)
        self.loaded_at = 0.0
        # The every-ticket search (``s``): "overdue" is the default red/yellow list, "all" a
        # page of the whole store under ``query`` (TicketService.page filters).
        self.mode = "overdue"
        self.query_line = ""
        self.search_query: dict[str, object] = {}
        self.page_offset = 0
        self.all_total = 0
        self.all_rows: list = []

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Input(placeholder="/ department, category, serial, text", id="ticket-filter")
        yield Input(placeholder=self.tr("search_all_hint"), id="ticket-search")
        yield LiveTable(id="tickets")
        yield self.footer()

    def on_mount(self) -> None:
        t = self.query_one("#tickets", LiveTable)
        for key in ("serial", "light", "due", "ticket_state", "department", "category", "content"):
            t.add_column(self.tr(key), key=key, max_width=60 if key == "content" else 24)
        t.focus()          # the hidden filter box must not catch keys
        super().on_mount()
        self.reload()

    def show(self, snap, alerts) -> None:
        if time.monotonic() - self.loaded_at > 30:
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":            # paging keys only where there are pages
            return self.mode == "all"
        if action in ("filter", "light"):   # the red/yellow list's own keys
            return self.mode == "overdue"
        return super().check_action(action, parameters)

    def reload(self) -> None:
        self.loaded_at = time.monotonic()
        if self.services.tickets is None:
            return
        if self.mode == "all":
            self._load_all()
        else:
            self._load(self.light)

    # -- every ticket (s) ----------------------------------------------------------------------
    def action_search_all(self) -> None:
        box = self.query_one("#ticket-search", Input)
        box.add_class("shown")
        self.set_focus(box)

    def _load_all(self) -> None:
        tickets, user, query, offset = self.services.tickets, self.services.user, dict(self.search_query), self.page_offset

        def load():         # blocks: the store (one page and the count)
            rows, total = tickets.page(user, limit=ALL_PAGE, offset=offset, **query)
            return rows, total, tickets.now()

        def loaded(r) -> None:
            if self.mode != "all":
                return
            self.all_rows, self.all_total = r[0], r[1]
            self._fill_all(r[2])
        run_call(self, load, then=loaded, group="tickets", exclusive=True)

    def _fill_all(self, now) -> None:
        tr, category = self.tr, self._category_name()
        out, order = {}, []
        for t, light in self.all_rows:
            sym, style = LIGHT[light]
            out[t.serial] = ((t.serial, "", "left"), (sym + " " + tr(f"light_{light}"), style, "left"),
                             _due(t.current_due, now), (tr(f"ts_{t.state}"), "", "left"), (t.department, "", "left"),
                             (category(t.category), "", "left"), (t.content, "", "left"))
            order.append(t.serial)
        self.query_one("#tickets", LiveTable).sync(out, order)
        total = self.all_total
        first, last = (self.page_offset + 1, self.page_offset + len(order)) if order else (0, 0)
        pages = max(1, -(-total // ALL_PAGE))
        self.sub_title = (f"{tr('all_tickets')}" + (f" · {self.query_line}" if self.query_line else "")
                          + " · " + tr("range_of", first=f"{first:,}", last=f"{last:,}", total=f"{total:,}")
                          + " · " + tr("page_of", page=self.page_offset // ALL_PAGE + 1, pages=pages))

    def action_page(self, step: int) -> None:
        if self.mode != "all":
            return
        offset = self.page_offset + step * ALL_PAGE
        if offset < 0 or offset >= self.all_total:
            self.ctx.notify(self.tr("no_more_pages"))
            return
        self.page_offset = offset
        self.reload()

    def _load(self, light: str | None) -> None:
        tickets, user = self.services.tickets, self.services.user

        def load():         # blocks: the store
            return tickets.overdue(user, light=light, limit=PAGE), tickets.overdue_counts(user), tickets.now()

        def loaded(r) -> None:
            self.rows, self.counts = r[0], r[1]
            if self.mode == "overdue":
                self._fill(r[2])
        run_call(self, load, then=loaded, group="tickets", exclusive=True)
        if self.filter_text:
            self._search(light, self.filter_text)

    def _search(self, light: str | None, text: str) -> None:
        """Ask the store for the filter's matches beyond the loaded page (content, caller name,
        address folded; serial; department or category code) and how many there are."""
        tickets, user = self.services.tickets, self.services.user

        def search():       # blocks: the store
            rows = tickets.overdue(user, light=light, text=text, limit=PAGE)
            return rows, _of_light(tickets.overdue_counts(user, text=text), light), tickets.now()

        def found(r) -> None:
            if text != self.filter_text:
                return                       # typed on since: a newer search is under way
            self.found, self.found_total, self.found_for = r[0], r[1], text
            if self.mode == "overdue":
                self._fill(r[2])
        run_call(self, search, then=found, group="ticket-search", exclusive=True)

    def _fill(self, now) -> None:
        f = fold(self.filter_text)
        tr, category = self.tr, self._category_name()
        out = {}
        order = []
        # The loaded page, narrowed by what the screen shows (labels too), and the store's matches
        # for the filter; most overdue first.
        found = self.found if f and self.found_for == self.filter_text else []
        merged = {t.serial: (t, light) for t, light in found}
        for t, light in self.rows:
            state, cat, lit = tr(f"ts_{t.state}"), category(t.category), tr(f"light_{light}")
            hay = fold(f"{t.serial} {t.department} {t.category} {cat} {t.state} {state} {lit} {t.content}")
            if not f or f in hay:
                merged.setdefault(t.serial, (t, light))
        rows = list(merged.values())
        if found:
            rows.sort(key=lambda r: (r[0].current_due is None, r[0].current_due or now, r[0].serial))
        for t, light in rows:
            state, cat, lit = tr(f"ts_{t.state}"), category(t.category), tr(f"light_{light}")
            sym, style = LIGHT[light]
            # plain values: the table makes them terminal-safe and never reads them as markup
            out[t.serial] = ((t.serial, "", "left"), (sym + " " + lit, style, "left"), _due(t.current_due, now),
                             (state, "", "left"), (t.department, "", "left"), (cat, "", "left"),
                             (t.content, "", "left"))
            order.append(t.serial)
        self.query_one("#tickets", LiveTable).sync(out, order)
        yellow, red = self.counts
        # Every ticket there is, not only those loaded: the store's counts.
        if f:
            total = len(order) + max(0, self.found_total - len(found))
        else:
            total = _of_light(self.counts, self.light)
        shown = (f" · {tr('shown_of', shown=f'{len(order):,}', total=f'{total:,}')}" if total > len(order) else "")
        self.sub_title = (f"{self.tr('overdue_title')} · ● {tr('light_red')} {red:,} · ● {tr('light_yellow')} "
                          f"{yellow:,}" + (f" · {tr('light_' + self.light)}" if self.light else "")
                          + (f" · /{self.filter_text}" if f else "") + shown)

    def _category_name(self):
        """Category code -> what the table shows: the catalogue's (Chinese) name in the Chinese
        UI, the code in the English one."""
        if self.services.lang != "zh" or self.services.tickets is None:
            return lambda code: code
        names = self.services.tickets.categories()
        return lambda code: names.get(code, code)

    def ticket_serial(self) -> str | None:
        return self.query_one("#tickets", LiveTable).cursor_key

    def action_light(self) -> None:
        if self.mode == "all":
            return
        self.light = LIGHTS[(LIGHTS.index(self.light) + 1) % len(LIGHTS)]
        self.found_for = ""          # the store's matches were for the other light
        self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#ticket-filter", Input)
        box.add_class("shown")
        self.set_focus(box)   # now, not on the next loop turn: keys typed right after / go to the box

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.mode == "all":
            return
        if event.input.id == "ticket-filter" and event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            if self.services.tickets is None:
                return
            self._fill(self.services.tickets.now())     # the loaded page at once, the store after
            if fold_query(self.filter_text):
                self._search(self.light, self.filter_text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "ticket-search":
            try:
                query = parse_query(event.value)
            except ValueError as exc:
                self.ctx.notify(str(exc), severity="error")
                return
            event.input.remove_class("shown")
            self.mode, self.search_query, self.query_line, self.page_offset = "all", query, event.value.strip(), 0
            self.refresh_bindings()
            self.reload()
        self.query_one("#tickets", LiveTable).focus()

    def action_clear(self) -> None:
        search = self.query_one("#ticket-search", Input)
        if self.mode == "all" or search.has_class("shown"):
            # back to the default view: the red and yellow list
            search.value = ""
            search.remove_class("shown")
            was, self.mode = self.mode, "overdue"
            self.query_one("#tickets", LiveTable).focus()
            if was == "all":
                self.refresh_bindings()
                self.query_one("#tickets", LiveTable).clear()
                self.reload()
            return
        box = self.query_one("#ticket-filter", Input)
        had = self.filter_text
        box.value, self.filter_text = "", ""
        box.remove_class("shown")
        self.query_one("#tickets", LiveTable).focus()
        if had and self.services.tickets is not None:
            self._fill(self.services.tickets.now())

    def on_live_table_selected(self, event: LiveTable.Selected) -> None:
        self.action_open()

    def action_open(self) -> None:
        serial = self.ticket_serial()
        if serial:
            self.app.push_screen(TicketDetailScreen(self.ctx, serial))


class TicketDetailScreen(TicketActions):
    """One ticket, the whole record: caller, address, district, channel, the clocks, links and
    merges (并单 / 案件关联), its notes (urges, returns, replies…), its audit trail, and the
    actions (keys in the footer; none in a read-only console)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                # A stray q here must not start quitting (q q used to leave the console): it
                # only says how to go back.
                Binding("q", "stay", "Back", show=False)] + ACTION_BINDINGS
    DEFAULT_CSS = "#detail { padding: 0 1; }"

    def __init__(self, ctx: ScreenContext, serial: str):
        super().__init__()
        self.ctx, self.serial = ctx, serial
        self.text = ""           # what the detail shows, as plain text (tests, copy)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="detail")
        yield KeyFooter(self.ctx.key_label)

    def on_mount(self) -> None:
        self.sub_title = self.serial
        self.reload()

    def action_stay(self) -> None:
        self.ctx.notify(self.ctx.tr("detail_q"))

    def ticket_serial(self) -> str | None:
        return self.serial

    def reload(self) -> None:
        self._load()

    def _load(self) -> None:
        s, serial = self.ctx.services, self.serial

        def load():         # blocks: the store
            t = s.tickets.get(s.user, serial)
            notes = s.tickets.notes(s.user, serial)
            hist = s.tickets.history(s.user, serial) if s.user.can("audit.read") or s.user.can("tickets.read") else []
            links = s.tickets.links(s.user, serial)
            return t, notes, hist, s.tickets.light(t), links
        run_call(self, load, then=lambda r: self._fill(*r), group="detail", exclusive=True)

    def _fill(self, t, notes, hist, light, links=()) -> None:
        tr = self.ctx.tr
        out = Text()
        sym, style = LIGHT[light]
        out.append(f"{t.serial}  ", style="bold")
        out.append(f"{sym} {tr('light_' + light)}", style=style)
        out.append(f"  {tr('ts_' + t.state)}  v{t.version}\n")

        def when(dt) -> str:
            return f"{dt:%Y-%m-%d %H:%M}" if dt else "—"
        deps = t.department + "".join(f" +{c.department}" for c in t.co_departments)
        fields = [("caller", f"{t.caller_name} {t.caller_phone}"), ("address", t.address), ("district", t.district),
                  ("channel", t.channel), ("created", when(t.created_at)), ("department", deps or "—"),
                  ("category", f"{t.category} {t.subcategory}"), ("urgency", t.urgency), ("due", when(t.current_due)),
                  ("urge", str(t.urges)), ("content", t.content)]
        fields += [(k, v) for k, v in (("answer", t.answer), ("reply", t.reply),
                                        ("callback_result", " / ".join(x for x in (t.callback_handler, t.callback_result) if x)),
                                        ("closed", when(t.closed_at) if t.closed_at else "")) if v]
        for k, v in fields:
            out.append(f"{tr(k)}: ", style="bold")
            out.append(terminal_safe(v) + "\n")
        # 并单 / 案件关联: the ticket this one was merged into, and every link both ways
        out.append(f"\n{tr('links')}\n", style="bold underline")
        if t.merged_into:
            out.append(f"{tr('merged_into')}: {terminal_safe(t.merged_into)}\n")
        for other, kind in links:
            if kind == "merged" and other == t.merged_into:
                continue
            out.append(f"{tr('link_' + kind)}: {terminal_safe(other)}\n")
        if not t.merged_into and not links:
            out.append(tr("none") + "\n", style="dim")
        out.append(f"\n{tr('history')}\n", style="bold underline")
        for n in notes:
            out.append(f"{n.at:%m-%d %H:%M} {n.kind:<10} {terminal_safe(n.actor):<10} ", style="dim")
            out.append(terminal_safe(n.text) + "\n")
        out.append(f"\n{tr('audit')}\n", style="bold underline")
        for a in hist:
            out.append(f"{a.at:%m-%d %H:%M} {terminal_safe(a.actor):<10} {a.action:<24}", style="dim")
            after = {k: v for k, v in (a.after or {}).items() if (a.before or {}).get(k) != v}
            out.append(terminal_safe(", ".join(f"{k}={v}" for k, v in list(after.items())[:4])) + "\n")
        if not self.ctx.services.readonly:
            out.append(f"\n{tr('actions')}\n", style="bold underline")
            out.append("  ".join(f"{b.key} {self.ctx.key_label(b.description)}" for b in ACTION_BINDINGS) + "\n")
        self.text = out.plain
        self.query_one("#detail", Static).update(out)
