"""Handover: this shift's notes (n adds one) and the abandoned-call callback tasks."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .dialogs import PromptScreen
from .fmt import fmt_clock
from .widgets import cell, sync_table
from .work import run_call


class HandoverScreen(LiveScreen):
    TITLE_KEY = "handover"
    BINDINGS = [Binding("n", "note", "Add note"), Binding("R", "reassign", "Reassign callback")]
    DEFAULT_CSS = """
    #notes { height: auto; max-height: 50%; border: round $primary; padding: 0 1; }
    #callbacks { height: 1fr; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.loaded_at = 0.0
        self.roster: dict[str, str] = {}      # agent → status in the live picture

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Static(id="notes")
        yield DataTable(id="callbacks", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        t = self.query_one("#callbacks", DataTable)
        for key in ("id", "caller", "queue", "abandoned", "assigned"):
            t.add_column(key, key=key)
        super().on_mount()
        self.reload()

    def show(self, snap, alerts) -> None:
        # who is on the switch now: a task is reassigned only to an agent here and logged in
        roster: dict[str, str] = {}
        for a in snap.agents:
            if roster.get(a.name, "Logged Out") == "Logged Out":
                roster[a.name] = a.status
        self.roster = roster
        if time.time() - self.loaded_at > 15:
            self.reload()

    def reload(self) -> None:
        self.loaded_at = time.time()
        if self.services.notes is not None:
            self._load()

    def _load(self) -> None:
        s = self.services

        def load():      # blocks: the store
            day, name, notes = s.notes.current(s.user)
            tasks = s.callbacks.list(s.user) if s.callbacks is not None and s.user.can("callers.read") else []
            return day, name, notes, tasks
        run_call(self, load, then=lambda r: self._fill(*r), group="handover", exclusive=True)

    def _fill(self, day, name, notes, tasks) -> None:
        # notes and tasks come masked for the user's role from the services (calls.py)
        box = self.query_one("#notes", Static)
        box.border_title = f"{self.tr('handover')} {day} {name}"
        t = Text()
        for n in notes:
            t.append(fmt_clock(n.at, "%H:%M ") + f"{terminal_safe(n.author)}: ", style="dim")
            t.append(terminal_safe(n.text) + "\n")
        if not notes:
            t.append("—  (n)", style="dim")
        box.update(t)
        qn = self.services.queue_names
        rows = {str(k.id): (cell(k.id), cell(k.caller_number), cell(qn.get(k.queue, k.queue)),
                            cell(fmt_clock(k.abandoned_at, "%m-%d %H:%M")), cell(k.assigned_to))
                for k in tasks}
        sync_table(self.query_one("#callbacks", DataTable), rows)
        self.query_one("#callbacks", DataTable).border_title = f"{self.tr('callbacks')} {len(tasks)}"

    def action_note(self) -> None:
        if self.services.readonly or self.services.notes is None:
            self.ctx.notify(self.tr("readonly"), severity="warning")
            return
        self.app.push_screen(PromptScreen(self.tr("note_prompt")), lambda v: v and self._add(v))

    def _add(self, text: str) -> None:
        s = self.services

        def saved(note) -> None:
            self.ctx.notify(self.tr("note_saved", shift=f"{note.shift_date} {note.shift_name}"))
            self.reload()
        run_call(self, lambda: s.notes.add(s.user, text), then=saved, refused=True)

    def action_reassign(self) -> None:
        t = self.query_one("#callbacks", DataTable)
        if not t.row_count or self.services.readonly or self.services.callbacks is None:
            return
        task_id = int(t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value)
        self.app.push_screen(PromptScreen(f"callback {task_id} → agent?"), lambda v: v and self._reassign(task_id, v.strip()))

    def _reassign(self, task_id: int, agent: str) -> None:
        s = self.services
        roster = self.roster or None          # no live picture: the store's agent presence
        run_call(self, lambda: s.callbacks.reassign(s.user, task_id, agent, roster=roster), then=lambda _: self.reload(),
                 refused=True)
