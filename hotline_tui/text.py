"""Text from citizens, callers and the switch is data. This module makes it safe to show.

One family of functions, used at every sink (docs/text.md lists where):

- ``terminal_safe`` — for a terminal (screens, CLI text output, ``esl tail``, logs): control
  characters (C0 but newline, DEL, C1 U+0080–U+009F: ESC sequences, OSC 52, BEL, NUL,
  backspace, carriage return) become visible ``\\xNN`` escapes, so a caller-id name like
  ``"\\x1b[2J"`` shows as text and cannot clear a supervisor's screen; characters that are
  invisible or move text (zero-width, line/paragraph separators, bidi overrides and isolates,
  BOM, fillers, tag characters, lone surrogates) become ``⟨U+200B⟩``, so a name of three
  U+200B does not look empty and an RTL override cannot reorder what follows.
- ``json_for_terminal`` — JSON (already dumped) printed to a terminal: the same characters as
  ``\\uXXXX`` escapes, so the output stays valid JSON that decodes to the original text.
- ``nul_field`` — which field of a record holds a NUL (text with NUL is refused at the service
  boundary, the same on both stores).
- ``SafeLogFilter`` / ``safe_logger`` — log records made one safe line.

Rich markup is never interpreted from data: screens build ``rich.text.Text`` objects (never
markup strings) from these values (``screens/widgets.py``: ``cell``, ``safe``).
"""

from __future__ import annotations

import logging
import re
import unicodedata

# C0 controls but tab/newline (handled first), DEL and the C1 controls.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Invisible, zero-width or text-moving characters that a reader could not see or that change
# how the text around them is shown: soft hyphen, combining grapheme joiner, Arabic letter mark,
# Hangul fillers, Khmer inherent vowels, Mongolian free variation selectors and vowel separator,
# zero-width space/joiners and LRM/RLM, line and paragraph separators, bidi embeddings,
# overrides and isolates, word joiner and invisible operators, BOM / zero-width no-break space,
# halfwidth Hangul filler, interlinear annotation, tag characters, lone surrogates.
_INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e"
              "\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff")
_UNSAFE = re.compile(f"[{_CONTROL}{_INVISIBLE}]")
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}\x7f-\x9f]")

#: What a newline is shown as when a value must stay on one line.
NEWLINE = "⏎"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0xA0 else f"⟨U+{code:04X}⟩"


def terminal_safe(value: object, *, keep_newlines: bool = False) -> str:
    """Return ``value`` (any object; None is "") as a string in which no character can act on a
    terminal and no character is invisible. Newlines become a visible ``⏎`` unless
    ``keep_newlines`` (then CRLF becomes LF and a lone CR is ``\\x0d``); tabs become a space.
    Pure; never raises."""
    text = "" if value is None else str(value)
    text = text.replace("\t", " ")
    if keep_newlines:
        text = text.replace("\r\n", "\n")
    else:
        text = text.replace("\r\n", NEWLINE).replace("\n", NEWLINE)
    return _UNSAFE.sub(_visible, text)


def clip_line(value: object, limit: int | None = None) -> str:
    """``terminal_safe`` on one line, cut to ``limit`` characters (with ``…``) when given."""
    text = terminal_safe(value)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def terminal_safe_spans(text: str, spans) -> tuple[str, list[tuple[int, int]]]:
    """``terminal_safe(text)`` and ``spans`` ((start, end) offsets into ``text``, e.g. search
    highlights) moved to the same characters of the safe text. Pure."""
    pieces: list[str] = []
    at = [0]
    for i, ch in enumerate(text):
        if ch == "\r" and text[i + 1:i + 2] == "\n":
            piece = ""
        elif ch == "\n":
            piece = NEWLINE
        elif ch == "\t":
            piece = " "
        else:
            piece = _UNSAFE.sub(_visible, ch)
        pieces.append(piece)
        at.append(at[-1] + len(piece))
    n = len(text)
    moved = [(at[min(max(a, 0), n)], at[min(max(b, 0), n)]) for a, b in spans]
    return "".join(pieces), [(a, b) for a, b in moved if b > a]


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}" if ord(match.group(0)) <= 0xFFFF else _json_astral(match.group(0))


def _json_astral(ch: str) -> str:
    code = ord(ch) - 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_for_terminal(dumped: str) -> str:
    """``dumped`` (the output of ``json.dumps(..., ensure_ascii=False)``, which already escapes
    C0 controls) with DEL, C1 controls and every invisible character of ``terminal_safe``
    written as ``\\uXXXX``: still valid JSON, decoding to the same values. Pure."""
    return _INVISIBLE_RE.sub(_json_escape, dumped)


def nul_field(**fields: object) -> str | None:
    """The name of the first field whose text holds a NUL (U+0000), or None. Pure."""
    for name, value in fields.items():
        if isinstance(value, str) and "\x00" in value:
            return name
    return None


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds a character ``terminal_safe`` would rewrite (newline aside)."""
    return _UNSAFE.search(text) is not None


class SafeLogFilter(logging.Filter):
    """Makes each record's message one terminal-safe line (a caller id with ``\\n`` cannot forge
    a log line, one with ESC cannot act on the terminal that tails the log). The traceback of
    ``exc_info`` is the program's own text and is kept as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:       # a bad format string: log what there is rather than lose it
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = terminal_safe(message), None
        return True


def safe_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with a ``SafeLogFilter`` on it (added once)."""
    log = logging.getLogger(name)
    if not any(isinstance(f, SafeLogFilter) for f in log.filters):
        log.addFilter(SafeLogFilter())
    return log


def cell_width(text: str) -> int:
    """Terminal columns ``text`` occupies (CJK wide characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else (0 if unicodedata.combining(c) else 1) for c in text)
