"""The hotline console: a Textual app over ``ConsoleServices``.

Keys that work everywhere: 1-7 (or F1-F7) switch screens, ``?`` help, ``:`` command line (k9s
style, with aliases), ``ctrl+p`` command palette, ``p`` pause refresh, ``r`` refresh now,
``+``/``-`` refresh rate, ``t`` theme, ``q`` quit. Screens add their own keys (shown in the
footer). Refresh is bounded (default 2 Hz): a timer takes one snapshot of the live picture and
hands it to the visible screen; tables update in place by key.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from typing import Callable

from textual import constants, events
from textual.app import App
from textual.binding import Binding
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from hotline_tui.alerts import alerts
from hotline_tui.console import ConsoleServices
from hotline_tui.errors import HotlineError
from hotline_tui.live.views import LiveSnapshot
from hotline_tui.text import safe_logger, terminal_safe

from . import call_commands, supervise
from .agents import AgentsScreen
from .base import LiveScreen, trust_text
from .byte_meter import CountingOutput, RateSampler
from .commands import SCREEN_KEYS, parse, seek_seconds
from .context import Severity
from .desk import DeskScreen
from .dialogs import CommandLine, HelpScreen
from .engineer import EngineerScreen
from .handover import HandoverScreen
from .i18n import key_label, strings
from .knowledge import KnowledgeScreen
from .lite import LITE_THEME, LiteMode
from .palette import KeysProvider, ScreensProvider
from .tickets import TicketsScreen
from .waiting import WaitingScreen
from .work import run_call
from .wallboard import WallboardScreen
from .work import failure_text

log = safe_logger("hotline.console")     # each message one terminal-safe line
#: How often the console compares the nodes with the shared mod_callcenter tables (issue 21),
#: whatever screen is shown.
DRIFT_EVERY_S = 2.0
#: A full garbage collection at most this often, only when no key came for COLLECT_QUIET_S
#: (``HotlineApp.maybe_collect``); looked for every COLLECT_CHECK_S.
COLLECT_EVERY_S = 30.0
COLLECT_QUIET_S = 1.0
COLLECT_CHECK_S = 2.0

SCREENS = dict(zip(SCREEN_KEYS, (WallboardScreen, AgentsScreen, TicketsScreen, KnowledgeScreen, HandoverScreen,
                                 EngineerScreen, DeskScreen, WaitingScreen)))

# Quality inspection (质检, issue 20): reached by ':qa' and the palette, no number key.
from .qa import QaScreen  # noqa: E402

SCREENS["qa"] = QaScreen

# Reports (报表, issue 16): reached by ':reports' / ':报表' and the palette, no number key.
from .reports import ReportsScreen  # noqa: E402

SCREENS["reports"] = ReportsScreen


class HotlineApp(App):
    TITLE = "hotline 12345"
    COMMANDS = App.COMMANDS | {ScreensProvider, KeysProvider}
    BINDINGS = [
        Binding("1,f1", "go('wallboard')", "Wallboard", show=False),
        Binding("2,f2", "go('agents')", "Agents", show=False),
        Binding("3,f3", "go('tickets')", "Tickets", show=False),
        Binding("4,f4", "go('knowledge')", "Knowledge", show=False),
        Binding("5,f5", "go('handover')", "Handover", show=False),
        Binding("6,f6", "go('engineer')", "Engineer", show=False),
        Binding("7,f7", "go('desk')", "Desk", show=False),
        Binding("8,f8", "go('callers')", "Callers", show=False),    # on the desk F8 is its own (callbacks)
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
        # a replay's own keys (shown only in a replay: check_action)
        Binding("less_than_sign", "seek(-60)", "-1 min"),
        Binding("greater_than_sign", "seek(60)", "+1 min"),
    ]
    THEMES = ("textual-dark", "nord", "gruvbox", "textual-light", "monokai")
    #: Until every switch link has sent its first picture (its first resync), look this often
    #: (seconds) and show it the moment it is in, instead of at the first timed repaint — up to
    #: a whole refresh period later (1 s in lean mode): the first paint with data. Given up after
    #: FIRST_PICTURE_WAIT_S (a node down: its timed repaints show it when it comes).
    FIRST_PICTURE_POLL_S = 0.05
    FIRST_PICTURE_WAIT_S = 15.0

    def __init__(self, services: ConsoleServices, *, replay_speed: float = 1.0, start_screen: str = "wallboard",
                 lite: LiteMode | None = None, collect: Callable[[], object] = gc.collect):
        super().__init__()
        self.services = services
        # issue 21: the full garbage collection at a quiet moment (``maybe_collect``)
        self.collect = collect
        self._last_key = 0.0             # time.monotonic() of the last key press
        self._collected_at = time.monotonic()
        self._tr = strings(services.lang)
        self.lite = lite if lite is not None else LiteMode(auto=False)   # screens/lite.py: when and why
        self.meter: CountingOutput | None = None     # the terminal output's byte count (the driver's)
        self._rate: RateSampler | None = None
        self.out_bps: float | None = None            # bytes/s written last second (the trust line)
        self.refresh_hz = self.lite.cap(max(min(services.refresh_hz, 10.0), 0.1))
        self.paused = False
        self.replay_speed = replay_speed
        self.start_screen = start_screen
        self._timer: Timer | None = None
        self._tasks: list[asyncio.Task] = []
        self.ticket_counts = (0, 0)
        self.last_snapshot: LiveSnapshot | None = None
        self._snap_mono = 0.0
        self.last_refresh_ms = 0.0
        self._told_end = False           # a replay said once that its recording ended
        self._drift_told: set[tuple[str, str]] = set()   # drift findings already notified

    # -- the screens' context (ScreenContext) ------------------------------------------------
    def tr(self, key: str, **params: object) -> str:
        """``key``'s text in the UI's language."""
        return self._tr(key, **params)

    def key_label(self, label: str) -> str:
        """A key's footer label in the UI's language (the bindings carry the English one)."""
        return key_label(self.services.lang, label)

    def request_refresh(self, reuse: bool = False) -> None:
        """Show the live picture on the visible screen now (see ``refresh_now``)."""
        self.refresh_now(reuse)

    def notify(self, message: object, *, title: str = "", severity: Severity = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications never interpret markup: their text often quotes data."""
        super().notify(terminal_safe(message, keep_newlines=True), title=terminal_safe(title), severity=severity,
                       timeout=timeout, markup=markup)

    def report(self, text: str) -> None:
        """An error the user must see: a notification and the engineer view's error list."""
        self.services.error(text)
        self.notify(self.services.mask(text), severity="error", timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is handled: the App's own and every screen's (their
        ``run_call`` workers bubble their state up to here). Its error is shown on one line and
        listed in the engineer view; a bug (not a HotlineError) is logged with its traceback too.
        Workers never exit the app (``exit_on_error=False``): the console stays up."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        exc = worker.error
        if not isinstance(exc, HotlineError):
            log.error("worker %s failed", worker.name, exc_info=exc)
        self.report(failure_text(exc, self.tr, refused=getattr(worker, "refused", False)))

    def get_driver_class(self):
        """QuickEscapeDriver on a POSIX terminal (a lone Esc in ~25 ms, not 100-200); Textual's
        choice when TEXTUAL_DRIVER names one (textual-web) or on Windows."""
        if constants.DRIVER is None and os.name == "posix":
            from .quick_escape import QuickEscapeDriver
            return QuickEscapeDriver
        return super().get_driver_class()

    # -- life --------------------------------------------------------------------------------
    def on_mount(self) -> None:
        for name, cls in SCREENS.items():
            self.install_screen(cls(self), name=name)
        for start in self.services.background:
            self._tasks.append(asyncio.create_task(self._guard(start)))
        self._timer = self.set_interval(1 / self.refresh_hz, self.refresh_now)
        self._first_by = time.monotonic() + self.FIRST_PICTURE_WAIT_S
        self._first_poll: Timer | None = self.set_interval(self.FIRST_PICTURE_POLL_S, self._first_picture)
        self.set_interval(2.0, self._periodic)
        if self.meter is None:
            self.meter = getattr(self._driver, "meter", None)
        if self.lite.on:
            self.go_lite()
        self.set_interval(1.0, self._each_second)
        self.set_interval(COLLECT_CHECK_S, lambda: self.maybe_collect(time.monotonic()))
        if self.services.cc_tables is not None:
            self.set_interval(DRIFT_EVERY_S, self.check_drift)
        self.push_screen(self.start_screen)
        self._follow_feed()

    def _first_picture(self) -> None:
        """Shows the live picture once every link has resynced (see FIRST_PICTURE_POLL_S); then
        the poll stops. No links (a replay, the embedded simulator's own): nothing to wait for."""
        nodes = self.services.nodes()
        arrived = bool(nodes) and all(n.resyncs for n in nodes)
        if arrived or not nodes or time.monotonic() > self._first_by:
            if self._first_poll is not None:
                self._first_poll.stop()
                self._first_poll = None
            if arrived:
                self.refresh_now()
            self.call_after_refresh(self._start_after_paint)

    def _start_after_paint(self) -> None:
        for start in self.services.after_first_paint:
            self._tasks.append(asyncio.create_task(self._guard(start)))

    def _follow_feed(self) -> None:
        """Issue 21: ticket changes made elsewhere show here (``ticket_feed.ConsoleFeed``)."""
        s = self.services
        self.ticket_feed = None
        if s.feed is not None and s.tickets is not None and s.replay is None:
            from .ticket_feed import ConsoleFeed
            self.ticket_feed = ConsoleFeed(self, s.feed)
            self.ticket_feed.start()

    # -- slow links (screens/lite.py, screens/byte_meter.py) --------------------------------
    def go_lite(self) -> None:
        """Lean mode: no animation, at most one timed repaint a second, the terminal's own 16
        colours. Key presses still repaint at once (Textual draws a change when it happens)."""
        self.lite.on = True
        self.animation_level = "none"
        cells = getattr(self._driver, "cells", None)
        if cells is not None:
            cells.on = True       # only the cells that changed reach the terminal
        if LITE_THEME in self.available_themes:
            self.theme = LITE_THEME
        self.set_rate(self.refresh_hz)
        self._no_blink()

    def get_line_filters(self):
        """Under NO_COLOR Textual greys every colour (Monochrome); the lean mode's ANSI colours
        grey to black on black on a 16-colour terminal, so lean drops colour instead (NoColor:
        the terminal's own foreground and background, bold, dim and reverse kept)."""
        filters = super().get_line_filters()
        if self.no_color and self.lite.on:
            from textual.filter import Monochrome, NoColor

            if not hasattr(self, "_no_colour"):
                self._no_colour = NoColor()
            return [self._no_colour if isinstance(f, Monochrome) else f for f in filters]
        return filters

    def on_resize(self) -> None:
        cells = getattr(self._driver, "cells", None)
        if cells is not None:
            cells.stale = True    # the next frame is drawn whole

    def _no_blink(self) -> None:
        from textual.widgets import Input

        for w in self.screen_stack[-1].query(Input) if self.screen_stack else ():
            if w.cursor_blink:      # a blinking cursor repaints its input twice a second
                w.cursor_blink = False

    def _each_second(self) -> None:
        """The output figure, the lean mode's watch, and (below 1 Hz) the trust line."""
        if self.meter is not None:
            if self._rate is None:
                self._rate = RateSampler(self.meter)
            rate = self._rate.sample()
            self.out_bps = rate.bytes_per_s
            reason = self.lite.watch(rate)
            if reason is not None:
                self.go_lite()
                self.notify(self.tr("lite_auto", reason=self.tr(f"lite_{reason}")), timeout=8)
        if self.lite.on:
            self._no_blink()
        screen = self.screen if self.screen_stack else None
        if self.refresh_hz < 1 and self.last_snapshot is not None and isinstance(screen, LiveScreen) and screen.ready:
            self._show_trust(screen, self.last_snapshot)    # the figure each second; the picture at its rate

    async def _guard(self, start) -> None:
        try:
            await start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a background part failing is shown, never fatal
            self.report(f"background task stopped: {failure_text(exc, self.tr)}")

    async def on_unmount(self) -> None:
        for t in self._tasks:
            t.cancel()
        if getattr(self, "ticket_feed", None) is not None:
            await asyncio.to_thread(self.ticket_feed.stop)
        for stop in self.services.on_exit:
            try:
                await stop()
            except Exception:
                pass

    # -- issue 21: memory steady over a shift ------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def maybe_collect(self, now: float) -> bool:
        """Run a full garbage collection when ``COLLECT_EVERY_S`` have passed since the last and
        no key was pressed for ``COLLECT_QUIET_S`` (``now``: time.monotonic()); returns whether
        it ran. Why: Textual's strips cache themselves (a crop or extend that changes nothing
        returns and caches the strip itself) and its style look-ups make throw-away DOM nodes,
        so a table that repaints its rows leaves cyclic garbage (at 1,400 agents ~12,000
        objects a minute). ``quiet_collector`` (hotline.py) makes full collections rare, and
        their trigger rises with the heap, so that garbage piled up and RSS crept up all shift
        (docs/benchmarks.md, "Province"). A full collection costs ~10-30 ms there; at a quiet
        moment every 30 s it bounds the garbage to half a minute's worth. Blocks for that."""
        if now - self._collected_at < COLLECT_EVERY_S or now - self._last_key < COLLECT_QUIET_S:
            return False
        self._collected_at = now
        self.collect()
        return True

    # -- issue 21: nodes sharing mod_callcenter's tables -------------------------------------
    def check_drift(self) -> None:
        """Compare each node's live picture with the shared tables (a worker thread: the read
        blocks), whatever screen is shown; ``drift_found`` takes the answer. Never blocks."""
        s = self.services
        if s.cc_tables is None or s.live is None or s.replay is not None:
            return
        snap = self.last_snapshot
        if snap is None or self.paused or time.monotonic() - self._snap_mono > DRIFT_EVERY_S:
            snap = s.snapshot()       # the picture is applied on this loop: taken here, compared there
        run_call(self, lambda: s.check_drift(snap), then=lambda found: self.drift_found(found), catch=Exception,
                 group="drift", exclusive=True, on_error=lambda exc: self.drift_found(None, str(exc)))

    def drift_found(self, found, error: str = "") -> None:
        """Keep the check's answer for every screen (the trust line shows a count, the engineer
        view each finding) and notify once per new finding. Never blocks."""
        s = self.services
        s.drift_error, s.drift_checked = error, time.time()
        if found is None:
            return
        keys = {(d.kind, d.subject) for d in found}
        new = [d for d in found if (d.kind, d.subject) not in self._drift_told]
        self._drift_told = keys
        if new:
            kinds = sorted({d.kind for d in new})
            what = ", ".join(f"{sum(1 for d in new if d.kind == k)}× {self.tr('drift_' + k.replace('-', '_'))}"
                             for k in kinds)
            self.notify(self.tr("drift_notify", what=what), severity="warning", timeout=10)
        screen = self.screen if self.screen_stack else None
        if isinstance(screen, LiveScreen) and screen.ready and self.last_snapshot is not None:
            self._show_trust(screen, self.last_snapshot)

    def _periodic(self) -> None:
        self.run_worker(self._periodic_work, thread=True, exclusive=True, group="periodic", exit_on_error=False)

    def _periodic_work(self) -> None:
        for fn in self.services.periodic:
            try:
                fn()
            except Exception as exc:    # one periodic task failing must not stop the others
                self.call_from_thread(self.report, f"{getattr(fn, '__name__', 'task')}: {failure_text(exc, self.tr)}")
        s = self.services
        if s.tickets is not None and s.user.can("tickets.read"):
            try:
                self.ticket_counts = s.tickets.overdue_counts(s.user)   # counted in the store: nothing loaded
            except Exception as exc:
                self.call_from_thread(self.report, failure_text(exc, self.tr))

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
            snap = self.services.snapshot()       # masked for the user's role: every screen gets this
            self.last_snapshot = snap
            self._snap_mono = time.monotonic()
            self.last_refresh_ms = (time.perf_counter() - t0) * 1000
        al = alerts(snap, self.services.settings, self.services.nodes(), tickets_yellow=self.ticket_counts[0],
                    tickets_red=self.ticket_counts[1], queue_names=self.services.queue_names)
        self._tell_replay_end()
        self._show_trust(screen, snap)
        screen.show(snap, al)

    def _show_trust(self, screen: LiveScreen, snap: LiveSnapshot) -> None:
        screen.update_trust(trust_text(self.services, self.tr, snap, paused=self.paused, refresh_hz=self.refresh_hz,
                                       replay_speed=self.replay_speed, out_bps=self.out_bps, lite=self.lite.on))

    def action_refresh_now(self) -> None:
        self.last_snapshot = None if self.paused else self.last_snapshot
        was, self.paused = self.paused, False
        self.refresh_now()
        self.paused = was

    def action_pause(self) -> None:
        if self.services.replay is not None:       # a replay pauses the recording's clock
            self.services.replay.toggle_pause()
        else:
            self.paused = not self.paused
        self.refresh_now()

    # -- h18b: a replay's keys -----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "seek":
            return self.services.replay is not None
        return True

    def action_seek(self, seconds: float) -> None:
        self.seek_to(None if self.services.replay is None else self.services.replay.t + seconds)

    def seek_to(self, at: float | None) -> None:
        player = self.services.replay
        if player is None or at is None:
            self.report(self.tr("replay_only"))
            return
        player.seek_to(at)
        self.last_snapshot = None
        self._told_end = player.ended and self._told_end
        self.refresh_now()

    def _tell_replay_end(self) -> None:
        player = self.services.replay
        if player is not None and player.ended and not getattr(self, "_told_end", False):
            self._told_end = True
            self.notify(self.tr("replay_ended", at=f"{player.now():%H:%M:%S}"), timeout=10)

    def action_rate(self, factor: float) -> None:
        self.set_rate(self.refresh_hz * factor)

    def set_rate(self, hz: float) -> None:
        self.refresh_hz = self.lite.cap(max(min(hz, 10.0), 0.1))
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
        self.push_screen(HelpScreen(self.tr, SCREEN_KEYS, readonly=self.services.readonly))

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

    # -- h18b: :lang relabels everything, :theme says when it does not know the name ----------
    def set_lang(self, lang: str) -> None:
        """Every label in ``lang`` at once: the screens are built anew in it (their columns,
        titles and hints are drawn when they are made) and the one shown comes back; footers
        ask ``key_label`` each time they draw. What a screen held (a filter) starts afresh."""
        self.services.lang = lang
        self._tr = strings(lang)
        base = self.screen_stack[1] if len(self.screen_stack) > 1 else None
        current = next((n for n, sc in self._installed_screens.items() if sc is base), self.start_screen)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        for name, cls in SCREENS.items():
            old = self._installed_screens.get(name)
            self.uninstall_screen(name)
            if isinstance(old, LiveScreen) and old is not base and old.is_attached:
                old.remove()            # popped earlier: nothing else removes it now
            self.install_screen(cls(self), name=name)
        self.push_screen(current)
        self.notify(self.tr("lang_switched"))

    def _seek_command(self, arg: str) -> None:
        player = self.services.replay
        if player is None:
            self.report(self.tr("replay_only"))
            return
        day = player.now().replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        try:
            at = seek_seconds(arg, player.t, day)
        except ValueError:
            self.report(self.tr("bad_seek", arg=arg))
            return
        self.seek_to(at)

    def set_theme(self, name: str) -> None:
        if name in self.available_themes:
            self.theme = name
            return
        themes = ", ".join(t for t in self.THEMES if t in self.available_themes)
        self.report(self.tr("unknown_theme", name=name, themes=themes))

    def action_command_line(self) -> None:
        self.push_screen(CommandLine(self.tr("command_prompt")), lambda v: v and self.run_command(v))

    def run_command(self, line: str) -> None:
        """k9s-style ':' commands with aliases (``commands.parse``). Unknown commands say so,
        never crash. Agent commands take the agents screen's path (``supervise``)."""
        cmd = parse(line)
        if cmd is None:
            return
        if cmd.kind == "go":
            self.switch_to(cmd.name)
        elif cmd.kind == "status":     # the same question as the agents screen's keys
            snap = self.last_snapshot
            before = {a.name: a.status for a in snap.agents} if snap is not None else None
            supervise.ask_status(self, self, list(cmd.agents), cmd.name, before=before)
        elif cmd.kind == "move":
            supervise.ask_move(self, self, list(cmd.agents), cmd.name)
        elif cmd.kind == "call":       # pick up, move caller, priority, transfer, hang up (h17d)
            call_commands.run(self, self, cmd)
        elif cmd.kind in ("pause", "resume") and self.services.replay is not None:
            self.services.replay.paused = cmd.kind == "pause"
        elif cmd.kind == "pause":
            self.paused = True
        elif cmd.kind == "resume":
            self.paused = False
        elif cmd.kind == "seek":
            self._seek_command(cmd.name)
        elif cmd.kind == "refresh":
            self.set_rate(cmd.hz)
        elif cmd.kind == "lang":
            self.set_lang(cmd.name)
        elif cmd.kind == "theme":
            self.set_theme(cmd.name)
        elif cmd.kind == "quit":
            self.exit()
        elif cmd.kind == "help":
            self.action_help()
        else:
            self.report(self.tr("unknown_command", cmd=line))
