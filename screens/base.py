"""What every screen of the console shares: services, strings, the trust line, key help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen

from hotline_tui.console import ConsoleServices, fmt_duration

from .widgets import TrustLine

if TYPE_CHECKING:
    from .app import HotlineApp


class LiveScreen(Screen):
    """A screen the app refreshes: ``show(snapshot, alerts)`` is called at the refresh rate."""

    TITLE_KEY = ""
    ready = False      # set once the screen's widgets and columns exist; refreshes wait for it

    @property
    def hot(self) -> "HotlineApp":
        return self.app  # type: ignore[return-value]

    @property
    def services(self) -> ConsoleServices:
        return self.hot.services

    def tr(self, key: str, **kw) -> str:
        return self.hot.tr(key, **kw)

    def trust_line(self) -> ComposeResult:
        yield TrustLine(id="trust")

    def on_mount(self) -> None:
        self.sub_title = self.tr(self.TITLE_KEY)
        self.ready = True
        self.hot.refresh_now()

    def on_screen_resume(self) -> None:
        self.hot.refresh_now(reuse=True)

    def show(self, snap, alerts) -> None:  # pragma: no cover - overridden
        pass

    def update_trust(self, text: Text) -> None:
        for w in self.query(TrustLine):
            w.update(text)


def trust_text(app: "HotlineApp", snap) -> Text:
    """Mode · each link's health · data age · refresh · user: what tells you to trust the screen."""
    s, tr = app.services, app.tr
    t = Text()
    mode = {"replay": tr("replay", speed=f"{app.replay_speed:g}")}.get(s.mode, "")
    if mode:
        t.append(f" {mode} ", style="reverse magenta")
        t.append(" ")
    nodes = s.nodes()
    if not nodes and s.mode != "replay":
        t.append(tr("link_none"), style="dim")
    for n in nodes:
        style = {"connected": "green", "reconnecting": "bold yellow", "down": "bold red"}[n.link]
        t.append("● ", style=style)
        t.append(f"{n.node} {tr(n.link)}", style=style if n.link != "connected" else "")
        t.append("  ")
    age = None if snap.last_event_at is None else max(snap.taken_at - snap.last_event_at, 0)
    stale = age is None or age > 30
    t.append(tr("data_age", age=fmt_duration(age)), style="bold red" if stale else "")
    t.append("  ")
    if app.paused:
        t.append(tr("paused"), style="reverse yellow")
    else:
        t.append(tr("refresh_every", hz=f"{app.refresh_hz:g}"), style="dim")
    if s.recording:
        t.append("  ● " + tr("recording"), style="red")
    if s.readonly:
        t.append("  " + tr("readonly"), style="reverse")
    t.append(f"  {s.user.display or s.user.name} ({s.user.role.label})", style="dim")
    return t
