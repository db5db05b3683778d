"""FeedFollower (issue 21): reads on from the last sequence number after a store outage, so a
change made during it is shown once, after it; the outage is told once, and its end."""

from __future__ import annotations

from datetime import datetime, timezone

from hotline_tui.errors import StoreUnavailable
from hotline_tui.feed import FeedFollower, TicketChange

AT = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)


class FlakyFeed:
    """A feed held in a list; ``down`` makes every call raise as a lost server does."""

    def __init__(self):
        self.rows: list[TicketChange] = []
        self.down = False
        self.closed = 0

    def add(self, serial: str) -> None:
        self.rows.append(TicketChange(len(self.rows) + 1, serial, "ticket.register", AT))

    def _check(self):
        if self.down:
            raise StoreUnavailable("postgresql://test", "server closed the connection")

    def head(self) -> int:
        self._check()
        return len(self.rows)

    def since(self, seq, limit=1000):
        self._check()
        return self.rows[seq:seq + limit]

    def wait(self, seq, timeout):
        self._check()
        return len(self.rows) > seq

    def close(self):
        self.closed += 1


def test_the_follower_reads_on_from_its_last_sequence_after_an_outage():
    feed = FlakyFeed()
    feed.add("A")
    seen, told = [], []
    f = FeedFollower(feed, feed.head(), lambda ch: seen.extend(c.serial for c in ch),
                     on_error=lambda e: told.append("lost"), on_restored=lambda: told.append("back"),
                     sleep=lambda s: None)
    assert f.step(0) == [] and seen == []           # what was there at the start is not shown again
    feed.add("B")
    f.step(0)
    assert seen == ["B"]
    feed.down = True
    f.step(0)
    f.step(0)
    assert told == ["lost"] and feed.closed == 2     # told once; the listener dropped each time
    feed.down = False
    feed.add("C")                                   # written while the console could not read
    feed.add("D")
    f.step(0)
    assert seen == ["B", "C", "D"] and told == ["lost", "back"] and f.seq == 4
    f.step(0)
    assert seen == ["B", "C", "D"]                  # nothing twice
