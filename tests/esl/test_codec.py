"""The ESL codec: framing, segmentation at every byte, encoding rules, limits."""

import json

import pytest

from backends.freeswitch.codec import FrameParser, encode_command, url_encode
from backends.freeswitch.mapping import map_event
from hotline_tui import switch as sw
from hotline_tui.errors import ProtocolError


def plain_event(headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = "".join(f"{k}: {url_encode(v)}\n" for k, v in headers).encode()
    inner = lines + (f"Content-Length: {len(body)}\n\n".encode() + body if body else b"\n")
    return f"Content-Length: {len(inner)}\nContent-Type: text/event-plain\n\n".encode() + inner


CC_START = plain_event([
    ("Event-Subclass", "callcenter::info"), ("Event-Name", "CUSTOM"), ("Core-UUID", "c1"),
    ("Event-Date-Timestamp", "1795400000000000"), ("CC-Queue", "12345-general@default"),
    ("CC-Action", "member-queue-start"), ("CC-Member-UUID", "m-1"), ("CC-Member-Session-UUID", "s-1"),
    ("CC-Member-CID-Name", "张三 %41\nFake-Header: x"), ("CC-Member-CID-Number", "+8613812341234"),
])
API = b"Content-Type: api/response\nContent-Length: 6\n\n+OK ok"
JSON_EV = json.dumps({"Event-Name": "HEARTBEAT", "Up-Time": "0 years", "Uptime-msec": "5000", "Session-Count": "3",
                      "Event-Date-Timestamp": "1795400000000000"}, separators=(",", ":")).encode()
JSON_FRAME = f"Content-Length: {len(JSON_EV)}\nContent-Type: text/event-json\n\n".encode() + JSON_EV
BG = plain_event([("Event-Name", "BACKGROUND_JOB"), ("Job-UUID", "j-1"), ("Job-Command", "status")],
                 body="UP 0 years, 0 days\n状态 ok\n".encode())
STREAM = b"Content-Type: auth/request\n\n" + b"Content-Type: command/reply\nReply-Text: +OK accepted\n\n" + CC_START + API + JSON_FRAME + JSON_FRAME + BG


def kinds(frames):
    return [f.content_type for f in frames]


def test_whole_stream_parses():
    frames = FrameParser().feed(STREAM)
    assert kinds(frames) == ["auth/request", "command/reply", "text/event-plain", "api/response",
                             "text/event-json", "text/event-json", "text/event-plain"]
    assert frames[1].headers["Reply-Text"] == "+OK accepted"
    assert frames[3].body == b"+OK ok"


def test_every_split_point_parses_the_same():
    expected = [(f.content_type, f.body) for f in FrameParser().feed(STREAM)]
    for cut in range(1, len(STREAM)):
        p = FrameParser()
        got = p.feed(STREAM[:cut]) + p.feed(STREAM[cut:])
        assert [(f.content_type, f.body) for f in got] == expected, cut


def test_byte_at_a_time():
    p = FrameParser()
    got = []
    for i in range(len(STREAM)):
        got += p.feed(STREAM[i:i + 1])
    assert len(got) == 7


def test_values_decoded_after_line_split_and_plus_is_literal():
    ev = FrameParser().feed(CC_START)[0].event()
    assert ev["CC-Member-CID-Name"] == "张三 A\nFake-Header: x"   # %41 → A (no double encoding), %0A stays inside
    assert "Fake-Header" not in ev
    assert ev["CC-Member-CID-Number"] == "+8613812341234"


def test_inner_body_of_background_job_and_json_events():
    frames = FrameParser().feed(BG + JSON_FRAME)
    bg = frames[0].event()
    assert bg["Job-UUID"] == "j-1" and bg["_body"] == "UP 0 years, 0 days\n状态 ok\n"
    assert bg["Content-Length"] == str(len("UP 0 years, 0 days\n状态 ok\n".encode()))
    hb = map_event(frames[1].event(), "fs1")
    assert hb == sw.Heartbeat("fs1", 1795400000.0, 5000, 3, "")


def test_mapping_callcenter_event():
    ev = map_event(FrameParser().feed(CC_START)[0].event(), "fs1")
    assert isinstance(ev, sw.MemberJoined) and ev.queue == "12345-general@default" and ev.member_uuid == "m-1"
    assert ev.caller_number == "+8613812341234" and not ev.resumed


def test_disconnect_notice_and_rude_rejection():
    data = (b"Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n"
            b"Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
            b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n")
    frames = FrameParser().feed(data)
    assert kinds(frames) == ["text/rude-rejection", "text/disconnect-notice"]
    assert frames[1].body.endswith(b"cluecon.com/\n")


def test_oversize_frames_are_errors_not_memory():
    with pytest.raises(ProtocolError, match="over the 1024-byte limit"):
        FrameParser(max_frame=1024).feed(b"Content-Type: api/response\nContent-Length: 5000\n\n")
    with pytest.raises(ProtocolError, match="header block over"):
        FrameParser(max_frame=1024).feed(b"X: " + b"a" * 2000)
    with pytest.raises(ProtocolError, match="bad Content-Length"):
        FrameParser().feed(b"Content-Type: api/response\nContent-Length: x\n\n")


def test_malformed_json_event_is_a_protocol_error():
    bad = b"Content-Length: 5\nContent-Type: text/event-json\n\n{oops"
    with pytest.raises(ProtocolError):
        FrameParser().feed(bad)[0].event()


def test_command_writer_refuses_injection():
    assert encode_command("api status") == b"api status\n\n"
    with pytest.raises(ProtocolError):
        encode_command("api status\n\nexit")
