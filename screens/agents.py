"""Agents: who is where, for how long; set status, listen / whisper / barge, move, log out.

Every action is confirmed, permission-checked by the Supervisor service and done through the
switch port. Space tags rows; actions apply to the tagged rows (or the row under the cursor).

With several switches configured the table has a Node column and its rows are keyed
``<id>@<node>`` (the same id on two switches is two agents); every action goes to the row's
node (``AgentRef``). With one switch rows are keyed by the agent id.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from hotline_tui.live.views import AgentView, LiveSnapshot
from hotline_tui.switch import AgentRef

from . import supervise
from .base import LiveScreen
from .context import ScreenContext
from .dialogs import ConfirmScreen, PromptScreen
from .fmt import fmt_duration
from .live_table import LiveTable
from .work import run_call

STATUS_STYLE = {"Available": "green", "Available (On Demand)": "green", "On Break": "yellow", "Logged Out": "dim"}
STATE_STYLE = {"In a queue call": "bold cyan", "Receiving": "bold magenta"}
SORTS = ("name", "status", "in_state", "calls_today", "team")
GROUPS = ("none", "team", "queue")
GROUP_PREFIX = "\x00group:"     # a group header row's key: never an agent's (no NUL in ids)


def display_name(names: dict[str, str], a: AgentView) -> str:
    """The agent's name from its own node's site file when the console has one for that node
    (``<id>@<node>``), else from the console's site file (by id)."""
    return names.get(f"{a.name}@{a.node}") or names.get(a.name, "")


class AgentsScreen(LiveScreen):
    TITLE_KEY = "agents"
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse", "Reverse", show=False),
        Binding("g", "group", "Group"),
        Binding("space", "tag", "Tag"),
        Binding("a", "status('Available')", "Available"),
        Binding("b", "status('On Break')", "Break"),
        Binding("o", "status('Logged Out')", "Log out"),
        Binding("l", "listen('listen')", "Listen"),
        Binding("w", "listen('whisper')", "Whisper"),
        Binding("B", "listen('barge')", "Barge"),
        Binding("m", "move", "Move to queue"),
        Binding("T", "transfer", "Transfer"),
        Binding("h", "hangup", "Hang up"),
        Binding("escape", "clear", "Clear", show=False),
    ]
    DEFAULT_CSS = """
    #agent-filter { display: none; height: 3; }
    #agent-filter.shown { display: block; }
    #agents { height: 1fr; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.filter_text = ""
        self._filter_due = False                   # a filter refresh is queued (on_input_changed)
        self.sort_by = "name"
        self.group_by = "none"
        self.tagged: set[str] = set()
        self.snap: LiveSnapshot | None = None
        self._queues_text: dict[tuple[str, ...], str] = {}
        self.multi_node = len(ctx.services.nodes()) > 1
        self._refs: dict[str, AgentRef] = {}      # row key -> the agent it is, on its node
        self.reverse = False                       # S: the sort key the other way round
        self.columns: tuple[str, ...] = ()
        # pause reasons from the audit log: row key -> (the break's start, (code, actor) or None)
        self.reasons: dict[str, tuple[float, tuple[str, str] | None]] = {}
        self._reason_asked: set[tuple[str, float]] = set()
        self._reason_wanted: list[tuple[str, str, float]] = []    # (row key, agent id, break start)
        self._hay: dict[tuple[str, str], tuple[tuple, str]] = {}     # (id, node) -> (what it was made of, text)
        # row key -> (what the row was made of, the row): a row is built again only when its
        # agent's shown values change (docs/benchmarks.md, "Province")
        self._row_memo: dict[str, tuple[tuple, tuple]] = {}

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Input(placeholder="/", id="agent-filter")
        yield LiveTable(id="agents")
        yield self.footer()

    ALL = ("agent", "node", "name", "team", "status", "state", "in_state", "pause_reason", "calls_today",
           "talk_today", "caller", "queues", "flags")
    # Below 120 cells (80x24 over SSH) the columns that say what to act on, Flags among them.
    NARROW = ("agent", "node", "name", "status", "state", "in_state", "pause_reason", "flags")

    def on_mount(self) -> None:
        self._layout()
        self.query_one("#agents", LiveTable).focus()          # the hidden filter box must not catch keys
        super().on_mount()

    def _layout(self) -> None:
        want = tuple(k for k in (self.NARROW if self.app.size.width < 120 else self.ALL)
                     if k != "node" or self.multi_node)
        if want != self.columns:
            self.query_one("#agents", LiveTable).set_columns(
                [(self.tr(k), k, 40 if k == "queues" else 24) for k in want])
            self.columns = want

    # -- showing ---------------------------------------------------------------------------
    SORT_KEYS = {"name": lambda a: (a.name, a.node), "status": lambda a: (a.status, a.state, a.name),
                 "in_state": lambda a: (-a.time_in_state_s, a.name), "calls_today": lambda a: (-a.calls_today, a.name),
                 "team": lambda a: (a.team, a.name)}
    # the direction each sort key reads in by default: longest in state and most calls first
    DESCENDING = ("in_state", "calls_today")

    def group_of(self, a: AgentView) -> str:
        """The group an agent is shown under: its team, or its first queue (an agent serving
        several queues is listed once, under the first)."""
        if self.group_by == "team":
            return a.team
        return a.queues[0] if a.queues else ""

    def haystack(self, a: AgentView) -> str:
        """What the filter matches for agent ``a``, lowercase: id, node (several switches),
        name, team, status and state (also in the UI's words), queues. Kept per agent and made
        again only when one of those changes: at 1,400 agents every typed character filters
        them all. Does not block."""
        sig = (a.status, a.state, a.team, a.queues, self.services.lang)
        k = (a.name, a.node)
        got = self._hay.get(k)
        if got is not None and got[0] == sig:
            return got[1]
        names = self.services.agent_names
        text = " ".join((a.name, a.node if self.multi_node else "", display_name(names, a), a.team, a.status,
                         a.state, self.tr(a.status), self.tr(a.state), " ".join(a.queues))).lower()
        self._hay[k] = (sig, text)
        return text

    def visible(self, snap: LiveSnapshot) -> list[AgentView]:
        f = self.filter_text.lower()
        if len(self._hay) > 2 * len(snap.agents) + 100:     # agents come and go: stay bounded
            self._hay.clear()
        hay = self.haystack
        agents = [a for a in snap.agents if not f or f in hay(a)]
        agents.sort(key=self.SORT_KEYS[self.sort_by], reverse=self.reverse)
        if self.group_by == "team":
            # Teams in the site's order (by their first agent), not by the characters' code points.
            first: dict[str, str] = {}
            for a in snap.agents:
                first[a.team] = min(first.get(a.team, a.name), a.name)
            agents.sort(key=lambda a: first.get(a.team, ""))   # stable: sorted within each team
        elif self.group_by == "queue":
            agents.sort(key=lambda a: a.queues[0] if a.queues else "~")
        return agents

    def _reason_text(self, a: AgentView, key: str) -> str:
        """The pause reason shown for an agent on break: the desk's reason (its label), or who
        put the agent on break; asked of the audit log once per break (a worker)."""
        if a.status != "On Break":
            return ""
        got = self.reasons.get(key)
        if got is None or got[0] != a.since:
            if (key, a.since) not in self._reason_asked:
                self._reason_asked.add((key, a.since))
                self._reason_wanted.append((key, a.name, a.since))
            return ""
        found = got[1]
        if found is None:
            return ""
        code, actor = found
        if not code:
            return f"({actor})"
        idx = 0 if self.services.lang == "zh" else 1
        r = next((r for r in self.services.not_ready_reasons if r.code == code), None)
        return (r.zh, r.en)[idx] if r is not None else code

    def _ask_reasons(self) -> None:
        """Read the pause reasons wanted since the last refresh in one worker (the audit log
        blocks): at 1,000 agents a shift change puts dozens on break at once."""
        wanted, self._reason_wanted = self._reason_wanted, []
        sup = self.services.supervisor
        if not wanted or sup is None:
            return

        def read() -> dict:
            return {key: (since, sup.pause_reason(agent)) for key, agent, since in wanted}

        def got(found: dict) -> None:
            self.reasons.update(found)
            self.ctx.request_refresh(reuse=True)
        run_call(self, read, then=got, group="reasons")

    def _header(self, group: str, members: list[AgentView]) -> tuple:
        """A group's header row: its name and subtotals, under the columns they count."""
        avail = sum(1 for a in members if a.status in ("Available", "Available (On Demand)")
                    and a.state == "Waiting" and not a.wrap_up)
        busy = sum(1 for a in members if a.state in ("In a queue call", "Receiving"))
        brk = sum(1 for a in members if a.status == "On Break")
        label = self.services.queue_names.get(group, group) if self.group_by == "queue" else group
        cells = {"agent": ("▾ " + (label or "—"), "bold reverse", "left"),
                 "name": (str(len(members)), "bold", "left"),
                 "status": (f"{avail} {self.tr('avail')}", "bold green", "left"),
                 "state": (f"{busy} {self.tr('busy')}", "bold cyan", "left"),
                 "in_state": (f"{brk} {self.tr('break')}", "bold yellow", "right")}
        return tuple(cells.get(k, ("", "", "left")) for k in self.columns)

    def show(self, snap: LiveSnapshot, alerts) -> None:
        """Sync the table with ``snap``. At 1,000 agents this runs at the refresh rate on the UI
        loop, so it works on plain values and the table repaints only rows that changed; the
        ticking "in state" column is brought up to date only for the rows on screen (and a
        screen's height either side): a row scrolled into view shows it from the next refresh on.
        Grouped by team or queue, each group starts with a header row holding its subtotals."""
        self._layout()
        self.snap = snap
        s = self.services
        qn, names = s.queue_names, s.agent_names
        break_over = s.settings.break_over_s
        tr_memo: dict[str, str] = {}

        def tr(key: str) -> str:
            v = tr_memo.get(key)
            if v is None:
                v = tr_memo[key] = self.tr(key)
            return v
        wrap = " · " + tr("wrap")
        table = self.query_one("#agents", LiveTable)
        agents = self.visible(snap)
        multi = self.multi_node
        keys = [self.row_key(a) for a in agents]
        if multi:
            self._refs = {k: AgentRef(a.name, a.node) for k, a in zip(keys, agents)}
        shown = table.rows
        top, height = int(table.scroll_offset.y), max(table.size.height, 1)
        live = set(keys[max(top - height, 0):top + 2 * height])
        cols = self.columns
        in_state_col = cols.index("in_state")
        rows: dict[str, tuple] = {}
        order: list[str] = []
        groups: dict[str, list[AgentView]] = {}
        if self.group_by != "none":
            for a in agents:
                groups.setdefault(self.group_of(a), []).append(a)
        current = None
        row_memo, lang = self._row_memo, s.lang
        if len(row_memo) > 2 * len(snap.agents) + 100:     # agents come and go: stay bounded
            row_memo.clear()
        if len(self._reason_asked) > 2 * len(snap.agents) + 100:
            # breaks asked about once each: over a shift they pile up; keep the breaks still shown
            self._reason_asked = {(k, since) for k, since in self._reason_asked
                                  if self.reasons.get(k, (None, None))[0] == since}
        for k, a in zip(keys, agents):
            if self.group_by != "none":
                g = self.group_of(a)
                if g != current:
                    current = g
                    hk = GROUP_PREFIX + g
                    rows[hk] = self._header(g, groups[g])
                    order.append(hk)
            tagged = k in self.tagged
            old = shown.get(k)
            if old is None or k in live or len(old) != len(cols):
                over = a.status == "On Break" and a.time_in_state_s > break_over
                in_state = (fmt_duration(a.time_in_state_s), "bold red" if over else "", "right")
            else:
                in_state = old[in_state_col]
            reason = self._reason_text(a, k)
            sig = (a.status, a.state, a.wrap_up, a.calls_today, a.talk_time_today_s, a.caller_number, a.queues,
                   a.flags, a.team, tagged, reason, cols, lang)
            memo = row_memo.get(k)
            if memo is not None and memo[0] == sig:
                row = memo[1]
                if row[in_state_col] != in_state:
                    row = row[:in_state_col] + (in_state,) + row[in_state_col + 1:]
                    row_memo[k] = (sig, row)
                rows[k] = row
                order.append(k)
                continue
            qs = self._queues_text.get(a.queues)
            if qs is None:
                qs = self._queues_text[a.queues] = ",".join(qn.get(q, q) for q in a.queues)
            cells = {
                "agent": (a.name, "reverse" if tagged else "", "left"), "node": (a.node, "", "left"),
                "name": (("▶ " if tagged else "") + display_name(names, a), "", "left"), "team": (a.team, "", "left"),
                "status": (tr(a.status), STATUS_STYLE.get(a.status, "bold red"), "left"),
                "state": (tr(a.state) + (wrap if a.wrap_up else ""), STATE_STYLE.get(a.state, ""), "left"),
                "in_state": in_state, "pause_reason": (reason, "yellow", "left"),
                "calls_today": (str(a.calls_today), "", "right"),
                "talk_today": (fmt_duration(a.talk_time_today_s), "", "right"),
                "caller": (a.caller_number, "", "left"),     # masked for the role in the snapshot (masking.py)
                "queues": (qs, "", "left"), "flags": (" ".join(a.flags), "bold red", "left"),
            }
            rows[k] = row = tuple(cells[c] for c in cols)
            row_memo[k] = (sig, row)
            order.append(k)
        table.sync(rows, order)
        self._ask_reasons()
        group = self.tr(self.group_by) if self.group_by != "none" else self.tr("none")
        table.border_title = None
        natural_desc = self.sort_by in self.DESCENDING
        arrow = "↓" if natural_desc != self.reverse else "↑"
        self.sub_title = (f"{self.tr('agents')} {len(agents)}/{len(snap.agents)} · "
                          f"{self.tr('group_by', what=group)} · {self.tr('sort_dir', by=self.tr(self.sort_by), dir=arrow)}"
                          + (f" · {self.tr('tagged', n=len(self.tagged))}" if self.tagged else ""))

    # -- keys ------------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#agent-filter", Input)
        box.add_class("shown")
        self.set_focus(box)   # now, not on the next loop turn: keys typed right after / go to the box

    def on_input_changed(self, event: Input.Changed) -> None:
        # Esc clears the box itself and has shown the table already: this is its echo
        if event.input.id == "agent-filter" and event.value.strip() != self.filter_text:
            self.filter_text = event.value.strip()
            # Characters that came together (typed fast, pasted) filter 1,400 agents once: the
            # refresh runs after the messages already queued, not once per character.
            if not self._filter_due:
                self._filter_due = True
                self.call_later(self._filter_now)

    def _filter_now(self) -> None:
        self._filter_due = False
        self.ctx.request_refresh(reuse=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "agent-filter":
            self.query_one("#agents", LiveTable).focus()

    def action_clear(self) -> None:
        box = self.query_one("#agent-filter", Input)
        if box.has_class("shown") or self.filter_text:
            box.value, self.filter_text = "", ""
            box.remove_class("shown")
        else:
            self.tagged.clear()
        self.query_one("#agents", LiveTable).focus()
        self.ctx.request_refresh(reuse=True)

    def action_sort(self) -> None:
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self.ctx.request_refresh(reuse=True)

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.ctx.request_refresh(reuse=True)

    def action_group(self) -> None:
        self.group_by = GROUPS[(GROUPS.index(self.group_by) + 1) % len(GROUPS)]
        self.ctx.request_refresh(reuse=True)

    def row_key(self, a: AgentView) -> str:
        """The agent's row key: its id, or ``<id>@<node>`` with several switches configured."""
        return f"{a.name}@{a.node}" if self.multi_node else a.name

    def ref(self, key: str) -> str | AgentRef:
        """What the supervisor actions take for the row ``key``: the id with one switch, else
        the agent on its node."""
        return self._refs.get(key, key) if self.multi_node else key

    def current(self) -> str | None:
        """The agent row under the cursor (None on a group header)."""
        key = self.query_one("#agents", LiveTable).cursor_key
        return None if key is None or key.startswith(GROUP_PREFIX) else key

    def action_tag(self) -> None:
        name = self.current()
        if name:
            self.tagged.symmetric_difference_update({name})
            self.query_one("#agents", LiveTable).action_cursor_down()
            self.ctx.request_refresh(reuse=True)

    def targets(self) -> list[str]:
        if self.tagged:
            return sorted(self.tagged)
        name = self.current()
        return [name] if name else []

    def action_status(self, status: str) -> None:
        before = {self.row_key(a): a.status for a in (self.snap.agents if self.snap else ())}
        supervise.ask_status(self.ctx, self, self.targets(), status, before=before,
                             done=self.tagged.difference_update, refs=self.ref)

    def action_listen(self, mode: str) -> None:
        agent = self.current()
        if not agent or not supervise.allowed(self.ctx, "calls.listen"):
            return
        contact = self.services.user.contact
        q = self.tr("confirm_listen", contact=contact or "?", mode=self.tr(mode), agent=agent)
        self.app.push_screen(ConfirmScreen(q, "y / n"),
                             lambda ok: ok and supervise.listen(self.ctx, self, self.ref(agent), mode))

    def action_move(self) -> None:
        agents = self.targets()
        if not agents or not supervise.allowed(self.ctx, "agents.control"):
            return
        names = ", ".join(f"{k}={v}" for k, v in self.services.queue_names.items())
        self.app.push_screen(PromptScreen(f"{self.tr('queue')}? ({names})"),
                             lambda q: q and q.strip() and supervise.ask_move(self.ctx, self, agents, q.strip(),
                                                                              refs=self.ref))

    # -- the agent's call (issue 18): transfer on to a queue or extension, hang up with a reason --
    def _call_of(self, key: str):
        """The call the agent of row ``key`` is on (a ``CallView``), or None (says so)."""
        snap = self.snap
        a = next((a for a in (snap.agents if snap else ()) if self.row_key(a) == key), None)
        call = next((c for c in snap.calls if a is not None and c.uuid == a.current_call and c.node == a.node),
                    None) if snap else None
        if call is None or not call.session_uuid:
            self.ctx.notify(self.tr("no_call", agent=key), severity="warning")
            return None
        return call

    def action_transfer(self) -> None:
        key = self.current()
        if not key or not supervise.allowed(self.ctx, "calls.control"):
            return
        call = self._call_of(key)
        if call is None:
            return
        names = ", ".join(f"{k}={v}" for k, v in self.services.queue_names.items())

        def to(dest: str | None) -> None:
            if dest and dest.strip():
                supervise.transfer(self.ctx, self, call.session_uuid, dest.strip(), call.agent,
                                   call.caller_number or call.uuid[:8], switch=call.node or None)
        self.app.push_screen(PromptScreen(self.tr("transfer_prompt", names=names)), to)

    def action_hangup(self) -> None:
        key = self.current()
        if not key:
            return
        call = self._call_of(key)
        if call is not None:
            supervise.hangup(self.ctx, self, call.session_uuid, call.agent, call.caller_number or call.uuid[:8],
                             switch=call.node or None)
