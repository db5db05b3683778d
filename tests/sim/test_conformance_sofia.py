"""Phone registrations in the simulator as mod_sofia reports them, over the real TCP socket.

Source: signalwire/freeswitch @ cc93a683 (2026-08). ``REG`` = src/mod/endpoints/mod_sofia/sofia_reg.c,
``SOFIA`` = src/mod/endpoints/mod_sofia/mod_sofia.c, ``SQL`` = src/switch_core_sqldb.c,
``CMD`` = src/mod/applications/mod_commands/mod_commands.c.
"""

import json

from backends.sim.model import CallCenter

from .conftest import T0, authed, events_until_reply, reply, small_site

REGISTER_HEADERS = ["profile-name", "from-user", "from-host", "presence-hosts", "contact", "call-id", "rpid", "status",
                    "expires", "to-user", "to-host", "network-ip", "network-port", "username", "realm", "user-agent"]
UNREGISTER_HEADERS = ["profile-name", "username", "from-user", "from-host", "contact", "call-id", "rpid", "realm",
                      "network-ip", "network-port", "user-agent", "expires"]


def _own(ev: dict) -> list[str]:
    """The event's own headers, after the standard prefix (which ends with Event-Sequence)."""
    keys = list(ev)
    return keys[keys.index("Event-Sequence") + 1:]


async def _api(c, line):
    f, evs = await reply(c, f"api {line}")
    return f.text(), [e.event() for e in evs]


async def test_register_and_unregister_events(tmp_path, serve):
    # REG sofia_reg_handle_register_token(): sofia::register L2059-2076 (headers in that order,
    # status "Registered(UDP)", expires the granted seconds) and, for expires 0, sofia::unregister
    # L2213-2226; both CUSTOM, Event-Subclass first on the wire.
    cc = CallCenter(small_site(tmp_path, agents=2, logged_out=("2",)), seed=3, start=T0, traffic=False)
    server = await serve(cc)
    c = await authed(server.port, "event plain CUSTOM sofia::register sofia::unregister")
    text, evs = await _api(c, "callcenter_config agent set status 2 Available")      # the agent logs in
    assert text == "+OK\n"
    reg = next(e for e in evs if e["Event-Subclass"] == "sofia::register")
    assert _own(reg) == REGISTER_HEADERS
    assert (reg["profile-name"], reg["from-user"], reg["from-host"], reg["status"], reg["expires"], reg["rpid"]) == \
        ("internal", "2", "t.local", "Registered(UDP)", "3600", "unknown")
    assert reg["contact"] == f'"2" <sip:2@{reg["network-ip"]}:{reg["network-port"]}>'
    assert (reg["Event-Calling-File"], reg["Event-Calling-Function"], reg["Event-Calling-Line-Number"]) == \
        ("sofia_reg.c", "sofia_reg_handle_register_token", "2059")
    text, evs = await _api(c, "callcenter_config agent set status 2 'Logged Out'")   # …and out
    gone = next(e for e in evs if e["Event-Subclass"] == "sofia::unregister")
    assert _own(gone) == UNREGISTER_HEADERS and gone["expires"] == "0" and gone["call-id"] == reg["call-id"]
    assert gone["Event-Calling-Line-Number"] == "2213"
    cc.run_until(T0 + 1801)                     # the other phone's refresh: update-reg (L2077)
    again = [e for e in await events_until_reply(c) if e["Event-Subclass"] == "sofia::register"]
    assert [e["from-user"] for e in again] == ["1"] and again[0]["update-reg"] == "true"


async def test_sofia_status_profile_internal_reg(tmp_path, serve):
    # SOFIA cmd_status() L3127-3176 (L3168 the heading) with show_reg_callback() L2820: "\nRegistrations:\n" + 97 '=',
    # one block per sip_registrations row, "Total items returned: N", 97 '='; an unknown profile
    # is "Invalid Profile!", a missing sub-command "Invalid Syntax!" (L3180-3183).
    cc = CallCenter(small_site(tmp_path, agents=3, logged_out=("3",)), seed=3, start=T0, traffic=False)
    server = await serve(cc)
    c = await authed(server.port)
    text, _ = await _api(c, "sofia status profile internal reg")
    line = "=" * 97
    assert text.startswith(f"\nRegistrations:\n{line}\nCall-ID:    \t")
    assert text.endswith(f"Total items returned: 2\n{line}\n")
    block = text.split(f"{line}\n")[1].split("\n\n")[0].splitlines()
    keys = [x.split("\t")[0] for x in block]
    assert keys == ["Call-ID:    ", "User:       ", "Contact:    ", "Agent:      ", "Status:     ", "Ping-Status:",
                    "Ping-Time:", "Host:       ", "IP:         ", "Port:       ", "Auth-User:  ", "Auth-Realm: ",
                    "MWI-Account:"]
    assert block[1] == "User:       \t1@t.local"
    assert block[4].startswith("Status:     \tRegistered(UDP)(unknown) EXP(") and "EXPSECS(3660)" in block[4]
    text, _ = await _api(c, "sofia status profile external reg")
    assert text == "Invalid Profile!\n"
    text, _ = await _api(c, "sofia status")            # cmd_status() L3189-3237: the profile table
    assert text.splitlines()[1] == line and text.endswith(f"{line}\n2 profiles 0 aliases\n")


async def test_show_registrations_plain_and_json(tmp_path, serve):
    # SQL registrations table L2978 (reg_user, realm, token, url, expires, network_ip, network_port,
    # network_proto, hostname, metadata), filled by REG L1970 switch_core_add_registration (url
    # "sofia/<profile>/sip:…", expires = now + expires + late margin); CMD show_function()
    # registrations L5853; the plain table ends "\nN total.\n", JSON rows are all strings.
    cc = CallCenter(small_site(tmp_path, agents=3, logged_out=("3",)), seed=3, start=T0, traffic=False)
    server = await serve(cc)
    c = await authed(server.port)
    text, _ = await _api(c, "show registrations")
    lines = text.split("\n")
    assert lines[0] == "reg_user,realm,token,url,expires,network_ip,network_port,network_proto,hostname,metadata"
    assert text.endswith("\n\n2 total.\n")
    row = dict(zip(lines[0].split(","), lines[1].split(",")))
    assert row["reg_user"] == "1" and row["realm"] == "t.local" and row["network_proto"] == "udp"
    assert row["url"] == f"sofia/internal/sip:1@{row['network_ip']}:{row['network_port']}"
    assert row["expires"] == str(int(T0) + 3600 + 60) and row["hostname"] == "t" and row["metadata"] == ""
    text, _ = await _api(c, "show registrations as json")
    body = json.loads(text)
    assert body["row_count"] == 2 and all(isinstance(v, str) for r in body["rows"] for v in r.values())
    await _api(c, "callcenter_config agent set status 1 'Logged Out'")
    text, _ = await _api(c, "show registrations as json")
    assert [r["reg_user"] for r in json.loads(text)["rows"]] == ["2"]
    text, _ = await _api(c, "originate user/1 13800000000")
    assert text == "-ERR USER_NOT_REGISTERED\n"


def test_phone_drops_are_deterministic_with_the_seed(demo_site):
    # The simulator's own choice (not FreeSWITCH's): phones drop off and come back on their own
    # random stream, so a seed repeats them, another seed does not.
    def run(seed):
        cc = CallCenter(demo_site, seed=seed, start=T0, phone_drop_every_s=1200, phone_down_s=60)
        log = []
        cc.listeners.append(lambda e: log.append((e.subclass, e.get("from-user"), round(e.at, 3)))
                            if e.subclass and e.subclass.startswith("sofia::") else None)
        cc.run_until(T0 + 900)
        return log
    a = run(5)
    assert a == run(5) and a != run(6)
    assert {s for s, *_ in a} == {"sofia::register", "sofia::unregister"}


async def test_an_available_agent_without_a_registered_phone_is_not_reachable(tmp_path, serve):
    # CC outbound_agent_thread_run(): the originate to user/<agent> fails with
    # USER_NOT_REGISTERED → bridge-agent-fail with that cause and ready_time = now + 5 (L2156-2158).
    cc = CallCenter(small_site(tmp_path, agents=1), seed=3, start=T0, traffic=False)
    server = await serve(cc)
    c = await authed(server.port, "event plain CUSTOM callcenter::info sofia::unregister")
    cc.unregister("1")
    cc.arrive("q1", "13800000001")
    cc.run_until(T0 + 1)
    evs = await events_until_reply(c)
    fail = next(e for e in evs if e.get("CC-Action") == "bridge-agent-fail")
    assert fail["CC-Hangup-Cause"] == "USER_NOT_REGISTERED" and cc.agents["1"].ready_time == int(T0) + 5
    assert not any(ch.direction == "outbound" for ch in cc.channels.values())
