"""Text from citizens, callers and the switch is data. This module makes it safe to show.

``terminal_safe`` removes the power of control characters (ESC sequences, C1 controls, BEL,
backspace, carriage return, bidi overrides) by replacing them with visible escapes, so a
caller-id name like ``"\\x1b[2J"`` shows as text and cannot clear a supervisor's screen.
Rich markup is never interpreted from data: screens build ``rich.text.Text`` objects (never
markup strings) from these values.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(value: object, *, keep_newlines: bool = False) -> str:
    """Return ``value`` as a string in which no character can act on a terminal.

    Newlines become a visible ``⏎`` unless ``keep_newlines``; tabs become a space.
    """
    text = "" if value is None else str(value)
    text = text.replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\r\n", "⏎").replace("\n", "⏎")
    return _CONTROL.sub(_visible, text)


def cell_width(text: str) -> int:
    """Terminal columns ``text`` occupies (CJK wide characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else (0 if unicodedata.combining(c) else 1) for c in text)
