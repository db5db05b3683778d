"""QA (质检): the inspector's queue, the call (recording id) and its ticket, the scorecard with
a key per item level, a comment required on every deduction, submit. Reached by ``:qa`` and the
command palette (no number key). Everything goes through ``QaService`` (permissions, audit,
locked scores); data from calls and tickets is shown as text only (``cell``, ``Text``).

Keys: Enter opens the evaluation under the queue's cursor; on the card ``f`` full, ``p``
partial, ``n`` none (both ask for the comment), ``a`` N/A (optional items), ``c`` comment,
``x`` a fatal check, ``s`` submit.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from hotline_tui.access import mask_phone
from hotline_tui.qa.ports import Evaluation
from hotline_tui.qa.scoring import Mark, total
from hotline_tui.qa.settings import Card
from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .dialogs import PromptScreen
from .fmt import fmt_clock
from .widgets import cell, num, sync_table
from .work import run_call

LEVEL_KEYS = {"f": "full", "p": "partial", "n": "none", "a": "na"}


class QaScreen(LiveScreen):
    TITLE_KEY = "qa"
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("f", "level('full')", "Full"),
        Binding("p", "level('partial')", "Partial"),
        Binding("n", "level('none')", "None"),
        Binding("a", "level('na')", "N/A"),
        Binding("c", "comment", "Comment"),
        Binding("x", "fatal", "Fatal"),
        Binding("s", "submit", "Submit"),
    ]
    # stacked, so a narrow terminal still shows whole serials and item labels
    DEFAULT_CSS = """
    #qa-queue { height: 8; border: round $primary; }
    #qa-detail { height: auto; max-height: 7; border: round $primary; padding: 0 1; }
    #qa-card { height: 1fr; border: round $accent; }
    #qa-status { height: 1; padding: 0 1; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.current: Evaluation | None = None
        self.cards: dict[str, Card] = {}                  # card kind -> the evaluation's card version
        self.marks: dict[str, dict[str, Mark]] = {}       # kind -> item -> the level set on screen
        self.fatal: set[str] = set()
        self.queue: list[Evaluation] = []

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield DataTable(id="qa-queue", cursor_type="row", zebra_stripes=True)
        yield Static(id="qa-detail")
        yield DataTable(id="qa-card", cursor_type="row", zebra_stripes=True)
        yield Static(id="qa-status")
        yield self.footer()

    def on_mount(self) -> None:
        q = self.query_one("#qa-queue", DataTable)
        for key in ("id", "agent", "answered", "ticket", "why"):
            q.add_column(self.tr(f"qa_{key}"), key=key)
        c = self.query_one("#qa-card", DataTable)
        # fixed widths: levels and comments change in place (sync_table keeps the widths)
        for key, width in (("item", 22), ("label", 24), ("points", 6), ("level", 8), ("note", 60)):
            c.add_column(self.tr(f"qa_{key}"), key=key, width=width)
        super().on_mount()
        self.reload()
        q.focus()

    def show(self, snap, alerts) -> None:
        pass                               # not a live picture: the queue is loaded on entry

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.current is None:
            self.query_one("#qa-queue", DataTable).focus()
        self.reload()

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("level", "comment", "fatal", "submit"):
            return self.current is not None and self.current.state == "assigned" and self.services.can("qa.score")
        return super().check_action(action, parameters)

    # -- the queue -----------------------------------------------------------------------------
    def reload(self) -> None:
        s = self.services
        if s.qa is None:
            self._status(self.tr("qa_none"))
            return
        qa = s.qa
        if not any(s.user.can(p) for p in ("qa.score", "qa.read", "qa.own")):
            self._status(self.tr("qa_no_permission"))
            return

        def load() -> list[Evaluation]:    # blocks: the store
            if s.user.can("qa.score"):
                return qa.queue(s.user)
            return [e for e in qa.visible(s.user) if e.state != "assigned"]
        run_call(self, load, then=self._fill_queue, group="qa-queue", exclusive=True)

    def _fill_queue(self, evs: list[Evaluation]) -> None:
        self.queue = evs
        rows = {str(e.id): (cell(e.id), cell(e.agent), cell(fmt_clock(e.call.get("answered_at") or 0, "%m-%d %H:%M")),
                            cell(e.ticket_serial or "—"), cell(self.tr(f"qa_stratum_{e.stratum}")))
                for e in evs}
        t = self.query_one("#qa-queue", DataTable)
        sync_table(t, rows)
        t.border_title = self.tr("qa_queue", n=len(evs))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "qa-queue":
            self.action_open()

    def action_open(self) -> None:
        t = self.query_one("#qa-queue", DataTable)
        if not t.row_count or self.services.qa is None:
            return
        ev_id = int(t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value)
        s, qa = self.services, self.services.qa

        def load():
            ev = qa.get(s.user, ev_id)
            cards = {"call": qa.card(ev.call_card, ev.call_card_version)}
            if ev.ticket_card:
                cards["ticket"] = qa.card(ev.ticket_card, ev.ticket_card_version)
            return ev, cards, qa.ticket(s.user, ev)
        run_call(self, load, then=lambda r: self._open(*r), group="qa-open", exclusive=True)

    def _open(self, ev: Evaluation, cards: dict[str, Card], ticket) -> None:
        self.current, self.cards, self.fatal = ev, cards, set(ev.fatal)
        source = ev.marks if ev.state != "assigned" else ev.prefill
        self.marks = {k: {c: Mark.from_json(m) for c, m in source.get(k, {}).items()} for k in cards}
        for kind, card in cards.items():
            for _, item in card.items():
                self.marks[kind].setdefault(item.code, Mark("full"))
        self._detail(ev, ticket)
        self._fill_card()
        self.query_one("#qa-card", DataTable).focus()

    def _detail(self, ev: Evaluation, ticket) -> None:
        c, user = ev.call, self.services.user
        t = Text()
        t.append(f"{self.tr('qa_call')} {terminal_safe(ev.call_key)}  ", style="bold")
        t.append(f"{self.tr('qa_recording')} {terminal_safe(c.get('recording_id') or '—')}\n")
        t.append(f"{terminal_safe(c.get('queue', ''))}  {terminal_safe(mask_phone(str(c.get('caller_number', '')), user))}  "
                 f"{fmt_clock(c.get('answered_at') or 0, '%m-%d %H:%M:%S')}  "
                 f"{self.tr('qa_talk')} {float(c.get('talk_s') or 0):.0f}s  {self.tr('qa_agent')} {terminal_safe(ev.agent)}\n")
        if ticket is not None:
            t.append(f"{self.tr('qa_ticket')} {terminal_safe(ticket.serial)}  ", style="bold")
            t.append(f"{terminal_safe(ticket.category)}/{terminal_safe(ticket.subcategory or '—')}  "
                     f"{terminal_safe(ticket.department or '—')}  {terminal_safe(ticket.district or '—')}  "
                     f"{terminal_safe(ticket.address or '—')}\n")
            t.append(terminal_safe(ticket.content)[:200])
        else:
            t.append(self.tr("qa_no_ticket"), style="dim")
        box = self.query_one("#qa-detail", Static)
        box.border_title = f"#{ev.id} {self.tr('qa_state_' + ev.state)}"
        box.update(t)

    # -- the card ------------------------------------------------------------------------------
    def _fill_card(self) -> None:
        rows: dict[str, tuple] = {}
        order: list[str] = []
        for kind, card in self.cards.items():
            for section, item in card.items():
                m = self.marks[kind][item.code]
                key = f"{kind}.{item.code}"
                style = {"partial": "yellow", "none": "bold red", "na": "dim"}.get(m.level, "")
                note = m.comment or (m.evidence if m.prefilled else "")
                flags = ("!" if item.critical else "") + ("?" if item.optional else "")
                rows[key] = (cell(key), cell(f"{section.label}·{item.label}{flags}"), num(item.points),
                             cell(self.tr(f"qa_level_{m.level}"), style), cell(note))
                order.append(key)
        t = self.query_one("#qa-card", DataTable)
        sync_table(t, rows)
        self._score_line()

    def _score_line(self) -> None:
        if self.current is None or self.services.qa is None:
            return
        call = self.cards["call"]
        tk = self.cards.get("ticket")
        weights = self.services.qa.settings.weights
        score, cs, ts = total(call, self.marks["call"], tk, self.marks.get("ticket", {}), sorted(self.fatal), weights)
        t = self.query_one("#qa-card", DataTable)
        t.border_title = self.tr("qa_score_line", score=score, call=cs, ticket="—" if ts is None else ts)
        fatal = ", ".join(sorted(self.fatal))
        self._status(self.tr("qa_keys") + (f"  {self.tr('qa_fatal')}: {fatal}" if fatal else ""))

    def _status(self, text: str) -> None:
        self.query_one("#qa-status", Static).update(Text(terminal_safe(text)))

    def _item_under_cursor(self) -> tuple[str, str] | None:
        t = self.query_one("#qa-card", DataTable)
        if not t.row_count or self.current is None:
            return None
        kind, _, code = str(t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value).partition(".")
        return kind, code

    def action_level(self, level: str) -> None:
        at = self._item_under_cursor()
        if at is None:
            return
        kind, code = at
        item = self.cards[kind].item(code)
        if item is None:
            return
        if level == "na" and not item.optional:
            self.ctx.notify(self.tr("qa_not_optional", item=item.label), severity="warning")
            return
        old = self.marks[kind][code]
        if level in ("partial", "none"):
            keep_evidence = old.prefilled and old.level == level and old.evidence
            self.app.push_screen(PromptScreen(self.tr("qa_comment_prompt", item=item.label), old.comment),
                                 lambda v: self._set(kind, code, level, v or "", bool(keep_evidence)))
        else:
            self._set(kind, code, level, "", False)

    def _set(self, kind: str, code: str, level: str, comment: str, prefilled: bool) -> None:
        old = self.marks[kind][code]
        if level in ("partial", "none") and not comment.strip() and not prefilled:
            self.ctx.notify(self.tr("qa_comment_required"), severity="warning")
            return
        self.marks[kind][code] = Mark(level, comment.strip(), old.evidence, prefilled and not comment.strip())
        self._fill_card()

    def action_comment(self) -> None:
        at = self._item_under_cursor()
        if at is None:
            return
        kind, code = at
        old = self.marks[kind][code]
        item = self.cards[kind].item(code)
        self.app.push_screen(PromptScreen(self.tr("qa_comment_prompt", item=item.label if item else code), old.comment),
                             lambda v: v is not None and self._set(kind, code, old.level, v, old.prefilled))

    def action_fatal(self) -> None:
        codes = [f"{f.code} {f.label}" for c in self.cards.values() for f in c.fatal]
        self.app.push_screen(PromptScreen(self.tr("qa_fatal_prompt", codes="; ".join(codes))),
                             lambda v: v and self._toggle_fatal(v.strip()))

    def _toggle_fatal(self, code: str) -> None:
        known = {f.code for c in self.cards.values() for f in c.fatal}
        if code not in known:
            self.ctx.notify(self.tr("qa_fatal_unknown", code=code), severity="warning")
            return
        self.fatal ^= {code}
        self._score_line()

    def action_submit(self) -> None:
        ev, s = self.current, self.services
        if ev is None or s.qa is None:
            return
        qa = s.qa
        # a kept pre-fill goes as it is (its evidence stands for the comment); the rest as set here
        levels = {(k, c): (m.level, m.comment) for k, items in self.marks.items() for c, m in items.items()
                  if not m.prefilled}
        fatal = sorted(self.fatal)

        def done(saved: Evaluation) -> None:
            self.ctx.notify(self.tr("qa_submitted", id=saved.id, score=saved.score))
            self.current = saved
            self.marks = {k: {c: Mark.from_json(m) for c, m in v.items()} for k, v in saved.marks.items()}
            self._fill_card()
            self.query_one("#qa-detail", Static).border_title = f"#{saved.id} {self.tr('qa_state_' + saved.state)}"
            self.reload()
        run_call(self, lambda: qa.score(s.user, ev.id, levels, fatal, expected_version=ev.version), then=done,
                 refused=True)
