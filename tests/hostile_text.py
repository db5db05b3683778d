"""The hostile text corpus (``tests/faults/text/hostile.json``) and an oracle for "inert".

The oracle is written from Unicode categories, independently of ``hotline_tui.text``: a
character is live if it is a control (Cc) other than newline, a format character (Cf: zero-width,
bidi, BOM, tags), a line/paragraph separator (Zl, Zp), a lone surrogate (Cs) or a blank filler.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

_FILE = Path(__file__).parent / "faults" / "text" / "hostile.json"

#: name -> hostile value (JSON-decoded), plus a 10,000-character line with an ESC inside.
CORPUS: dict[str, str] = {k: v for k, v in json.loads(_FILE.read_text(encoding="utf-8")).items()
                          if not k.startswith("_")}
CORPUS["long_line"] = "很长的一行" * 1000 + "\x1b[2J" + "尾" * (10_000 - 5004)
assert len(CORPUS["long_line"]) == 10_000

#: The corpus without NUL: what a store accepts (text with NUL is refused, see docs/text.md).
STORABLE: dict[str, str] = {k: v for k, v in CORPUS.items() if "\x00" not in v}

_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def live_chars(text: str, *, newline_ok: bool = True) -> list[str]:
    """The characters of ``text`` that could act on a terminal or are invisible."""
    out = []
    for ch in text:
        if ch == "\n" and newline_ok:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") or ch in _FILLERS:
            out.append(ch)
    return out


def assert_inert(text: str, *, newline_ok: bool = True, where: str = "") -> None:
    bad = live_chars(text, newline_ok=newline_ok)
    assert not bad, f"{where}: live characters {sorted({f'U+{ord(c):04X}' for c in bad})} in {text[:300]!r}"


def short(value: str, n: int = 18) -> str:
    """A prefix for fields with small limits (a phone box, a name)."""
    return value[:n]
