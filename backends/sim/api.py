"""The API commands the simulated switch answers, with FreeSWITCH's output formats.

``run_api(cc, line)`` returns the api/response body exactly as the real switch would write it
(tables ``a|b|c`` + ``+OK``, bare values without newline for ``agent get``, ``-ERR …`` texts,
``{"row_count": 0}\\n`` for an empty ``show … as json``). An unknown command is
``-ERR <cmd> Command not found!\\n``; an empty result becomes ``-ERR no reply\\n`` in the server.
"""

from __future__ import annotations

import json
import re

from .model import AgentRec, CallCenter, TierRec

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
STATES = ("Idle", "Waiting", "Receiving", "In a queue call")
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
    section, action = a[0], a[1]
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
        key, name = a[0], a[1]
        if key not in ("status", "state", "uuid"):
            return "-ERR Invalid Agent Update KEY!\n"
        agent = cc.agents.get(name)
        if agent is None:
            return "-ERR Agent not found!\n"
        value = getattr(agent, key)
        hdr = {"status": "CC-Agent-Status", "state": "CC-Agent-State", "uuid": "CC-Agent-UUID"}[key]
        cc.cc([("CC-Agent", name), ("CC-Action", f"agent-{key}-get"), (hdr, value)])
        return value                                   # the bare value, no newline
    if action == "set":
        if len(a) < 3:
            return "-ERR Invalid!\n"
        key, name, value = a[0], a[1], a[2]
        agent = cc.agents.get(name)
        if agent is None:
            return "-ERR Agent not found!\n"
        if key == "status":
            if value.lower() not in (s.lower() for s in STATUSES):
                return "-ERR Invalid Agent Status!\n"
            cc.set_agent_status(name, value)           # stored and echoed as given (mod_callcenter quirk)
        elif key in ("state", "state_if_waiting"):
            if value.lower() not in (s.lower() for s in STATES):
                return "-ERR Invalid Agent State!\n"
            if key == "state" or agent.state == "Waiting":
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
        key, q, name, value = a
        if q not in cc.queues or name not in cc.agents:
            return "-ERR Agent not found!\n"
        t = cc.tiers.get((q, name))
        if key == "state":
            if value not in TIER_STATES:
                return "-ERR Invalid Tier State!\n"
        elif key not in ("level", "position"):
            return "-ERR Invalid Tier Update KEY!\n"
        if t is None:
            return "-ERR Unknown Error!\n"
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
    if action in ("load", "reload"):
        return "+OK\n" if a and a[0] in cc.queues else "-ERR Invalid Queue not found!\n"
    if action == "unload":
        return "+OK\n"
    if action == "count":
        if not a:
            return f"{len(cc.queues)}\n"
        kind, q = a[0], a[1] if len(a) > 1 else ""
        if kind == "members":
            return f"{sum(1 for m in cc.members.values() if m.queue == q)}\n"
        if kind == "tiers":
            return f"{sum(1 for t in cc.tiers.values() if t.queue == q)}\n"
        if kind == "agents":
            return f"{len(_queue_agents(cc, q, a[2:]))}\n"
        return ""
    if action == "list":
        if not a:
            rows = []
            for name, qr in cc.queues.items():
                c = qr.cfg
                rows.append((name, c.strategy, "local_stream://moh", "system", "false", 30, "false", "false",
                             c.discard_abandoned_after, "true" if c.abandoned_resume_allowed else "false",
                             c.max_wait_time, c.max_wait_time_with_no_agent, 5, "", qr.calls_answered,
                             qr.calls_abandoned, 10, "false", "On Break"))
            lines = ["|".join(QUEUE_COLS)] + ["|".join(str(v) for v in r) for r in rows]
            return "\n".join(lines) + "\n+OK\n"
        kind, q = a[0], a[1] if len(a) > 1 else ""
        if kind == "agents":
            return _table(AGENT_COLS, [_agent_row(x) for x in _queue_agents(cc, q, a[2:])])
        if kind == "tiers":
            return _table(TIER_COLS, [_tier_row(t) for t in cc.tiers.values() if t.queue == q])
        if kind == "members":
            now = cc.now
            ms = [m for m in cc.members.values() if m.queue == q]
            scored: list[tuple[int, tuple]] = []
            for m in ms:
                score = m.base_score + int(now - m.joined_epoch)
                scored.append((score, (m.queue, "single_box", m.uuid, m.session_uuid, m.cid_number, m.cid_name,
                                     m.system_epoch, m.joined_epoch, m.rejoined_epoch, m.bridge_epoch,
                                     m.abandoned_epoch, m.base_score, 0, m.serving_agent, "single_box" if m.serving_agent else "",
                                     m.state, score)))
            scored.sort(key=lambda r: -r[0])
            return _table(MEMBER_COLS + ("score",), [r for _, r in scored])
        return ""
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


def show(cc: CallCenter, args: str) -> str:
    words = args.split()
    as_json = len(words) >= 3 and words[-2:] == ["as", "json"]
    what = words[0] if words else ""
    if what not in ("channels", "calls"):
        return "-USAGE: show [channels|calls] [as json]\n"
    if what == "channels":
        rows = [_channel_row(cc, ch) for ch in cc.channels.values()]
    else:
        rows = []
        for ch in cc.channels.values():
            if ch.direction == "inbound" or not ch.call_uuid:
                row = _channel_row(cc, ch)
                peer = next((p for p in cc.channels.values() if p.call_uuid == ch.uuid and p is not ch), None)
                if peer is not None:
                    row.update({f"b_{k}": v for k, v in _channel_row(cc, peer).items()})
                row["call_created_epoch"] = str(int(ch.created))
                rows.append(row)
    if as_json:
        if not rows:
            return '{"row_count": 0}\n'
        return json.dumps({"row_count": len(rows), "rows": rows}, ensure_ascii=False, separators=(",", ":"))
    if not rows:
        return "\n0 total.\n"
    cols = list(rows[0])
    return ",".join(cols) + "\n" + "\n".join(",".join(r[c] for c in cols) for r in rows) + f"\n\n{len(rows)} total.\n"


def status(cc: CallCenter) -> str:
    s = int(cc.now - cc.start)
    ms = int((cc.now - cc.start) * 1000) % 1000
    n = len(cc.channels)
    return (f"UP 0 years, {s // 86400} days, {s // 3600 % 24} hours, {s // 60 % 60} minutes, {s % 60} seconds, "
            f"{ms} milliseconds, 0 microseconds\n"
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
    if cmd == "uuid_bridge":
        a = args.split()
        if len(a) < 2 or a[0] not in cc.channels or a[1] not in cc.channels:
            return "-ERR Invalid uuid\n"
        return f"+OK {a[1]}\n"
    if cmd == "originate":
        return originate(cc, args)
    if cmd == "hostname":
        return cc.site.hostname
    if cmd == "version":
        return "FreeSWITCH Version 1.10.12-release+sim (simulator; 64bit)\n"
    return f"-ERR {cmd} Command not found!\n"
