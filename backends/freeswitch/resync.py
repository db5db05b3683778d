"""Parse mod_callcenter's tables and ``show channels as json`` into a ``Resynced`` event."""

from __future__ import annotations

import json
from typing import Any

from hotline_tui import switch as sw
from hotline_tui.errors import ProtocolError


def parse_table(body: str) -> list[dict[str, str]]:
    """``a|b|c`` header + rows + ``+OK`` (no header at all when there are no rows)."""
    text = body.rstrip("\n")
    if text.startswith("-ERR"):
        raise ProtocolError(f"switch refused the table query: {text.splitlines()[0]}")
    lines = [ln for ln in text.split("\n") if ln != ""]
    if lines and lines[-1].startswith("+OK"):
        lines = lines[:-1]
    if not lines:
        return []
    header = lines[0].split("|")
    return [dict(zip(header, row.split("|"))) for row in lines[1:]]


def _i(v: str | None) -> int:
    try:
        return int(float(v)) if v else 0
    except ValueError:
        return 0


def parse_channels(body: str) -> list[sw.ChannelRow]:
    text = body.strip()
    if text.startswith("-ERR"):
        raise ProtocolError(f"switch refused show channels: {text}")
    data: dict[str, Any]
    try:
        data = json.loads(text) if text else {"row_count": 0}
    except ValueError as exc:
        raise ProtocolError(f"bad show channels JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("show channels JSON is not an object")
    return [sw.ChannelRow(r.get("uuid", ""), r.get("direction", ""), float(_i(r.get("created_epoch"))),
                          r.get("name", ""), r.get("state", ""), r.get("callstate", ""), r.get("cid_num", ""),
                          r.get("cid_name", ""), r.get("dest", ""), r.get("call_uuid", ""))
            for r in data.get("rows") or []]


def build_resynced(node: str, at: float, agents: str, tiers: str, queues: str, members: dict[str, str],
                   channels: str) -> sw.Resynced:
    a_rows = tuple(sw.AgentRow(r["name"], r.get("status", ""), r.get("state", ""), r.get("contact", ""),
                               float(_i(r.get("last_status_change"))), _i(r.get("calls_answered")),
                               _i(r.get("talk_time")), _i(r.get("no_answer_count")), _i(r.get("wrap_up_time")),
                               float(_i(r.get("last_bridge_end"))))
                   for r in parse_table(agents))
    t_rows = tuple(sw.TierRow(r["queue"], r["agent"], r.get("state", ""), _i(r.get("level")) or 1, _i(r.get("position")) or 1)
                   for r in parse_table(tiers))
    q_names = tuple(r["name"] for r in parse_table(queues))
    m_rows = []
    for q, body in members.items():
        for r in parse_table(body):
            m_rows.append(sw.MemberRow(r.get("queue", q), r["uuid"], r.get("session_uuid", ""), r.get("state", ""),
                                       float(_i(r.get("joined_epoch"))), r.get("cid_number", ""), r.get("cid_name", ""),
                                       r.get("serving_agent", ""), float(_i(r.get("bridge_epoch")))))
    return sw.Resynced(node, at, a_rows, t_rows, tuple(m_rows), tuple(parse_channels(channels)), q_names)
