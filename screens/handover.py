"""Handover: this shift's notes (n adds one), the live draft of the handover report (the same
builder as ``hotline report handover``; refreshed every minute and on r; P shows the shift before,
for the receiving lead), its sign-off (S hands over, V receives — recorded in the store, who and
when) and the abandoned-call callback tasks."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .dialogs import ConfirmScreen, PromptScreen
from .fmt import fmt_clock
from .report_view import report_renderable
from .widgets import cell, sync_table
from .work import run_call


class HandoverScreen(LiveScreen):
    TITLE_KEY = "handover"
    BINDINGS = [Binding("n", "note", "Add note"), Binding("R", "reassign", "Reassign callback"),
                Binding("r", "draft", "Refresh draft"), Binding("P", "previous", "Previous shift"),
                Binding("S", "sign_off", "Hand over"), Binding("V", "receive", "Receive")]
    DEFAULT_CSS = """
    #notes { height: auto; max-height: 30%; border: round $primary; padding: 0 1; }
    #draft-box { height: 2fr; border: round $secondary; padding: 0 1; }
    #callbacks { height: 1fr; }
    """
    #: The draft is rebuilt at most this often on its own (seconds); r rebuilds it now.
    DRAFT_EVERY_S = 60.0

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.loaded_at = 0.0
        self.roster: dict[str, str] = {}      # agent → status in the live picture
        self.draft_at = -1e9                  # monotonic time of the last draft asked for
        self.choice = "shift"                 # the draft's shift: "shift" (now) or "previous-shift"
        self.draft: dict | None = None        # the last draft shown (the report's JSON data)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Static(id="notes")
        with VerticalScroll(id="draft-box"):
            yield Static(id="draft")
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
        if time.monotonic() - self.draft_at > self.DRAFT_EVERY_S:
            self.action_draft()

    # -- the live draft of the handover report and its sign-off ----------------------------------
    def action_draft(self) -> None:
        """Rebuild the draft now (a worker: the store)."""
        s = self.services
        self.draft_at = time.monotonic()
        if s.reports is None or not s.user.can("reports.read"):
            self.query_one("#draft", Static).update(Text(self.tr("draft_none"), style="dim"))
            return
        choice, desk = self.choice, s.reports
        run_call(self, lambda: desk.handover_draft(s.user, choice), then=self._show_draft,
                 on_error=lambda exc: self.query_one("#draft", Static).update(Text(terminal_safe(str(exc)), style="red")),
                 group="draft", exclusive=True)

    def _show_draft(self, data: dict) -> None:
        self.draft = data
        box = self.query_one("#draft-box", VerticalScroll)
        box.border_title = self.tr("draft_title", shift=f"{data['period']['shift_date']} {data['period']['shift']}",
                                   at=data["as_of"][11:16])
        signs = {x["role"]: x for x in data["signoffs"]}
        box.border_subtitle = " · ".join(self.tr(f"signed_{r}", user=signs[r]["user"], at=signs[r]["at"][11:16])
                                         for r in ("handed_over", "received") if r in signs) or self.tr("not_signed")
        self.query_one("#draft", Static).update(report_renderable(data))

    def action_previous(self) -> None:
        self.choice = "previous-shift" if self.choice == "shift" else "shift"
        self.ctx.notify(self.tr("draft_of_previous" if self.choice != "shift" else "draft_of_current"))
        self.action_draft()

    def action_sign_off(self) -> None:
        self._sign("handed_over")

    def action_receive(self) -> None:
        self._sign("received")

    def _sign(self, role: str) -> None:
        s = self.services
        if s.readonly or s.reports is None:
            self.ctx.notify(self.tr("readonly"), severity="warning")
            return
        choice, desk = self.choice, s.reports

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def done(_: object) -> None:
                self.ctx.notify(self.tr(f"sign_done_{role}"))
                self.action_draft()
            run_call(self, lambda: desk.sign(s.user, role, choice), then=done, refused=True)
        period = self.draft["period"] if self.draft else None
        shift = f"{period['shift_date']} {period['shift']}" if period else ""
        self.app.push_screen(ConfirmScreen(self.tr(f"sign_ask_{role}", shift=shift, user=s.user.name),
                                           self.tr("sign_hint")), confirmed)

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
