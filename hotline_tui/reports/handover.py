"""The shift handover report (交接班): the shift's figures, notable events, the lead's notes, the
open items handed over (交清接明) and the sign-offs. ``gather`` reads the stores (blocks);
``handover`` computes from what was read (pure, never blocks)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, Sequence

from ..access import User, mask_phone
from ..calendar import WorkCalendar
from ..calls_port import CallbackTask, CallRecord, CallStore, ShiftNote
from ..clock import SITE_TZ
from ..kpi import KpiSettings
from ..tickets.figures import compute as ticket_figures
from ..tickets.model import Ticket
from ..tickets.service import TicketService
from .figures import call_figures, definitions, rate, sums_of
from .links import outages
from .period import Period, buckets, next_shift
from .ports import CallerClasses, LinkChange, LinkLog, Signoff

#: At most this many rows per open-item list (the count says how many there are in all).
LIST_MAX = 200


#: The caller classes the notable events name (docs/reports.md).
NOTABLE_CLASSES = ("blacklist", "elderly")


class _Reads(LinkLog, CallerClasses, Protocol):
    """What ``gather`` reads from the reports component."""


@dataclass
class HandoverInput:
    """What the report is computed from, as read from the stores."""

    period: Period
    next_period: Period
    as_of: datetime
    horizon: datetime                      # open items: due before this instant
    records: list[CallRecord]
    tickets: list[Ticket]                  # registered or changed since the period's start
    overdue: list[tuple[Ticket, str]]      # active tickets under yellow or red now, with the light
    unacknowledged: list[Ticket]
    due_soon: list[Ticket]
    tasks: list[CallbackTask]              # every callback task (open and finished)
    notes: list[ShiftNote]
    signoffs: list[Signoff] = field(default_factory=list)
    calendar_warning: str | None = None
    teams: dict[str, str] = field(default_factory=dict)          # agent → team (site.yaml)
    links: list[LinkChange] = field(default_factory=list)        # switch links lost / regained in the period
    classes: dict[str, str] = field(default_factory=dict)        # phone → blacklist | elderly (the callers table)


def site_teams(config_dir: str | Path) -> dict[str, str]:
    """Agent → team from the site's ``site.yaml`` (empty without one). Raises ConfigError for a
    broken file (file, line and key). Blocks (reads the file)."""
    from ..site import load_site

    path = Path(config_dir) / "site.yaml"
    return load_site(path).teams() if path.exists() else {}


def horizon_of(nxt: Period, cal: WorkCalendar) -> datetime:
    """How far "due within the next shift" reaches: the next shift's end; when that falls on a
    day that is not a working day, on to the closing time of the next working day — departments
    act on working days, so a deadline on Monday evening is the weekend shifts' to chase."""
    end = nxt.end
    day = end.astimezone(SITE_TZ).date()
    if cal.is_working_day(day):
        return end
    return datetime.combine(cal.next_working_day(day), cal.closes_at, tzinfo=SITE_TZ)


def gather(period: Period, *, as_of: datetime, settings: KpiSettings, calls: CallStore, tickets: TicketService,
           notes: list[ShiftNote], signoffs: list[Signoff], teams: dict[str, str] | None = None,
           reports: "_Reads | None" = None) -> HandoverInput:
    """Read everything the handover needs: ``teams`` (agent → team, site.yaml) for the per-team
    figures, ``reports`` (the store's reports component) for the switch links' log and the caller
    classes of the notable events. Raises StoreError subclasses on an outage. Blocks."""
    store = tickets.store
    nxt = next_shift(period, settings) if period.shift else Period(period.end, period.end + (period.end - period.start))
    cal = tickets.policy.calendar
    horizon = horizon_of(nxt, cal)
    overdue = [(t, tickets.light(t)) for t in store.overdue(as_of, limit=10_000)]
    return HandoverInput(
        period=period, next_period=nxt, as_of=as_of, horizon=horizon,
        records=calls.records(period.start.timestamp(), period.end.timestamp()),
        tickets=store.touched(period.start, period.end),
        overdue=overdue,
        unacknowledged=store.search(state="dispatched", limit=10_000),
        due_soon=store.due_between(as_of, horizon, limit=10_000),
        tasks=calls.callbacks(None, limit=100_000),
        notes=notes, signoffs=signoffs, calendar_warning=cal.warning(as_of.astimezone(SITE_TZ).date()),
        teams=dict(teams or {}),
        links=reports.link_changes(period.start.timestamp(), period.end.timestamp()) if reports is not None else [],
        classes=reports.callers_of_class(NOTABLE_CLASSES) if reports is not None else {},
    )


def _iso(ts: float | datetime | None) -> str | None:
    if ts is None:
        return None
    dt = ts if isinstance(ts, datetime) else datetime.fromtimestamp(ts, SITE_TZ)
    return dt.astimezone(SITE_TZ).isoformat()


def _in(dt: datetime | None, p: Period) -> bool:
    return dt is not None and p.start <= dt < p.end


def _calls(inp: HandoverInput, s: KpiSettings) -> dict[str, Any]:
    recs = inp.records
    total = call_figures(sums_of(recs, s), s)
    total["longest_wait_s"] = round(max((r.wait_s for r in recs), default=0.0), 3)
    queues = {q: call_figures(sums_of([r for r in recs if r.queue == q], s), s) for q in sorted({r.queue for r in recs})}
    agents: dict[str, dict[str, Any]] = {}
    for name in sorted({r.agent for r in recs if r.agent and r.outcome == "answered"}):
        f = call_figures(sums_of([r for r in recs if r.agent == name], s), s)
        agents[name] = {"answered": f["answered"], "aht_s": f["aht_s"], "asa_s": f["asa_s"]}
    # A team is its agents (site.yaml): the calls they answered, and the talk and waits of those.
    teams: dict[str, dict[str, Any]] = {}
    for team in sorted({t for t in inp.teams.values() if t}):
        members = {a for a, t in inp.teams.items() if t == team}
        f = call_figures(sums_of([r for r in recs if r.agent in members], s), s)
        teams[team] = {"agents": len(members), "answered": f["answered"], "aht_s": f["aht_s"], "asa_s": f["asa_s"]}
    halves = []
    for a, b in buckets(inp.period, "half-hour"):
        lo, hi = a.timestamp(), b.timestamp()
        f = call_figures(sums_of([r for r in recs if lo <= r.left_at < hi], s), s)
        halves.append({"from": a.isoformat(), "to": b.isoformat(), "offered": f["offered"], "answered": f["answered"],
                       "abandoned": f["abandoned"], "service_level": f["service_level"]})
    return {"total": total, "queues": queues, "teams": teams, "agents": agents, "half_hours": halves}


def _tickets(inp: HandoverInput) -> dict[str, Any]:
    p = inp.period
    registered = [t for t in inp.tickets if _in(t.created_at, p)]
    f = ticket_figures(registered, inp.as_of)
    live = [t for t in inp.tickets if t.state != "merged"]
    acked = [t for t in live if _in(t.acknowledged_at, p)]
    late = [t for t in acked if t.ack_due is not None and t.acknowledged_at is not None and t.acknowledged_at > t.ack_due]
    replied = [t for t in live if _in(t.replied_at, p)]
    closed = [t for t in live if _in(t.closed_at, p)]
    by_dep: dict[str, Counter[str]] = defaultdict(Counter)
    for t in registered:
        if t.state != "merged" and t.department:
            by_dep[t.department]["dispatched"] += 1
    for key, group in (("acknowledged", acked), ("acknowledged_late", late), ("replied", replied)):
        for t in group:
            if t.department:
                by_dep[t.department][key] += 1
    lights: dict[str, Counter[str]] = defaultdict(Counter)
    for t, light in inp.overdue:
        lights[t.department or "—"][light] += 1
    keys = ("dispatched", "acknowledged", "acknowledged_late", "replied")
    return {
        "registered": f.registered, "answered_on_spot": f.answered_on_spot, "dispatched": f.dispatched,
        "on_spot_rate": rate(f.on_spot_rate, f.answered_on_spot, f.registered, "answered on the spot ÷ registered"),
        "acknowledged": len(acked), "acknowledged_late": len(late), "replied": len(replied), "closed": len(closed),
        "by_category": dict(sorted(Counter(t.category for t in registered if t.state != "merged").items())),
        "by_department": {d: {k: by_dep[d].get(k, 0) for k in keys} for d in sorted(by_dep)},
        "overdue": {"yellow": sum(c.get("yellow", 0) for c in lights.values()),
                    "red": sum(c.get("red", 0) for c in lights.values()),
                    "by_department": {d: {"yellow": lights[d].get("yellow", 0), "red": lights[d].get("red", 0)}
                                      for d in sorted(lights)}},
        "definition": "registered / on the spot / dispatched: tickets registered in the period (hotline_tui/tickets/figures.py); "
                      "acknowledged (late: after ack_due), replied, closed: that happened in the period; overdue: now, by light",
    }


def _callbacks(inp: HandoverInput) -> dict[str, Any]:
    p = inp.period
    lo, hi = p.start.timestamp(), p.end.timestamp()
    due = [k for k in inp.tasks if lo <= k.abandoned_at < hi]
    finished = [k for k in inp.tasks if k.state != "open" and lo <= k.updated_at < hi]
    called_back = [t for t in inp.tickets if t.callback_attempts > 0 and t.callback_result and _in(t.updated_at, p)]
    f = ticket_figures(called_back, inp.as_of)
    results = Counter(t.callback_result for t in called_back)
    sat_n, sat_d = results.get("satisfied", 0), results.get("satisfied", 0) + results.get("unsatisfied", 0)
    return {
        "due": len(due), "done": sum(k.state == "done" for k in finished),
        # closed without reaching the caller: cancelled (wrong number, or by a supervisor) or
        # unreachable (the desk's tries used up, docs/callbacks.md)
        "not_reached": sum(k.state in ("cancelled", "unreachable") for k in finished),
        "open": sum(k.state == "open" for k in inp.tasks),
        "ticket_callbacks": {r: results.get(r, 0) for r in ("satisfied", "unsatisfied", "unconfirmed")},
        "satisfaction": rate(f.satisfaction, sat_n, sat_d, "satisfied ÷ (satisfied + unsatisfied)"),
        "definition": "due: abandoned-call tasks created in the period; done / not reached: finished in the period; "
                      "open: now; ticket callbacks (回访): recorded in the period",
    }


def _events(inp: HandoverInput, s: KpiSettings, calls: dict[str, Any], viewer: User | None) -> dict[str, Any]:
    over = [r for r in inp.records if r.wait_s > s.caller_waiting_over_s]
    breaches = [h["from"] for h in calls["half_hours"]
                if h["offered"] >= 5 and h["service_level"]["value"] is not None and h["service_level"]["value"] < s.sl_target]
    elderly = [t.serial for t in inp.tickets if t.category == "elderly" and _in(t.created_at, inp.period)]
    def klass(r: CallRecord) -> str:     # the callers table keeps the number as typed, stripped
        return inp.classes.get(r.caller_number.strip(), "") if r.caller_number else ""
    elderly_calls = [r for r in inp.records if klass(r) == "elderly"]
    ef = call_figures(sums_of(elderly_calls, s), s)
    black: dict[str, list[CallRecord]] = defaultdict(list)
    for r in inp.records:
        if klass(r) == "blacklist":
            black[r.caller_number.strip()].append(r)
    until = min(inp.period.end, inp.as_of).timestamp()
    links = [{**o, "lost_at": _iso(o["lost_at"]), "regained_at": _iso(o["regained_at"])}
             for o in outages(inp.links, inp.period.start.timestamp(), until)]
    return {"callers_over_wait_limit": len(over), "wait_limit_s": s.caller_waiting_over_s,
            "service_level_breaches": breaches,
            "switch_links": links,
            "elderly_one_touch_calls": {k: ef[k] for k in ("offered", "answered", "abandoned")},
            "elderly_one_touch_tickets": sorted(elderly),
            "blacklisted_callers": {
                "calls": sum(len(v) for v in black.values()),
                "callers": [{"caller": mask_phone(num, viewer), "calls": len(rs),
                             "last_at": _iso(max(r.left_at for r in rs)), "queues": sorted({r.queue for r in rs})}
                            for num, rs in sorted(black.items(), key=lambda kv: (-len(kv[1]), kv[0]))][:LIST_MAX]},
            "provisional_calendar": inp.calendar_warning}


def _ticket_item(t: Ticket, due: datetime | None, light: str = "") -> dict[str, Any]:
    return {"serial": t.serial, "state": t.state, "category": t.category, "owner": t.department or "",
            "due": _iso(due), "light": light}


def _open_items(inp: HandoverInput, s: KpiSettings, viewer: User | None) -> dict[str, Any]:
    def capped(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {"count": len(rows), "items": rows[:LIST_MAX]}

    unack = sorted(inp.unacknowledged, key=lambda t: (t.ack_due or t.created_at, t.serial))
    due = [t for t in inp.due_soon if t.current_due is not None and t.current_due > inp.as_of]
    red = [(t, li) for t, li in inp.overdue if li == "red"]
    owed = sorted((k for k in inp.tasks if k.state == "open"), key=lambda k: (k.abandoned_at, k.id))
    # An abandoned caller is called back when a task for the number was done after the abandon.
    done_at: dict[str, float] = {}
    for k in inp.tasks:
        if k.state == "done":
            done_at[k.caller_number] = max(done_at.get(k.caller_number, 0.0), k.updated_at)
    open_owner = {k.caller_number: k.assigned_to for k in owed}
    missed = [r for r in inp.records if r.outcome == "abandoned" and r.wait_s >= s.short_abandon_s and r.caller_number
              and done_at.get(r.caller_number, -1.0) < r.left_at]
    return {
        "horizon": inp.horizon.isoformat(),
        "unacknowledged_dispatches": capped([_ticket_item(t, t.ack_due) for t in unack]),
        "due_next_shift": capped([_ticket_item(t, t.current_due) for t in sorted(due, key=lambda t: (t.current_due, t.serial))]),
        "overdue": capped([_ticket_item(t, t.current_due, li) for t, li in red]),
        "callbacks_owed": capped([{"task": k.id, "queue": k.queue, "caller": mask_phone(k.caller_number, viewer),
                                   "abandoned_at": _iso(k.abandoned_at), "owner": k.assigned_to} for k in owed]),
        "abandoned_not_called_back": capped([{"queue": r.queue, "caller": mask_phone(r.caller_number, viewer),
                                              "left_at": _iso(r.left_at), "wait_s": round(r.wait_s, 3),
                                              "owner": open_owner.get(r.caller_number, "")} for r in missed]),
    }


def handover(inp: HandoverInput, s: KpiSettings, viewer: User | None = None) -> dict[str, Any]:
    """The report as JSON-able data (schema in docs/reports.md). Caller numbers are masked for
    ``viewer`` unless they may see personal data. Never blocks."""
    calls = _calls(inp, s)
    return {
        "report": "handover", "period": inp.period.as_dict(), "next_shift": inp.next_period.as_dict(),
        "as_of": inp.as_of.astimezone(SITE_TZ).isoformat(), "definitions": definitions(s),
        "calls": calls, "tickets": _tickets(inp), "callbacks": _callbacks(inp), "events": _events(inp, s, calls, viewer),
        "notes": [{"at": _iso(n.at), "author": n.author, "text": n.text} for n in inp.notes],
        "open_items": _open_items(inp, s, viewer),
        "signoffs": [{"role": x.role, "user": x.user, "at": _iso(x.at)} for x in inp.signoffs],
    }


def sequence_ok(existing: Sequence[Signoff], role: str) -> str | None:
    """Why ``role`` may not sign now (None: it may): one hand-over and one receipt per period, the
    receipt after the hand-over."""
    roles = [x.role for x in existing]
    if role in roles:
        return f"this period is already {role.replace('_', ' ')}"
    if role == "received" and "handed_over" not in roles:
        return "nothing to receive: the period has not been handed over yet"
    return None


