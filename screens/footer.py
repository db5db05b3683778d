"""The key footer every screen shows: in the UI's language, never cut off, rebuilt only when
what it shows changes."""

from __future__ import annotations

from typing import Any, Callable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: The keys a user must always find, whatever the width: how to switch screens (1-7), help,
#: the command line, the palette and quit. They go last, after the screen's own keys, and the
#: screen's keys that do not fit are left out for a "? more" (help lists every key).
ESSENTIAL = ("help", "command_line", "command_palette", "quit")
SCREENS_HINT = ("1", "1-7", "Screens", "app.go('wallboard')")
# While a text box has the focus the digits type into it: only F1-F7 switch screens.
SCREENS_HINT_F = ("f1", "F1-F7", "Screens", "app.go('wallboard')")


def key_width(key_display: str, description: str, *, palette: bool = False) -> int:
    """Cells a FooterKey takes (Textual's default CSS: key padded 1 each side, description 1
    after; the palette key 1 margin and 1 padding more). Does not block."""
    w = cell_len(key_display) + 2 + cell_len(description) + 1 if description else cell_len(key_display)
    return w + (2 if palette else 0)


class KeyFooter(Footer):
    """Textual's Footer, laid out to fit and minus the rebuilds that change nothing.

    Textual's Footer lays every key out in one row and the terminal cuts what overflows: at
    80x24 ``?`` and ``q`` fell off, at 160 columns the docked palette key read "^p palet". This
    one puts the screen's keys first, as many as fit, then ``… ? more`` when some were left out,
    then the essential keys (``ESSENTIAL`` and the 1-7 screens hint), which always fit.

    Footer recomposes whenever its screen's bindings are refreshed, and Textual refreshes them
    on every focus change and screen switch. With the screens' dozen keys that was about 15 ms
    of every screen switch at 1,000 agents (docs/benchmarks.md), for a footer that looked the
    same. This one compares what it would show (keys, labels, enabled, width) with what it
    shows and rebuilds only on a difference.

    Labels are drawn in the UI's language: ``key_label`` (the screen context's; when given)
    turns a binding's English label into the one shown.
    """

    DEFAULT_CSS = """
    KeyFooter FooterKey.-command-palette { dock: none; border-left: none; margin-left: 1; }
    """

    _shown: tuple | None = None

    def __init__(self, key_label: Callable[[str], str] | None = None, **kw: Any):
        super().__init__(**kw)
        self.key_label = key_label

    def label(self, text: str) -> str:
        return self.key_label(text) if self.key_label is not None and text else text

    def _width(self) -> int:
        w = self.size.width if self.is_attached and self.size.width else 0
        return w or (self.app.size.width if self.is_attached else 80)

    def layout_keys(self) -> list[tuple[str, str, str, str, bool, str, str]]:
        """What the footer draws now, in order: (key, key display, label, action, enabled,
        tooltip, classes) each. Every essential key is in it; the screen's keys as many as fit
        the width. Does not block."""
        if not self._bindings_ready:
            return []
        screen_keys, essential = [], {}
        seen: set[str] = set()
        for (_node, b, enabled, tooltip) in self.screen.active_bindings.values():
            if b.action in seen:
                continue
            if b.key == self.app.COMMAND_PALETTE_BINDING:
                if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
                    essential["command_palette"] = (b.key, self.app.get_key_display(b), self.label("palette"),
                                                    b.action, enabled, tooltip or b.description, "-command-palette")
                continue
            if not b.show:
                continue
            seen.add(b.action)
            row = (b.key, self.app.get_key_display(b), self.label(b.description), b.action, enabled, tooltip, "")
            if b.action in ESSENTIAL:
                essential[b.action] = row
            else:
                screen_keys.append(row)
        tail = []
        active = self.screen.active_bindings
        for hint, prefix in ((SCREENS_HINT, ""), (SCREENS_HINT_F, "f")):
            if hint[0] in active and "go(" in active[hint[0]].binding.action:
                # as many screens as there are number keys: 1-7 today, 1-8 with one more
                # (the highest: on the desk F2-F4 are the agent's own keys, F7 still a screen)
                n = max(i for i in range(1, 13) if f"{prefix}{i}" in active
                        and "go(" in active[f"{prefix}{i}"].binding.action)
                key, shown, desc, action = hint
                shown = shown.replace("7", str(n))
                tail.append((key, shown, self.label(desc), action, True, "", ""))
                break
        tail += [essential[a] for a in ESSENTIAL if a in essential]
        width = self._width()
        used = sum(key_width(r[1], r[2], palette=bool(r[6])) for r in tail)
        more = ("question_mark", "…?", self.label("more"), "help", True, "", "")
        out = []
        for i, row in enumerate(screen_keys):
            w = key_width(row[1], row[2])
            rest = i + 1 < len(screen_keys)
            if used + w + (key_width(more[1], more[2]) if rest else 0) > width:
                out.append(more)
                break
            out.append(row)
            used += w
        return out + tail

    def keys_shown(self) -> tuple:
        """What the footer draws for the screen's bindings now: returns a comparable tuple;
        does not block."""
        return tuple(self.layout_keys()) + ((self.show_command_palette, self.compact, self._width()),)

    def compose(self) -> ComposeResult:
        for key, shown, desc, action, enabled, tooltip, classes in self.layout_keys():
            yield FooterKey(key, shown, desc, action, disabled=not enabled, tooltip=tooltip or desc,
                            classes=classes).data_bind(compact=Footer.compact)

    async def recompose(self) -> None:
        shown = self.keys_shown() if self.is_attached else None
        if shown is not None and shown == self._shown and self.children:
            return
        self._shown = shown
        if shown is not None and self.children and await self._update_in_place():
            return
        await super().recompose()

    async def _update_in_place(self) -> bool:
        """Show the keys by changing the FooterKeys there are (and adding or removing the
        the ones missing) instead of building every one anew. A focus change into or out of a text
        box changes the keys shown; rebuilding a dozen widgets each time cost ~15 ms of the key
        (the filter's ``/`` and Esc) and left them as cyclic garbage, which grew the heap until a
        full collection (docs/benchmarks.md, "Province"). Returns False when the children are
        not all FooterKeys (then recompose). Keys no longer shown are hidden, kept for later.
        Blocks only to mount."""
        have = [w for w in self.children if isinstance(w, FooterKey)]
        if len(have) != len(self.children):
            return False
        rows = self.layout_keys()
        for w, (key, shown, desc, action, enabled, tooltip, classes) in zip(have, rows):
            palette = "-command-palette" in classes.split()
            if not w.display:
                w.display = True
            elif (w.key, w.key_display, w.description, w.action, w._disabled, w.has_class("-command-palette")) == \
                    (key, shown, desc, action, not enabled, palette):
                continue
            w.key, w.key_display, w.description, w.action = key, shown, desc, action
            w._disabled = not enabled
            w.set_class(not enabled, "-disabled")
            w.set_class(palette, "-command-palette")
            w.tooltip = tooltip or desc
            w.refresh(layout=True)
        for w in have[len(rows):]:       # kept hidden (and blank) for the next time more keys show
            if w.display:
                w.display = False
                w.key = w.key_display = w.description = w.action = ""
        if len(rows) > len(have):
            await self.mount_all([FooterKey(key, shown, desc, action, disabled=not enabled, tooltip=tooltip or desc,
                                            classes=classes).data_bind(compact=Footer.compact)
                                  for key, shown, desc, action, enabled, tooltip, classes in rows[len(have):]])
        return True

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.recompose)
