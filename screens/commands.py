"""The ':' command line (k9s style, with aliases): what a typed line means. Pure; the App does it."""

from __future__ import annotations

import math
from dataclasses import dataclass

# The screens in key order (1-7 / F1-F7, then 8 for the waiting callers): the App installs one
# screen per name.
SCREEN_KEYS = ("wallboard", "agents", "tickets", "knowledge", "handover", "engineer", "desk", "callers")
ALIASES = {
    "wallboard": "wallboard", "wb": "wallboard", "q": "wallboard", "queues": "wallboard",
    "agents": "agents", "ag": "agents", "a": "agents",
    "tickets": "tickets", "tk": "tickets", "t": "tickets", "overdue": "tickets",
    "knowledge": "knowledge", "kb": "knowledge",
    "handover": "handover", "ho": "handover", "notes": "handover", "callbacks": "handover",
    "engineer": "engineer", "eng": "engineer", "nodes": "engineer",
    "desk": "desk", "dk": "desk", "intake": "desk",
    "callers": "callers", "cl": "callers", "waiting": "callers", "排队": "callers", "排队来电": "callers",
}
# -- h18b: Chinese names of the screens and of the console's own commands ----------------------
ALIASES.update({
    "总览": "wallboard", "大屏": "wallboard", "队列": "wallboard", "坐席": "agents", "工单": "tickets",
    "超时": "tickets", "知识库": "knowledge", "知识": "knowledge", "交接班": "handover", "交接": "handover",
    "回拨": "handover", "运维": "engineer", "节点": "engineer", "受理台": "desk", "受理": "desk",
})
#: a Chinese command word -> the English one ``parse`` knows
ZH_WORDS = {"暂停": "pause", "恢复": "resume", "继续": "resume", "刷新": "refresh", "语言": "lang",
            "主题": "theme", "退出": "quit", "帮助": "help", "跳转": "seek", "跳到": "seek"}
LANG_WORDS = {"中文": "zh", "英文": "en", "english": "en", "chinese": "zh"}



def seek_seconds(arg: str, now: float, day_start: float) -> float:
    """The recorded time ``seek ARG`` asks for: ``+10m``/``-30s``/``+1h``/``-90`` relative to
    ``now``; ``HH:MM[:SS]`` that time of the recorded day (``day_start`` its midnight). Raises
    ValueError for anything else."""
    units = {"s": 1, "m": 60, "h": 3600}
    if arg[:1] in "+-":
        body, unit = (arg[1:-1], arg[-1]) if arg[-1:] in units else (arg[1:], "s")
        value = float(body) * units[unit]
        if not math.isfinite(value):
            raise ValueError(arg)
        return now + (value if arg[0] == "+" else -value)
    parts = arg.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(arg)
    h, m, sec = (int(p) for p in (parts + ["0"])[:3])
    if h > 23 or m > 59 or sec > 59:
        raise ValueError(arg)
    return day_start + h * 3600 + m * 60 + sec


# Screens without a number key, reached by ':' and the palette (each helper's own line).
UNNUMBERED: tuple[str, ...] = ("qa",)
ALIASES.update({"qa": "qa", "zj": "qa", "inspect": "qa"})       # quality inspection (质检), issue 20
UNNUMBERED += ("reports",)                                        # reports (报表), issue 16
ALIASES.update({"reports": "reports", "report": "reports", "rp": "reports", "报表": "reports", "报告": "reports"})
STATUSES = {"break": "On Break", "avail": "Available", "available": "Available", "logout": "Logged Out",
            # Chinese aliases (issue 18): the words on the desk's keys
            "小休": "On Break", "示忙": "On Break", "示闲": "Available", "签出": "Logged Out"}
MOVES = ("move", "调入", "调整队列")
LANGS = ("zh", "en")
# -- h17d: the call actions of issue 18 (screens/call_commands.py does them) --------------------
#: command word -> action; each asks what its key asks (docs/console.md "Call commands")
CALL_ACTIONS = {
    "pickup": "pickup", "pu": "pickup", "接起": "pickup", "代接": "pickup",
    "movecaller": "movecaller", "mc": "movecaller", "转队列": "movecaller", "移队列": "movecaller",
    "priority": "priority", "prio": "priority", "优先": "priority", "优先级": "priority",
    "transfer": "transfer", "xfer": "transfer", "转接": "transfer",
    "hangup": "hangup", "hup": "hangup", "挂断": "hangup", "强拆": "hangup",
}
#: how many arguments each call action needs at least (the rest name the caller / agent)
CALL_ARGS = {"pickup": 0, "movecaller": 1, "priority": 1, "transfer": 1, "hangup": 0}
# What the command palette offers besides the screens.
PALETTE_COMMANDS = ("pause", "resume", "refresh 1", "refresh 2", "refresh 5", "lang zh", "lang en",
                    "seek -10m", "seek +10m")


@dataclass(frozen=True)
class Command:
    """One parsed line. ``kind``: go (``name`` a screen), status (``name`` the switch's status
    word, ``agents``), move (``name`` the queue, ``agents``), call (``name`` a ``CALL_ACTIONS``
    action, ``agents`` its arguments as typed), pause, resume, refresh (``hz``),
    lang (``name``), theme (``name``), seek (``name`` the offset or time), quit, help, or unknown (``line`` as typed)."""

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
    cmd = ZH_WORDS.get(cmd, cmd)
    if cmd == "lang" and args:
        args = [LANG_WORDS.get(args[0].lower(), args[0].lower()), *args[1:]]
    if cmd in ALIASES and not args:
        return Command("go", line, ALIASES[cmd])
    if cmd in STATUSES and args:
        return Command("status", line, STATUSES[cmd], tuple(args))
    if cmd in MOVES and len(args) >= 2:
        return Command("move", line, args[0], tuple(args[1:]))
    if cmd in CALL_ACTIONS and len(args) >= CALL_ARGS[CALL_ACTIONS[cmd]]:
        return Command("call", line, CALL_ACTIONS[cmd], tuple(args))
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
    if cmd == "seek" and len(args) == 1:        # a replay: +10m, -30s, 90, 10:42 (the App reads it)
        return Command("seek", line, args[0])
    if cmd in ("quit", "q!", "exit"):
        return Command("quit", line)
    return Command("unknown", line)
