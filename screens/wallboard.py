"""The wallboard: every queue, the last 30 minutes of waiting callers, and the alerts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from hotline_tui.alerts import Alert
from hotline_tui.live.nodes import node_breakdown
from hotline_tui.live.views import KpiFigures, LiveSnapshot
from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .chart import WaitingChart
from .context import ScreenContext
from .fmt import alert_text, fmt_duration, fmt_rate
from .live_table import LiveTable


def sl_style(k: KpiFigures | None, target: float) -> str:
    if k is None or k.service_level is None:
        return "dim"
    if k.service_level >= target:
        return "green"
    return "yellow" if k.service_level >= target - 0.1 else "bold red"


def cell(value, style: str = "") -> tuple:
    return (str(value), style, "left")


def num(value, style: str = "") -> tuple:
    return (str(value), style, "right")


class WallboardScreen(LiveScreen):
    TITLE_KEY = "wallboard"
    DEFAULT_CSS = """
    #queues { height: auto; max-height: 60%; }
    #nodes { height: auto; max-height: 13; }
    #lower { height: 1fr; }
    #chart-box { width: 1fr; border: round $primary; padding: 0 1; }
    #alerts { width: 1fr; border: round $warning; padding: 0 1; overflow-y: auto; }
    #sl-rule { height: 1; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield LiveTable(id="queues")
        yield Static(id="sl-rule")
        with Horizontal(id="lower"):
            with Vertical(id="chart-box"):
                yield Static(id="chart-label")
                yield WaitingChart(id="chart")
            yield Static(id="alerts")
        yield self.footer()

    ALL = ("queue", "waiting", "longest", "ewt", "avail", "busy", "wrap", "break", "sl30", "sl_today", "abandon",
           "answered_today")
    NARROW = ("queue", "waiting", "longest", "avail", "busy", "break", "sl30", "sl_today", "abandon")

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.columns: tuple[str, ...] = ()

    def on_mount(self) -> None:
        self.query_one("#chart-label", Static).update(Text(self.tr("waiting_chart"), style="bold"))
        super().on_mount()

    def _layout(self) -> None:
        """Fewer columns below 110 cells wide, so 80x24 over SSH shows every queue's essentials."""
        want = self.NARROW if self.app.size.width < 110 else self.ALL
        if want != self.columns:
            self.query_one("#queues", LiveTable).set_columns([(self.tr(key), key, 24) for key in want])
            self.columns = want

    def _pick(self, *cells) -> tuple:
        return tuple(c for key, c in zip(self.ALL, cells) if key in self.columns)

    def show(self, snap: LiveSnapshot, alerts: list[Alert]) -> None:
        self._layout()
        s = self.services
        target = s.settings.sl_target
        rows: dict[str, tuple] = {}
        for q in snap.queues:
            k30, kday = q.kpi.get("30m"), q.kpi.get("today")
            wait_style = "bold red" if q.longest_wait_s > s.settings.caller_waiting_over_s else ""
            ab_style = "bold red" if kday and kday.abandon_rate and kday.abandon_rate > s.settings.abandon_target else ""
            rows[q.name] = self._pick(
                cell(s.queue_names.get(q.name, q.name)), num(q.waiting, "bold" if q.waiting else "dim"),
                num(fmt_duration(q.longest_wait_s) if q.waiting else "—", wait_style),
                num(fmt_duration(q.estimated_wait_s) if q.waiting else "—"),
                num(q.agents_available, "green" if q.agents_available else "dim"), num(q.agents_on_call),
                num(q.agents_wrap_up), num(q.agents_on_break, "yellow" if q.agents_on_break else "dim"),
                num(fmt_rate(k30.service_level if k30 else None), sl_style(k30, target)),
                num(fmt_rate(kday.service_level if kday else None), sl_style(kday, target)),
                num(fmt_rate(kday.abandon_rate if kday else None), ab_style), num(kday.answered if kday else 0),
            )
        tot30, totday = snap.totals.get("30m"), snap.totals.get("today")
        # Agents serve several queues: the total counts each agent once, from the agent list.
        on = [a for a in snap.agents if a.status != "Logged Out"]
        avail = sum(1 for a in on if a.status.startswith("Available") and a.state == "Waiting" and not a.wrap_up)
        busy = sum(1 for a in on if a.state in ("In a queue call", "Receiving"))
        wrap = sum(1 for a in on if a.wrap_up)
        brk = sum(1 for a in on if a.status == "On Break")
        rows["\x00total"] = self._pick(
            cell(self.tr("total"), "bold"), num(sum(q.waiting for q in snap.queues), "bold"),
            num(fmt_duration(max((q.longest_wait_s for q in snap.queues), default=0))),
            num(""), num(avail, "green"), num(busy), num(wrap), num(brk, "yellow" if brk else "dim"),
            num(fmt_rate(tot30.service_level if tot30 else None), sl_style(tot30, target)),
            num(fmt_rate(totday.service_level if totday else None), sl_style(totday, target)),
            num(fmt_rate(totday.abandon_rate if totday else None)), num(totday.answered if totday else 0, "bold"),
        )
        self.query_one("#queues", LiveTable).sync(rows)
        self._show_nodes(snap)
        st = s.settings
        den = self.tr(f"den_{st.denominator}", s=f"{st.short_abandon_s:g}")
        occ = self.tr("occupancy_line", o30=fmt_rate(tot30.occupancy if tot30 else None),
                      oday=fmt_rate(totday.occupancy if totday else None))
        self.query_one("#sl-rule", Static).update(Text.assemble(
            (self.tr("sl_rule", t=f"{st.threshold_s:g}", den=den, target=fmt_rate(target)), "dim"), "  ", occ))
        hist = [n for _, n in snap.waiting_history] or [0]
        self.query_one("#chart", WaitingChart).show(snap.waiting_history, snap.taken_at)
        self.query_one("#chart-label", Static).update(Text.assemble(
            (self.tr("waiting_chart"), "bold"), "  " + self.tr("now_max", now=hist[-1], max=max(hist))))
        box = Text()
        if not alerts:
            box.append(self.tr("no_alerts"), style="green")
        for a in alerts[:40]:
            box.append("● ", style="red" if a.severity == "red" else "yellow")
            box.append(terminal_safe(alert_text(a, self.tr)) + "\n")
        self.query_one("#alerts", Static).update(box)
        self.query_one("#alerts", Static).border_title = f"{self.tr('alerts')} ({len(alerts)})"

    # -- issue 21: a site of several nodes shows one line per node, with its health ----------
    NODE_COLUMNS = ("node", "node_health", "heartbeat", "events_s", "agents_in", "avail", "busy", "break",
                    "waiting", "longest", "answered_today")
    HEALTH_STYLE = {"ok": "green", "silent": "bold yellow", "reconnecting": "bold yellow", "down": "bold red",
                    "—": "dim"}

    def _show_nodes(self, snap: LiveSnapshot) -> None:
        """Shown only when the site has more than one node (a city's one switch needs none)."""
        rows = node_breakdown(snap, self.services.nodes(), self.services.now())
        if len(rows) <= 1:
            return
        found = self.query("#nodes")
        if not found:       # mounted the first time a second node shows: a city's board stays as it was
            table = LiveTable(id="nodes")
            self.mount(table, before=self.query_one("#queues", LiveTable))
            table.set_columns([(self.tr(k), k, 16) for k in self.NODE_COLUMNS])
        else:
            table = found.first(LiveTable)
        out = {}
        for r in rows:
            out[r.node] = (
                cell(r.node, "bold"), cell(self.tr(f"health_{r.health}") if r.health != "—" else "—",
                                           self.HEALTH_STYLE.get(r.health, "")),
                num(fmt_duration(r.heartbeat_age_s) if r.heartbeat_age_s is not None else "—",
                    "bold yellow" if r.health == "silent" else ""),
                num(f"{r.events_per_s:.1f}"), num(r.agents_in), num(r.available, "green" if r.available else "dim"),
                num(r.on_call), num(r.on_break, "yellow" if r.on_break else "dim"), num(r.waiting, "bold" if r.waiting else "dim"),
                num(fmt_duration(r.longest_wait_s) if r.waiting else "—"), num(r.answered_today))
        table.sync(out, [r.node for r in rows])
