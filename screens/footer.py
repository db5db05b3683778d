"""The key footer every screen shows: in the UI's language, rebuilt only when its keys change."""

from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's Footer, minus the rebuilds that change nothing.

    Footer recomposes (removes and mounts a widget per key) whenever its screen's bindings are
    refreshed, and Textual refreshes them on every focus change and screen switch. With the
    screens' dozen keys that was about 15 ms of every screen switch at 1,000 agents
    (docs/benchmarks.md), for a footer that looked the same. This one compares what it would
    show (key, label, enabled, tooltip; palette key; compact) with what it shows and rebuilds
    only on a difference.

    Labels are drawn in the UI's language: ``key_label`` (the screen context's; when given)
    turns a binding's English label into the one shown.
    """

    # The palette key flows after the others instead of docking right: a docked key sits over
    # the keys that overflow, and Textual cuts the line at every covered key's edge, which split
    # the wide characters of "命令面板" (seen in tmux as "命  面板").
    DEFAULT_CSS = """
    KeyFooter FooterKey.-command-palette { dock: none; border-left: none; margin-left: 1; }
    """

    _shown: tuple | None = None

    def __init__(self, key_label: Callable[[str], str] | None = None, **kw: Any):
        super().__init__(**kw)
        self.key_label = key_label

    def label(self, text: str) -> str:
        return self.key_label(text) if self.key_label is not None and text else text

    def keys_shown(self) -> tuple:
        """What the footer draws for the screen's bindings now: returns a comparable tuple;
        does not block."""
        keys = tuple((b.key, self.label(b.description), b.action, enabled, tooltip)
                     for (_node, b, enabled, tooltip) in self.screen.active_bindings.values() if b.show)
        return keys + ((self.show_command_palette, self.compact, self.label("palette")),)

    def compose(self) -> ComposeResult:
        for node in super().compose():
            if isinstance(node, FooterKey):
                node.description = self.label(node.description)
            yield node

    async def recompose(self) -> None:
        shown = self.keys_shown() if self.is_attached else None
        if shown is not None and shown == self._shown and self.children:
            return
        self._shown = shown
        await super().recompose()
