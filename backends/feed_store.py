"""The ticket change feed on SQLite and PostgreSQL (``hotline_tui.feed.TicketFeed``).

Reading is one indexed range (``seq > :after``). Waiting: on PostgreSQL a second connection
LISTENs on ``hotline_ticket_feed`` (a NOTIFY carries only the sequence number; the rows are read
from the table, so a notification lost while the listener reconnects loses nothing); on SQLite
(one machine) the head is polled.
"""

from __future__ import annotations

import time

from hotline_tui.feed import TicketChange

from .db import Db, from_ts

CHANNEL = "hotline_ticket_feed"
POLL_S = 0.2            # SQLite: how often the head is read while waiting


class SqlTicketFeed:
    def __init__(self, db: Db):
        self.db = db
        self._listener = None        # PostgreSQL: the LISTEN connection, opened on first wait

    def head(self) -> int:
        return int(self.db.query_row("SELECT COALESCE(MAX(seq), 0) AS s FROM ticket_feed")["s"])

    def since(self, seq: int, limit: int = 1000) -> list[TicketChange]:
        rows = self.db.query("SELECT seq, serial, kind, at FROM ticket_feed WHERE seq > :s ORDER BY seq LIMIT :n",
                             {"s": int(seq), "n": int(limit)})
        return [TicketChange(int(r["seq"]), r["serial"], r["kind"], from_ts(r["at"])) for r in rows]

    def wait(self, seq: int, timeout: float) -> bool:
        deadline = time.monotonic() + max(0.0, timeout)
        if self.db.dialect == "postgres":
            return self._wait_pg(seq, deadline)
        while True:
            if self.head() > seq:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(POLL_S, left))

    def _wait_pg(self, seq: int, deadline: float) -> bool:
        listener = self._listen()
        if self.head() > seq:         # committed before the LISTEN took effect
            return True
        while (left := deadline - time.monotonic()) > 0:
            with self.db.errors():
                for _note in listener.notifies(timeout=left, stop_after=1):
                    # the channel is database-wide: another schema's (site's, test's) change
                    # rings too, so the bell is only a reason to look
                    if self.head() > seq:
                        return True
        return self.head() > seq

    def _listen(self):
        if self._listener is not None and (self._listener.broken or self._listener.closed):
            # lost with the server (failover, restart): listen again; the rows are read from the
            # table, so what was committed meanwhile is not missed (issue 21)
            self._listener = None
        if self._listener is None:
            self._listener = self.db.listen(CHANNEL)
        return self._listener

    def close(self) -> None:
        if self._listener is not None:
            with self.db.errors():
                self._listener.close()
            self._listener = None
