"""The ':' command line (k9s style, with aliases): what a typed line means. Pure; the App does it."""

from __future__ import annotations

import math
from dataclasses import dataclass

# The screens in key order (1-7 / F1-F7): the App installs one screen per name.
SCREEN_KEYS = ("wallboard", "agents", "tickets", "knowledge", "handover", "engineer", "desk")
ALIASES = {
    "wallboard": "wallboard", "wb": "wallboard", "q": "wallboard", "queues": "wallboard",
    "agents": "agents", "ag": "agents", "a": "agents",
    "tickets": "tickets", "tk": "tickets", "t": "tickets", "overdue": "tickets",
    "knowledge": "knowledge", "kb": "knowledge",
    "handover": "handover", "ho": "handover", "notes": "handover", "callbacks": "handover",
    "engineer": "engineer", "eng": "engineer", "nodes": "engineer",
    "desk": "desk", "dk": "desk", "intake": "desk",
}
# Screens without a number key, reached by ':' and the palette (each helper's own line).
UNNUMBERED = ("qa",)
ALIASES.update({"qa": "qa", "zj": "qa", "inspect": "qa"})       # quality inspection (质检), issue 20
STATUSES = {"break": "On Break", "avail": "Available", "available": "Available", "logout": "Logged Out"}
LANGS = ("zh", "en")
# What the command palette offers besides the screens.
PALETTE_COMMANDS = ("pause", "resume", "refresh 1", "refresh 2", "refresh 5", "lang zh", "lang en")


@dataclass(frozen=True)
class Command:
    """One parsed line. ``kind``: go (``name`` a screen), status (``name`` the switch's status
    word, ``agents``), move (``name`` the queue, ``agents``), pause, resume, refresh (``hz``),
    lang (``name``), theme (``name``), quit, help, or unknown (``line`` as typed)."""

    kind: str
    line: str
    name: str = ""
    agents: tuple[str, ...] = ()
    hz: float = 0.0


def parse(line: str) -> Command | None:
    """What ``line`` asks for; None for an empty line. Never raises: anything else is unknown."""
    words = line.strip().lstrip(":").split()
    if not words:
        return None
    cmd, args = words[0].lower(), words[1:]
    if cmd in ALIASES and not args:
        return Command("go", line, ALIASES[cmd])
    if cmd in STATUSES and args:
        return Command("status", line, STATUSES[cmd], tuple(args))
    if cmd == "move" and len(args) >= 2:
        return Command("move", line, args[0], tuple(args[1:]))
    if cmd in ("pause", "resume", "help"):
        return Command(cmd, line)
    if cmd == "refresh" and args:
        try:
            hz = float(args[0])
        except ValueError:
            return Command("unknown", line)
        return Command("refresh", line, hz=hz) if math.isfinite(hz) else Command("unknown", line)
    if cmd == "lang" and args and args[0] in LANGS:
        return Command("lang", line, args[0])
    if cmd == "theme" and args:
        return Command("theme", line, args[0])
    if cmd in ("quit", "q!", "exit"):
        return Command("quit", line)
    return Command("unknown", line)
