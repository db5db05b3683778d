"""Reports (报表): pick a report (the ones ``ReportDesk`` offers: the handover, call loss and every
one registered beside them) and a period (this shift, the one before, today, yesterday, the last
seven days, this month), see it with its terminal chart — the same data as ``hotline report NAME
--format json`` and the same layout as its txt form. Reached by ``:reports`` / ``:报表`` and the
command palette (no number key). Keys: n the next report, b the next period, r build it again.
Building reads the store in a worker; the screen never blocks."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Select, Static

from hotline_tui.reports.desk import PERIODS
from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .report_view import report_renderable
from .work import run_call


class ReportsScreen(LiveScreen):
    TITLE_KEY = "reports"
    BINDINGS = [Binding("n", "next_report", "Next report"), Binding("b", "next_period", "Next period"),
                Binding("r", "build", "Refresh report")]
    DEFAULT_CSS = """
    #report-bar { height: 3; }
    #report-pick { width: 36; }
    #period-pick { width: 30; }
    #report-box { height: 1fr; border: round $primary; padding: 0 1; }
    """
    #: An open report of a running period is built again on its own this often (seconds).
    REBUILD_EVERY_S = 60.0

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.data: dict | None = None          # the report shown (its JSON data)
        self.built_at = -1e9
        self.report = "handover"
        self.period = PERIODS[0]

    def _names(self) -> list[str]:
        return self.services.reports.names() if self.services.reports is not None else []

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        with Horizontal(id="report-bar"):
            yield Select([(self._label(n), n) for n in self._names()] or [("—", "")], id="report-pick",
                         allow_blank=False, prompt=self.tr("report_pick"))
            yield Select([(self.tr(f"period_{p}"), p) for p in PERIODS], id="period-pick", allow_blank=False,
                         prompt=self.tr("report_period"))
        with VerticalScroll(id="report-box"):
            yield Static(id="report")
        yield self.footer()

    def _label(self, name: str) -> str:
        key = f"report_{name}"
        label = self.tr(key)
        return f"{label} ({name})" if label != key else name

    def on_mount(self) -> None:
        super().on_mount()
        names = self._names()
        if names:
            self.report = names[0]
        self.action_build()

    def show(self, snap, alerts) -> None:
        if time.monotonic() - self.built_at > self.REBUILD_EVERY_S:
            self.action_build()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value
        if not isinstance(value, str) or not value:
            return
        if event.select.id == "report-pick" and value != self.report:
            self.report = value
            self.action_build()
        elif event.select.id == "period-pick" and value != self.period:
            self.period = value
            self.action_build()

    def _cycle(self, select_id: str, values: list[str], current: str) -> None:
        if values:
            nxt = values[(values.index(current) + 1) % len(values)] if current in values else values[0]
            self.query_one(f"#{select_id}", Select).value = nxt      # Select.Changed builds it

    def action_next_report(self) -> None:
        self._cycle("report-pick", self._names(), self.report)

    def action_next_period(self) -> None:
        self._cycle("period-pick", list(PERIODS), self.period)

    def action_build(self) -> None:
        """Build the chosen report for the chosen period now (a worker: the store)."""
        s = self.services
        self.built_at = time.monotonic()
        out = self.query_one("#report", Static)
        if s.reports is None or not s.user.can("reports.read"):
            out.update(Text(self.tr("draft_none"), style="dim"))
            return
        name, period, desk = self.report, self.period, s.reports
        box = self.query_one("#report-box", VerticalScroll)
        box.border_title = f"{self._label(name)} · {self.tr(f'period_{period}')}"
        box.border_subtitle = self.tr("report_loading")

        def shown(data: dict) -> None:
            if (name, period) != (self.report, self.period):
                return                       # a newer choice is on its way
            self.data = data
            box.border_subtitle = ""
            out.update(report_renderable(data))

        def failed(exc: Exception) -> None:
            box.border_subtitle = ""
            out.update(Text(terminal_safe(str(exc)), style="red"))
        run_call(self, lambda: desk.run(s.user, name, period), then=shown, on_error=failed, group="report",
                 exclusive=True)
