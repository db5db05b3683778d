"""Objective items pre-filled from what the system knows, each with its evidence (docs/qa.md).

The inspector confirms or overrides each one. Pure functions over the call record, the
agent's intervals, the ticket and the ticket's audit entries; never block.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..audit import AuditEntry
from ..calls_port import AgentInterval
from ..clock import SITE_TZ
from ..tickets.model import Ticket
from .scoring import Mark
from .settings import Card, Prefill


def _hm(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, SITE_TZ).strftime("%H:%M:%S")


def ring_seconds(call: dict[str, Any], intervals: list[AgentInterval]) -> tuple[float, AgentInterval] | None:
    """How long the agent's phone rang before the answer: the agent's ``Receiving`` interval
    that ended at the answer (±2 s). None when the record has no such interval."""
    answered = call.get("answered_at")
    if not answered:
        return None
    for iv in intervals:
        if iv.agent == call.get("agent") and iv.state == "Receiving" and abs(iv.ended_at - answered) <= 2.0:
            return iv.ended_at - iv.started_at, iv
    return None


def _ring(call: dict[str, Any], intervals: list[AgentInterval], p: Prefill) -> Mark | None:
    found = ring_seconds(call, intervals)
    if found is None:
        return None
    secs, iv = found
    level = "full" if secs <= p.ring_s_full else "partial" if secs <= p.ring_s_partial else "none"
    return Mark(level, evidence=f"rang {secs:.0f} s before the answer (agent {iv.agent} Receiving "
                                f"{_hm(iv.started_at)}–{_hm(iv.ended_at)}; full ≤ {p.ring_s_full:g} s)", prefilled=True)


def _blank(t: Ticket, field: str, word: str) -> Mark:
    value = getattr(t, field)
    if value.strip():
        return Mark("full", evidence=f"ticket {t.serial} has a {word}", prefilled=True)
    return Mark("none", evidence=f"ticket {t.serial} has no {word}", prefilled=True)


def _triage(t: Ticket, entries: list[AuditEntry]) -> Mark:
    for e in entries:
        if e.action == "ticket.triage" and e.before and e.after and e.before.get("category") != e.after.get("category"):
            return Mark("none", evidence=f"category changed by {e.actor} at triage {e.at:%m-%d %H:%M}: "
                                         f"{e.before.get('category')} → {e.after.get('category')}", prefilled=True)
    return Mark("full", evidence=f"category {t.category} not changed by triage", prefilled=True)


def _dispatch(t: Ticket, entries: list[AuditEntry]) -> Mark:
    for e in entries:
        if e.action == "ticket.redispatch":
            old = (e.before or {}).get("department", "")
            new = (e.after or {}).get("department", "")
            return Mark("none", evidence=f"returned as wrongly dispatched: {old} → {new} by {e.actor} "
                                         f"{e.at:%m-%d %H:%M}", prefilled=True)
    return Mark("full", evidence="not returned as wrongly dispatched", prefilled=True)


def prefill(card: Card, call: dict[str, Any], intervals: list[AgentInterval], ticket: Ticket | None,
            entries: list[AuditEntry], p: Prefill) -> dict[str, dict[str, Any]]:
    """item code -> Mark json for the card's items that have a ``prefill`` and evidence."""
    out: dict[str, dict[str, Any]] = {}
    for _, item in card.items():
        mark: Mark | None = None
        if item.prefill == "ring_time":
            mark = _ring(call, intervals, p)
        elif ticket is not None and item.prefill == "address":
            mark = _blank(ticket, "address", "address")
        elif ticket is not None and item.prefill == "district":
            mark = _blank(ticket, "district", "district")
        elif ticket is not None and item.prefill == "triage_category":
            mark = _triage(ticket, entries)
        elif ticket is not None and item.prefill == "wrong_dispatch":
            mark = _dispatch(ticket, entries)
        if mark is not None:
            out[item.code] = mark.to_json()
    return out
