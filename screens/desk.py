"""The agent desk (坐席台): what an agent needs while a citizen is on the line.

Top: the agent's own status, state and the caller on the line (from the live picture, by the
user's ``agent`` id in roles.yaml). Left: the caller's class and earlier tickets (filled in when
a call reaches this agent, or typed), and the intake — category and what the caller asks; Enter
registers the ticket through the ticket service. Right: the knowledge-base search panel;
``ctrl+o`` registers and answers on the spot (当即答复) citing the article on screen.
Every store call runs in a worker thread; permissions and audit are the services'.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from hotline_tui.errors import PermissionDenied, ValidationError
from hotline_tui.tickets.service import Intake
from hotline_tui.text import clip_line, terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .fmt import fmt_duration
from .kb_panel import KbPanel
from .widgets import cell
from .work import run_call

CLASS_STYLE = {"vip": "bold magenta", "elderly": "bold cyan", "important": "bold yellow", "blacklist": "bold red"}


class DeskScreen(LiveScreen):
    TITLE_KEY = "desk"
    BINDINGS = [
        Binding("ctrl+o", "answer", "Answer on the spot"),
        Binding("ctrl+n", "clear", "New caller"),
    ]
    DEFAULT_CSS = """
    #desk-me { height: 1; padding: 0 1; }
    #desk-body { height: 1fr; }
    #desk-left { width: 2fr; }
    #desk-kb { width: 3fr; }
    #desk-phone, #desk-content { height: 3; }
    #desk-caller { height: 1; padding: 0 1; }
    #desk-history { height: 1fr; }
    #desk-category { height: 3; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.on_line = ""            # the caller number the live picture last showed on my call
        self.call_id = ""
        self.registered: list[str] = []   # serials registered here (tests read it)

    @property
    def panel(self) -> KbPanel:
        return self.query_one(KbPanel)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Static("", id="desk-me")
        with Horizontal(id="desk-body"):
            with Vertical(id="desk-left"):
                yield Input(placeholder=self.tr("desk_phone"), id="desk-phone", max_length=20)
                yield Static("", id="desk-caller")
                yield DataTable(id="desk-history", cursor_type="row", zebra_stripes=True)
                tickets = self.services.tickets
                cats = list(tickets.categories().items()) if tickets is not None else []
                yield Select([(name, code) for code, name in cats], id="desk-category", allow_blank=False,
                             value=cats[0][0] if cats else Select.BLANK) if cats else Static("")
                yield Input(placeholder=self.tr("desk_content"), id="desk-content", max_length=4000)
            yield KbPanel(self.ctx, id="desk-kb", classes="stacked")
        yield self.footer()

    def on_mount(self) -> None:
        t = self.query_one("#desk-history", DataTable)
        for key in ("serial", "created", "ticket_state", "content"):
            t.add_column(self.tr(key), key=key)
        super().on_mount()
        self.panel.query_one("#kb-q", Input).focus()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "answer":
            return self.services.tickets is not None and self.services.can("tickets.register")
        return True

    # -- the live picture: who is on my line ------------------------------------------------
    def show(self, snap, alerts) -> None:
        me = self.query_one("#desk-me", Static)
        agent = self.services.user.agent
        if not agent:
            me.update(Text(self.tr("desk_no_agent"), style="dim"))
            return
        a = next((x for x in snap.agents if x.name == agent), None)
        if a is None:
            me.update(Text(f"{terminal_safe(agent)}: —", style="dim"))
            return
        line = Text(self.tr("desk_me", agent=agent, status=self.tr(a.status), state=self.tr(a.state),
                            since=fmt_duration(a.time_in_state_s), calls=a.calls_today,
                            talk=fmt_duration(a.talk_time_today_s)))
        if a.caller_number:
            line.append("   ")
            line.append(terminal_safe(self.tr("desk_on_call", number=a.caller_number)), style="bold green")
        me.update(line)
        # The snapshot's numbers are masked for a role without personal_data.view: such a number
        # is shown above but never put in the phone box (it would look up and register a mask).
        if a.caller_number and a.caller_number != self.on_line and self.services.user.can("personal_data.view"):
            # A new call reached me: bring up that caller (the agent can still type another number).
            self.on_line, self.call_id = a.caller_number, a.current_call
            # the switch's caller id is data: shown escaped in the box (a hostile one then has too
            # few digits to look up, and cannot act on the terminal)
            self.query_one("#desk-phone", Input).value = terminal_safe(a.caller_number)
        elif not a.caller_number:
            self.on_line = ""

    # -- caller history -----------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "desk-phone":
            digits = sum(ch.isdigit() for ch in event.value)
            if digits >= 7:
                self._caller(event.value.strip())
            else:
                self._show_caller(None, [])

    def _caller(self, phone: str) -> None:
        s = self.services
        # a number still being typed (or a role without caller history) is shown in place; a
        # store that fails is reported like every other
        run_call(self, lambda: s.tickets.caller(s.user, phone), then=lambda r: self._show_caller(*r),
                 on_error=lambda exc: self._show_caller(None, [], str(exc)), catch=(ValidationError, PermissionDenied),
                 group="desk-caller", exclusive=True)

    def _show_caller(self, caller, history, problem: str = "") -> None:
        info = self.query_one("#desk-caller", Static)
        t = self.query_one("#desk-history", DataTable)
        t.clear()
        if problem:
            info.update(Text(terminal_safe(problem), style="yellow"))
            return
        if caller is None:
            info.update("")
            return
        text = Text()
        if caller.caller_class:
            text.append(self.tr("desk_class", cls=self.tr(caller.caller_class)),
                        style=CLASS_STYLE.get(caller.caller_class, "bold"))
            text.append("  ")
        if caller.name:
            text.append(terminal_safe(caller.name))
            text.append("  ")
        text.append(self.tr("desk_history") + f" {len(history)}" if history else self.tr("desk_no_history"),
                    style="dim")
        info.update(text)
        for tk in history:
            t.add_row(cell(tk.serial), cell(tk.created_at.strftime("%m-%d")), cell(self.tr(tk.state)),
                      cell(clip_line(tk.content, 60)), key=tk.serial)

    # -- intake ---------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "desk-content":
            self._register(None)

    def action_answer(self) -> None:
        a = self.panel.article
        if a is None:
            self.ctx.notify(self.tr("desk_need_article"), severity="warning")
            return
        self._register(a)

    def action_clear(self) -> None:
        for sel in ("#desk-phone", "#desk-content"):
            self.query_one(sel, Input).value = ""
        self.call_id = ""
        self.query_one("#desk-phone", Input).focus()

    def _register(self, article) -> None:
        phone = self.query_one("#desk-phone", Input).value.strip()
        content = self.query_one("#desk-content", Input).value.strip()
        if not content and article is not None:
            content = article.title
        cat = self.query("#desk-category")
        category = cat.first().value if cat and isinstance(cat.first(), Select) else "consult"
        self._do_register(Intake(channel="phone", caller_phone=phone, content=content, category=str(category),
                                 call_id=self.call_id), article)

    def _do_register(self, intake: Intake, article) -> None:
        s = self.services

        def register():     # blocks: one transaction in the store
            if article is None:
                t = s.tickets.register(s.user, intake)
                return t.serial, self.tr("desk_registered", serial=t.serial)
            t = s.tickets.register_and_answer(s.user, intake, f"依据知识库《{article.title}》（#{article.id}）当即答复。",
                                              article_id=article.id)
            return t.serial, self.tr("desk_answered", serial=t.serial, title=article.title)
        run_call(self, register, then=lambda r: self._registered(*r), group="desk-register", exclusive=True)

    def _registered(self, serial: str, msg: str) -> None:
        self.registered.append(serial)
        self.ctx.notify(terminal_safe(msg))
        self.query_one("#desk-content", Input).value = ""
        phone = self.query_one("#desk-phone", Input).value.strip()
        if phone:
            self._caller(phone)
