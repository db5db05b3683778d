"""The terminal output's byte counter (screens/byte_meter.py) and the lean mode's rule
(screens/lite.py): what is counted is what reached the file, in UTF-8 bytes."""

from __future__ import annotations

import io

import pytest

from hotline_tui.errors import ConfigError
from screens.byte_meter import CountingOutput, Rate, RateSampler, fmt_rate
from screens.lite import BLOCKED_SECONDS, LITE_MAX_HZ, WINDOW_S, LiteMode, lite_mode


class Ticks:
    """A clock that moves only when told (each call returns the current time)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def text_file() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")


def test_counts_utf8_bytes_and_writes_them_through_in_order():
    f = text_file()
    f.write("before ")                          # held by the text layer: goes out first
    out = CountingOutput(f)
    assert out.write("\x1b[1;1Hab") == 8
    out.write("受理")                            # two CJK characters: six bytes
    out.flush()
    assert out.bytes == 8 + 6
    assert f.buffer.getvalue() == "before \x1b[1;1Hab受理".encode()
    assert out.fileno is not None and out.encoding == "utf-8"


def test_time_blocked_in_write_and_flush_is_added_up():
    clock = Ticks()

    class Slow(io.BytesIO):
        def write(self, b):            # the terminal reads slowly: each write takes 0.25 s
            clock.t += 0.25
            return super().write(b)

        def flush(self):
            clock.t += 0.5

    out = CountingOutput(io.TextIOWrapper(Slow(), encoding="utf-8"), clock=clock)
    out.write("x" * 100)
    out.flush()
    assert out.blocked_s == pytest.approx(0.75)


def test_the_sampler_gives_bytes_per_second_and_the_blocked_share_since_the_last_sample():
    clock, wall = Ticks(), Ticks()
    out = CountingOutput(text_file(), clock=clock)
    sampler = RateSampler(out, clock=wall)
    out.write("a" * 1500)
    clock.t += 0.3                    # as if 0.3 s of it were spent blocked
    out.blocked_s = 0.3
    wall.t = 1.0
    r = sampler.sample()
    assert r == Rate(1500.0, pytest.approx(0.3))
    wall.t = 3.0                      # nothing written for two seconds
    assert sampler.sample() == Rate(0.0, 0.0)
    assert sampler.sample() == Rate(0.0, 0.0)    # no time passed: the last figure again


def test_rates_are_written_for_a_link():
    assert fmt_rate(830) == "830 B/s"
    assert fmt_rate(1234) == "1.2 KB/s"
    assert fmt_rate(14_200) == "14 KB/s"


def test_lite_from_the_flag_and_the_environment():
    assert lite_mode(True, {}).on and lite_mode(True, {}).reason == "--lite"
    assert lite_mode(False, {"HOTLINE_LITE": "1"}).on
    off = lite_mode(False, {"HOTLINE_LITE": "0"})
    assert not off.on and not off.auto
    auto = lite_mode(False, {})
    assert not auto.on and auto.auto
    assert lite_mode(False, {"HOTLINE_LINK_KBPS": "64"}).link_kbps == 64
    with pytest.raises(ConfigError, match="HOTLINE_LITE"):
        lite_mode(False, {"HOTLINE_LITE": "maybe"})
    with pytest.raises(ConfigError, match="HOTLINE_LINK_KBPS"):
        lite_mode(False, {"HOTLINE_LINK_KBPS": "fast"})


def test_lite_caps_the_refresh_rate():
    assert LiteMode(on=True).cap(10) == LITE_MAX_HZ
    assert LiteMode(on=True).cap(0.5) == 0.5
    assert LiteMode(on=False).cap(10) == 10


def test_back_pressure_for_some_seconds_running_turns_lite_on():
    lite = LiteMode()
    blocked, free = Rate(9000, 0.5), Rate(9000, 0.0)
    assert [lite.watch(r) for r in (blocked, blocked, free, blocked, blocked)] == [None] * 5   # not running
    assert lite.watch(blocked) == "back-pressure" and lite.on
    assert lite.watch(blocked) is None            # once


def test_output_over_half_the_given_link_turns_lite_on_and_off_means_never():
    lite = LiteMode(link_kbps=64)                 # 64 kbit/s: more than 4,000 B/s is over half
    assert [lite.watch(Rate(5000, 0)) for _ in range(WINDOW_S - 1)] == [None] * (WINDOW_S - 1)
    assert lite.watch(Rate(5000, 0)) == "link"
    quiet = LiteMode(link_kbps=64)
    assert all(quiet.watch(Rate(3000, 0)) is None for _ in range(3 * WINDOW_S))
    never = LiteMode(auto=False, link_kbps=64)
    assert all(never.watch(Rate(50_000, 0.9)) is None for _ in range(3 * WINDOW_S + BLOCKED_SECONDS))
    assert not never.on
