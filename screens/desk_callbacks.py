"""The desk's callback list (F8 on the desk; issue 17, docs/callbacks.md): the agent's own
abandoned-call tasks (呼损回拨) and the ticket callbacks (回访) due. ``c`` calls the citizen
back (the agent's own phone rings first, through the switch port), ``r`` records the result
(desk.yaml ``callbacks.results``; satisfied / unsatisfied / could not confirm for a ticket)
with an optional note. Every store call runs in a worker; rules, permissions and audit are
``hotline_tui.callback_desk``'s.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from hotline_tui.callback_desk import WorkItem
from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .desk_dialogs import ChoiceScreen
from .dialogs import PromptScreen
from .fmt import fmt_clock
from .widgets import cell, num, sync_table
from .work import run_call


class DeskCallbacksScreen(LiveScreen):
    TITLE_KEY = "desk_callbacks"
    BINDINGS = [
        Binding("c", "call", "Call back"),
        Binding("r", "result", "Record result"),
        Binding("escape", "back", "Back"),
        Binding("f8", "back", "Back", show=False),
    ]
    DEFAULT_CSS = """
    #cb-status { height: 1; padding: 0 1; }
    #cb-list { height: 1fr; }
    """
    #: seconds between reloads while the list is shown (a retry coming due appears by then)
    RELOAD_S = 15

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.items: dict[str, WorkItem] = {}
        self.calls: dict[str, str] = {}          # row key → uuid of the callback placed (tests read it)
        self.loaded_at = 0.0
        self.loads = 0                           # finished loads (tests wait on it)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Static("", id="cb-status")
        yield DataTable(id="cb-list", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        t = self.query_one("#cb-list", DataTable)
        for key in ("cb_kind", "cb_number", "cb_name", "cb_where", "cb_since", "cb_attempts"):
            t.add_column(self.tr(key), key=key)
        super().on_mount()
        t.focus()
        self.reload()

    def show(self, snap, alerts) -> None:
        if time.time() - self.loaded_at > self.RELOAD_S:
            self.reload()

    def reload(self) -> None:
        self.loaded_at = time.time()
        s = self.services
        if s.callback_desk is None or not s.user.agent:
            self.query_one("#cb-status", Static).update(Text(self.tr("cb_no_agent"), style="yellow"))
            return
        desk = s.callback_desk
        run_call(self, lambda: desk.mine(s.user), then=self._fill, group="desk-cb-load", exclusive=True)

    def _fill(self, items: list[WorkItem]) -> None:
        self.items = {f"{i.kind}:{i.ref}": i for i in items}
        # the queue's display name, or the ticket category's name
        tickets = self.services.tickets
        names = {**(tickets.categories() if tickets is not None else {}), **self.services.queue_names}
        rows = {key: (cell(self.tr("cb_" + i.kind)), cell(i.number), cell(i.name), cell(names.get(i.where, i.where)),
                      cell(fmt_clock(i.since, "%m-%d %H:%M")), num(i.attempts))
                for key, i in self.items.items()}
        sync_table(self.query_one("#cb-list", DataTable), rows)
        status = self.tr("cb_count", n=len(items)) if items else self.tr("cb_none")
        self.query_one("#cb-status", Static).update(Text(status, style="" if items else "dim"))
        self.loads += 1

    def _current(self) -> tuple[str, WorkItem] | None:
        t = self.query_one("#cb-list", DataTable)
        if not t.row_count:
            return None
        key = str(t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value)
        item = self.items.get(key)
        return (key, item) if item is not None else None

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_call(self) -> None:
        cur = self._current()
        s = self.services
        if cur is None or s.callback_desk is None or s.switch is None or s.readonly:
            return
        key, item = cur

        def placed(uuid: str) -> None:
            self.calls[key] = uuid
            self.ctx.notify(terminal_safe(self.tr("cb_calling", number=item.number)))
        run_call(self, s.callback_desk.call(s.user, item, s.switch), then=placed, refused=True,
                 group="desk-cb-call", exclusive=True)

    def action_result(self) -> None:
        cur = self._current()
        s = self.services
        if cur is None or s.callback_desk is None or s.readonly:
            return
        key, item = cur
        choices = [(code, self.tr("cb_" + code)) for code in s.callback_desk.results(item.kind)]
        self.app.push_screen(ChoiceScreen(terminal_safe(f"{self.tr('cb_result_prompt')} · {item.number}"), choices,
                                          "1-9 / enter · esc"),
                             lambda code: code and self._ask_note(key, item, code))

    def _ask_note(self, key: str, item: WorkItem, result: str) -> None:
        self.app.push_screen(PromptScreen(self.tr("cb_note_prompt")),
                             lambda note: note is not None and self._record(key, item, result, note.strip()))

    def _record(self, key: str, item: WorkItem, result: str, note: str) -> None:
        s = self.services
        assert s.callback_desk is not None
        desk = s.callback_desk

        def done(state: str) -> None:
            label = self.tr("cb_state_" + state) if state in ("open", "done", "cancelled", "unreachable") else state
            self.ctx.notify(self.tr("cb_recorded", result=self.tr("cb_" + result), state=label))
            self.reload()
        run_call(self, lambda: desk.record(s.user, item, result, note, self.calls.get(key, "")), then=done,
                 refused=True, group="desk-cb-record", exclusive=True)
