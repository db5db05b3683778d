"""Engineer view: each switch link, the store, recent errors — what on-call needs over SSH."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .fmt import fmt_clock, fmt_duration
from .widgets import cell, num, sync_table
from .work import run_call

LINK_STYLE = {"connected": "green", "reconnecting": "bold yellow", "down": "bold red"}


class EngineerScreen(LiveScreen):
    TITLE_KEY = "engineer"
    DEFAULT_CSS = """
    #nodes { height: auto; max-height: 40%; }
    #store { height: auto; border: round $primary; padding: 0 1; }
    #calendar { height: auto; padding: 0 1; }
    #outbox { height: auto; padding: 0 1; }
    #drift { height: auto; border: round $warning; padding: 0 1; display: none; }
    #drift.shown { display: block; }
    #errors { height: 1fr; border: round $error; padding: 0 1; overflow-y: auto; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.store_checked = 0.0
        self.store_down_since: float | None = None    # first failed check of the current outage
        self.outbox_checked = 0.0
        self._drift_shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield DataTable(id="nodes", cursor_type="row")
        yield Static(id="calendar")
        yield Static(id="store")
        yield Static(id="outbox")
        yield Static(id="drift")
        yield Static(id="errors")
        yield self.footer()

    def on_mount(self) -> None:
        t = self.query_one("#nodes", DataTable)
        for key in ("node", "link", "heartbeat", "events_s", "resyncs", "errors", "recent_errors"):
            t.add_column(self.tr(key), key=key)
        self.query_one("#store", Static).border_title = self.tr("store")
        self.query_one("#errors", Static).border_title = self.tr("recent_errors")
        self.query_one("#drift", Static).border_title = self.tr("shared_tables")
        super().on_mount()

    def show(self, snap, alerts) -> None:
        now = time.time()
        rows = {}
        for n in self.services.nodes():
            hb = fmt_duration(now - n.last_heartbeat) if n.last_heartbeat else "—"
            rows[n.node] = (cell(f"{n.node} {n.address}"), cell(self.tr(n.link), LINK_STYLE[n.link]), num(hb),
                            num(f"{n.events_per_s:.1f}"), num(n.resyncs), num(n.errors, "red" if n.errors else ""),
                            cell(self.services.mask(n.last_error)[:80], "dim"))
        sync_table(self.query_one("#nodes", DataTable), rows)
        self._calendar()
        # every 5 s; every second while the store is down, so its return shows at once
        every = 1.0 if self.store_down_since is not None else 5.0
        if now - self.store_checked > every and self.services.store_info is not None:
            self.store_checked = now
            self._store()
        if now - self.outbox_checked > 5 and self.services.outbox is not None:
            self.outbox_checked = now
            run_call(self, self.services.outbox, then=self._show_outbox, catch=Exception, group="outbox",
                     exclusive=True, on_error=lambda exc: self._show_outbox({"error": str(exc)}))
        s = self.services
        if s.cc_tables is not None and s.drift_checked:      # the app checks on its own timer (app.py)
            self._show_drift(s.drift, s.drift_error)
        errs = Text()
        for at, text in list(self.services.errors)[-50:][::-1]:
            errs.append(fmt_clock(at) + " ", style="dim")
            errs.append(terminal_safe(text) + "\n")
        if not errs:
            errs.append("—", style="dim")
        self.query_one("#errors", Static).update(errs)

    def _calendar(self) -> None:
        """The working-day calendar: the full warning when a year in use is provisional."""
        tickets = self.services.tickets
        warning = tickets.calendar_warning() if tickets is not None else None
        line = Text(self.tr("calendar") + ": ", style="bold")
        if warning:
            line.append(terminal_safe(warning), style="bold yellow")
        else:
            line.append(self.tr("calendar_known" if tickets is not None else "calendar_none"), style="dim")
        self.query_one("#calendar", Static).update(line)

    def _store(self) -> None:
        info = self.services.store_info
        assert info is not None
        # The store being down is exactly what this view must show: any error, in the store box.
        run_call(self, info, then=self._show_store, catch=Exception, group="store", exclusive=True,
                 on_error=lambda exc: self._show_store({"kind": "?", "where": "", "error": str(exc)}))

    def _show_store(self, info: dict) -> None:
        t = Text()
        t.append(f"{info.get('kind', '?')}  ", style="bold")
        t.append(terminal_safe(info.get("where", "")))
        if info.get("reconnects"):
            t.append(f"  ⟳{int(info['reconnects'])}", style="yellow")      # reconnections since start
        t.append("\n")
        if "error" in info:
            # the outage, for as long as it lasts (issue 21): the error and how long ago it began
            now = time.time()
            if self.store_down_since is None:
                self.store_down_since = now
            t.append(terminal_safe(info["error"]), style="bold red")
            t.append(f"  {fmt_duration(now - self.store_down_since)}", style="bold red")
        else:
            self.store_down_since = None
            t.append(f"{self.tr('latency')} {info.get('latency_ms', 0):.1f} ms   ")
            t.append(f"{self.tr('migration')} {terminal_safe(info.get('migrations', ''))}")
        self.query_one("#store", Static).update(t)

    def _show_outbox(self, counts: dict) -> None:
        """Notifications: messages per status (dead ones in red: ``hotline notify list --dead``)."""
        line = Text(self.tr("outbox") + ": ", style="bold")
        if "error" in counts:
            line.append(terminal_safe(str(counts["error"])), style="bold red")
        else:
            order = ("pending", "sending", "sent", "delivered", "failed", "dead", "dropped", "suppressed")
            shown = [(k, counts[k]) for k in order if counts.get(k)]
            for i, (k, n) in enumerate(shown):
                line.append(("  " if i else "") + f"{k} {n}", style="bold red" if k in ("dead", "failed") else "")
            if not shown:
                line.append(self.tr("outbox_empty"), style="dim")
        line.append("   " + self.tr("outbox_worker_on" if self.services.notify_worker else "outbox_worker_off"),
                    style="dim")
        self.query_one("#outbox", Static).update(line)
    # -- issue 21: nodes sharing mod_callcenter's database ------------------------------------
    def _show_drift(self, found, error: str = "") -> None:
        """Where a node's live picture and the shared tables disagree (``live.drift``)."""
        what = (tuple(found or ()), error)
        if what == self._drift_shown:
            return
        self._drift_shown = what
        box = self.query_one("#drift", Static)
        box.add_class("shown")
        t = Text()
        if error:
            t.append(terminal_safe(error), style="bold red")
        elif not found:
            t.append(self.tr("drift_none"), style="green")
        for d in found or ():
            t.append("● ", style="bold yellow")
            t.append(self.tr(f"drift_{d.kind.replace('-', '_')}") + ": ", style="bold")
            t.append(terminal_safe(d.detail) + "\n")
        box.update(t)
