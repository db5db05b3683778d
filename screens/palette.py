"""Textual's command palette (ctrl+p): every screen and the common ':' commands, searchable."""

from __future__ import annotations

from typing import Protocol, cast

from textual.command import Hit, Hits, Provider

from .commands import PALETTE_COMMANDS, SCREEN_KEYS, UNNUMBERED


class PaletteTarget(Protocol):
    """What the palette's hits call: the App's navigation and its ':' command line."""

    def tr(self, key: str, **params: object) -> str: ...

    def switch_to(self, name: str) -> None: ...

    def run_command(self, line: str) -> None: ...


class ScreensProvider(Provider):
    """Hits for each screen (by its name in the UI's language and its key) and each command."""

    async def search(self, query: str) -> Hits:
        target = cast(PaletteTarget, self.app)     # the palette is the App's: it acts on the App
        matcher = self.matcher(query)
        for key in SCREEN_KEYS + UNNUMBERED:
            label = f"{target.tr(key)} ({key})"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), lambda k=key: target.switch_to(k))
        for cmd in PALETTE_COMMANDS:
            score = matcher.match(cmd)
            if score > 0:
                yield Hit(score, matcher.highlight(cmd), lambda c=cmd: target.run_command(c))
