"""The codec's batch fast path gives exactly what the line-by-line reference gives, and is taken
for what FreeSWITCH sends (so a silent fall-back to the slow path shows up here, not only in a
benchmark)."""

import random
from urllib.parse import unquote

import pytest

from backends.freeswitch import codec
from backends.freeswitch.codec import FrameParser, _plain_batch, _plain_slow, _unpercent, url_encode
from hotline_tui.errors import ProtocolError

# Values with everything that matters to the parser: separators, percent signs, '=', '#', NUL,
# CR/LF, spaces, non-ASCII, encoded look-alikes of headers.
PIECES = ["a", "Z", "0", "9", "-", "_", ".", "/", "@", ":", " ", ": ", "%", "%4", "%41", "%3a", "%0A", "%00", "%E4%B8",
          "%E4%B8%AD", "%ZZ", "=", "=41", "==", "#", "##", "\x00", "\r", "\n", "\t", "+", "张", "é", "Fake: x\n", ""]
NAMES = ["Event-Name", "Core-UUID", "CC-Action", "CC-Queue", "Unique-ID", "Hangup-Cause", "variable_x", "Content-Length",
         "A%41", " Pad", "Pad ", "Name:Colon", "Ünï"]


def plain_body(pairs, inner: bytes | None = None) -> bytes:
    lines = b"".join(k.encode() + b": " + v.encode("utf-8", "surrogatepass") + b"\n" for k, v in pairs)
    return lines + (f"Content-Length: {len(inner)}\n\n".encode() + inner if inner is not None else b"\n")


def frame(body: bytes) -> bytes:
    return f"Content-Length: {len(body)}\nContent-Type: text/event-plain\n\n".encode() + body


def random_value(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 6)))


def fs_event(rng: random.Random) -> bytes:
    """As FreeSWITCH serialises: values URL-encoded, empty values left out, names repeat sometimes.
    Values are C strings there, so none holds NUL (nor the text %00, which would decode to NUL)."""
    pairs = [("Event-Name", rng.choice(["CUSTOM", "CHANNEL_HANGUP_COMPLETE", "HEARTBEAT"]))]
    for i in range(rng.randrange(1, 25)):
        v = random_value(rng)
        if v and "\x00" not in v and "%00" not in v:
            pairs.append((rng.choice(["Hangup-Cause", f"H-{i}", "CC-Queue"]), url_encode(v)))
    return plain_body(pairs)


def raw_event(rng: random.Random) -> bytes:
    """Anything a broken or hostile peer might send: raw values, odd names, blank lines, inner bodies."""
    pairs = [(rng.choice(NAMES), random_value(rng)) for _ in range(rng.randrange(1, 8))]
    if rng.random() < 0.2:
        return plain_body(pairs, random_value(rng).encode("utf-8", "surrogatepass"))
    body = plain_body(pairs)
    if rng.random() < 0.1:
        body = b"\n" + body
    return body


def test_unpercent_is_unquote():
    rng = random.Random(1)
    alphabet = ["%", "%4", "%41", "%e4%b8%ad", "%E4", "=", "=3D", "a", "F", "\x00", "#", "%%", "%g1"]
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 8)))
        assert _unpercent(s.encode()).decode("utf-8", "replace") == unquote(s), s


def test_fast_path_is_taken_for_what_freeswitch_sends():
    rng = random.Random(2)
    bodies = [fs_event(rng) for _ in range(200)]
    got = _plain_batch(bodies)
    assert got is not None and None not in got
    assert got == [_plain_slow(b) for b in bodies]


@pytest.mark.parametrize("seed", range(6))
def test_fast_path_equals_reference_or_declines(seed):
    rng = random.Random(seed)
    compared = 0
    for _ in range(300):
        bodies = [rng.choice([fs_event, raw_event])(rng) for _ in range(rng.randrange(1, 5))]
        bodies = [b for b in bodies if b.endswith(b"\n\n")]
        if not bodies:
            continue
        got = _plain_batch(bodies)
        if got is None:
            continue
        for body, ev in zip(bodies, got):
            if ev is not None:
                assert ev == _plain_slow(body), body
                assert list(ev) == list(_plain_slow(body)), body      # same order of names too
                compared += 1
    assert compared > 100     # ~150-180 per seed: the fast path was compared, it did not only decline


def test_feed_gives_reference_events_at_any_read_size():
    rng = random.Random(7)
    bodies = [rng.choice([fs_event, fs_event, raw_event])(rng) for _ in range(150)]
    stream = b"".join(frame(b) for b in bodies)

    def reference(body):
        try:
            return _plain_slow(body)
        except ProtocolError as exc:
            return ("error", str(exc))

    def event(f):
        try:
            return f.event()
        except ProtocolError as exc:
            return ("error", str(exc))

    expected = [reference(b) for b in bodies]
    for size in (1, 7, 100, 1500, 4096, 65536, len(stream)):
        p = FrameParser()
        got = [event(f) for i in range(0, len(stream), size) for f in p.feed(stream[i:i + size])]
        assert got == expected, size


def test_encoded_newline_and_colon_space_stay_inside_the_value():
    body = plain_body([("Event-Name", "CUSTOM"), ("X", url_encode("a\nFake-Header: x")), ("Y", url_encode("b: c"))])
    ev = _plain_batch([body])[0]
    assert ev == {"Event-Name": "CUSTOM", "X": "a\nFake-Header: x", "Y": "b: c"}


def test_repeated_name_keeps_the_first_value_and_inner_body_goes_the_slow_way():
    body = plain_body([("Event-Name", "CHANNEL_HANGUP_COMPLETE"), ("Hangup-Cause", "NORMAL_CLEARING"),
                       ("Unique-ID", "u"), ("Hangup-Cause", "OTHER")])
    assert _plain_batch([body])[0]["Hangup-Cause"] == "NORMAL_CLEARING"
    bg = plain_body([("Event-Name", "BACKGROUND_JOB")], b"+OK\n\n")
    assert _plain_batch([body, bg]) is None or _plain_batch([body, bg])[1] is None
    assert FrameParser().feed(frame(bg))[0].event()["_body"] == "+OK\n\n"


def test_a_long_body_arriving_in_small_reads_is_not_copied_each_time(monkeypatch):
    """The pending body accumulates; the buffer is only turned into bytes once it is complete."""
    body = plain_body([("Event-Name", "HEARTBEAT"), ("X", "y" * 200_000)])
    data = frame(body)
    p = FrameParser()
    calls = []
    real = codec._plain_batch
    monkeypatch.setattr(codec, "_plain_batch", lambda b: calls.append(len(b)) or real(b))
    frames = []
    for i in range(0, len(data), 1000):
        frames += p.feed(data[i:i + 1000])
    assert len(frames) == 1 and frames[0].event()["X"] == "y" * 200_000
    assert calls == [1]
    assert len(p._buf) == 0


def test_header_block_in_small_reads_is_found_once_and_bounded():
    block = b"Content-Type: api/response\nX-Pad: " + b"p" * 5000 + b"\nContent-Length: 3\n\nabc"
    p = FrameParser()
    got = []
    for i in range(0, len(block), 7):
        got += p.feed(block[i:i + 7])
    assert [(f.headers["X-Pad"][:3], f.body) for f in got] == [("ppp", b"abc")]
    p = FrameParser(max_frame=1024)
    with pytest.raises(ProtocolError, match="header block over 1024 bytes"):
        for i in range(0, 3000, 100):
            p.feed(b"X-Long: " + b"a" * 92)
