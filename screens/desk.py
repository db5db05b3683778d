"""The agent desk (坐席台): what an agent needs while a citizen is on the line.

Top: the agent's own status, state and the caller on the line (from the live picture, by the
user's ``agent`` id in roles.yaml). Left: the screen pop (``desk_pop``: the caller's class as a
badge with its note, the call, the last tickets) and the intake form (``desk_form``); Enter
registers the ticket through the ticket service (to triage), ``ctrl+g`` registers and sends it
straight to the department picked (the article's suggested one). Right: the knowledge-base
search panel; ``ctrl+o`` registers and answers on the spot (当即答复) citing the article on
screen, ``ctrl+y`` inserts its answer into the reply, ``ctrl+f`` flags the question as not
found (查无). ``F5``: my work (``desk_mywork``).
Every store call runs in a worker thread; permissions and audit are the services'.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from hotline_tui.errors import PermissionDenied, ValidationError
from hotline_tui.tickets.service import Intake
from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .context import ScreenContext
from .desk_dialogs import ChoiceScreen
from .desk_form import DeskForm
from .desk_mywork import MyWorkScreen
from .desk_pop import DeskPop
from .dialogs import ConfirmScreen, PromptScreen
from .fmt import fmt_duration
from .kb_panel import KbPanel
from .work import run_call


class DeskScreen(LiveScreen):
    TITLE_KEY = "desk"
    BINDINGS = [
        Binding("ctrl+o", "answer", "Answer on the spot"),
        Binding("ctrl+n", "clear", "New caller"),
        # the agent's own state: F2-F4 here are the desk's (the screens stay on 2-4). Keys that
        # move the focus or open a dialog are priority bindings: handled before the next key is
        # given to the focused field, so keys typed right after them never land in the old one.
        Binding("f2", "ready", "Ready", priority=True),
        Binding("f3", "not_ready", "Not ready", priority=True),
        Binding("f4", "log_out", "Log out", priority=True),
        Binding("ctrl+t", "write", "Ticket text", priority=True),
        # issue 17: the form's keys act from any field (priority: before the focused input)
        Binding("ctrl+g", "dispatch", "Dispatch", priority=True),
        Binding("ctrl+y", "insert_answer", "Insert answer", priority=True),
        Binding("ctrl+f", "flag", "Flag unanswered", priority=True),
        Binding("f5", "my_work", "My work", priority=True),
        Binding("slash", "search", "Search", show=False),
        # priority: checked before the focused input, so Escape always leaves it (focus goes to
        # the screen) and a ':' typed after it opens the command line, never lands in the form
        Binding("escape", "leave_input", "Leave", show=False, priority=True),
        Binding("f8", "callbacks", "Callbacks", priority=True),      # screens/desk_callbacks.py
    ]
    DEFAULT_CSS = """
    #desk-me { height: 2; padding: 0 1; }
    #desk-body { height: 1fr; }
    #desk-left { width: 1fr; }
    #desk-kb { width: 1fr; }
    """

    def __init__(self, ctx: ScreenContext):
        super().__init__(ctx)
        self.on_line = ""            # the caller number the live picture last showed on my call
        self.call_id = ""
        self.registered: list[str] = []   # serials registered here (tests read it)
        self.seen_call = ""          # the call (member uuid, else number) last brought up
        self.pending: tuple[str, str] | None = None   # (number, call id) of a call the form is not for yet
        self.me = None               # my AgentView in the last snapshot
        self.my_reason = ""          # the not-ready reason I gave (while On Break)

    @property
    def panel(self) -> KbPanel:
        return self.query_one(KbPanel)

    @property
    def pop(self) -> DeskPop:
        return self.query_one(DeskPop)

    @property
    def form(self) -> DeskForm:
        return self.query_one(DeskForm)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Static("", id="desk-me")
        with Horizontal(id="desk-body"):
            with Vertical(id="desk-left"):
                yield DeskPop(self.ctx, id="desk-pop")
                yield DeskForm(self.ctx, id="desk-form")
            yield KbPanel(self.ctx, id="desk-kb", classes="stacked")
        yield self.footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.panel.query_one("#kb-q", Input).focus()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "answer":
            return self.services.tickets is not None and self.services.can("tickets.register")
        if action in ("ready", "not_ready", "log_out"):
            return self._self_service()
        if action == "callbacks":
            return self.services.callback_desk is not None and bool(self.services.user.agent)
        if action == "dispatch":
            return self.services.tickets is not None and self.services.can("tickets.dispatch")
        if action == "flag":
            return self.services.kb is not None and self.services.can("kb.flag")
        if action == "my_work":
            return self.services.desk is not None
        return True

    def action_callbacks(self) -> None:
        from .desk_callbacks import DeskCallbacksScreen

        self.app.push_screen(DeskCallbacksScreen(self.ctx))

    def _self_service(self) -> bool:
        s = self.services
        return s.supervisor is not None and bool(s.user.agent) and s.can("agent.self")

    # -- keys: leaving a field ---------------------------------------------------------------
    def action_leave_input(self) -> None:
        for sel in self.form.query(Select):
            if sel.expanded:
                sel.expanded = False          # an open picker closes first
                return
        self.set_focus(None)

    # focus moves at once (Widget.focus defers it: keys already read would land in the old field)
    def action_search(self) -> None:
        self.set_focus(self.panel.query_one("#kb-q", Input))

    def action_write(self) -> None:
        self.set_focus(self.query_one("#desk-content", Input))

    # -- my state: log in, ready, not ready with a reason, log out -----------------------------
    def action_ready(self) -> None:
        if not self._self_service():
            return
        me = self.me
        if me is None or me.status == "Logged Out":
            # log in with my own number (工号): prefilled, Enter confirms; only my own is accepted
            self.app.push_screen(PromptScreen(self.tr("desk_login_prompt"), self.services.user.agent),
                                 lambda v: v is not None and self._login(v.strip()))
            return
        if me.wrap_up:
            self.ctx.notify(self.tr("desk_wrap_up_runs", left=fmt_duration(me.wrap_up_left_s)))
            return
        self._set_own("Available")

    def _login(self, number: str) -> None:
        if number != self.services.user.agent:
            self.ctx.notify(self.tr("desk_not_my_number", agent=self.services.user.agent), severity="error")
            return
        self._set_own("Available")

    def action_not_ready(self) -> None:
        if not self._self_service():
            return
        idx = 0 if self.services.lang == "zh" else 1
        choices = [(r.code, (r.zh, r.en)[idx]) for r in self.services.not_ready_reasons]
        self.app.push_screen(ChoiceScreen(self.tr("desk_reason_prompt"), choices, "1-9 / enter · esc"),
                             lambda code: code and self._set_own("On Break", code))

    def action_log_out(self) -> None:
        if not self._self_service():
            return
        self.app.push_screen(ConfirmScreen(self.tr("desk_logout_confirm"), "y / n"),
                             lambda ok: ok and self._set_own("Logged Out"))

    def _set_own(self, status: str, reason: str = "") -> None:
        s = self.services
        assert s.supervisor is not None
        before = self.me.status if self.me is not None else None

        def done(_: object) -> None:
            self.my_reason = reason
            self.ctx.notify(self.tr("done", what=self._status_text(status, reason)))
            self.ctx.request_refresh()
        run_call(self, s.supervisor.set_own_status(s.user, status, reason, before=before,
                                                   reasons=[r.code for r in s.not_ready_reasons]),
                 then=done, refused=True, group="desk-state", exclusive=True)

    def _status_text(self, status: str, reason: str = "") -> str:
        r = next((x for x in self.services.not_ready_reasons if x.code == reason), None)
        label = (r.zh if self.services.lang == "zh" else r.en) if r is not None else ""
        return f"{self.tr(status)} ({label})" if label else self.tr(status)

    # -- the live picture: who is on my line ------------------------------------------------
    def show(self, snap, alerts) -> None:
        me = self.query_one("#desk-me", Static)
        agent = self.services.user.agent
        if not agent:
            me.update(Text(self.tr("desk_no_agent"), style="dim"))
            return
        a = next((x for x in snap.agents if x.name == agent), None)
        self.me = a
        mine = next((c for c in snap.calls if c.uuid == a.current_call), None) if a and a.current_call else None
        self.pop.show_call(a, mine)
        if a is None:
            me.update(Text(f"{terminal_safe(agent)}: —", style="dim"))
            return
        if a.status != "On Break":
            self.my_reason = ""      # the reason belonged to that break
        status = self._status_text(a.status, self.my_reason)
        line = Text(self.tr("desk_me", agent=agent, status=status, state=self.tr(a.state),
                            since=fmt_duration(a.time_in_state_s), calls=a.calls_today,
                            talk=fmt_duration(a.talk_time_today_s)))
        if a.caller_number:
            line.append("   ")
            line.append(terminal_safe(self.tr("desk_on_call", number=a.caller_number)), style="bold green")
        if a.wrap_up:
            line.append("   ")
            line.append(self.tr("desk_wrap_up", left=fmt_duration(a.wrap_up_left_s)), style="bold yellow")
        if a.status == "Logged Out" and self._self_service():
            line.append("   ")
            line.append(self.tr("desk_login_hint"), style="dim")
        me.update(line)
        # The snapshot's numbers are masked for a role without personal_data.view: such a number
        # is shown above but never put in the phone box (it would look up and register a mask).
        call = a.current_call or a.caller_number
        if a.caller_number and call != self.seen_call and self.services.user.can("personal_data.view"):
            self.seen_call = call
            self._new_call(a.caller_number, a.current_call)
        elif not a.caller_number:
            self.on_line = ""

    # -- the form belongs to one call ----------------------------------------------------------
    def _new_call(self, number: str, call_id: str) -> None:
        """A new call reached me. An empty form is for it at once (the agent can still type
        another number); a form with text for the previous caller is never re-targeted
        silently: the agent says whether it stays with that caller, is discarded or moves."""
        if not self.form.has_text():
            self._for_call(number, call_id)
            return
        asking = self.pending is not None
        self.pending = (number, call_id)     # the newest call waits for the form
        if asking:
            return
        prev = self.query_one("#desk-phone", Input).value.strip()
        choices = [("keep", self.tr("desk_keep", number=prev)), ("discard", self.tr("desk_discard")),
                   ("move", self.tr("desk_move", number=number))]
        self.app.push_screen(ChoiceScreen(terminal_safe(self.tr("desk_new_call_question", number=number)), choices,
                                          self.tr("desk_new_call_hint")), self._new_call_choice)

    def _new_call_choice(self, choice: str | None) -> None:
        if self.pending is None:
            return
        if choice in ("discard", "move"):
            number, call_id = self.pending
            self.pending = None
            self._for_call(number, call_id, keep=choice == "move")
            return
        # keep (or escape): the form stays with the previous caller; the new call's form opens
        # when this ticket is registered or the form is cleared (ctrl+n)
        self.ctx.notify(terminal_safe(self.tr("desk_next_waiting", number=self.pending[0])))

    def _for_call(self, number: str, call_id: str, *, keep: bool = False) -> None:
        """The form is for this call now: empty (what was typed moves only when ``keep``)."""
        if not keep:
            self.form.clear()
        self.on_line, self.call_id = number, call_id
        # the switch's caller id is data: shown escaped in the box (a hostile one then has too
        # few digits to look up, and cannot act on the terminal)
        self.query_one("#desk-phone", Input).value = terminal_safe(number)

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
        self.pop.show_caller(caller, history, problem)
        if caller is not None and not problem:
            self.form.known_name(caller.name)

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
        self.form.clear()
        self.call_id = ""
        if self.pending is not None:       # a call waits for the form: it is for that caller now
            number, call_id = self.pending
            self.pending = None
            self._for_call(number, call_id)
        self.query_one("#desk-phone", Input).focus()

    def _register(self, article, department: str = "") -> None:
        intake = self.form.intake(self.call_id)
        if not intake.content and article is not None:
            intake.content = article.title
        self._do_register(intake, article, department, self.form.reply())

    def action_dispatch(self) -> None:
        dept = self.form.department()
        if not dept:
            self.ctx.notify(self.tr("desk_need_department"), severity="warning")
            return
        self._register(None, dept)

    def action_insert_answer(self) -> None:
        a = self.panel.article
        if a is None:
            self.ctx.notify(self.tr("desk_need_article"), severity="warning")
            return
        self.form.insert_answer(a)

    def action_flag(self) -> None:
        """The question is not in the knowledge base (查无): the search typed, else the ticket
        text, goes to the editors' unanswered list (KnowledgeService.flag)."""
        s = self.services
        text = self.panel.query_text.strip() or self.form.value("#desk-content")
        if s.kb is None or not text:
            self.ctx.notify(self.tr("desk_need_question"), severity="warning")
            return
        kb = s.kb
        run_call(self, lambda: kb.flag(s.user, text), group="desk-flag", exclusive=True,
                 then=lambda q: self.ctx.notify(self.tr("kb_flagged", n=q.count, text=terminal_safe(q.text))))

    def action_my_work(self) -> None:
        self.app.push_screen(MyWorkScreen(self.ctx))

    def on_kb_panel_article_shown(self, event: KbPanel.ArticleShown) -> None:
        self.form.suggest(getattr(event.article, "department", ""))

    def _do_register(self, intake: Intake, article, department: str = "", reply: str = "") -> None:
        s = self.services
        if s.readonly:          # a read-only console writes nothing, Enter in the form included
            self.ctx.notify(self.tr("readonly"), severity="warning")
            return

        def register():     # blocks: one transaction in the store
            if article is not None:
                cite = f"依据知识库《{article.title}》（#{article.id}）"
                answer = f"{reply}（{cite}）" if reply else f"{cite}当即答复。"
                t = s.tickets.register_and_answer(s.user, intake, answer, article_id=article.id)
                return t.serial, self.tr("desk_answered", serial=t.serial, title=article.title)
            if department:
                t = s.tickets.register_and_dispatch(s.user, intake, department)
                return t.serial, self.tr("desk_dispatched", serial=t.serial, dept=department)
            t = s.tickets.register(s.user, intake)
            return t.serial, self.tr("desk_registered", serial=t.serial)
        run_call(self, register, then=lambda r: self._registered(*r), group="desk-register", exclusive=True)

    def _registered(self, serial: str, msg: str) -> None:
        self.registered.append(serial)
        self.ctx.notify(terminal_safe(msg))
        self.form.clear(keep_phone=True)       # the ticket is filed: nothing typed for it stays
        if self.pending is not None:       # the ticket was the previous caller's: now the waiting call's
            number, call_id = self.pending
            self.pending = None
            self._for_call(number, call_id)
            return
        phone = self.query_one("#desk-phone", Input).value.strip()
        if phone:
            self._caller(phone)
