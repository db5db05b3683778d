"""The agent reports: ``agent-workload`` (per agent: calls, talk, after-call work, ready, not
ready by reason, logged-in time, occupancy) and ``agent-states`` (every status/state stretch).

Agent time comes from the recorded intervals (docs/record.md), cut to the period and classified
by ``hotline_tui.live.rebuild.stretches`` — the classification the console's occupancy meter is
seeded with — and occupancy is busy ÷ staffed of those stretches (docs/kpi.md), so the report
and the console agree. Call counts and talk come from the call records through ``call_figures``. Pure:
the caller reads the store. Never blocks."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, Mapping, Sequence

from ..calls_port import AgentInterval, CallRecord
from ..clock import SITE_TZ
from ..errors import ValidationError
from ..kpi import KpiSettings
from ..live.rebuild import stretches
from .figures import call_figures, rate, sums_of
from .period import Period

#: The key of not-ready time whose reason nobody recorded (a break not set at the desk).
NO_REASON = "unspecified"
#: What a record's wrap-up is looked up against: calls that ended this long before the period.
LOOKBACK_S = 3600.0


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, SITE_TZ).isoformat()


def _r(x: float) -> float:
    return round(float(x), 3)


def workload_row(recs: Sequence[CallRecord], parts: list[tuple[AgentInterval, str, float, float, float]],
                 s: KpiSettings, since: float) -> dict[str, Any]:
    """One agent's row: ``recs`` the calls the agent answered in the period, ``parts`` the
    agent's stretches (``stretches``) cut to the period."""
    busy = wrap = idle = logged_in = 0.0
    not_ready: dict[str, float] = defaultdict(float)
    for iv, kind, a, b, until in parts:
        if iv.status != "Logged Out":
            logged_in += b - a
        if kind == "busy":
            busy += b - a
        elif kind == "idle":
            w = min(max(until, a), b) - a
            wrap += w
            idle += b - a - w
        elif iv.status == "On Break":
            not_ready[iv.reason or NO_REASON] += b - a
    f = call_figures(sums_of(recs, s), s)
    staffed = busy + wrap + idle
    # busy ÷ staffed of the same stretches the console's meter (live/occupancy.py) counts; the
    # meter's minute buckets would only cost time here, where every stretch is whole
    occ = (busy + wrap) / staffed if staffed > 0 else None
    return {
        "calls": f["answered"], "talk_s": _r(sum(r.talk_s for r in recs)), "aht_s": f["aht_s"],
        "on_call_s": _r(busy), "after_call_work_s": _r(wrap), "ready_s": _r(idle),
        "not_ready_s": _r(sum(not_ready.values())),
        "not_ready_by_reason": {k: _r(v) for k, v in sorted(not_ready.items())},
        "logged_in_s": _r(logged_in),
        "occupancy": rate(occ, _r(busy + wrap), _r(staffed),
                          "(on a call or ringing + after-call work) ÷ (that + ready), agent-seconds"),
    }


def _members(team: str | None, teams: Mapping[str, str] | None) -> set[str] | None:
    """The agents of ``team`` (``teams``: agent → team, site.yaml), None for every agent.
    Raises ValidationError for a team the site has not (or without a site's teams)."""
    if team is None:
        return None
    if not teams:
        raise ValidationError("--team needs the site's teams (site.yaml agents: - team:), and there are none")
    members = {a for a, t in teams.items() if t == team}
    if not members:
        raise ValidationError(f"no team {team!r} (teams: {', '.join(sorted(set(teams.values()) - {''}))})")
    return members


def agent_workload(records: Sequence[CallRecord], intervals: Sequence[AgentInterval], period: Period,
                   s: KpiSettings, *, agent: str | None = None, team: str | None = None,
                   teams: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The report as JSON-able data (docs/reports.md). ``records``: those that left from
    ``LOOKBACK_S`` before the period to its end (the wrap-up after a call just before the
    period starts in it); ``intervals``: those overlapping the period. ``team``: only the
    agents ``teams`` (agent → team, site.yaml) puts in it. Raises ValidationError for an
    unknown team."""
    members = _members(team, teams)
    lo, hi = period.start.timestamp(), period.end.timestamp()
    parts = stretches(list(records), list(intervals), lo, hi)
    by_agent: dict[tuple[str, str], list] = defaultdict(list)
    for p in parts:
        by_agent[(p[0].agent, p[0].node)].append(p)
    calls: dict[tuple[str, str], list[CallRecord]] = defaultdict(list)
    for r in records:
        if r.outcome == "answered" and r.agent and lo <= r.left_at < hi:
            calls[(r.agent, r.node)].append(r)
    keys = sorted(k for k in set(by_agent) | set(calls)
                  if (agent is None or k[0] == agent) and (members is None or k[0] in members))
    rows = [{"agent": a, "node": n, **workload_row(calls.get((a, n), []), by_agent.get((a, n), []), s, lo)}
            for a, n in keys]
    reasons = sorted({k for row in rows for k in row["not_ready_by_reason"]})
    return {"report": "agent-workload", "period": period.as_dict(), "agent": agent, "team": team,
            "definitions": {"time": "seconds inside the period, from the agent intervals (docs/record.md)",
                            "on_call": "state In a queue call or Receiving",
                            "after_call_work": "waiting right after an answered call, for the wrap-up credited to it",
                            "ready": "status Available, not on a call, not in after-call work",
                            "not_ready": f"status On Break, by the desk's reason ({NO_REASON}: none recorded)",
                            "logged_in": "status not Logged Out",
                            "occupancy": "docs/kpi.md occupancy; hotline_tui/live/occupancy.py"},
            "reasons": reasons, "agents": rows}


def agent_states(intervals: Sequence[AgentInterval], period: Period, *, agent: str | None = None,
                 team: str | None = None, teams: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every interval overlapping ``period`` (of ``agent`` when given, of the agents of
    ``team`` in ``teams`` when given), cut to it, by start. Raises ValidationError for an
    unknown team."""
    members = _members(team, teams)
    lo, hi = period.start.timestamp(), period.end.timestamp()
    rows = []
    for iv in sorted(intervals, key=lambda i: (i.started_at, i.node, i.agent)):
        a, b = max(iv.started_at, lo), min(iv.ended_at, hi)
        if b <= a or (agent is not None and iv.agent != agent) or (members is not None and iv.agent not in members):
            continue
        rows.append({"at": _iso(a), "agent": iv.agent, "node": iv.node, "status": iv.status, "state": iv.state,
                     "reason": iv.reason, "duration_s": _r(b - a), "until": _iso(b)})
    return {"report": "agent-states", "period": period.as_dict(), "agent": agent, "team": team,
            "definitions": {"at": "the transition into the state (the period's start for one already running)",
                            "duration_s": "seconds of the stretch inside the period"},
            "rows": rows}
