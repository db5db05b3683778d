"""Knowledge: the whole screen given to the knowledge-base search panel (``kb_panel.py``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from .base import LiveScreen
from .kb_panel import KbPanel


class KnowledgeScreen(LiveScreen):
    TITLE_KEY = "knowledge"

    @property
    def panel(self) -> KbPanel:
        return self.query_one(KbPanel)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield KbPanel(self.ctx, id="kb")
        yield self.footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.panel.query_one("#kb-q", Input).focus()
