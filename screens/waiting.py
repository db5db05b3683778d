"""Waiting callers (key 8): who is waiting in each queue (or all queues), in the switch's order.

Caller (masked for the role in the snapshot), caller class from the store (elderly / VIP /
important / blacklist: a word and a colour), priority (mod_callcenter's base score), queue,
position (1 = offered next: ORDER BY score DESC), wait (red over ``caller_waiting_over_s``) and
state (waiting / being offered). Updated from the live picture at the refresh rate, like the
agents table.

Keys: ``f`` cycles the queue shown (all queues, then each); ``u`` picks the caller up to the
supervisor's own phone; ``m`` moves them to another queue; ``P`` raises their priority; ``h``
hangs up with a reason. Each asks first, is permission-checked and goes to the switch that owns
the call through ``supervise`` (one audited path: ``hotline_tui/supervisor.py``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from hotline_tui.live.views import LiveSnapshot, WaitingCaller

from . import supervise
from .base import LiveScreen
from .context import ScreenContext
from .dialogs import PromptScreen
from .fmt import fmt_duration
from .live_table import LiveTable
from .work import run_call

CLASS_STYLE = {"elderly": "bold cyan", "vip": "bold magenta", "important": "bold yellow", "blacklist": "bold red"}
STATE_KEY = {"Waiting": "cc_waiting", "Trying": "cc_offered"}
COLUMNS = ("caller", "caller_class", "priority", "queue", "position", "wait", "state")


class WaitingScreen(LiveScreen):
    TITLE_KEY = "callers"
    BINDINGS = [
        Binding("f", "queue_filter", "Queue"),
        Binding("u", "pick_up", "Pick up"),
        Binding("m", "move", "Move caller"),
        Binding("P", "priority", "Priority"),
        Binding("h", "hangup", "Hang up"),
    ]
    DEFAULT_CSS = """
    #callers { height: 1fr; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.queue = ""                       # "" = all queues
        self.callers: dict[str, WaitingCaller] = {}
        self.class_of: dict[str, str] = {}     # member uuid -> caller class (from the store)
        self._asked: set[str] = set()         # member uuids whose class was looked up (or is being)
        self.queues: list[str] = []
        self.multi_node = len(ctx.services.nodes()) > 1   # several switches: a Node column (who owns the call)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield LiveTable(id="callers")
        yield self.footer()

    def on_mount(self) -> None:
        t = self.query_one("#callers", LiveTable)
        for key in (*COLUMNS, "node") if self.multi_node else COLUMNS:
            t.add_column(self.tr(key), key=key, max_width=24)
        t.focus()
        super().on_mount()

    # -- showing ---------------------------------------------------------------------------
    def visible(self, snap: LiveSnapshot) -> list[WaitingCaller]:
        """The waiting callers of the queue shown, by queue then position (the switch's order)."""
        out = [c for q in snap.queues if not self.queue or q.name == self.queue for c in q.callers]
        out.sort(key=lambda c: (c.queue, c.position or 0, c.joined_at))
        return out

    def show(self, snap: LiveSnapshot, alerts) -> None:
        s = self.services
        self.queues = [q.name for q in snap.queues]
        callers = self.visible(snap)
        self.callers = {c.member_uuid: c for c in callers}
        over = s.settings.caller_waiting_over_s
        rows = {}
        for c in callers:
            cls = self.class_of.get(c.member_uuid, "")
            who = c.caller_number or c.caller_name or "?"
            rows[c.member_uuid] = (
                (who, CLASS_STYLE.get(cls, ""), "left"),
                (self.tr(f"class_{cls}") if cls else "", CLASS_STYLE.get(cls, ""), "left"),
                (str(c.priority), "bold" if c.priority else "dim", "right"),
                (s.queue_names.get(c.queue, c.queue), "", "left"),
                (str(c.position), "", "right"),
                (fmt_duration(c.wait_s), "bold red" if c.wait_s > over else "", "right"),
                (self.tr(STATE_KEY.get(c.state, c.state)), "bold magenta" if c.state == "Trying" else "", "left"),
            ) + (((c.node, "", "left"),) if self.multi_node else ())
        self.query_one("#callers", LiveTable).sync(rows, list(rows))
        where = s.queue_names.get(self.queue, self.queue) if self.queue else self.tr("all_queues")
        self.sub_title = f"{self.tr('callers')} {len(callers)} · {where}"
        self._lookup([u for u in rows if u not in self._asked])

    def _lookup(self, uuids: list[str]) -> None:
        """Ask the store for the classes of callers not seen yet (a worker: the store blocks)."""
        if not uuids or self.services.tickets is None:
            return
        self._asked.update(uuids)

        def got(found: dict[str, str]) -> None:
            self.class_of.update(found)
            self.ctx.request_refresh(reuse=True)
        run_call(self, lambda: self.services.caller_classes(uuids), then=got, group="classes")

    # -- keys ------------------------------------------------------------------------------
    def current(self) -> WaitingCaller | None:
        key = self.query_one("#callers", LiveTable).cursor_key
        return self.callers.get(key) if key else None

    def _who(self, c: WaitingCaller) -> str:
        return c.caller_number or c.caller_name or c.member_uuid[:8]

    def action_queue_filter(self) -> None:
        order = ["", *self.queues]
        self.queue = order[(order.index(self.queue) + 1) % len(order)] if self.queue in order else ""
        self.ctx.request_refresh(reuse=True)

    def action_pick_up(self) -> None:
        c = self.current()
        if c is not None:
            supervise.pick_up(self.ctx, self, c.session_uuid, c.queue, self._who(c), switch=c.node or None)

    def action_move(self) -> None:
        c = self.current()
        if c is None or not supervise.allowed(self.ctx, "calls.control"):
            return
        names = ", ".join(f"{k}={v}" for k, v in self.services.queue_names.items() if k != c.queue)

        def to(q: str | None) -> None:
            if q and q.strip():
                supervise.move_caller(self.ctx, self, c.session_uuid, c.queue, q.strip(), self._who(c),
                                      switch=c.node or None)
        self.app.push_screen(PromptScreen(f"{self.tr('queue')}? ({names})"), to)

    def action_priority(self) -> None:
        c = self.current()
        if c is None or not supervise.allowed(self.ctx, "calls.control"):
            return

        def to(v: str | None) -> None:
            if not v or not v.strip():
                return
            try:
                n = int(v.strip())
            except ValueError:
                self.ctx.report(self.tr("refused", why=f"priority {v.strip()!r} is not a number"))
                return
            supervise.raise_priority(self.ctx, self, c.session_uuid, c.queue, n, c.priority, self._who(c),
                                     switch=c.node or None)
        self.app.push_screen(PromptScreen(self.tr("priority_prompt", now=c.priority), str(max(c.priority, 0) + 600)), to)

    def action_hangup(self) -> None:
        c = self.current()
        if c is not None:
            supervise.hangup(self.ctx, self, c.session_uuid, "", self._who(c), switch=c.node or None)
