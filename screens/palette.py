"""Textual's command palette (ctrl+p): every screen and the common ':' commands, searchable."""

from __future__ import annotations

from functools import partial
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


class KeysProvider(Provider):
    """Every action the screen offers by a key, also in the palette (issue 18): one hit per
    enabled binding with a label, named in the UI's language with its key, e.g. "催办 (u)".
    Actions a read-only console hides (``check_action``) are not active, so not offered."""

    async def search(self, query: str) -> Hits:
        target = cast(PaletteTarget, self.app)
        label_of = getattr(self.app, "key_label", lambda s: s)
        matcher = self.matcher(query)
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not enabled or not binding.description or binding.action in seen or binding.action in _NOT_ACTIONS:
                continue
            seen.add(binding.action)
            label = f"{label_of(binding.description)} ({self.app.get_key_display(binding)})"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self.app.run_action, binding.action, node),
                          help=target.tr("palette_key_help"))


# Moving about is not an action to offer twice: the palette itself, the screens (listed above).
_NOT_ACTIONS = {"command_palette", "app.command_palette"}
