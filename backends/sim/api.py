"""The API commands the simulated switch answers, with FreeSWITCH's output formats.

``run_api(cc, line)`` returns the api/response body exactly as the real switch would write it
(tables ``a|b|c`` + ``+OK``, bare values without newline for ``agent get``, ``-ERR …`` texts,
``{"row_count": 0}\\n`` for an empty ``show … as json``). An unknown command is
``-ERR <cmd> Command not found!\\n``; an empty result becomes ``-ERR no reply\\n`` in the server.
"""

from __future__ import annotations

import json
import re

from .model import REG_LATE_MARGIN_S, AgentRec, CallCenter, TierRec

AGENT_COLS = ("name", "instance_id", "uuid", "type", "contact", "status", "state", "max_no_answer", "wrap_up_time",
              "reject_delay_time", "busy_delay_time", "no_answer_delay_time", "last_bridge_start", "last_bridge_end",
              "last_offered_call", "last_status_change", "no_answer_count", "calls_answered", "talk_time",
              "ready_time", "external_calls_count")
TIER_COLS = ("queue", "agent", "state", "level", "position")
MEMBER_COLS = ("queue", "instance_id", "uuid", "session_uuid", "cid_number", "cid_name", "system_epoch",
               "joined_epoch", "rejoined_epoch", "bridge_epoch", "abandoned_epoch", "base_score", "skill_score",
               "serving_agent", "serving_system", "state")
QUEUE_COLS = ("name", "strategy", "moh_sound", "time_base_score", "tier_rules_apply", "tier_rule_wait_second",
              "tier_rule_wait_multiply_level", "tier_rule_no_agent_no_wait", "discard_abandoned_after",
              "abandoned_resume_allowed", "max_wait_time", "max_wait_time_with_no_agent",
              "max_wait_time_with_no_agent_time_reached", "record_template", "calls_answered", "calls_abandoned",
              "ring_progressively_delay", "skip_agents_with_external_calls", "agent_no_answer_status")
CHANNEL_COLS = ("uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr",
                "dest", "application", "application_data", "dialplan", "context", "read_codec", "read_rate",
                "read_bit_rate", "write_codec", "write_rate", "write_bit_rate", "secure", "hostname", "presence_id",
                "presence_data", "accountcode", "callstate", "callee_name", "callee_num", "callee_direction",
                "call_uuid", "sent_callee_name", "sent_callee_num", "initial_cid_name", "initial_cid_num",
                "initial_ip_addr", "initial_dest", "initial_dialplan", "initial_context")
STATUSES = ("Logged Out", "Available", "Available (On Demand)", "On Break")
STATES = ("Idle", "Waiting", "Receiving", "In a queue call", "Reserved")     # AGENT_STATE_CHART, "Unknown" is invalid
TIER_STATES = ("Unknown", "No Answer", "Ready", "Offering", "Active Inbound", "Standby")
USAGE = ("-USAGE: \n"
         "callcenter_config agent add [name] [callback|uuid-standby] | \n"
         "callcenter_config agent del [name] | \n"
         "callcenter_config agent set [status|state|contact|type|max_no_answer|wrap_up_time|ready_time|"
         "reject_delay_time|busy_delay_time|no_answer_delay_time|state_if_waiting] [name] [value] | \n"
         "callcenter_config agent get [status|state|uuid] [name] | \n"
         "callcenter_config agent list [name] | \n"
         "callcenter_config tier add [queue_name] [agent_name] [[level]] [[position]] | \n"
         "callcenter_config tier set [state|level|position] [queue_name] [agent_name] [value] | \n"
         "callcenter_config tier del [queue_name] [agent_name] | \n"
         "callcenter_config tier list | \n"
         "callcenter_config queue load [queue_name] | \n"
         "callcenter_config queue unload [queue_name] | \n"
         "callcenter_config queue reload [queue_name] | \n"
         "callcenter_config queue list | \n"
         "callcenter_config queue list agents [queue_name] [status] [state] | \n"
         "callcenter_config queue list members [queue_name] | \n"
         "callcenter_config queue list tiers [queue_name] | \n"
         "callcenter_config queue count | \n"
         "callcenter_config queue count agents [queue_name] [status] [state] | \n"
         "callcenter_config queue count members [queue_name] | \n"
         "callcenter_config queue count tiers [queue_name]\n")


def split_args(text: str, limit: int = 8) -> list[str]:
    """FreeSWITCH's ``switch_separate_string``: spaces split, single quotes group and vanish."""
    out: list[str] = []
    cur: list[str] = []
    quoted = started = False
    for ch in text:
        if ch == "'":
            quoted, started = not quoted, True
        elif ch == " " and not quoted:
            if started:
                out.append("".join(cur))
                cur, started = [], False
        else:
            cur.append(ch)
            started = True
    if started:
        out.append("".join(cur))
    return out[:limit]


def _table(cols, rows) -> str:
    if not rows:
        return "+OK\n"
    lines = ["|".join(cols)] + ["|".join("" if v is None else str(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n+OK\n"


def _agent_row(a: AgentRec) -> tuple:
    return (a.name, "single_box", a.uuid, a.type, a.contact, a.status, a.state, a.max_no_answer, a.wrap_up_time,
            a.reject_delay_time, a.busy_delay_time, a.no_answer_delay_time, a.last_bridge_start, a.last_bridge_end,
            a.last_offered_call, a.last_status_change, a.no_answer_count, a.calls_answered, a.talk_time, a.ready_time,
            a.external_calls_count)


def _tier_row(t: TierRec) -> tuple:
    return (t.queue, t.agent, t.state, t.level, t.position)


def callcenter_config(cc: CallCenter, args: str) -> str:
    a = split_args(args)
    if not a:
        return USAGE
    if len(a) < 2:
        return "-ERR Invalid!\n"
    # cc_config_api_function: sections and actions compared with strcasecmp
    section, action = a[0].lower(), a[1].lower()
    if section == "agent":
        return _agent(cc, action, a[2:])
    if section == "tier":
        return _tier(cc, action, a[2:])
    if section == "queue":
        return _queue(cc, action, a[2:])
    return ""


def _agent(cc: CallCenter, action: str, a: list[str]) -> str:
    if action == "list":
        if len(a) > 1:
            return "-ERR Invalid!\n"
        rows = [_agent_row(x) for x in cc.agents.values() if not a or x.name == a[0]]
        return _table(AGENT_COLS, rows)
    if action == "add":
        if len(a) < 2:
            return "-ERR Invalid!\n"
        if a[0] in cc.agents:
            return "-ERR Agent already exist!\n"
        if a[1].lower() not in ("callback", "uuid-standby"):
            return "-ERR Agent type invalid!\n"
        cc.agents[a[0]] = AgentRec(a[0], "", type=a[1], last_status_change=int(cc.now))
        cc.cc([("CC-Agent", a[0]), ("CC-Agent-Type", a[1]), ("CC-Action", "agent-add")])
        return "+OK\n"
    if action == "del":
        if not a:
            return "-ERR Invalid!\n"
        cc.agents.pop(a[0], None)
        for tier in [k for k in cc.tiers if k[1] == a[0]]:
            del cc.tiers[tier]
        return "+OK\n"
    if action == "reload":
        return "+OK\n"
    if action == "get":
        if len(a) < 2:
            return "-ERR Invalid!\n"
        key, name = a[0].lower(), a[1]
        agent = cc.agents.get(name)
        if agent is None:                              # cc_agent_get: the agent first, then the key
            return "-ERR Agent not found!\n"
        if key not in ("status", "state", "uuid"):
            return "-ERR Invalid Agent Update KEY!\n"
        value = getattr(agent, key)
        hdr = {"status": "CC-Agent-Status", "state": "CC-Agent-State", "uuid": "CC-Agent-UUID"}[key]
        cc.cc([("CC-Agent", name), ("CC-Action", f"agent-{key}-get"), (hdr, value)])
        return value                                   # the bare value, no newline
    if action == "set":
        if len(a) < 3:
            return "-ERR Invalid!\n"
        key, name, value = a[0].lower(), a[1], a[2]
        agent = cc.agents.get(name)
        if agent is None:                              # cc_agent_update: the agent first, then the key
            return "-ERR Agent not found!\n"
        if key == "status":
            if value.lower() not in (s.lower() for s in STATUSES):
                return "-ERR Invalid Agent Status!\n"
            cc.set_agent_status(name, value)           # stored and echoed as given (mod_callcenter quirk)
        elif key in ("state", "state_if_waiting"):
            if value.lower() not in (s.lower() for s in STATES):
                return "-ERR Invalid Agent State!\n"
            if key == "state_if_waiting":
                # UPDATE … WHERE state = 'Waiting' AND status IN ('Available', 'Available (On Demand)');
                # no row changed → CC_STATUS_AGENT_NOT_FOUND
                if agent.state != "Waiting" or agent.status not in ("Available", "Available (On Demand)"):
                    return "-ERR Agent not found!\n"
            cc.set_agent_state(name, value)
        elif key == "contact":
            agent.contact = value
            cc.cc([("CC-Agent", name), ("CC-Action", "agent-contact-change"), ("CC-Agent-Contact", value)])
        elif key == "type":
            if value.lower() not in ("callback", "uuid-standby"):
                return "-ERR Invalid Agent Type!\n"
            agent.type = value
        elif key in ("max_no_answer", "wrap_up_time", "ready_time", "reject_delay_time", "busy_delay_time",
                     "no_answer_delay_time"):
            try:
                setattr(agent, key, int(value))
            except ValueError:
                setattr(agent, key, 0)
            cc.want_dispatch()
        elif key == "uuid":
            agent.uuid = value
        else:
            return "-ERR Invalid Agent Update KEY!\n"
        return "+OK\n"
    return ""


def _tier(cc: CallCenter, action: str, a: list[str]) -> str:
    if action == "list":
        rows = sorted(cc.tiers.values(), key=lambda t: (t.level, t.position))
        return _table(TIER_COLS, [_tier_row(t) for t in rows])
    if action == "add":
        if len(a) < 2:
            return "-ERR Invalid!\n"
        q, name = a[0], a[1]
        if q not in cc.queues:
            return "-ERR Queue not found!\n"
        if name not in cc.agents:
            return "-ERR Agent not found!\n"
        if (q, name) in cc.tiers:
            return "-ERR Tier already exist!\n"
        level = int(a[2]) if len(a) > 2 and a[2].isdigit() else 1
        pos = int(a[3]) if len(a) > 3 and a[3].isdigit() else 1
        cc.tiers[(q, name)] = TierRec(q, name, "Ready", level, pos)
        cc.want_dispatch()
        return "+OK\n"
    if action == "set":
        if len(a) < 4:
            return "-ERR Invalid!\n"
        key, q, name, value = a[0].lower(), a[1], a[2], a[3]
        # cc_tier_update: the tier first (missing → CC_STATUS_TIER_NOT_FOUND, printed as
        # "Unknown Error"), then the agent, then the queue (both "Agent not found"), then the key
        t = cc.tiers.get((q, name))
        if t is None:
            return "-ERR Unknown Error!\n"
        if name not in cc.agents or q not in cc.queues:
            return "-ERR Agent not found!\n"
        if key == "state":
            match = next((x for x in TIER_STATES if x.lower() == value.lower() and x != "Unknown"), None)
            if match is None:
                return "-ERR Invalid Tier State!\n"
        elif key not in ("level", "position"):
            return "-ERR Invalid Tier Update KEY!\n"
        if key == "state":
            t.state = value
        else:
            setattr(t, key, int(value) if value.isdigit() else 1)
        cc.want_dispatch()
        return "+OK\n"
    if action == "del":
        if len(a) < 2:
            return "-ERR Invalid!\n"
        cc.tiers.pop((a[0], a[1]), None)
        return "+OK\n"
    if action == "reload":
        return "+OK\n"
    return ""


def _queue(cc: CallCenter, action: str, a: list[str]) -> str:
    q: str | None
    if action in ("load", "reload"):
        return "+OK\n" if a and a[0] in cc.queues else "-ERR Invalid Queue not found!\n"
    if action == "unload":
        return "+OK\n"
    if action == "count":
        if not a:
            return f"{len(cc.queues)}\n"
        kind, q = a[0].lower(), a[1] if len(a) > 1 else ""
        if kind == "members":
            return f"{sum(1 for m in cc.members.values() if m.queue == q)}\n"
        if kind == "tiers":
            return f"{sum(1 for t in cc.tiers.values() if t.queue == q)}\n"
        if kind == "agents":
            return f"{len(_queue_agents(cc, q or '', a[2:]))}\n"
        return "-ERR Invalid!\n"
    if action == "list":
        if not a:
            rows = []
            for name, qr in cc.queues.items():
                c = qr.cfg
                # queue_set_config defaults: ring-progressively-delay 0, skip-agents-with-external-calls true
                rows.append((name, c.strategy, "local_stream://moh", "system", "false", 30, "false", "false",
                             c.discard_abandoned_after, "true" if c.abandoned_resume_allowed else "false",
                             c.max_wait_time, c.max_wait_time_with_no_agent, 5, "", qr.calls_answered,
                             qr.calls_abandoned, 0, "true", "On Break"))
            lines = ["|".join(QUEUE_COLS)] + ["|".join(str(v) for v in r) for r in rows]
            return "\n".join(lines) + "\n+OK\n"
        kind = a[0].lower()
        q = a[1] if len(a) > 1 else None
        if kind == "agents":
            return _table(AGENT_COLS, [_agent_row(x) for x in _queue_agents(cc, q or "", a[2:])])
        if kind == "tiers":
            return _table(TIER_COLS, [_tier_row(t) for t in cc.tiers.values() if t.queue == q])
        if kind == "members":
            # without a queue: every member, ORDER BY queue, score DESC
            now = cc.now
            ms = [m for m in cc.members.values() if q is None or m.queue == q]
            scored: list[tuple[int, tuple]] = []
            for m in ms:
                score = m.base_score + int(now - m.joined_epoch)
                scored.append((score, (m.queue, "single_box", m.uuid, m.session_uuid, m.cid_number, m.cid_name,
                                     m.system_epoch, m.joined_epoch, m.rejoined_epoch, m.bridge_epoch,
                                     m.abandoned_epoch, m.base_score, 0, m.serving_agent, "single_box" if m.serving_agent else "",
                                     m.state, score)))
            scored.sort(key=lambda r: (r[1][0] if q is None else "", -r[0]))
            return _table(MEMBER_COLS + ("score",), [r for _, r in scored])
        return "-ERR Invalid!\n"                      # an unknown sub-action of queue list
    return ""


def _queue_agents(cc: CallCenter, q: str, filt: list[str]):
    names = [t.agent for t in cc.tiers.values() if t.queue == q]
    out = [cc.agents[n] for n in names if n in cc.agents]
    if filt:
        out = [x for x in out if x.status == filt[0]]
    if len(filt) > 1:
        out = [x for x in out if x.state == filt[1]]
    return out


def _channel_row(cc: CallCenter, ch) -> dict[str, str]:
    from datetime import datetime

    from hotline_tui.clock import SITE_TZ
    created = datetime.fromtimestamp(ch.created, SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")
    vals = {"uuid": ch.uuid, "direction": ch.direction, "created": created, "created_epoch": str(int(ch.created)),
            "name": ch.name, "state": ch.state, "cid_name": ch.cid_name, "cid_num": ch.cid_num, "ip_addr": "127.0.0.1",
            "dest": ch.dest, "application": ch.application, "application_data": ch.app_data, "dialplan": "XML",
            "context": "default", "read_codec": "PCMA", "read_rate": "8000", "read_bit_rate": "64000",
            "write_codec": "PCMA", "write_rate": "8000", "write_bit_rate": "64000", "secure": "",
            "hostname": cc.site.hostname, "presence_id": "", "presence_data": "", "accountcode": "",
            "callstate": ch.callstate, "callee_name": "", "callee_num": "", "callee_direction": "",
            "call_uuid": ch.call_uuid or ch.uuid, "sent_callee_name": "", "sent_callee_num": "",
            "initial_cid_name": ch.cid_name, "initial_cid_num": ch.cid_num, "initial_ip_addr": "127.0.0.1",
            "initial_dest": ch.dest, "initial_dialplan": "XML", "initial_context": "default"}
    return {k: vals[k] for k in CHANNEL_COLS}


# switch_core_sqldb.c basic_calls_sql: 21 columns of the a-leg, 19 of the b-leg, call_created_epoch.
_CALL_A = ("uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
           "presence_id", "presence_data", "accountcode", "callstate", "callee_name", "callee_num",
           "callee_direction", "call_uuid", "hostname", "sent_callee_name", "sent_callee_num")
_CALL_B = tuple(c for c in _CALL_A if c not in ("call_uuid", "hostname"))
BASIC_CALLS_COLS = _CALL_A + tuple(f"b_{c}" for c in _CALL_B) + ("call_created_epoch",)
REGISTRATION_COLS = ("reg_user", "realm", "token", "url", "expires", "network_ip", "network_port", "network_proto",
                     "hostname", "metadata")


def _basic_calls(cc: CallCenter) -> list[dict[str, str]]:
    """The view's rows: every channel that is the caller of a call or is nobody's callee, with
    its callee's columns (empty when unbridged), ORDER BY call_created_epoch (NULL first)."""
    callees = {b for b, _ in cc.calls.values()}
    rows = []
    for ch in sorted(cc.channels.values(), key=lambda c: c.created):
        call = cc.calls.get(ch.uuid)
        if call is None and ch.uuid in callees:
            continue
        a = _channel_row(cc, ch)
        row = {k: a[k] for k in _CALL_A}
        peer = cc.channels.get(call[0]) if call else None
        b = _channel_row(cc, peer) if peer is not None else {}
        row.update({f"b_{k}": b.get(k, "") for k in _CALL_B})
        row["call_created_epoch"] = str(int(call[1])) if call else ""
        rows.append((call[1] if call else -1.0, row))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


def _like(pattern: str):
    """SQLite LIKE (ASCII case-insensitive, % any run, _ one character) as a predicate."""
    rx = re.compile("".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern),
                    re.IGNORECASE | re.DOTALL)
    return lambda value: rx.fullmatch(value or "") is not None


def _registrations(cc: CallCenter) -> list[dict[str, str]]:
    out = []
    for r in sorted(cc.registrations.values(), key=lambda r: r.core_order):
        out.append({"reg_user": r.user, "realm": cc.site.domain, "token": r.call_id,
                    "url": f"sofia/internal/sip:{r.user}@{r.network_ip}:{r.network_port}",
                    "expires": str(int(r.reg_time) + r.expires_s + REG_LATE_MARGIN_S), "network_ip": r.network_ip,
                    "network_port": r.network_port, "network_proto": "udp", "hostname": cc.site.hostname,
                    "metadata": ""})
    return out


def show(cc: CallCenter, args: str) -> str:
    """mod_commands.c show_function: ``channels [count|like <s>]``, ``calls [count]``,
    ``bridged_calls``, ``registrations [count]``, each ``[as json]``; plain output is a delimited
    table then ``\nN total.\n``."""
    argv = split_args(args, 6)
    command = argv[0].lower() if argv else ""
    sub = argv[1].lower() if len(argv) > 1 else ""
    as_ = argv[2].lower() if len(argv) > 2 and sub == "as" else ""
    justcount = False
    if command == "channels" and sub == "like":
        if len(argv) > 2:
            needle = argv[2].replace("'", " ").replace(";", " ")
            match = _like(needle if "%" in needle else f"%{needle}%")
            as_ = argv[4].lower() if len(argv) > 4 and argv[3].lower() == "as" else ""
            chans = [ch for ch in sorted(cc.channels.values(), key=lambda c: c.created)
                     if any(match(v) for v in (ch.uuid, ch.name, ch.cid_name, ch.cid_num, "", ""))]
        else:
            chans = sorted(cc.channels.values(), key=lambda c: c.created)
        rows = [_channel_row(cc, ch) for ch in chans]
    elif command == "channels":
        rows = [_channel_row(cc, ch) for ch in sorted(cc.channels.values(), key=lambda c: c.created)]
    elif command in ("calls", "bridged_calls"):
        rows = _basic_calls(cc)
        if command == "bridged_calls":
            rows = sorted((r for r in rows if r["b_uuid"]), key=lambda r: int(r["created_epoch"]))
    elif command == "registrations":
        rows = _registrations(cc)
    else:
        return "-USAGE: show [channels|calls|bridged_calls|registrations] [count|like <s>] [as json]\n"
    if sub == "count" and command in ("channels", "calls", "registrations"):
        justcount = True
        as_ = argv[3].lower() if len(argv) > 3 and argv[2].lower() == "as" else ""
    if as_ == "json":
        if justcount:
            return json.dumps({"row_count": len(rows), "rows": []}, separators=(",", ":"))
        if not rows:
            return '{"row_count": 0}\n'
        return json.dumps({"row_count": len(rows), "rows": rows}, ensure_ascii=False, separators=(",", ":"))
    if as_ and as_ not in ("delim", "csv"):
        return f"-ERR Cannot find format {as_}\n"
    if justcount or not rows:
        return f"\n{len(rows)} total.\n"
    cols = list(rows[0])
    return ",".join(cols) + "\n" + "".join(",".join(r[c] for c in cols) + "\n" for r in rows) + f"\n{len(rows)} total.\n"


def sofia(cc: CallCenter, args: str) -> str:
    """mod_sofia.c cmd_status for ``sofia status profile internal reg [contact]`` (the
    registrations part only: with ``reg`` the profile details are not printed)."""
    argv = split_args(args, 6)
    if not argv or argv[0].lower() != "status":
        return "-ERR Usage: sofia status profile internal reg\n"
    argv = argv[1:]
    line = "=" * 97
    if not argv:
        # mod_sofia.c cmd_status() L3189-3237: the profile table (two profiles, no gateway/alias)
        rows = "".join(f"{name:>25}\t{'profile'}\t  {url:>40}\t{'RUNNING'} ({n})\n"
                       for name, url, n in (("external", "sip:mod_sofia@127.0.0.1:5080", 0),
                                            ("internal", "sip:mod_sofia@127.0.0.1:5060", len(cc.channels))))
        return (f"{'Name':>25}\t{'   Type'}\t  {'Data':>40}\t{'State'}\n{line}\n{rows}{line}\n"
                "2 profiles 0 aliases\n")
    if len(argv) < 3 or argv[0].lower() != "profile" or argv[2].lower() != "reg":
        return "Invalid Syntax!\n"
    if argv[1] != "internal":
        return "Invalid Profile!\n"
    contact_has = argv[3] if len(argv) > 3 else None
    from datetime import datetime

    from hotline_tui.clock import SITE_TZ
    out = [f"\nRegistrations:\n{line}\n"]
    n = 0
    for r in cc.registrations.values():
        if contact_has is not None and contact_has.lower() not in r.contact().lower():
            continue
        n += 1
        exp = int(r.reg_time) + r.expires_s + REG_LATE_MARGIN_S
        exp_s = datetime.fromtimestamp(exp, SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")
        d = cc.site.domain
        out.append(f"Call-ID:    \t{r.call_id}\nUser:       \t{r.user}@{d}\nContact:    \t{r.contact()}\n"
                   f"Agent:      \t{r.user_agent}\nStatus:     \tRegistered(UDP)(unknown) EXP({exp_s}) "
                   f"EXPSECS({exp - int(cc.now)})\nPing-Status:\tReachable\nPing-Time:\t0.00\n"
                   f"Host:       \t{cc.site.hostname}\nIP:         \t{r.network_ip}\nPort:       \t{r.network_port}\n"
                   f"Auth-User:  \t{r.user}\nAuth-Realm: \t{d}\nMWI-Account:\t{r.user}@{d}\n\n")
    out.append(f"Total items returned: {n}\n{line}\n")
    return "".join(out)


def status(cc: CallCenter) -> str:
    from .model import _uptime
    n = len(cc.channels)
    return (f"UP {_uptime(int((cc.now - cc.start) * 1000))}\n"
            f"FreeSWITCH (Version 1.10.12-release+sim 64bit) is ready\n"
            f"{cc.sessions_since_start} session(s) since startup\n"
            f"{n} session(s) - peak {cc.peak_sessions}, last 5min {n} \n"
            f"0 session(s) per Sec out of max 30, peak 2, last 5min 0 \n"
            f"1000 session(s) max\nmin idle cpu 0.00/97.00\nCurrent Stack Size/Max 240K/8192K\n")


_VARS = re.compile(r"^\{([^}]*)\}(.*)$")


def originate(cc: CallCenter, args: str) -> str:
    parts = args.split()
    if len(parts) < 2:
        return "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n"
    url, target = parts[0], parts[1]
    variables: dict[str, str] = {}
    m = _VARS.match(url)
    if m:
        for kv in m.group(1).split(","):
            k, _, v = kv.partition("=")
            if k:
                variables[k] = v
        url = m.group(2)
    ok, value = cc.originate(url, target, variables)
    return f"+OK {value}\n" if ok else f"-ERR {value}\n"


def run_api(cc: CallCenter, line: str) -> str:
    """One ``api`` command line → the response body (may be empty: the caller turns that into
    ``-ERR no reply``)."""
    cmd, _, args = line.strip().partition(" ")
    args = args.strip()
    if cmd == "callcenter_config":
        return callcenter_config(cc, args)
    if cmd == "show":
        return show(cc, args)
    if cmd == "status":
        return status(cc)
    if cmd == "uuid_kill":
        a = args.split()
        if not a:
            return "-USAGE: <uuid> [cause]\n"
        return "+OK\n" if cc.kill(a[0], a[1] if len(a) > 1 else "NORMAL_CLEARING") else "-ERR No such channel!\n"
    if cmd == "uuid_transfer":
        a = [x for x in args.split() if x not in ("-bleg", "-both")]
        if len(a) < 2:
            return "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n"
        return "+OK\n" if cc.transfer(a[0], a[1]) else "-ERR No such channel!\n"
    if cmd == "uuid_setvar":
        # mod_commands.c uuid_setvar_function: <uuid> <var> [value]
        a = args.split(None, 2)
        if len(a) < 2:
            return "-USAGE: <uuid> <var> [value]\n"
        ch = cc.channels.get(a[0])
        if ch is None:
            return "-ERR No such channel!\n"
        ch.variables[a[1]] = a[2] if len(a) > 2 else ""
        return "+OK\n"
    if cmd == "uuid_bridge":
        # mod_commands.c uuid_bridge_function: <uuid> <other_uuid> [fallback]
        a = split_args(args, 4)
        if len(a) < 2:
            return "-USAGE: <uuid> <other_uuid>\n"
        if cc.bridge(a[0], a[1]):
            return f"+OK {a[1]}\n"
        if len(a) > 2 and cc.bridge(a[0], a[2]):
            return f"+OK {a[2]}\n"
        return "-ERR Invalid uuid\n"
    if cmd == "sofia":
        return sofia(cc, args)
    if cmd == "originate":
        return originate(cc, args)
    if cmd == "hostname":
        return cc.site.hostname
    if cmd == "version":
        return "FreeSWITCH Version 1.10.12-release+sim (simulator; 64bit)\n"
    return f"-ERR {cmd} Command not found!\n"
