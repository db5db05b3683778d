"""ReplayPlayer: the recorded clock advances at a speed, stops when paused, seeks both ways
(back rebuilds the picture from the start), ends at the last event; file order is kept."""

from dataclasses import dataclass

from hotline_tui.live.replay import ReplayPlayer


@dataclass
class Ev:
    at: float
    name: str


class Picture:
    def __init__(self):
        self.seen: list[str] = []

    def apply(self, e: Ev) -> None:
        self.seen.append(e.name)


def _player(speed=2.0):
    built: list[Picture] = []

    def make():
        built.append(Picture())
        return built[-1]
    # a resync at 100 followed by older events the switch caught up on, then the shift
    events = [Ev(100, "resync"), Ev(40, "old1"), Ev(60, "old2"), Ev(110, "a"), Ev(130, "b"), Ev(160, "c")]
    told: list[Picture] = []
    return ReplayPlayer(events, make, speed=speed, on_live=told.append), built, told


def test_advance_pause_seek_and_end():
    p, built, told = _player()
    assert p.first == 100 and p.last == 160 and p.live.seen == ["resync", "old1", "old2"]
    assert p.advance(5) == 1 and p.t == 110 and p.live.seen[-1] == "a"     # 5 s real at 2x
    p.toggle_pause()
    assert p.advance(100) == 0 and p.t == 110
    assert p.seek(25) == 1 and p.live.seen[-1] == "b" and p.t == 135
    old = p.live
    assert p.seek(-30) == 3 and p.t == 105                                  # back: a fresh picture
    assert p.live is not old and told == [p.live] and p.live.seen == ["resync", "old1", "old2"]
    assert not p.ended
    p.seek_to(10_000)
    assert p.ended and p.t == 160 and p.live.seen[-1] == "c"
    assert p.now().isoformat().endswith("+08:00")                           # the site's zone
    p.seek_to(-5)
    assert p.t == 100 and len(built) == 3
