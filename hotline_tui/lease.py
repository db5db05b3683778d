"""Leases (issue 21): one writer where it matters. A job that must run once per site — the
call recorder per switch node, the escalation run, the notification workers' dead-letter
sweep — holds a named lease in the store: a row with the holder's id and an expiry, taken and
renewed with one conditional UPDATE (docs/operations.md, "Leases", says why a row and not an
advisory lock). A second instance waits as a standby and takes the lease over once the holder
stops renewing it (it died, hung, or lost the store for longer than the lease lasts).

``epoch`` is a fencing number: it grows by one each time the lease changes hands, so a writer
can stamp its work with it and a stale holder is recognisable.

The port is ``LeaseStore`` (``backends.lease_store.SqlLeaseStore``); ``Lease`` is the holder's
side: wait, hold, renew in a thread, notice the loss, release.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from .errors import HotlineError, StoreError

#: How long a lease lasts unless renewed; a standby takes over at most this long after the
#: holder died (plus one retry period).
DEFAULT_TTL_S = 15.0


@dataclass(frozen=True)
class LeaseState:
    name: str
    holder: str
    expires_at: float       # epoch seconds, by the store's clock
    epoch: int              # fencing number: +1 whenever the lease changes hands


class LeaseStore(Protocol):
    """Named leases in the store (SQLite and PostgreSQL: the same row logic). Every method is
    one statement that commits on its own; an outage raises StoreUnavailable or StoreBusy
    (``StoreError``). Times are the store's clock (PostgreSQL's on a shared server), so hosts
    with skewed clocks agree on who holds what."""

    def try_acquire(self, name: str, holder: str, ttl_s: float) -> int | None:
        """Take ``name`` for ``holder`` for ``ttl_s`` seconds if it is free, expired or already
        ``holder``'s (then this renews it); return the lease's epoch, or None when another
        holder has it. Blocks."""
        ...

    def renew(self, name: str, holder: str, ttl_s: float) -> bool:
        """Extend ``holder``'s lease by ``ttl_s`` from now; False when it is no longer theirs
        (taken by another holder after it expired, or released). Blocks."""
        ...

    def release(self, name: str, holder: str) -> None:
        """Give the lease up now (a standby takes it at its next try); nothing when it is
        not ``holder``'s. Blocks."""
        ...

    def current(self, name: str) -> LeaseState | None:
        """Who holds ``name`` and until when (possibly expired), or None if never taken. Blocks."""
        ...

    def all(self) -> list[LeaseState]:
        """Every lease, by name. Blocks."""
        ...


class LeaseLost(HotlineError):
    """The holder stopped holding its lease (another instance took it): stop writing."""


def holder_id() -> str:
    """This process: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Lease:
    """One lease held by this process. ``acquire`` blocks as a standby until the lease is
    ours; a daemon thread then renews it every ``ttl_s / 3``. ``lost`` is set when a renewal
    finds the lease taken, or when renewals have failed (store outage) until the lease would
    have expired: from then on another instance may hold it, so the work must stop.
    ``check()`` raises LeaseLost then."""

    def __init__(self, store: LeaseStore, name: str, *, holder: str | None = None, ttl_s: float = DEFAULT_TTL_S,
                 retry_s: float | None = None, clock: Callable[[], float] = time.monotonic,
                 log: Callable[[str], None] = lambda _line: None):
        self.store, self.name, self.ttl_s = store, name, float(ttl_s)
        self.holder = holder or holder_id()
        self.retry_s = retry_s if retry_s is not None else max(0.05, self.ttl_s / 5)
        self.clock, self.log = clock, log
        self.epoch: int | None = None
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._valid_until = 0.0        # by our own monotonic clock: last good renewal + ttl

    def try_acquire(self) -> bool:
        """One try; True when the lease is now ours (and being renewed). Raises StoreError."""
        started = self.clock()
        epoch = self.store.try_acquire(self.name, self.holder, self.ttl_s)
        if epoch is None:
            return False
        self.epoch = epoch
        self._valid_until = started + self.ttl_s
        self.lost.clear()
        self._start_renewing()
        return True

    def acquire(self, *, timeout: float | None = None, stop: threading.Event | None = None) -> bool:
        """Wait as a standby until the lease is ours; False when ``timeout`` passed or ``stop``
        was set first. A store outage while waiting is logged and retried. Blocks."""
        deadline = None if timeout is None else self.clock() + timeout
        said = False
        while True:
            try:
                if self.try_acquire():
                    self.log(f"lease {self.name}: held by {self.holder} (epoch {self.epoch})")
                    return True
                if not said:
                    cur = self.store.current(self.name)
                    self.log(f"lease {self.name}: standby, held by {cur.holder if cur else '?'}")
                    said = True
            except StoreError as exc:
                self.log(f"lease {self.name}: store unavailable while waiting: {exc}")
            wait = self.retry_s
            if deadline is not None:
                left = deadline - self.clock()
                if left <= 0:
                    return False
                wait = min(wait, left)
            if (stop or self._stop).wait(wait) and stop is not None:
                return False

    def check(self) -> None:
        """Raise LeaseLost when the lease is no longer ours. Never blocks."""
        if self.lost.is_set() or self.epoch is None:
            raise LeaseLost(f"lease {self.name} lost: another instance may hold it; stopping")

    def release(self) -> None:
        """Stop renewing and give the lease up (best effort: an outage leaves it to expire)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.ttl_s)
            self._thread = None
        if self.epoch is not None and not self.lost.is_set():
            try:
                self.store.release(self.name, self.holder)
            except StoreError:
                pass
        self.epoch = None

    def __enter__(self) -> "Lease":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _start_renewing(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._renew_loop, name=f"lease-{self.name}", daemon=True)
        self._thread.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            started = self.clock()
            try:
                if self.store.renew(self.name, self.holder, self.ttl_s):
                    self._valid_until = started + self.ttl_s
                    continue
                self.log(f"lease {self.name}: taken over by another instance")
                self.lost.set()
                return
            except StoreError as exc:
                if self.clock() >= self._valid_until:
                    self.log(f"lease {self.name}: could not renew before it expired ({exc})")
                    self.lost.set()
                    return
