"""hotline esl decode: a capture recorded from the simulator, decoded frame by frame."""

import json

from click.testing import CliRunner

from backends.freeswitch.cli import decode
from backends.sim.events import Identity, plain
from backends.sim.model import CallCenter
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site


def test_decode_prints_one_json_line_per_frame(tmp_path):
    cc = CallCenter(load_site(DEMO_DIR / "site.yaml"), seed=1, start=1795402800.0, profile="peak")
    ident = Identity("core", "fs")
    frames = [b"Content-Type: auth/request\n\n", b"Content-Type: command/reply\nReply-Text: +OK accepted\n\n"]
    cc.listeners.append(lambda ev: frames.append(plain(ev, ident)))
    cc.run_until(cc.now + 120)
    body = "王 %41 |x\n".encode()
    frames.append(f"Content-Type: api/response\nContent-Length: {len(body)}\n\n".encode() + body)
    cap = tmp_path / "cap.esl"
    cap.write_bytes(b"".join(frames))
    r = CliRunner().invoke(decode, [str(cap)])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert len(lines) == len(frames) > 50
    assert lines[0]["content_type"] == "auth/request" and lines[1]["headers"]["Reply-Text"] == "+OK accepted"
    cc_events = [x["event"] for x in lines if x["event"] and x["event"]["Event-Name"] == "CUSTOM"]
    assert cc_events and all(e["Event-Subclass"] == "callcenter::info" for e in cc_events)
    assert lines[-1]["body"] == "王 %41 |x\n"


def test_decode_bad_frame_is_one_line(tmp_path):
    cap = tmp_path / "bad.esl"
    cap.write_bytes(b"Content-Type: text/event-json\nContent-Length: 5\n\n{oops")
    r = CliRunner().invoke(decode, [str(cap)])
    assert r.exit_code != 0 and "frame 1" in r.output and r.output.count("\n") == 1
