"""The live path's selective decoding (``codec.HeaderPicker``) gives map_event exactly what the full
parser gives: over a recorded simulator stream (every callcenter action and channel event the
console maps) and over hostile frames, at several read sizes; and ``mapping.READS`` lists every
header map_event reads."""

import random

import pytest

from backends.freeswitch.client import PICKER
from backends.freeswitch.codec import FrameParser, HeaderPicker, _pick_pattern, url_encode
from backends.freeswitch.mapping import READS, map_event
from backends.sim.events import Identity, plain
from backends.sim.model import CallCenter
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ProtocolError
from hotline_tui.site import load_site

T0 = 1795483800.0   # 2026-11-24 09:30 site time, a weekday morning peak


def sim_stream(seed: int = 4, events: int = 3000) -> list[bytes]:
    """The plain frames the simulator's model raises (as its event socket writes them)."""
    cc = CallCenter(load_site(DEMO_DIR / "site.yaml"), seed=seed, start=T0, profile="peak")
    ident = Identity("core-1", "fs-demo-1")
    out: list[bytes] = []
    cc.listeners.append(lambda ev: out.append(plain(ev, ident)))
    t = T0
    while len(out) < events:
        t += 30
        cc.run_until(t)
    return out


def frame(pairs, inner: bytes | None = None, raw: bool = False) -> bytes:
    lines = b"".join(k.encode("utf-8", "surrogatepass") + b": " +
                     (v if raw else url_encode(v)).encode("utf-8", "surrogatepass") + b"\n" for k, v in pairs)
    body = lines + (f"Content-Length: {len(inner)}\n\n".encode() + inner if inner is not None else b"\n")
    return f"Content-Length: {len(body)}\nContent-Type: text/event-plain\n\n".encode() + body


# Hand-made events for what the simulator does not raise (agent-max-no-answer, BACKGROUND_JOB).
EXTRA = [
    frame([("Event-Subclass", "callcenter::info"), ("Event-Name", "CUSTOM"), ("Event-Date-Timestamp", "1795483800000000"),
           ("CC-Action", "agent-max-no-answer"), ("CC-Agent", "1001"), ("CC-Agent-No-Answer-Status", "On Break")]),
    frame([("Event-Name", "BACKGROUND_JOB"), ("Job-UUID", "j-1"), ("Job-Command", "status")], "+OK 状态\n".encode()),
]

WANTED = sorted({"Event-Name", "Content-Length"}.union(*READS.values()))
# Values that must stay values: encoded line breaks and separators, header names, CJK, '%' forms.
VALUES = ["a\nCC-Action: agent-offering", "x: y", "CC-Queue: fake", "张三", "%41", "100%", "%0A", "=3D", "#", "",
          "agent-state-change", "callcenter::info", "CUSTOM", "1795483800000000", "+8613812341234", "a b", "\t"]
# Names the full parser would still read as a wanted header, and names it would not.
NAME_FORMS = ["{}", " {}", "{} ", "\t{}", "{}\t", "\u00a0{}", "{}\u3000", "\u2028{}", "\r{}", "x{}", "{}x", "{}-X",
              "{}:", "{}\x1f"]


def hostile_frame(rng: random.Random) -> bytes:
    """FreeSWITCH-like events with a few lines bent the way a broken or hostile peer might."""
    kind = rng.choice(sorted(READS) + ["BACKGROUND_JOB", "CHANNEL_PARK"])
    pairs = [("Event-Name", kind)]
    if kind == "CUSTOM":
        pairs.insert(0, ("Event-Subclass", "callcenter::info"))
    names = READS.get(kind, ("Unique-ID",))
    for _ in range(rng.randrange(1, 12)):
        name = rng.choice(names) if rng.random() < 0.8 else rng.choice(WANTED + ["variable_x", "Core-UUID"])
        value = rng.choice(VALUES) if rng.random() < 0.7 else "".join(rng.choice(VALUES) for _ in range(3))
        if rng.random() < 0.25:
            name = rng.choice(NAME_FORMS).format(name)
        if name == "CC-Action" and rng.random() < 0.7:
            value = rng.choice(["agent-offering", "member-queue-end", "bridge-agent-end", "members-count"])
        pairs.append((name, value))
    rng.shuffle(pairs[1 + (kind == "CUSTOM"):])
    raw = rng.random() < 0.15                         # values not URL-encoded: raw spaces, CR, LF, CJK
    data = frame(pairs, rng.choice([None, None, None, b"", b"body\n\n", b"x: y\n"]), raw=raw)
    if rng.random() < 0.1:                            # a CR before a line break inside the body
        body = data.partition(b"\n\n")[2]
        cut = rng.randrange(len(body))
        at = body.find(b"\n", cut)
        body = body[:at] + b"\r" + body[at:] if at >= 0 else body
        data = f"Content-Length: {len(body)}\nContent-Type: text/event-plain\n\n".encode() + body
    if rng.random() < 0.05:
        bad = b"Event-Name: CHANNEL_ANSWER\nUnique-ID: u\nContent-Length: x\n\n"     # a bad inner length
        data += f"Content-Length: {len(bad)}\nContent-Type: text/event-plain\n\n".encode() + bad
    if rng.random() < 0.05:                           # an oversize value (45 KB encoded)
        data = frame(pairs + [("CC-Member-CID-Name", "名" * 5_000)])
    return data


def full_result(f):
    try:
        return f.event()
    except ProtocolError as exc:
        return exc


def check_equivalent(stream: bytes, sizes) -> int:
    """Feed ``stream`` at each read size to a picking parser and a full one; every frame must map to
    the same domain event. Returns how many events the picker accepted (at the last size)."""
    for size in sizes:
        pick, full = FrameParser(picker=PICKER), FrameParser()
        a = [f for i in range(0, len(stream), size) for f in pick.feed(stream[i:i + size])]
        b = [f for i in range(0, len(stream), size) for f in full.feed(stream[i:i + size])]
        assert [f.content_type for f in a] == [f.content_type for f in b]
        picked = 0
        for fa, fb in zip(a, b):
            ref = full_result(fb)
            if fa.picked is None:
                got = full_result(fa)
                assert type(got) is type(ref) and str(got) == str(ref)
                continue
            picked += 1
            assert not isinstance(ref, Exception), fa.body       # the picker never hides a protocol error
            kind = ref.get("Event-Name")
            for name in ("Event-Name", *READS.get(kind, ())):  # what map_event reads: the same values
                assert fa.picked.get(name) == ref.get(name), (name, fa.body)
            assert map_event(fa.picked, "fs1") == map_event(ref, "fs1"), fa.body
    return picked


@pytest.fixture(scope="module")
def recorded() -> list[bytes]:
    return sim_stream() + EXTRA


def test_the_recorded_stream_covers_every_kind_the_mapping_reads(recorded):
    kinds = set()
    for f in FrameParser().feed(b"".join(recorded)):
        ev = f.event()
        kinds.add((ev["Event-Name"], ev.get("CC-Action")))
    assert {k for k, _ in kinds} == set(READS) | {"BACKGROUND_JOB"}
    assert {a for k, a in kinds if k == "CUSTOM"} >= {
        "agent-status-change", "agent-state-change", "agent-offering", "member-queue-start", "member-queue-resume",
        "bridge-agent-start", "bridge-agent-end", "bridge-agent-fail", "agent-max-no-answer", "member-queue-end",
        "members-count"}


class Recording(dict):
    """A dict that remembers every key read from it."""

    def __init__(self, *a):
        super().__init__(*a)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def test_map_event_reads_only_the_declared_headers(recorded):
    rng = random.Random(11)
    frames = FrameParser().feed(b"".join(recorded + [hostile_frame(rng) for _ in range(300)]))
    mapped = 0
    for f in frames:
        if not f.is_event:
            continue
        try:
            ev = Recording(f.event())
        except ProtocolError:
            continue
        mapped += map_event(ev, "fs1") is not None
        extra = ev.read - {"Event-Name"} - set(READS.get(ev.get("Event-Name"), ()))
        assert not extra, (ev.get("Event-Name"), ev.get("CC-Action"), extra)
    assert mapped > 3000


def test_a_header_missing_from_reads_is_caught():
    """The check above can fail: a mapping that reads an undeclared header shows up."""
    ev = Recording({"Event-Name": "CHANNEL_ANSWER", "Unique-ID": "u"})
    map_event(ev, "fs1")
    ev.get("Answer-State")
    assert ev.read - {"Event-Name"} - set(READS["CHANNEL_ANSWER"]) == {"Answer-State"}


def test_recorded_stream_same_domain_events_at_every_read_size(recorded):
    stream = b"".join(recorded)
    picked = check_equivalent(stream, (97, 1500, 4096, 65536, len(stream)))
    assert picked == len(recorded) - 1                 # all but BACKGROUND_JOB (an inner body) take the picker
    check_equivalent(b"".join(recorded[:40] + EXTRA), (1, 7))


@pytest.mark.parametrize("seed", range(4))
def test_hostile_frames_same_domain_events(seed):
    rng = random.Random(seed)
    frames = [hostile_frame(rng) for _ in range(250)]
    stream = b"".join(frames)
    picked = check_equivalent(stream, (13, 333, 4096, len(stream)))
    assert picked > 30      # the plain-looking ones still take the picker (~40 of 250; the draw follows READS)
    check_equivalent(b"".join(f for f in frames[:80] if len(f) < 5000), (1,))   # every split point


@pytest.mark.parametrize("line, accepted", [
    ("CC-Agent: 1001", True),
    (" CC-Agent: 1001", False), ("CC-Agent : 1001", False), ("CC-Agent:1001", False), ("\u00a0CC-Agent: 1001", False),
    ("CC-Agent\u3000: 1001", False), ("CC-Agent: ", False), ("", False), ("CC-Agent: 1001\r", False),
    ("CC-Agent-Type: x", True), ("XCC-Agent: 1", True), ("Content-Length: 0", False),
])
def test_what_the_picker_declines(line, accepted):
    body = f"Event-Subclass: callcenter%3A%3Ainfo\nEvent-Name: CUSTOM\nCC-Action: agent-state-change\n{line}\n" \
           "CC-Agent-State: Idle\n\n".encode()
    f = FrameParser(picker=PICKER).feed(f"Content-Length: {len(body)}\nContent-Type: text/event-plain\n\n".encode() + body)[0]
    assert (f.picked is not None) == accepted
    if accepted:
        assert f.picked == {k: v for k, v in f.event().items() if k in {"Event-Name", *READS["CUSTOM"]}}


def test_encoded_line_break_cannot_forge_a_header():
    data = frame([("Event-Subclass", "callcenter::info"), ("Event-Name", "CUSTOM"),
                  ("CC-Member-CID-Name", "张\nCC-Action: agent-offering\nCC-Queue: evil"),
                  ("CC-Action", "member-queue-start"), ("CC-Queue", "q1"), ("CC-Member-UUID", "m1")])
    ev = FrameParser(picker=PICKER).feed(data)[0].picked
    assert ev["CC-Action"] == "member-queue-start" and ev["CC-Queue"] == "q1"
    assert ev["CC-Member-CID-Name"] == "张\nCC-Action: agent-offering\nCC-Queue: evil"
    assert "Core-UUID" not in ev


def test_repeated_header_first_wins_and_unknown_kinds_use_every_name():
    data = frame([("Event-Name", "CHANNEL_ANSWER"), ("Unique-ID", "u1"), ("Unique-ID", "u2")])
    data += frame([("Event-Name", "CHANNEL_PARK"), ("Unique-ID", "u3"), ("CC-Queue", "q")])
    a, b = FrameParser(picker=PICKER).feed(data)
    assert a.picked["Unique-ID"] == "u1"
    assert b.picked == {"Event-Name": "CHANNEL_PARK", "Unique-ID": "u3", "CC-Queue": "q"}


def test_pattern_skips_names_that_only_start_like_a_wanted_one():
    rx = _pick_pattern({"CC-Agent", "CC-Agent-State"})
    text = "\nCC-Agent-Type: a\nCC-Agent-State: b\nCC-Agent: c\nCC-Agents: d"
    assert rx.findall(text) == [("CC-Agent-State", "b"), ("CC-Agent", "c")]


def test_frame_size_bound_is_unchanged_with_a_picker():
    with pytest.raises(ProtocolError, match="over the 100-byte limit"):
        FrameParser(100, HeaderPicker(READS)).feed(b"Content-Length: 101\nContent-Type: text/event-plain\n\n")


def test_the_kept_white_space_lead_bytes_are_the_scans():
    # the picker's odd-line classes come from a kept answer (the console's start would wait ~50 ms
    # for the scan of every code point); it must be what the scan finds on this Python
    import unicodedata

    from backends.freeswitch import codec

    kept = codec._LEAD_WHITESPACE.get(unicodedata.unidata_version)
    if kept is None:
        pytest.skip(f"no kept answer for Unicode {unicodedata.unidata_version}: the picker scans")
    assert list(kept) == codec._scan_lead_whitespace()
