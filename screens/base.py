"""What every screen of the console shares: its context, strings, the trust line, the footer."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen

from hotline_tui.console import ConsoleServices
from hotline_tui.live.views import LiveSnapshot

from .byte_meter import fmt_rate
from .context import ScreenContext
from .fmt import fmt_duration
from .footer import KeyFooter
from .widgets import TrustLine


#: The actions of keys that change something (tickets, agents, notes, callbacks, the desk, the
#: knowledge base) or prepare such a change (tag): a read-only console (``--readonly``, a
#: replay) hides them from the footer, the palette and help, and refuses them.
WRITE_ACTIONS = frozenset({
    "urge", "approve", "refuse", "redispatch", "accept_reply", "send_back", "callback",        # tickets
    "status", "listen", "move", "tag",                                                         # agents
    "note", "reassign", "sign_off", "receive",                                                 # handover
    "answer", "ready", "not_ready", "log_out", "flag",                                         # desk, knowledge
})

#: More switch nodes than this: the trust line counts them instead of naming each (issue 21).
MANY_NODES = 3


def hidden_when_readonly(services: ConsoleServices, action: str) -> bool:
    """Whether ``action`` is a key a read-only console hides. Does not block."""
    return services.readonly and action in WRITE_ACTIONS


class LiveScreen(Screen):
    """A screen the app refreshes: ``show(snapshot, alerts)`` is called at the refresh rate.
    It is given its ``ScreenContext`` and uses nothing else of the App."""

    TITLE_KEY = ""
    ready = False      # set once the screen's widgets and columns exist; refreshes wait for it

    def __init__(self, ctx: ScreenContext):
        super().__init__()
        self.ctx = ctx

    @property
    def services(self) -> ConsoleServices:
        return self.ctx.services

    def tr(self, key: str, **kw: object) -> str:
        return self.ctx.tr(key, **kw)

    def trust_line(self) -> ComposeResult:
        yield TrustLine(id="trust")

    def footer(self) -> KeyFooter:
        return KeyFooter(self.ctx.key_label)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False (hidden, inactive) for a writing key in a read-only console."""
        return not hidden_when_readonly(self.services, action)

    def on_mount(self) -> None:
        self.sub_title = self.tr(self.TITLE_KEY)
        self.ready = True
        self.ctx.request_refresh()

    def on_screen_resume(self) -> None:
        self.ctx.request_refresh(reuse=True)

    def show(self, snap: LiveSnapshot, alerts: list[Any]) -> None:  # pragma: no cover - overridden
        pass

    def update_trust(self, text: Text) -> None:
        if text == getattr(self, "_trust_shown", None):
            return      # the same line again: no repaint, no bytes on the link
        self._trust_shown = text
        for w in self.query(TrustLine):
            w.update(text)


def trust_text(services: ConsoleServices, tr: Any, snap: LiveSnapshot, *, paused: bool, refresh_hz: float,
               replay_speed: float, out_bps: float | None = None, lite: bool = False) -> Text:
    """Mode · each link's health · data age · refresh (lean mode, the terminal output's bytes per
    second when measured) · a provisional calendar year · user: what tells you to trust the screen."""
    s = services
    t = Text()
    mode = {"replay": tr("replay", speed=f"{replay_speed:g}")}.get(s.mode, "")
    if mode:
        t.append(f" {mode} ", style="reverse magenta")
        t.append(" ")
    player = s.replay
    if player is not None:     # the recorded time, and whether it stands still or has ended
        t.append(f"{player.now():%Y-%m-%d %H:%M:%S} ", style="bold magenta")
        if player.ended:
            t.append(tr("replay_end") + " ", style="reverse yellow")
        elif player.paused:
            t.append(tr("replay_paused") + " ", style="reverse yellow")
    nodes = s.nodes()
    if not nodes and s.mode != "replay":
        t.append(tr("link_none"), style="dim")
    if len(nodes) > MANY_NODES:
        # a provincial site's ten nodes do not fit one line: a count, and the ones not connected
        # by name (the wallboard's node table has every one)
        up = sum(1 for n in nodes if n.link == "connected")
        t.append("● ", style="green" if up == len(nodes) else "bold yellow")
        t.append(tr("nodes_connected", up=up, n=len(nodes)) + "  ")
        nodes = [n for n in nodes if n.link != "connected"]
    for n in nodes:
        style = {"connected": "green", "reconnecting": "bold yellow", "down": "bold red"}[n.link]
        t.append("● ", style=style)
        t.append(f"{n.node} {tr(n.link)}", style=style if n.link != "connected" else "")
        t.append("  ")
    age = None if snap.last_event_at is None else max(snap.taken_at - snap.last_event_at, 0)
    stale = age is None or age > 30
    t.append(tr("data_age", age=fmt_duration(age)), style="bold red" if stale else "")
    t.append("  ")
    if paused:
        t.append(tr("paused"), style="reverse yellow")
    else:
        t.append(tr("refresh_every", hz=f"{refresh_hz:g}"), style="dim")
    if lite:
        t.append("  " + tr("lite_on"), style="dim")
    if out_bps is not None:     # what the console costs the link (screens/byte_meter.py)
        t.append("  " + tr("out_rate", rate=fmt_rate(out_bps)), style="dim")
    if s.drift:        # issue 21: a node drifts from the shared mod_callcenter tables (app.py checks)
        t.append("  " + tr("drift_trust", n=len(s.drift)), style="reverse bold yellow")
    elif s.drift_error:
        t.append("  " + tr("drift_trust_error"), style="bold yellow")
    if s.recording:
        t.append("  ● " + tr("recording"), style="red")
    if s.readonly:
        t.append("  " + tr("readonly"), style="reverse")
    years = s.tickets.provisional_years() if s.tickets is not None else []
    if years:   # deadlines in these years may move a day: the engineer view says what to add
        t.append("  " + tr("calendar_provisional", years=",".join(str(y) for y in years)), style="bold yellow")
    t.append(f"  {s.user.display or s.user.name} ({s.user.role.label})", style="dim")
    return t
