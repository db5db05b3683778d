"""The agent's own work (我的工作, ``F5`` on the desk): today's answered calls and talk time from
the call record, the tickets they registered, and the abandoned-call callback tasks (呼损回拨)
assigned to them. Read once when opened and again with ``r`` (one worker: the store blocks);
``escape`` goes back to the desk. Every cell is text (``cell``: never markup).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from hotline_tui.clock import SITE_TZ
from hotline_tui.text import clip_line

from .context import ScreenContext
from .fmt import fmt_duration
from .widgets import cell
from .work import run_call


class MyWorkScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Back"), Binding("r", "load", "Refresh")]
    DEFAULT_CSS = """
    MyWorkScreen { align: center middle; }
    MyWorkScreen > Vertical { width: 100%; max-width: 120; height: 100%; max-height: 40; border: round $primary;
                              background: $surface; }
    MyWorkScreen #mywork-sum { height: 1; padding: 0 1; }
    MyWorkScreen Label { padding: 0 1; text-style: bold; }
    MyWorkScreen #mywork-tickets { height: 2fr; }
    MyWorkScreen #mywork-callbacks { height: 1fr; min-height: 3; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__()
        self.ctx = ctx
        self.work = None             # the last MyWork read (tests read it)

    def tr(self, key: str, **kw: object) -> str:
        return self.ctx.tr(key, **kw)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.tr("loading"), id="mywork-sum")
            yield Label(self.tr("mywork_tickets"))
            yield DataTable(id="mywork-tickets", cursor_type="row", zebra_stripes=True)
            yield Label(self.tr("mywork_callbacks"))
            yield DataTable(id="mywork-callbacks", cursor_type="row", zebra_stripes=True)
            yield Static(Text(self.tr("mywork_hint"), style="dim"))

    def on_mount(self) -> None:
        t = self.query_one("#mywork-tickets", DataTable)
        for key in ("serial", "created", "ticket_state", "category", "content"):
            t.add_column(self.tr(key), key=key)
        c = self.query_one("#mywork-callbacks", DataTable)
        for key in ("mywork_abandoned", "mywork_number", "mywork_queue", "mywork_note"):
            c.add_column(self.tr(key), key=key)
        self.action_load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_load(self) -> None:
        s = self.ctx.services
        if s.desk is None:
            self.query_one("#mywork-sum", Static).update(Text(self.tr("mywork_unavailable"), style="yellow"))
            return
        desk = s.desk
        run_call(self, lambda: desk.my_work(s.user), then=self._show, group="mywork", exclusive=True)

    def _show(self, work) -> None:
        self.work = work
        self.query_one("#mywork-sum", Static).update(Text(self.tr(
            "mywork_summary", calls=work.calls_today, talk=fmt_duration(work.talk_today_s),
            tickets=work.tickets_today, callbacks=len(work.callbacks))))
        cats = self.ctx.services.tickets.categories() if self.ctx.services.tickets is not None else {}
        t = self.query_one("#mywork-tickets", DataTable)
        t.clear()
        for tk in work.tickets:
            t.add_row(cell(tk.serial), cell(tk.created_at.astimezone(SITE_TZ).strftime("%m-%d %H:%M")),
                      cell(self.tr(f"ts_{tk.state}")), cell(cats.get(tk.category, tk.category)),
                      cell(clip_line(tk.content, 50)), key=tk.serial)
        c = self.query_one("#mywork-callbacks", DataTable)
        c.clear()
        names = self.ctx.services.queue_names
        for task in work.callbacks:
            c.add_row(cell(datetime.fromtimestamp(task.abandoned_at, SITE_TZ).strftime("%H:%M")),
                      cell(task.caller_number), cell(names.get(task.queue, task.queue)), cell(clip_line(task.note, 40)),
                      key=str(task.id))
