"""The key footer every screen shows, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, minus the rebuilds that change nothing.

    Footer recomposes (removes and mounts a widget per key) whenever its screen's bindings are
    refreshed, and Textual refreshes them on every focus change and screen switch. With the
    screens' dozen keys that was about 15 ms of every screen switch at 1,000 agents
    (docs/benchmarks.md), for a footer that looked the same. This one compares what it would
    show (key, label, enabled, tooltip; palette key; compact) with what it shows and rebuilds
    only on a difference.
    """

    _shown: tuple | None = None

    def keys_shown(self) -> tuple:
        """What the footer draws for the screen's bindings now: returns a comparable tuple;
        does not block."""
        keys = tuple((b.key, b.description, b.action, enabled, tooltip)
                     for (_node, b, enabled, tooltip) in self.screen.active_bindings.values() if b.show)
        return keys + ((self.show_command_palette, self.compact),)

    async def recompose(self) -> None:
        shown = self.keys_shown() if self.is_attached else None
        if shown is not None and shown == self._shown and self.children:
            return
        self._shown = shown
        await super().recompose()
