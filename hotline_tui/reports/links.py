"""The switch links' lost / regained log: the console and ``hotline record`` hand every
``LinkDown`` / ``LinkUp`` the switch adapter emits (the same transitions as its
``NodeHealth.link``) to a ``LinkRecorder``, which writes them to the store on its next flush, so a
handover report rebuilt later — after a restart, from another console, from cron — still lists
them. ``outages`` pairs them up for the report (pure)."""

from __future__ import annotations

import threading
from typing import Any

from .. import switch as sw
from .ports import LinkChange, LinkLog

#: Changes kept queued while the store is unavailable, at most (the oldest are dropped beyond).
MAX_PENDING = 10_000


class LinkRecorder:
    """Switch event sink: ``__call__`` queues a link change (never blocks; other events are
    ignored); ``flush()`` writes the queue (blocks; raises StoreError and keeps the queue for
    the next flush). Idempotent by the natural key (node, state, time)."""

    def __init__(self, log: LinkLog):
        self.log = log
        self._pending: list[LinkChange] = []
        self._lock = threading.Lock()
        self.written = 0

    def __call__(self, e: Any) -> None:
        if isinstance(e, sw.LinkDown):
            change = LinkChange(e.node, e.at, "lost", e.reason.replace("\x00", ""))
        elif isinstance(e, sw.LinkUp):
            change = LinkChange(e.node, e.at, "regained")
        else:
            return
        with self._lock:
            self._pending.append(change)
            del self._pending[:-MAX_PENDING]

    def flush(self) -> int:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        try:
            self.written += self.log.add_link_changes(batch)
        except Exception:
            with self._lock:
                self._pending[:0] = batch
            raise
        return len(batch)


def outages(changes: list[LinkChange], since: float, until: float) -> list[dict[str, Any]]:
    """Per node, each loss with the regain that followed it (``regained_at`` None: still down at
    ``until``, as far as the log knows); a regain in the period with no loss before it in the
    log has ``lost_at`` None (lost before the period). ``changes`` are sorted by time; only
    those in ``[since, until)`` count. Each row: node, lost_at, regained_at, down_s (within the
    period), reason."""
    out: list[dict[str, Any]] = []
    open_: dict[str, dict[str, Any]] = {}
    for c in changes:
        if not since <= c.at < until:
            continue
        if c.state == "lost":
            if c.node in open_:           # lost twice without a regain seen: keep the first
                continue
            row: dict[str, Any] = {"node": c.node, "lost_at": c.at, "regained_at": None, "reason": c.reason}
            open_[c.node] = row
            out.append(row)
        else:
            seen = open_.pop(c.node, None)
            if seen is None:
                out.append({"node": c.node, "lost_at": None, "regained_at": c.at, "reason": ""})
            else:
                seen["regained_at"] = c.at
    for r in out:
        lo = r["lost_at"] if r["lost_at"] is not None else since
        hi = r["regained_at"] if r["regained_at"] is not None else until
        r["down_s"] = round(hi - lo, 3)
    return sorted(out, key=lambda r: (r["lost_at"] if r["lost_at"] is not None else since, r["node"]))
