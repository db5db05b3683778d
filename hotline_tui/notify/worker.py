"""The delivery worker: drains the outbox through a ``Notifier`` (docs/notify.md).

One attempt per claim. Everything a restart needs is in the store: the lease (a killed
worker's rows come back when it runs out, marked ambiguous), the attempt count, the next try
(``next_at``: capped exponential backoff with full jitter, from tenacity's
``wait_random_exponential``, or the far end's ``Retry-After``), the breaker of each endpoint.
So the schedule survives ``kill -9``, and any number of workers share one store. Each message
is delivered at least once; its id (the webhook id, the SMS client reference) lets the far end
drop a duplicate, and an SMS whose last attempt was ambiguous is looked up before it is sent
again (some gateways promise no idempotency).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import datetime
from typing import Callable

import tenacity

from ..clock import SITE_TZ
from ..errors import StoreError, ValidationError
from ..lease import DEFAULT_TTL_S, Lease, LeaseLost, LeaseStore
from ..notify_port import DeliveryFailed, DeliveryResult, Message, Notifier
from .model import OutboxRow
from .ports import OutboxStore
from .settings import BreakerSpec, WorkerSpec


def worker_name() -> str:
    """``host:pid:thread``: who holds a lease (shown by ``hotline notify list``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


class Backoff:
    """The wait before attempt ``n + 1`` after ``n`` failed ones: tenacity's full-jitter
    exponential (uniform between 0 and min(cap, initial * 2**(n-1)))."""

    def __init__(self, initial_s: float, max_s: float):
        self._wait = tenacity.wait_random_exponential(multiplier=initial_s, max=max_s)
        self._state = tenacity.RetryCallState(tenacity.Retrying(), None, (), {})

    def __call__(self, failed_attempts: int) -> float:
        self._state.attempt_number = max(1, failed_attempts)
        return float(self._wait(self._state))


class DeliveryWorker:
    def __init__(self, store: OutboxStore, notifier: Notifier, worker: WorkerSpec, breaker: BreakerSpec, *,
                 clock: Callable[[], float] = time.time, name: str | None = None):
        self.store, self.notifier, self.spec, self.breaker = store, notifier, worker, breaker
        self.clock = clock
        self.name = name or worker_name()
        self.backoff = Backoff(worker.backoff_initial_s, worker.backoff_max_s)
        self.handled = 0

    def message(self, row: OutboxRow) -> Message:
        return Message("sms" if row.channel == "sms" else "webhook", row.receiver, row.text, row.id, row.event,
                       row.payload)

    def run_once(self) -> int:
        """Claim one batch and attempt each row; return how many were claimed. Raises
        StoreError when the store fails (the rows' leases run out; another pass retries). Blocks."""
        rows = self.store.claim(self.name, self.clock(), self.spec.batch, self.spec.lease_s)
        for row in rows:
            self.deliver(row)
        return len(rows)

    def run(self, stop: threading.Event, *, on_error: Callable[[BaseException], None] | None = None) -> None:
        """Drain until ``stop`` is set; waits ``idle_s`` when nothing is due and after a store
        failure (reported to ``on_error``). Blocks: run it in its own thread or process."""
        while not stop.is_set():
            try:
                n = self.run_once()
            except StoreError as exc:
                if on_error:
                    on_error(exc)
                n = 0
            if n == 0:
                stop.wait(self.spec.idle_s)

    def deliver(self, row: OutboxRow) -> str:
        """One attempt at ``row`` (leased to this worker); returns what became of it."""
        now = self.clock()
        if now + self.spec.timeout_s > row.lease_until:
            # Too little lease left for one more request: give it back rather than let a second
            # worker send it while this one still waits.
            self.store.release(row.id, self.name, now)
            return "released"
        ep = self.store.endpoint(row.endpoint)
        state = ep.state(now, self.breaker.failures)
        if state == "disabled":
            self.store.finish(row.id, self.name, "dead", now, error=f"endpoint {row.endpoint} is disabled ({ep.last_error})")
            return "dead"
        if state == "half-open" and not self.store.take_probe(row.endpoint, now, self.breaker.failures,
                                                              self.breaker.open_s):
            state, ep = "open", self.store.endpoint(row.endpoint)     # another worker probes
        if state == "open":
            self.store.release(row.id, self.name, ep.open_until)
            return "released"
        if row.channel == "sms":
            why = self.store.sms_blocked(row.receiver)
            if why:
                self.store.finish(row.id, self.name, "suppressed", now, error=why)
                return "suppressed"
        msg = self.message(row)
        try:
            result: DeliveryResult | None = None
            if row.ambiguous and row.channel == "sms":
                result = self.notifier.lookup(msg)      # did the gateway get it after all?
            if result is None:
                result = self.notifier.send(msg)
        except DeliveryFailed as exc:
            return self._failed(row, exc)
        except ValidationError as exc:
            self.store.finish(row.id, self.name, "dead", self.clock(), error=str(exc))
            return "dead"
        now = self.clock()
        self.handled += 1
        if result.accepted:
            if ep.failures or ep.open_until:       # nothing to reset on a healthy endpoint
                self.store.endpoint_ok(row.endpoint, now)
            self.store.finish(row.id, self.name, "sent", now, reference=result.reference)
            return "sent"
        if result.gone:
            self.store.endpoint_disable(row.endpoint, now, result.detail or "410 Gone")
        # A refusal of the message itself: retrying cannot help; the engineer sees it as dead.
        self.store.finish(row.id, self.name, "dead", now, error=result.detail or "refused")
        return "dead"

    def _failed(self, row: OutboxRow, exc: DeliveryFailed) -> str:
        now = self.clock()
        self.handled += 1
        self.store.endpoint_failed(row.endpoint, now, self.breaker.failures, self.breaker.open_s, str(exc))
        attempts = row.attempts + 1
        if attempts >= self.spec.max_attempts:
            self.store.finish(row.id, self.name, "dead", now, error=f"{attempts} attempts; last: {exc}")
            return "dead"
        delay = self.backoff(attempts)
        if exc.retry_after is not None:
            delay = min(max(exc.retry_after, 0.0), self.spec.retry_after_max_s)
        self.store.reschedule(row.id, self.name, now + delay, str(exc),
                              ambiguous=exc.ambiguous or (row.ambiguous and row.channel == "sms"))
        return "retry"





class DeadLetterSweep:
    """The site's dead-letter sweep (issue 21: one writer where it matters). Every ``sweep_s``
    it moves messages that were not sent within ``expire_s`` of their change (pending, or
    claimed by a worker that died) to the dead letters, where the engineer sees them
    (``hotline notify list --dead``) instead of a citizen getting yesterday's SMS.

    It runs once per site: ``run`` holds the ``notify.dead-letter`` lease while it sweeps. Any
    number of worker processes (and consoles with their worker) start one; the others wait
    as standbys and one takes over within the lease's ttl (plus its retry) when the holder
    dies. A holder that loses the lease stops sweeping and becomes a standby again."""

    LEASE = "notify.dead-letter"

    def __init__(self, store: OutboxStore, leases: LeaseStore, spec: WorkerSpec, *,
                 clock: Callable[[], float] = time.time, ttl_s: float = DEFAULT_TTL_S, retry_s: float | None = None,
                 holder: str | None = None, log: Callable[[str], None] = lambda _line: None):
        self.store, self.spec, self.clock, self.log = store, spec, clock, log
        self.lease = Lease(leases, self.LEASE, ttl_s=ttl_s, retry_s=retry_s, holder=holder, log=log)
        self.swept = 0

    def sweep_once(self) -> int:
        """One pass: expire what is stale (in batches, until none is left); return how many
        rows became dead. Raises StoreError. Blocks."""
        now = self.clock()
        cutoff = datetime.fromtimestamp(now - self.spec.expire_s, SITE_TZ)
        error = f"expired: not sent within {self.spec.expire_s / 3600:g} h"
        total = 0
        while True:
            n = self.store.expire(now, cutoff, error)
            total += n
            if n < 500:
                break
        self.swept += total
        return total

    def run(self, stop: threading.Event) -> None:
        """Wait for the lease (standby), sweep every ``sweep_s`` while holding it, give it back
        when ``stop`` is set. A store failure is logged and retried next period. Blocks: run
        it in its own thread."""
        while not stop.is_set():
            if not self.lease.acquire(stop=stop):
                return
            try:
                while not stop.is_set():
                    self.lease.check()
                    try:
                        n = self.sweep_once()
                        if n:
                            self.log(f"dead-letter sweep: {n} message(s) expired")
                    except StoreError as exc:
                        self.log(f"dead-letter sweep: {exc}")
                    stop.wait(self.spec.sweep_s)
            except LeaseLost as exc:
                self.log(f"dead-letter sweep: {exc}")
            finally:
                self.lease.release()
