"""The agent desk's own reads (issue 17): the caller classes' notes for the screen pop, and
"my work" — the tickets the agent registered, the callback tasks assigned to them, today's
calls and talk time from the call record.

``DeskService`` only reads, through the ticket service (permission, masking) and the call
store port; every method blocks (database I/O): the desk calls it from a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from .access import Access, User
from .calls import masked_task
from .calls_port import CallbackTask, CallStore
from .clock import SITE_TZ, Clock
from .config import load_yaml, validate
from .config_schema import CallerClassNote, DeskFile
from .tickets.model import Ticket
from .tickets.service import TicketService


def load_class_notes(config_dir: str | Path, classes: tuple[str, ...] = ()) -> dict[str, CallerClassNote]:
    """The caller classes' notes from ``desk.yaml`` (``caller_classes: [{code, zh, en}]``),
    by code; {} without the file or the key. A code given twice, or one that is not a caller
    class of tickets.yaml (``classes``, when given), is a ConfigError naming file, line and key.
    Blocks (reads the file)."""
    path = Path(config_dir) / "desk.yaml"
    if not path.exists():
        return {}
    doc = load_yaml(path)
    notes: dict[str, CallerClassNote] = {}
    for i, n in enumerate(validate(doc, DeskFile).caller_classes):
        if n.code in notes:
            raise doc.error(("caller_classes", i, "code"), f"caller class {n.code!r} appears twice")
        if classes and n.code not in classes:
            raise doc.error(("caller_classes", i, "code"),
                            f"unknown caller class {n.code!r} (tickets.yaml caller_classes: {', '.join(classes)})")
        notes[n.code] = n
    return notes


@dataclass(frozen=True)
class MyWork:
    """What the desk's "my work" panel shows: all of it read from the store, none kept here."""

    tickets: list[Ticket]              # registered by me, newest first (today's first page)
    callbacks: list[CallbackTask]      # open callback tasks assigned to my agent, oldest first
    calls_today: int                   # calls I answered today (the call record)
    talk_today_s: float                # their talk time
    tickets_today: int                 # of ``tickets``, registered today


class DeskService:
    def __init__(self, tickets: TicketService | None, calls: CallStore | None, access: Access, clock: Clock):
        self.tickets, self.calls, self.access, self.clock = tickets, calls, access, clock

    def day_start(self) -> datetime:
        """Midnight of today, site time (the desk's "today"). Never blocks."""
        today = self.clock.now().astimezone(SITE_TZ).date()
        return datetime.combine(today, time(0), tzinfo=SITE_TZ)

    def my_work(self, user: User, *, limit: int = 50) -> MyWork:
        """``user``'s own work: tickets they registered (``limit`` newest), the open callback
        tasks assigned to their agent (``user.agent``; none without one) and today's answered
        calls and talk time of that agent from the call record. Masked like everything the
        services return. Raises PermissionDenied (tickets.read for the tickets, callers.read for
        the callbacks), StoreError. Blocks."""
        start = self.day_start()
        tickets = self.tickets.mine(user, limit=limit) if self.tickets is not None else []
        callbacks: list[CallbackTask] = []
        calls, talk = 0, 0.0
        if self.calls is not None and user.agent:
            self.access.require(user, "callers.read", "list my callback tasks")
            # the port lists open tasks (oldest abandon first); mine are those assigned to my agent
            callbacks = [masked_task(t, user) for t in self.calls.callbacks("open", limit=10_000)
                         if t.assigned_to == user.agent]
            for r in self.calls.records(start.timestamp()):
                if r.agent == user.agent and r.answered_at is not None:
                    calls += 1
                    talk += r.talk_s
        return MyWork(tickets, callbacks, calls, talk, sum(t.created_at >= start for t in tickets))
