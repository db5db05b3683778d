"""The hotline console: a Textual app over ``ConsoleServices``.

Keys that work everywhere: 1-7 (or F1-F7) switch screens, ``?`` help, ``:`` command line (k9s
style, with aliases), ``ctrl+p`` command palette, ``p`` pause refresh, ``r`` refresh now,
``+``/``-`` refresh rate, ``t`` theme, ``q`` quit. Screens add their own keys (shown in the
footer). Refresh is bounded (default 2 Hz): a timer takes one snapshot of the live picture and
hands it to the visible screen; tables update in place by key.
"""

from __future__ import annotations

import asyncio
import os
import time

from rich.text import Text
from textual import constants
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from hotline_tui.console import ConsoleServices, alerts
from hotline_tui.i18n import key_label, strings

from .agents import AgentsScreen
from .base import LiveScreen, trust_text
from .desk import DeskScreen
from .engineer import EngineerScreen
from .handover import HandoverScreen
from .knowledge import KnowledgeScreen
from .tickets import TicketsScreen
from .wallboard import WallboardScreen

SCREENS = (("wallboard", WallboardScreen), ("agents", AgentsScreen), ("tickets", TicketsScreen),
           ("knowledge", KnowledgeScreen), ("handover", HandoverScreen), ("engineer", EngineerScreen),
           ("desk", DeskScreen))
ALIASES = {
    "wallboard": "wallboard", "wb": "wallboard", "q": "wallboard", "queues": "wallboard",
    "agents": "agents", "ag": "agents", "a": "agents",
    "tickets": "tickets", "tk": "tickets", "t": "tickets", "overdue": "tickets",
    "knowledge": "knowledge", "kb": "knowledge",
    "handover": "handover", "ho": "handover", "notes": "handover", "callbacks": "handover",
    "engineer": "engineer", "eng": "engineer", "nodes": "engineer",
    "desk": "desk", "dk": "desk", "intake": "desk",
}


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100%; max-width: 90; height: auto; max-height: 100%;
                                  border: thick $accent; padding: 0 1; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        app: HotlineApp = self.app  # type: ignore[assignment]
        t = Text()
        t.append("hotline console\n\n", style="bold")
        for i, (key, _) in enumerate(SCREENS, 1):
            t.append(f"  {i}  ", style="bold cyan")
            t.append(f"{app.tr(key)}\n")
        tr = app.tr
        ms = round(constants.ESCAPE_DELAY * 1000)    # QuickEscapeDriver sets it when it starts
        rows = [("?", tr("help_help")), (":", tr("help_cmdline", commands=tr("help_commands"))),
                ("ctrl+p", tr("help_palette")), ("/", tr("help_filter")), ("j k / ↑ ↓ g G", tr("help_move")),
                ("escape", tr("help_escape", ms=ms)),
                ("p", tr("help_pause")), ("r", tr("help_refresh")), ("+ -", tr("help_rate")), ("t", tr("help_theme")),
                ("space", tr("help_tag")), ("a b o", tr("help_agent")), ("l w B", tr("help_listen")),
                ("m", tr("help_queue")), ("u e E r v V c", tr("help_ticket")), ("n", tr("help_note")),
                ("f", tr("help_flag")), ("ctrl+o ctrl+n", tr("help_desk")), ("q", tr("help_quit"))]
        t.append("\n")
        for k, v in rows:
            t.append(f"  {k:<16}", style="bold cyan")
            t.append(v + "\n")
        with VerticalScroll():          # 80x24 over SSH: the list is longer than the screen
            yield Static(t)


class CommandLine(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    CommandLine { align: center bottom; }
    CommandLine > Input { width: 100%; border: tall $accent; }
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.app.tr("command_prompt"), id="cmd")  # type: ignore[attr-defined]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScreensProvider(Provider):
    """Textual's command palette: every screen and every ':' command, searchable."""

    async def search(self, query: str) -> Hits:
        app: HotlineApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for key, _ in SCREENS:
            label = f"{app.tr(key)} ({key})"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), lambda k=key: app.switch_to(k))
        for cmd in ("pause", "resume", "refresh 1", "refresh 2", "refresh 5", "lang zh", "lang en"):
            score = matcher.match(cmd)
            if score > 0:
                yield Hit(score, matcher.highlight(cmd), lambda c=cmd: app.run_command(c))


class HotlineApp(App):
    TITLE = "hotline 12345"
    COMMANDS = App.COMMANDS | {ScreensProvider}
    BINDINGS = [
        Binding("1,f1", "go('wallboard')", "Wallboard", show=False),
        Binding("2,f2", "go('agents')", "Agents", show=False),
        Binding("3,f3", "go('tickets')", "Tickets", show=False),
        Binding("4,f4", "go('knowledge')", "Knowledge", show=False),
        Binding("5,f5", "go('handover')", "Handover", show=False),
        Binding("6,f6", "go('engineer')", "Engineer", show=False),
        Binding("7,f7", "go('desk')", "Desk", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("colon", "command_line", ":cmd"),
        Binding("p", "pause", "Pause"),
        Binding("r", "refresh_now", "Refresh", show=False),
        Binding("plus", "rate(2)", "Faster", show=False),
        Binding("minus", "rate(0.5)", "Slower", show=False),
        Binding("t", "theme_next", "Theme", show=False),
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
        Binding("G", "cursor('end')", show=False),
        Binding("q", "quit", "Quit"),
    ]
    THEMES = ("textual-dark", "nord", "gruvbox", "textual-light", "monokai")

    def __init__(self, services: ConsoleServices, *, replay_speed: float = 1.0, start_screen: str = "wallboard"):
        super().__init__()
        self.services = services
        self.tr = strings(services.lang)
        self.refresh_hz = max(min(services.refresh_hz, 10.0), 0.1)
        self.paused = False
        self.replay_speed = replay_speed
        self.start_screen = start_screen
        self._timer = None
        self._tasks: list[asyncio.Task] = []
        self.ticket_counts = (0, 0)
        self.last_snapshot = None
        self._snap_mono = 0.0
        self.last_refresh_ms = 0.0

    def key_label(self, label: str) -> str:
        """A key's footer label in the UI's language (the bindings carry the English one)."""
        return key_label(self.services.lang, label)

    def get_driver_class(self):
        """QuickEscapeDriver on a POSIX terminal (a lone Esc in ~25 ms, not 100-200); Textual's
        choice when TEXTUAL_DRIVER names one (textual-web) or on Windows."""
        if constants.DRIVER is None and os.name == "posix":
            from .quick_escape import QuickEscapeDriver
            return QuickEscapeDriver
        return super().get_driver_class()

    # -- life --------------------------------------------------------------------------------
    def on_mount(self) -> None:
        for name, cls in SCREENS:
            self.install_screen(cls(), name=name)
        for start in self.services.background:
            self._tasks.append(asyncio.create_task(self._guard(start)))
        self._timer = self.set_interval(1 / self.refresh_hz, self.refresh_now)
        self.set_interval(2.0, self._periodic)
        self.push_screen(self.start_screen)

    async def _guard(self, start) -> None:
        try:
            await start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a background part failing is shown, never fatal
            self.report(f"background task stopped: {exc}")

    async def on_unmount(self) -> None:
        for t in self._tasks:
            t.cancel()
        for stop in self.services.on_exit:
            try:
                await stop()
            except Exception:
                pass

    def _periodic(self) -> None:
        self.run_worker(self._periodic_work, thread=True, exclusive=True, group="periodic")

    def _periodic_work(self) -> None:
        for fn in self.services.periodic:
            try:
                fn()
            except Exception as exc:
                self.call_from_thread(self.report, f"{getattr(fn, '__name__', 'task')}: {exc}")
        s = self.services
        if s.tickets is not None and s.user.can("tickets.read"):
            try:
                self.ticket_counts = s.tickets.overdue_counts(s.user)   # counted in the store: nothing loaded
            except Exception as exc:
                self.call_from_thread(self.report, str(exc))

    def clock_s(self) -> float:
        return time.time()

    # -- refresh -----------------------------------------------------------------------------
    def refresh_now(self, reuse: bool = False) -> None:
        """Take one snapshot and show it on the visible screen (and its trust line). With
        ``reuse`` (a key changed what is shown, not the data: a screen switch, a filter, a sort)
        the last snapshot is shown again if it is younger than one refresh period, so the key's
        repaint does not wait for a new snapshot of 1,000 agents."""
        if not self.is_running:
            return        # shutting down: the timer still ticks while screens lose their widgets
        screen = self.screen
        if not isinstance(screen, LiveScreen) or not screen.ready:
            return
        if self.paused and self.last_snapshot is not None:
            snap = self.last_snapshot
        elif reuse and self.last_snapshot is not None and time.monotonic() - self._snap_mono < 1 / self.refresh_hz:
            snap = self.last_snapshot
        else:
            t0 = time.perf_counter()
            snap = self.services.live.snapshot(self.services.now())
            self.last_snapshot = snap
            self._snap_mono = time.monotonic()
            self.last_refresh_ms = (time.perf_counter() - t0) * 1000
        al = alerts(snap, self.services.settings, self.services.nodes(), tickets_yellow=self.ticket_counts[0],
                    tickets_red=self.ticket_counts[1], queue_names=self.services.queue_names)
        screen.update_trust(trust_text(self, snap))
        screen.show(snap, al)

    def action_refresh_now(self) -> None:
        self.last_snapshot = None if self.paused else self.last_snapshot
        was, self.paused = self.paused, False
        self.refresh_now()
        self.paused = was

    def action_pause(self) -> None:
        self.paused = not self.paused
        self.refresh_now()

    def action_rate(self, factor: float) -> None:
        self.set_rate(self.refresh_hz * factor)

    def set_rate(self, hz: float) -> None:
        self.refresh_hz = max(min(hz, 10.0), 0.1)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(1 / self.refresh_hz, self.refresh_now)
        self.refresh_now()

    # -- navigation ----------------------------------------------------------------------------
    def switch_to(self, name: str) -> None:
        if self.screen.id == name or getattr(self.screen, "_name", None) == name:
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(name)

    def action_go(self, name: str) -> None:
        self.switch_to(name)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_cursor(self, where: str) -> None:
        from textual.widgets import DataTable, OptionList

        from .live_table import LiveTable
        w = self.focused
        if isinstance(w, (DataTable, OptionList, LiveTable)):
            {"down": w.action_cursor_down, "up": w.action_cursor_up,
             "end": getattr(w, "action_scroll_end", w.action_cursor_down)}[where]()

    def action_theme_next(self) -> None:
        names = [t for t in self.THEMES if t in self.available_themes]
        cur = self.theme if self.theme in names else names[0]
        self.theme = names[(names.index(cur) + 1) % len(names)]

    def action_command_line(self) -> None:
        self.push_screen(CommandLine(), lambda v: v and self.run_command(v))

    def run_command(self, line: str) -> None:
        """k9s-style ':' commands with aliases. Unknown commands say so, never crash."""
        words = line.strip().lstrip(":").split()
        if not words:
            return
        cmd, args = words[0].lower(), words[1:]
        if cmd in ALIASES and not args:
            self.switch_to(ALIASES[cmd])
        elif cmd in ("break", "avail", "available", "logout") and args:
            status = {"break": "On Break", "avail": "Available", "available": "Available", "logout": "Logged Out"}[cmd]
            self._status_command(args, status)
        elif cmd == "move" and len(args) >= 2:
            self._move_command(args[0], args[1:])
        elif cmd == "pause":
            self.paused = True
        elif cmd == "resume":
            self.paused = False
        elif cmd == "refresh" and args:
            try:
                self.set_rate(float(args[0]))
            except ValueError:
                self.report(self.tr("unknown_command", cmd=line))
        elif cmd == "lang" and args and args[0] in ("zh", "en"):
            self.services.lang = args[0]
            self.tr = strings(args[0])
            self.notify(f"lang {args[0]} (new screens)")
        elif cmd == "theme" and args and args[0] in self.available_themes:
            self.theme = args[0]
        elif cmd in ("quit", "q!", "exit"):
            self.exit()
        elif cmd == "help":
            self.action_help()
        else:
            self.report(self.tr("unknown_command", cmd=line))

    def _status_command(self, agents: list[str], status: str) -> None:
        self._supervise(lambda sup, user: sup.set_status(user, agents, status), self.tr(status))

    def _move_command(self, queue: str, agents: list[str]) -> None:
        self._supervise(lambda sup, user: sup.move_to_queue(user, agents, queue), queue)

    def _supervise(self, call, target: str) -> None:
        """Run a per-agent supervisor action from ':'; report refusals and partial failures."""
        s = self.services
        if s.readonly or s.supervisor is None:
            self.report(self.tr("readonly"))
            return

        async def go():
            from hotline_tui.errors import HotlineError
            try:
                results = await call(s.supervisor, s.user)
            except HotlineError as exc:
                self.report(self.tr("refused", why=str(exc)))
                return
            bad = [f"{a}: {e}" for a, e in results if e]
            self.notify(self.tr("done", what=f"{len(results) - len(bad)} → {target}"))
            if bad:
                self.report("; ".join(bad[:3]))
        self.run_worker(go(), exclusive=False)

    def notify(self, message, *, title: str = "", severity="information", timeout=None, markup: bool = False) -> None:
        """Notifications never interpret markup: their text often quotes data."""
        super().notify(str(message), title=title, severity=severity, timeout=timeout, markup=markup)

    def report(self, text: str) -> None:
        """An error the user must see: a notification and the engineer view's error list."""
        self.services.error(text)
        self.notify(text, severity="error", timeout=8)
