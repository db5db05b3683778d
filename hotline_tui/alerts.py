"""What a duty supervisor must look at now: alerts from the live picture, the links and the
ticket counts. Pure; the figures are raw (seconds, ratios) and the screens write them."""

from __future__ import annotations

from dataclasses import dataclass

from . import switch as sw
from .kpi import KpiSettings
from .live.views import LiveSnapshot


@dataclass(frozen=True)
class Alert:
    severity: str                          # red | yellow
    key: str                               # the catalogue's key for the alert's line
    params: dict[str, str | int | float]   # names, counts; seconds and ratios unformatted


def alerts(snap: LiveSnapshot, settings: KpiSettings, nodes: list[sw.NodeHealth], *,
           tickets_yellow: int = 0, tickets_red: int = 0, queue_names: dict[str, str] | None = None) -> list[Alert]:
    """Everything a duty supervisor must look at now, most severe first. ``alert_sl`` carries
    ``value`` and ``target`` as ratios (0.8), ``alert_wait`` and ``alert_break`` carry ``value``
    in seconds. Does not block."""
    qn = queue_names or {}
    out: list[Alert] = []
    for n in nodes:
        if n.link != "connected":
            out.append(Alert("red", "alert_link", {"node": n.node, "state": n.link}))
    for q in snap.queues:
        k = q.kpi.get("30m")
        if k is not None and k.service_level is not None and k.offered >= 5 and k.service_level < settings.sl_target:
            out.append(Alert("red" if k.service_level < settings.sl_target - 0.1 else "yellow", "alert_sl",
                             {"queue": qn.get(q.name, q.name), "value": k.service_level,
                              "target": settings.sl_target}))
        if q.longest_wait_s > settings.caller_waiting_over_s:
            out.append(Alert("red", "alert_wait", {"queue": qn.get(q.name, q.name), "value": q.longest_wait_s}))
    # The same agent id on two switches is two agents: name the node where ids collide.
    seen: set[str] = set()
    twice: set[str] = set()
    for a in snap.agents:
        (twice if a.name in seen else seen).add(a.name)
    for a in snap.agents:
        who = f"{a.name}@{a.node}" if a.name in twice else a.name
        if a.status == "On Break" and a.time_in_state_s > settings.break_over_s:
            out.append(Alert("yellow", "alert_break", {"agent": who, "value": a.time_in_state_s}))
        for f in a.flags:
            out.append(Alert("yellow", "alert_flag", {"what": f"{who}: {f}"}))
    for c in snap.calls:
        for f in c.flags:
            out.append(Alert("yellow", "alert_flag", {"what": f"{c.caller_number or c.uuid[:8]}: {f}"}))
    if tickets_yellow or tickets_red:
        out.append(Alert("red" if tickets_red else "yellow", "alert_tickets", {"n": tickets_yellow, "m": tickets_red}))
    out.sort(key=lambda a: a.severity != "red")
    return out
