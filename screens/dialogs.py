"""The console's modal dialogs: yes / no, one line of input, the ':' line and the help screen.
Each is given the text it shows; none knows the App."""

from __future__ import annotations

from typing import Callable, Sequence

from rich.text import Text
from textual import constants
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from hotline_tui.text import terminal_safe


class ConfirmScreen(ModalScreen[bool]):
    """Yes / no. Enter or y confirms; Esc or n cancels."""

    BINDINGS = [Binding("y,enter", "yes", "Yes"), Binding("n,escape", "no", "No")]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    """

    def __init__(self, question: str, hint: str):
        super().__init__()
        self.question, self.hint = question, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(terminal_safe(self.question)))
            yield Label(Text(terminal_safe(self.hint), style="dim"))

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class PromptScreen(ModalScreen[str | None]):
    """One line of input. Enter returns it; Esc returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 80; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    """

    def __init__(self, title: str, value: str = ""):
        super().__init__()
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(terminal_safe(self.title_text)))
            yield Input(value=terminal_safe(self.value), id="prompt")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommandLine(ModalScreen[str | None]):
    """The ':' line at the bottom: Enter returns what was typed; Esc returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    CommandLine { align: center bottom; }
    CommandLine > Input { width: 100%; border: tall $accent; }
    """

    def __init__(self, placeholder: str):
        super().__init__()
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, id="cmd")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """``?``: the screens by number and every key, in the UI's language; scrolls at 80x24."""

    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 100%; max-width: 90; height: auto; max-height: 100%;
                                  border: thick $accent; padding: 0 1; background: $surface; }
    """

    # The rows of keys that change something: a read-only console does not list them.
    ACTION_ROWS = frozenset({"help_tag", "help_agent", "help_listen", "help_queue", "help_ticket", "help_note",
                             "help_flag", "help_desk", "help_desk_form", "help_desk_mywork", "help_call_commands"})

    def __init__(self, tr: Callable[..., str], screen_keys: Sequence[str], *, readonly: bool = False):
        super().__init__()
        self.tr, self.screen_keys, self.readonly = tr, screen_keys, readonly
        self.text = ""

    def compose(self) -> ComposeResult:
        tr = self.tr
        t = Text()
        t.append("hotline console\n\n", style="bold")
        for i, key in enumerate(self.screen_keys, 1):
            t.append(f"  {i}  ", style="bold cyan")
            t.append(f"{tr(key)}\n")
        ms = round(constants.ESCAPE_DELAY * 1000)    # QuickEscapeDriver sets it when it starts
        rows = [("?", "help_help"), (":", "help_cmdline"), (":", "help_aliases"),
                ("ctrl+p", "help_palette"), ("/", "help_filter"), ("s ] [", "help_all_tickets"),
                ("j k / ↑ ↓ g G", "help_move"), ("escape", "help_escape"),
                ("p", "help_pause"), ("r", "help_refresh"), ("+ -", "help_rate"), ("t", "help_theme"),
                ("space", "help_tag"), ("a b o", "help_agent"), ("l w B", "help_listen"),
                ("m", "help_queue"), ("u e E r v V c", "help_ticket"), ("n", "help_note"),
                ("f", "help_flag"), ("ctrl+o ctrl+n", "help_desk"), ("ctrl+g ctrl+y", "help_desk_form"),
                ("ctrl+f F5", "help_desk_mywork"), ("p < >", "help_replay"), (":", "help_call_commands"),
                ("q", "help_quit")]
        params = {"help_cmdline": {"commands": tr("help_commands")}, "help_escape": {"ms": ms}}
        t.append("\n")
        for k, key in rows:
            if self.readonly and key in self.ACTION_ROWS:
                continue
            t.append(f"  {k:<16}", style="bold cyan")
            t.append(tr(key, **params.get(key, {})) + "\n")
        self.text = t.plain
        with VerticalScroll():          # 80x24 over SSH: the list is longer than the screen
            yield Static(t)
