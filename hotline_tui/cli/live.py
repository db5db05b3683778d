"""``hotline live queues|agents|callers|calls [--json]``: one read of the live picture for
scripts and for engineers without a terminal UI (issue 18). Connect to every switch of
``--config``, resync, print, exit.

The connecting is wired in ``hotline.py`` (``run_live``, reached through the Wiring), so this
module imports no backend. What is printed is the console's own: the snapshot of
``ConsoleServices.snapshot`` (callers masked for the acting user's role), the figures of
``LiveState`` / ``kpi.py`` (the day rebuilt from the store as the console does), the caller
classes of ``ConsoleServices.caller_classes``. Text output: one aligned row per item, CJK
counted double-wide; ``--json``: one JSON document (a list of objects).
"""

from __future__ import annotations

from typing import Any, Callable

import click

from ..text import cell_width
from .common import echo, emit_json, one_line_errors, wiring

KINDS = ("queues", "agents", "callers", "calls")


def _rate(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def _secs(v: float | None) -> str:
    if v is None:
        return "—"
    v = int(v)
    return f"{v // 3600}:{v % 3600 // 60:02d}:{v % 60:02d}" if v >= 3600 else f"{v // 60}:{v % 60:02d}"


def queue_rows(services: Any, snap: Any) -> list[dict]:
    out = []
    for q in snap.queues:
        k30, kday = q.kpi.get("30m"), q.kpi.get("today")
        out.append({"queue": q.name, "display": services.queue_names.get(q.name, q.name), "node": q.node,
                    "waiting": q.waiting, "longest_wait_s": round(q.longest_wait_s, 1),
                    "estimated_wait_s": None if q.estimated_wait_s is None else round(q.estimated_wait_s, 1),
                    "available": q.agents_available, "on_call": q.agents_on_call, "wrap_up": q.agents_wrap_up,
                    "on_break": q.agents_on_break, "logged_in": q.agents_logged_in,
                    "service_level_30m": k30.service_level if k30 else None,
                    "service_level_today": kday.service_level if kday else None,
                    "abandon_rate_today": kday.abandon_rate if kday else None,
                    "answered_today": kday.answered if kday else 0})
    return out


def agent_rows(services: Any, snap: Any) -> list[dict]:
    names = services.agent_names
    return [{"agent": a.name, "node": a.node, "name": names.get(f"{a.name}@{a.node}") or names.get(a.name, ""),
             "team": a.team, "status": a.status, "state": a.state, "wrap_up": a.wrap_up,
             "in_state_s": round(a.time_in_state_s, 1), "calls_today": a.calls_today,
             "talk_today_s": round(a.talk_time_today_s, 1), "caller": a.caller_number,
             "queues": list(a.queues), "flags": list(a.flags)} for a in snap.agents]


def caller_rows(services: Any, snap: Any) -> list[dict]:
    callers = sorted((c for q in snap.queues for c in q.callers), key=lambda c: (c.queue, c.position, c.joined_at))
    classes = services.caller_classes([c.member_uuid for c in callers])
    over = services.settings.caller_waiting_over_s
    return [{"member": c.member_uuid, "node": c.node, "queue": c.queue, "caller": c.caller_number,
             "caller_name": c.caller_name, "class": classes.get(c.member_uuid, ""), "priority": c.priority,
             "position": c.position, "wait_s": round(c.wait_s, 1), "over_limit": c.wait_s > over,
             "state": "being offered" if c.state == "Trying" else "waiting"} for c in callers]


def call_rows(services: Any, snap: Any) -> list[dict]:
    return [{"call": c.uuid, "node": c.node, "queue": c.queue, "caller": c.caller_number, "caller_name": c.caller_name,
             "agent": c.agent, "duration_s": round(c.duration_s, 1), "flags": list(c.flags)} for c in snap.calls]


ROWS: dict[str, Callable[[Any, Any], list[dict]]] = {
    "queues": queue_rows, "agents": agent_rows, "callers": caller_rows, "calls": call_rows}

# The text columns of each kind: (header, how a row's value is shown).
COLUMNS: dict[str, tuple[tuple[str, Callable[[dict], str]], ...]] = {
    "queues": (("queue", lambda r: r["display"]), ("waiting", lambda r: str(r["waiting"])),
               ("longest", lambda r: _secs(r["longest_wait_s"]) if r["waiting"] else "—"),
               ("avail", lambda r: str(r["available"])), ("busy", lambda r: str(r["on_call"])),
               ("break", lambda r: str(r["on_break"])), ("SL30m", lambda r: _rate(r["service_level_30m"])),
               ("SLtoday", lambda r: _rate(r["service_level_today"])),
               ("abandon", lambda r: _rate(r["abandon_rate_today"])), ("answered", lambda r: str(r["answered_today"]))),
    "agents": (("agent", lambda r: r["agent"]), ("name", lambda r: r["name"]), ("team", lambda r: r["team"]),
               ("status", lambda r: r["status"]), ("state", lambda r: r["state"] + (" · wrap" if r["wrap_up"] else "")),
               ("in_state", lambda r: _secs(r["in_state_s"])), ("calls", lambda r: str(r["calls_today"])),
               ("caller", lambda r: r["caller"]), ("flags", lambda r: " ".join(r["flags"]))),
    "callers": (("pos", lambda r: str(r["position"])), ("queue", lambda r: r["queue"]),
                ("caller", lambda r: r["caller"]), ("class", lambda r: r["class"]),
                ("priority", lambda r: str(r["priority"])),
                ("wait", lambda r: _secs(r["wait_s"]) + (" !" if r["over_limit"] else "")),
                ("state", lambda r: r["state"])),
    "calls": (("queue", lambda r: r["queue"]), ("caller", lambda r: r["caller"]), ("agent", lambda r: r["agent"]),
              ("duration", lambda r: _secs(r["duration_s"])), ("flags", lambda r: " ".join(r["flags"]))),
}


def text_lines(kind: str, rows: list[dict]) -> list[str]:
    """``rows`` as aligned text: a header, then one line per row (CJK counted double-wide)."""
    cols = COLUMNS[kind]
    cells = [[h for h, _ in cols]] + [[fmt(r) for _, fmt in cols] for r in rows]
    widths = [max(cell_width(line[i]) for line in cells) for i in range(len(cols))]
    return ["  ".join(c + " " * (w - cell_width(c)) for c, w in zip(line, widths)).rstrip() for line in cells]


@click.command("live")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--config", "config", type=click.Path(dir_okay=False), required=True,
              help="Console config YAML (switch nodes, store), as for hotline console.")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@click.option("--timeout", "timeout_s", default=10.0, show_default=True, type=click.FloatRange(min=0.1, max=600),
              help="Seconds to wait for every switch to connect and resync.")
@one_line_errors
def live(kind: str, config: str, as_json: bool, timeout_s: float) -> None:
    """One read of the live picture: queues, agents, waiting callers or calls (connect, resync, print, exit)."""
    services, snap = wiring().live_snapshot(config, timeout_s=timeout_s)  # type: ignore[attr-defined]
    rows = ROWS[kind](services, snap)
    if as_json:
        emit_json(rows)
        return
    for line in text_lines(kind, rows):
        echo(line)
