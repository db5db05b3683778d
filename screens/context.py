"""What a screen may use of the console around it: the services, the strings, and four calls.

The App provides it (``HotlineApp`` satisfies this Protocol and hands itself to each screen as
its context); screens and widgets see only these members, never the App's own state. A test can
hand a screen any object with them.
"""

from __future__ import annotations

from typing import Literal, Protocol

from hotline_tui.console import ConsoleServices

Severity = Literal["information", "warning", "error"]


class ScreenContext(Protocol):
    """The console as a screen sees it. Every member runs on the UI loop and does not block."""

    services: ConsoleServices

    def tr(self, key: str, **params: object) -> str:
        """``key``'s text in the UI's language, ``params`` filled in (a missing key shows itself)."""
        ...

    def key_label(self, label: str) -> str:
        """A key's footer label in the UI's language (bindings carry the English one)."""
        ...

    def report(self, text: str) -> None:
        """An error the user must see: a notification, and a line in the engineer view's list."""
        ...

    def notify(self, message: str, *, title: str = "", severity: Severity = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A short notification; its text is never read as markup unless ``markup``."""
        ...

    def request_refresh(self, reuse: bool = False) -> None:
        """Show the live picture again now; ``reuse`` re-shows a snapshot younger than one
        refresh period (a key changed what is shown, not the data)."""
        ...
