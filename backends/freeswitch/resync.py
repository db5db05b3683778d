"""Parse mod_callcenter's tables and ``show channels as json`` into a ``Resynced`` event.

Every malformed reply — a ``-ERR``, a table without the columns the console needs, JSON that is not the ``{"row_count":…, "rows":[{…}]}`` envelope —
raises ProtocolError naming what was wrong, so the link counts it and retries (client.py).
"""

from __future__ import annotations

import json
from typing import Any

from hotline_tui import switch as sw
from hotline_tui.errors import ProtocolError


def parse_table(body: str, *, required: tuple[str, ...] = (), what: str = "table") -> list[dict[str, str]]:
    """``a|b|c`` header + rows + ``+OK`` (no header at all when there are no rows). Returns one
    dict per row. Raises ProtocolError for a ``-ERR`` reply, a header lacking a ``required``
    column."""
    text = body.rstrip("\n")
    if text.startswith("-ERR"):
        raise ProtocolError(f"switch refused the {what} query: {text.splitlines()[0]}")
    lines = [ln for ln in text.split("\n") if ln != ""]
    if lines and lines[-1].startswith("+OK"):
        lines = lines[:-1]
    if not lines:
        return []
    header = lines[0].split("|")
    missing = [c for c in required if c not in header]
    if missing:
        raise ProtocolError(f"malformed {what}: no {', '.join(repr(c) for c in missing)} column "
                            f"in header {lines[0][:80]!r}")
    # A row is not checked against the header's width: a value may itself hold a '|' (the switch
    # does not escape it), and one odd caller name must not keep the console from connecting.
    # Columns a short row lacks read as "".
    blank = dict.fromkeys(header, "")
    return [{**blank, **dict(zip(header, line.split("|")))} for line in lines[1:]]


def _i(v: str | None) -> int:
    try:
        return int(float(v)) if v else 0
    except (ValueError, OverflowError):
        return 0


def _json_rows(text: str, what: str) -> list[dict]:
    """The ``rows`` of a ``show … as json`` reply (none for an empty reply). Raises ProtocolError
    for JSON that is bad, too deeply nested, or not ``{"rows": [{…}, …]}``."""
    data: Any
    try:
        data = json.loads(text) if text else {"row_count": 0}
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"bad {what} JSON: {type(exc).__name__}: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"{what} JSON is not an object but {type(data).__name__}")
    rows = data.get("rows") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ProtocolError(f"{what} JSON: 'rows' is not a list of objects")
    return rows


def parse_channels(body: str) -> list[sw.ChannelRow]:
    """``show channels as json`` → rows. Raises ProtocolError for ``-ERR``, bad or too deeply
    nested JSON, or anything but an object whose ``rows`` is a list of objects."""
    text = body.strip()
    if text.startswith("-ERR"):
        raise ProtocolError(f"switch refused show channels: {text.splitlines()[0]}")
    rows = _json_rows(text, "show channels")

    def s(r: dict, k: str) -> str:
        v = r.get(k, "")
        return v if isinstance(v, str) else str(v)

    return [sw.ChannelRow(s(r, "uuid"), s(r, "direction"), float(_i(s(r, "created_epoch"))), s(r, "name"),
                          s(r, "state"), s(r, "callstate"), s(r, "cid_num"), s(r, "cid_name"), s(r, "dest"),
                          s(r, "call_uuid"))
            for r in rows]


def parse_registrations(body: str | None) -> tuple[str, ...] | None:
    """``show registrations as json`` → the registered SIP users (``reg_user``), in the switch's
    order. None — registrations unknown, nothing flagged — when there is no reply or the switch
    refuses the command (``-ERR``: a switch without the core registrations table). Raises
    ProtocolError for JSON that is bad, too deeply nested, or not ``{"rows": [{…}, …]}``."""
    if body is None:
        return None
    text = body.strip()
    if text.startswith("-ERR") or text.startswith("-USAGE"):
        return None
    rows = _json_rows(text, "show registrations")
    return tuple(str(r.get("reg_user", "")) for r in rows if r.get("reg_user"))


def build_resynced(node: str, at: float, agents: str, tiers: str, queues: str, members: dict[str, str],
                   channels: str, registrations: str | None = None) -> sw.Resynced:
    """The replies → one ``Resynced``. Raises ProtocolError for any malformed reply
    (registrations: see ``parse_registrations``)."""
    a_rows = tuple(sw.AgentRow(r["name"], r.get("status", ""), r.get("state", ""), r.get("contact", ""),
                               float(_i(r.get("last_status_change"))), _i(r.get("calls_answered")),
                               _i(r.get("talk_time")), _i(r.get("no_answer_count")), _i(r.get("wrap_up_time")),
                               float(_i(r.get("last_bridge_end"))), float(_i(r.get("last_bridge_start"))),
                               float(_i(r.get("last_offered_call"))))
                   for r in parse_table(agents, required=("name", "status", "state"), what="agent list"))
    t_rows = tuple(sw.TierRow(r["queue"], r["agent"], r.get("state", ""), _i(r.get("level")) or 1, _i(r.get("position")) or 1)
                   for r in parse_table(tiers, required=("queue", "agent"), what="tier list"))
    q_names = tuple(r["name"] for r in parse_table(queues, required=("name",), what="queue list"))
    m_rows = []
    for q, body in members.items():
        for r in parse_table(body, required=("uuid", "state"), what=f"member list of {q}"):
            m_rows.append(sw.MemberRow(r.get("queue", q), r["uuid"], r.get("session_uuid", ""), r["state"],
                                       float(_i(r.get("joined_epoch"))), r.get("cid_number", ""), r.get("cid_name", ""),
                                       r.get("serving_agent", ""), float(_i(r.get("bridge_epoch"))),
                                       _i(r.get("base_score"))))
    return sw.Resynced(node, at, a_rows, t_rows, tuple(m_rows), tuple(parse_channels(channels)), q_names,
                       parse_registrations(registrations))
