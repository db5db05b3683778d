"""The agent desk's one dialog: pick one of a few choices (a not-ready reason; what to do with
a form that still holds text for the previous caller when a new call arrives).

``1``-``9`` pick at once, the arrows and ``enter`` pick the highlighted one, ``escape`` answers
None. Labels are shown as text, never markup.
"""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ChoiceScreen(ModalScreen[str | None]):
    """Returns the chosen value, or None (escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10))]
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 72; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    ChoiceScreen OptionList { height: auto; max-height: 12; }
    """

    def __init__(self, question: str, choices: Sequence[tuple[str, str]], hint: str = ""):
        super().__init__()
        self.question, self.choices, self.hint = question, list(choices), hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question))
            yield OptionList(*(Option(Text(f"{i}  {label}"), id=value)
                               for i, (value, label) in enumerate(self.choices, 1)), id="choices")
            if self.hint:
                yield Label(Text(self.hint, style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, n: int) -> None:
        if 1 <= n <= len(self.choices):
            self.dismiss(self.choices[n - 1][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
