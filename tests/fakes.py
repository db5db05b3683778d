"""In-memory fakes of the store ports, for unit tests of the core services.

``FakeStore()`` is a bundle like ``backends.store.Store``: ``.tickets`` (TicketStore),
``.audit`` (AuditLog), ``.kb`` (KnowledgeStore) and ``.calls`` (CallStore), all on one
``FakeDb``, so the factories take it as they take the real one
(``ticket_service(FakeStore(), DEMO_DIR, clock)``).

They keep the real stores' semantics, not an idealised version of them
(tests/unit/test_fakes_agree_with_sqlite.py runs the same scenarios on both and compares):

- transactions are all or nothing: ``tx()`` copies every store's state on the outermost
  entry and puts the copy back when an exception leaves it; an inner ``tx()`` joins the outer
  one (as ``SqliteDb.tx`` does: no savepoints);
- optimistic locking: ``update`` raises ConflictError when the stored version is not the
  expected one (NotFound for a vanished article, as the SQL store);
- serial numbers per site day, gap-free: a failed registration gives its number back;
- what comes out is a copy: a ticket goes through its JSON snapshot like the SQL body
  column, times come back in the site's zone, audit snapshots through JSON;
- reads order as the SQL does (newest first, most overdue first, ...), ties by id.

Every method returns at once (no I/O); none blocks except on the bundle's lock.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Iterable, Iterator

from hotline_tui.audit import AuditEntry
from hotline_tui.calls import CallbackTask, CallRecord, ShiftNote
from hotline_tui.calls_port import TAKEN_BY_OUTCOME, AgentInterval
from hotline_tui.clock import SITE_TZ
from hotline_tui.errors import ConflictError, NotFound, ValidationError
from hotline_tui.kb.model import Article, ArticleVersion, Suggestion, Unanswered, article_from_snapshot
from hotline_tui.kb.terms import term_pinyin
from hotline_tui.kb.vocab import VocabRow
from hotline_tui.textfold import fold_fields, fold_query
from hotline_tui.tickets.events import EventTally, TicketEvent
from hotline_tui.tickets.model import Caller, Ticket, TicketFacts, TicketNote, facts_of, ticket_from_snapshot


def _site(dt: datetime | None) -> datetime | None:
    """As ``backends.db.from_ts`` gives a time back: aware, in the site's zone."""
    return None if dt is None else dt.astimezone(SITE_TZ)


def _json(value: Any) -> Any:
    """Through JSON and back, as the SQL stores keep snapshots (None stays None)."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False, default=str))


class FakeDb:
    """The shared transaction of one bundle. ``tx()`` is re-entrant (inner calls join)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.stores: list[_FakeTable] = []
        self._depth = 0
        self.commits = 0
        self.rollbacks = 0

    @contextmanager
    def tx(self) -> Iterator[FakeDb]:
        """One transaction over every store of the bundle: all of it is kept or none."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            saved = [copy.deepcopy(s.state) for s in self.stores]
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                for store, state in zip(self.stores, saved):
                    store.state = state
                self.rollbacks += 1
                raise
            self._depth = 0
            self.commits += 1


class _FakeTable:
    """A store whose whole state is ``self.state`` (a dict copied by ``FakeDb.tx``)."""

    def __init__(self, db: FakeDb, state: dict[str, Any]) -> None:
        self.db, self.state = db, state
        db.stores.append(self)

    def tx(self):
        return self.db.tx()

    def _next_id(self, key: str) -> int:
        self.state[key] += 1
        return self.state[key]


# -- audit ---------------------------------------------------------------------------------
class FakeAuditLog(_FakeTable):
    """AuditLog: append-only, ids from 1."""

    def __init__(self, db: FakeDb) -> None:
        super().__init__(db, {"entries": [], "last_id": 0})

    def append(self, entry: AuditEntry) -> int:
        with self.db.lock:
            eid = self._next_id("last_id")
            self.state["entries"].append(dataclasses.replace(
                entry, at=_site(entry.at), recorded_at=_site(entry.recorded_at), before=_json(entry.before),
                after=_json(entry.after), id=eid))
            return eid

    def for_subject(self, subject_type: str, subject_id: str) -> list[AuditEntry]:
        with self.db.lock:
            return [copy.deepcopy(e) for e in self.state["entries"]
                    if e.subject_type == subject_type and e.subject_id == subject_id]

    def by_action(self, action: str, after_id: int = 0, limit: int = 1000) -> list[AuditEntry]:
        with self.db.lock:
            return [copy.deepcopy(e) for e in self.state["entries"] if e.action == action and (e.id or 0) > after_id][:limit]

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        with self.db.lock:
            return [copy.deepcopy(e) for e in reversed(self.state["entries"][-limit:])] if limit > 0 else []


# -- tickets -------------------------------------------------------------------------------
def _stored(t: Ticket) -> Ticket:
    """What the SQL store keeps of a ticket: its snapshot (the JSON body) plus its id."""
    out = ticket_from_snapshot(json.loads(json.dumps(t.snapshot(), ensure_ascii=False)))
    out.id = t.id
    return out


def _le(a: datetime | None, b: datetime) -> bool:
    return a is not None and a <= b       # NULL compares false in SQL


def _lit_as(t: Ticket, now: datetime, light: str) -> bool:
    """The store's light conditions (backends/tickets_store.py _LIGHT_COND) on one ticket."""
    if light == "red":
        return _le(t.current_due, now)
    if light == "yellow":
        return _le(t.yellow_from, now) and t.current_due is not None and t.current_due > now
    return t.yellow_from is None or t.yellow_from > now


class FakeTicketStore(_FakeTable):
    """TicketStore on dicts; registration writes its audit entry to the bundle's audit log."""

    def __init__(self, db: FakeDb, audit: FakeAuditLog) -> None:
        super().__init__(db, {"tickets": {}, "last_id": 0, "serials": {}, "notes": [], "links": {},
                              "returns": {}, "callers": {}, "events": {}})
        self.audit = audit

    def next_serial(self, day: date) -> str:
        with self.db.lock:
            key = day.strftime("%Y%m%d")
            n = self.state["serials"].get(key, 0) + 1
            self.state["serials"][key] = n
            return f"{key}-{n:06d}"

    def set_serial_counter(self, day: date, last: int) -> None:
        """As SqlTicketStore's (after a bulk load that bypassed the counter)."""
        with self.db.lock:
            self.state["serials"][day.strftime("%Y%m%d")] = last

    def insert_new(self, ticket: Ticket, entry: AuditEntry) -> str:
        if ticket.serial:
            raise ValueError("insert_new allocates the serial; the ticket must not have one")
        day = ticket.created_at.astimezone(SITE_TZ).date()
        try:
            with self.db.tx():
                ticket.serial = self.next_serial(day)
                try:
                    self.insert(ticket)
                except ValidationError:
                    raise ValidationError(f"the serial counter of {day:%Y-%m-%d} is behind the stored tickets") from None
                after = None if entry.after is None else {**entry.after, "serial": ticket.serial}
                self.audit.append(dataclasses.replace(entry, subject_id=ticket.serial, after=after))
            return ticket.serial
        except BaseException:
            ticket.serial, ticket.id = "", None     # rolled back: the ticket has no serial
            raise

    def insert(self, ticket: Ticket) -> int:
        with self.db.lock:
            if ticket.serial in self.state["tickets"]:
                raise ValidationError(f"ticket {ticket.serial} already exists")
            ticket.id = self._next_id("last_id")
            self.state["tickets"][ticket.serial] = _stored(ticket)
            return ticket.id

    def update(self, ticket: Ticket, expected_version: int) -> None:
        with self.db.lock:
            old = self.state["tickets"].get(ticket.serial)
            if old is None or old.version != expected_version:
                raise ConflictError(f"ticket {ticket.serial}", expected_version, old.version if old else None)
            new = _stored(ticket)
            new.id = old.id
            self.state["tickets"][ticket.serial] = new

    def get(self, serial: str, *, for_update: bool = False) -> Ticket | None:
        # for_update: one thread per fake, so the row lock has nothing to exclude.
        with self.db.lock:
            t = self.state["tickets"].get(serial)
            return copy.deepcopy(t) if t else None

    def _page(self, rows: list[Ticket], limit: int, offset: int) -> list[Ticket]:
        return [copy.deepcopy(t) for t in rows[offset:offset + limit]]

    def _matching(self, state=None, department=None, category=None, phone=None, text=None, serial=None,
                  light=None, now=None, since=None, until=None) -> list[Ticket]:
        needle = fold_query(text) if text else ""
        if light and now is None:
            raise ValueError("a light filter needs now")
        return [t for t in self.state["tickets"].values()
                if (not state or t.state == state) and (not department or t.department == department)
                and (not category or t.category == category) and (not phone or t.caller_phone == phone)
                and (not needle or needle in fold_fields(t.content, t.caller_name, t.address))
                and (not serial or serial.strip() in t.serial) and (not light or _lit_as(t, now, light))
                and (since is None or t.created_at >= since) and (until is None or t.created_at < until)]

    def search(self, *, limit=50, offset=0, **filters):
        with self.db.lock:
            rows = self._matching(**filters)
            rows.sort(key=lambda t: (t.created_at, t.id), reverse=True)
            return self._page(rows, limit, offset)

    def count(self, **filters) -> int:
        with self.db.lock:
            return len(self._matching(**filters))

    def registered_by(self, user: str, *, since: datetime | None = None, limit: int = 50) -> list[Ticket]:
        with self.db.lock:
            rows = [t for t in self.state["tickets"].values()
                    if t.registered_by == user and (since is None or t.created_at >= since)]
            rows.sort(key=lambda t: (t.created_at, t.id), reverse=True)
            return self._page(rows, limit, 0)

    def _lit(self, now: datetime, light: str | None, department: str | None) -> list[Ticket]:
        out = []
        for t in self.state["tickets"].values():
            if light == "red":
                hit = _le(t.current_due, now)
            elif light == "yellow":
                hit = _le(t.yellow_from, now) and t.current_due is not None and t.current_due > now
            else:
                hit = _le(t.yellow_from, now)
            if hit and (not department or t.department == department):
                out.append(t)
        return out

    @staticmethod
    def _text_hit(t: Ticket, text: str | None) -> bool:
        needle = fold_query(text) if text else ""
        return (not needle or needle in fold_fields(t.content, t.caller_name, t.address) or needle in t.serial
                or needle in (t.department.lower(), t.category.lower()))

    def overdue(self, now: datetime, *, light=None, department=None, category=None, text=None, limit=50, offset=0):
        with self.db.lock:
            rows = [t for t in self._lit(now, light, department)
                    if (not category or t.category == category) and self._text_hit(t, text)]
            rows.sort(key=lambda t: (t.current_due, t.id))
            return self._page(rows, limit, offset)

    def overdue_counts(self, now: datetime, *, department=None, text=None) -> tuple[int, int]:
        with self.db.lock:
            lit = [t for t in self._lit(now, None, department) if self._text_hit(t, text)]
            red = sum(1 for t in lit if _le(t.current_due, now))
            return len(lit) - red, red

    def count_by_state(self) -> dict[str, int]:
        with self.db.lock:
            return dict(Counter(t.state for t in self.state["tickets"].values()))

    def touched(self, since: datetime, until: datetime, *, limit: int = 100_000) -> list[Ticket]:
        with self.db.lock:
            rows = [t for t in self.state["tickets"].values() if t.created_at < until
                    and (t.created_at >= since or (t.updated_at is not None and t.updated_at >= since))]
            return [copy.deepcopy(t) for t in sorted(rows, key=lambda t: (t.created_at, t.id))[:limit]]

    def due_between(self, start: datetime, end: datetime, *, limit: int = 10_000) -> list[Ticket]:
        with self.db.lock:
            rows = [t for t in self.state["tickets"].values() if t.current_due is not None and start <= t.current_due < end]
            return [copy.deepcopy(t) for t in sorted(rows, key=lambda t: (t.current_due, t.id))[:limit]]

    def add_event(self, event: TicketEvent) -> None:
        with self.db.lock:
            self.state["events"].setdefault((event.serial, event.version, event.kind), dataclasses.replace(event, at=_site(event.at)))

    def registered(self, since: datetime, until: datetime, *, limit: int = 1_000_000) -> list[Ticket]:
        with self.db.lock:
            rows = [t for t in self.state["tickets"].values() if since <= t.created_at < until]
            return [copy.deepcopy(t) for t in sorted(rows, key=lambda t: (t.created_at, t.id))[:limit]]

    def events(self, since: datetime, until: datetime, *, of_registered: bool = True,
               kind: str | None = None) -> list[TicketEvent]:
        with self.db.lock:
            tickets = self.state["tickets"]
            rows = [e for e in self.state["events"].values()
                    if (e.serial in tickets and since <= tickets[e.serial].created_at < until if of_registered
                        else since <= e.at < until) and (kind is None or e.kind == kind)]
            return sorted(rows, key=lambda e: (e.at, e.serial, e.version, e.kind))

    def facts(self, since: datetime, until: datetime) -> list[TicketFacts]:
        return [facts_of(t) for t in self.registered(since, until)]

    def event_tallies(self, since: datetime, until: datetime) -> list[EventTally]:
        live = {t.serial for t in self.registered(since, until) if t.state != "merged"}
        groups: dict[tuple[str, str], list[TicketEvent]] = {}
        for e in self.events(since, until):
            if e.serial in live and e.department:
                groups.setdefault((e.department, e.kind), []).append(e)
                groups.setdefault(("", e.kind), []).append(e)
        return sorted(EventTally(d, k, len(es), len({e.serial for e in es}), sum(e.n for e in es))
                      for (d, k), es in groups.items())

    def add_note(self, note: TicketNote) -> None:
        with self.db.lock:
            self.state["notes"].append(dataclasses.replace(note, at=_site(note.at)))

    def notes(self, serial: str) -> list[TicketNote]:
        with self.db.lock:
            return [n for n in self.state["notes"] if n.serial == serial]

    def link(self, a: str, b: str, kind: str) -> None:
        with self.db.lock:
            self.state["links"][(a, b)] = self.state["links"][(b, a)] = kind

    def links(self, serial: str) -> list[tuple[str, str]]:
        with self.db.lock:
            return sorted((b, kind) for (a, b), kind in self.state["links"].items() if a == serial)

    def count_return(self, department: str, wrong: bool) -> None:
        with self.db.lock:
            n, w = self.state["returns"].get(department, (0, 0))
            self.state["returns"][department] = (n + 1, w + int(wrong))

    def return_stats(self) -> dict[str, tuple[int, int]]:
        with self.db.lock:
            return dict(self.state["returns"])

    def caller(self, phone: str) -> Caller | None:
        with self.db.lock:
            return self.state["callers"].get(phone)

    def save_caller(self, caller: Caller) -> None:
        with self.db.lock:
            self.state["callers"][caller.phone] = caller


# -- calls ---------------------------------------------------------------------------------
class FakeCallStore(_FakeTable):
    """CallStore: call records (deduplicated), callback tasks (versioned), shift notes."""

    def __init__(self, db: FakeDb, audit: FakeAuditLog) -> None:
        super().__init__(db, {"records": [], "intervals": [], "tasks": {}, "last_task": 0, "notes": [], "last_note": 0})
        self.audit = audit

    def add_records(self, records: list[CallRecord]) -> int:
        with self.db.tx():
            have = {(r.node, r.member_uuid, r.joined_at, r.call_id) for r in self.state["records"]}
            n = 0
            for r in records:
                key = (r.node, r.member_uuid, r.joined_at, r.call_id)
                if key not in have:
                    have.add(key)
                    self.state["records"].append(r)
                    n += 1
                elif r.outcome in TAKEN_BY_OUTCOME:     # a taken caller replaces "abandoned" (SqlCallStore)
                    rows = self.state["records"]
                    for i, old in enumerate(rows):
                        if (old.node, old.member_uuid, old.joined_at, old.call_id) == key and old.outcome == "abandoned":
                            rows[i] = dataclasses.replace(old, outcome=r.outcome, answered_at=r.answered_at, wait_s=r.wait_s)
                            n += 1
            return n

    def records(self, since: float, until: float | None = None, queue: str | None = None) -> list[CallRecord]:
        with self.db.lock:
            rows = [r for r in self.state["records"]
                    if r.left_at >= since and (until is None or r.left_at < until) and (not queue or r.queue == queue)]
            return sorted(rows, key=lambda r: r.left_at)          # stable: insertion (id) order breaks ties

    def add_intervals(self, intervals: list[AgentInterval]) -> int:
        with self.db.tx():
            rows = self.state.setdefault("intervals", [])
            have = {(i.node, i.agent, i.started_at): k for k, i in enumerate(rows)}
            n = 0
            for iv in intervals:
                key = (iv.node, iv.agent, iv.started_at)
                if key not in have:
                    have[key] = len(rows)
                    rows.append(iv)
                    n += 1
                elif iv.reason and not rows[have[key]].reason:      # a later writer knows the reason
                    rows[have[key]] = dataclasses.replace(rows[have[key]], reason=iv.reason)
                    n += 1
            return n

    def intervals(self, since: float, until: float | None = None, agent: str | None = None) -> list[AgentInterval]:
        with self.db.lock:
            rows = [i for i in self.state.get("intervals", [])
                    if i.ended_at > since and (until is None or i.started_at < until) and (not agent or i.agent == agent)]
            return sorted(rows, key=lambda i: (i.started_at, i.node, i.agent))

    def add_callback(self, task: CallbackTask) -> int:
        with self.db.tx():
            tid = self._next_id("last_task")
            # As the SQL insert: a new task is open, without a note, updated when abandoned.
            self.state["tasks"][tid] = CallbackTask(tid, task.member_uuid, task.queue, task.caller_number,
                                                    task.caller_name, task.abandoned_at, task.assigned_to, "open", "",
                                                    task.abandoned_at, 1)
            return tid

    def open_callback_for(self, number: str) -> CallbackTask | None:
        with self.db.lock:
            return next((t for t in self.state["tasks"].values() if t.caller_number == number and t.state == "open"),
                        None)

    def callbacks(self, state: str | None = "open", limit: int = 200, *,
                  assigned_to: str | None = None) -> list[CallbackTask]:
        with self.db.lock:
            tasks = [t for t in self.state["tasks"].values() if assigned_to is None or t.assigned_to == assigned_to]
            if state:
                rows = sorted((t for t in tasks if t.state == state), key=lambda t: (t.abandoned_at, t.id))
            else:
                rows = sorted(tasks, key=lambda t: (-t.abandoned_at, t.id))
            return rows[:limit]

    def callback(self, task_id: int) -> CallbackTask | None:
        with self.db.lock:
            return self.state["tasks"].get(task_id)

    def update_callback(self, task: CallbackTask, expected_version: int, audit: AuditEntry) -> CallbackTask:
        with self.db.tx():
            old = self.state["tasks"].get(task.id)
            if old is None or old.version != expected_version:
                raise ConflictError(f"callback task {task.id}", expected_version, old.version if old else None)
            self.state["tasks"][task.id] = dataclasses.replace(
                old, assigned_to=task.assigned_to, state=task.state, note=task.note, updated_at=task.updated_at,
                version=task.version, attempts=task.attempts, due_at=task.due_at)
            self.audit.append(audit)
        return task

    def add_note(self, note: ShiftNote, audit: AuditEntry) -> int:
        with self.db.tx():
            nid = self._next_id("last_note")
            self.state["notes"].append(dataclasses.replace(note, id=nid))
            self.audit.append(audit)
        return nid

    def notes(self, shift_date: str, shift_name: str) -> list[ShiftNote]:
        with self.db.lock:
            return [n for n in self.state["notes"] if n.shift_date == shift_date and n.shift_name == shift_name]

    # -- callbacks from the desk (issue 17): cursor, attempts, presence, as the SQL ----------
    def assign_callback(self, task_id: int, agents: list[str], at: float) -> str:
        names = sorted(set(agents))
        if not names:
            return ""
        with self.db.tx():
            last = self.state.setdefault("cursor", "")
            later = [n for n in names if n > last]
            agent = later[0] if later else names[0]
            t = self.state["tasks"].get(task_id)
            if t is None or t.state != "open" or t.assigned_to:
                return ""
            self.state["tasks"][task_id] = dataclasses.replace(t, assigned_to=agent, version=t.version + 1,
                                                               updated_at=at)
            self.state["cursor"] = agent
        return agent

    def record_attempt(self, attempt, task, expected_version: int, audit) -> bool:
        with self.db.tx():
            rows = self.state.setdefault("attempts", [])
            if any((a.kind, a.ref, a.attempt) == (attempt.kind, attempt.ref, attempt.attempt) for a in rows):
                return False
            rows.append(attempt)
            if task is not None and audit is not None:
                self.update_callback(task, expected_version, audit)
            elif audit is not None:
                self.audit.append(audit)
        return True

    def attempts(self, kind: str, refs: list[str]) -> list:
        with self.db.lock:
            want = set(refs)
            rows = [a for a in self.state.get("attempts", []) if a.kind == kind and a.ref in want]
            return sorted(rows, key=lambda a: (a.ref, a.attempt))

    def save_presence(self, rows: list) -> int:
        with self.db.tx():
            have = self.state.setdefault("presence", {})
            for p in rows:
                have[(p.node, p.agent)] = p
        return len(rows)

    def presence(self) -> list:
        with self.db.lock:
            return sorted(self.state.get("presence", {}).values(), key=lambda p: (p.agent, p.node))


# -- knowledge -----------------------------------------------------------------------------
def _article_copy(a: Article) -> Article:
    return dataclasses.replace(a, tags=tuple(a.tags), created_at=_site(a.created_at), updated_at=_site(a.updated_at))


class FakeKnowledgeStore(_FakeTable):
    """KnowledgeStore: articles, versions, integer-weighted postings, vocabulary counts with a
    sequence number, unanswered questions. Scores are the same integer sums as the SQL."""

    def __init__(self, db: FakeDb) -> None:
        super().__init__(db, {"articles": {}, "last_id": 0, "versions": [], "postings": {}, "vocab": {},
                              "seq": 0, "n_articles": 0, "questions": {}, "last_q": 0})

    # articles
    def insert(self, article: Article) -> int:
        with self.db.lock:
            aid = self._next_id("last_id")
            self.state["articles"][aid] = dataclasses.replace(_article_copy(article), id=aid)
            return aid

    def update(self, article: Article, expected_version: int) -> None:
        with self.db.lock:
            old = self.state["articles"].get(article.id)
            if old is None:
                raise NotFound(f"no article {article.id}")
            if old.version != expected_version:
                raise ConflictError(f"article {article.id}", expected_version, old.version)
            self.state["articles"][article.id] = dataclasses.replace(_article_copy(article), created_at=old.created_at)

    def get(self, article_id: int) -> Article | None:
        with self.db.lock:
            a = self.state["articles"].get(int(article_id))
            return copy.deepcopy(a) if a else None

    def get_many(self, ids: list[int]) -> list[Article]:
        with self.db.lock:
            return [copy.deepcopy(self.state["articles"][i]) for i in sorted(set(map(int, ids)))
                    if i in self.state["articles"]]

    def by_source_keys(self, keys: list[str]) -> dict[str, int]:
        with self.db.lock:
            want = set(keys)
            return {a.source_key: aid for aid, a in self.state["articles"].items() if a.source_key and a.source_key in want}

    def all(self) -> Iterable[Article]:
        with self.db.lock:
            rows = [copy.deepcopy(a) for _, a in sorted(self.state["articles"].items())]
        return iter(rows)

    # versions
    def add_version(self, version: ArticleVersion) -> None:
        with self.db.lock:
            snap = article_from_snapshot(json.loads(json.dumps(version.article.snapshot(), ensure_ascii=False)))
            self.state["versions"].append(dataclasses.replace(version, at=_site(version.at), article=snap))

    def versions(self, article_id: int) -> list[ArticleVersion]:
        with self.db.lock:
            return sorted((copy.deepcopy(v) for v in self.state["versions"] if v.article_id == int(article_id)),
                          key=lambda v: v.version)

    # index
    def _bump_seq(self) -> int:
        self.state["seq"] += 1
        return self.state["seq"]

    def _vocab_add(self, deltas: dict[str, tuple[int, int]], seq: int) -> None:
        vocab = self.state["vocab"]
        for t, (d, k) in deltas.items():
            row = vocab.get(t)
            if row is None:
                vocab[t] = VocabRow(t, d, k, term_pinyin(t), seq)
            else:
                vocab[t] = VocabRow(t, row.df + d, row.kdf + k, row.py, seq)

    def index(self, article_id: int, terms: dict[str, int], keywords: set[str], published: bool) -> None:
        with self.db.tx():
            if article_id not in self.state["articles"]:
                raise NotFound(f"no article {article_id}")
            old = self.state["postings"].get(article_id)
            old_terms, old_kw = (old[0], old[1]) if old else ({}, set())
            deltas = {}
            for t in old_terms.keys() | old_kw | terms.keys() | keywords:
                d = ((t in terms or t in keywords) - (t in old_terms or t in old_kw), (t in keywords) - (t in old_kw))
                if d != (0, 0):
                    deltas[t] = d
            self._vocab_add(deltas, self._bump_seq())
            if old is None and terms:               # first indexed: one more article in the counts
                self.state["n_articles"] += 1
            self.state["postings"][article_id] = (dict(terms), set(keywords), bool(published))

    def _load(self, rows: list[tuple[int, dict[str, int], set[str], bool]], seq: int) -> None:
        df: Counter[str] = Counter()
        kdf: Counter[str] = Counter()
        for aid, terms, keywords, published in rows:
            self.state["postings"][aid] = (dict(terms), set(keywords), bool(published))
            df.update(terms.keys() | keywords)
            kdf.update(keywords)
        self._vocab_add({t: (d, kdf[t]) for t, d in df.items()}, seq)

    def bulk_add(self, rows: list[tuple[Article, dict[str, int], set[str]]], action: str, actor: str,
                 at: datetime) -> list[int]:
        if not rows:
            return []
        with self.db.tx():
            ids = []
            for a, _, _ in rows:
                a.id = self._next_id("last_id")
                ids.append(a.id)
                self.state["articles"][a.id] = _article_copy(a)
                self.add_version(ArticleVersion(a.id, a.version, action, at, actor, a))
            self._load([(a.id, terms, keywords, a.status == "published") for a, terms, keywords in rows],
                       self._bump_seq())
            self.state["n_articles"] += len(rows)
            return ids

    def replace_index(self, rows: Iterable[tuple[int, dict[str, int], set[str], bool]]) -> int:
        with self.db.tx():
            rows = list(rows)                       # read everything before writing
            seq = self._bump_seq()
            self.state["postings"] = {}
            self.state["vocab"] = {t: VocabRow(t, 0, 0, r.py, seq) for t, r in self.state["vocab"].items()}
            self._load(rows, seq)
            self.state["n_articles"] = len(rows)
            return len(rows)

    def tidy_index(self) -> None:
        """Nothing to tidy in memory."""

    def candidates(self, terms: dict[str, int], *, published_only: bool, per_term: int,
                   limit: int) -> list[tuple[int, int]]:
        with self.db.lock:
            scores: Counter[int] = Counter()
            for t, w in terms.items():
                hits = [(weight, aid) for aid, (ts, _, pub) in self.state["postings"].items()
                        if (weight := ts.get(t)) is not None and (pub or not published_only)]
                for weight, aid in sorted(hits, reverse=True)[:per_term]:
                    scores[aid] += weight * int(w)
            return sorted(scores.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]

    def vocab_since(self, seq: int) -> tuple[list[VocabRow], int, int]:
        with self.db.lock:
            rows = [dataclasses.replace(r) for r in self.state["vocab"].values() if r.seq > seq]
            return rows, self.state["n_articles"], self.state["seq"]

    # unanswered questions
    def record_question(self, key: str, text: str, source: str, at: datetime, by: str) -> Unanswered:
        with self.db.lock:
            qs = self.state["questions"]
            found = next((qid for qid, (k, _) in qs.items() if k == key), None)
            if found is None:
                found = self._next_id("last_q")
                qs[found] = (key, Unanswered(found, text, source, _site(at), by, 1, "open", None, _site(at)))
            else:
                q = qs[found][1]
                # As the SQL upsert: a flag wins over a search; an answered question opens again.
                qs[found] = (key, dataclasses.replace(
                    q, count=q.count + 1, last_at=_site(at), source="flag" if source == "flag" else q.source,
                    status="open" if q.status == "answered" else q.status))
            return qs[found][1]

    def questions(self, status: str | None = "open", limit: int = 200) -> list[Unanswered]:
        with self.db.lock:
            rows = [q for _, q in self.state["questions"].values() if not status or q.status == status]
            rows.sort(key=lambda q: (q.count, q.last_at, q.id), reverse=True)
            return rows[:limit]

    def question(self, qid: int) -> Unanswered | None:
        with self.db.lock:
            got = self.state["questions"].get(qid)
            return got[1] if got else None

    def close_question(self, qid: int, status: str, article_id: int | None) -> None:
        with self.db.lock:
            if qid in self.state["questions"]:
                key, q = self.state["questions"][qid]
                self.state["questions"][qid] = (key, dataclasses.replace(q, status=status, article_id=article_id))

    # suggested similar questions
    def learn_cursor(self) -> int:
        with self.db.lock:
            return int(self.state.get("learn_cursor", 0))

    def set_learn_cursor(self, value: int) -> None:
        with self.db.lock:
            self.state["learn_cursor"] = int(value)

    def add_suggestion(self, s: Suggestion, key: str) -> bool:
        with self.db.lock:
            rows = self.state.setdefault("suggestions", {})
            if any(r.article_id == s.article_id and k == key for k, r in rows.values()):
                return False
            sid = len(rows) + 1
            rows[sid] = (key, dataclasses.replace(s, id=sid, status="open", found_at=_site(s.found_at)))
            return True

    def suggestions(self, status: str | None = "open", limit: int = 200) -> list[Suggestion]:
        with self.db.lock:
            rows = [copy.deepcopy(r) for _, (_, r) in sorted(self.state.get("suggestions", {}).items())]
            return [r for r in rows if status is None or r.status == status][:limit]

    def suggestion(self, sid: int) -> Suggestion | None:
        with self.db.lock:
            row = self.state.get("suggestions", {}).get(int(sid))
            return copy.deepcopy(row[1]) if row else None

    def decide_suggestion(self, sid: int, status: str, by: str, at: datetime) -> None:
        with self.db.lock:
            rows = self.state.get("suggestions", {})
            if int(sid) in rows:
                key, r = rows[int(sid)]
                rows[int(sid)] = (key, dataclasses.replace(r, status=status, decided_by=by, decided_at=_site(at)))


class FakeStore:
    """The bundle: what ``backends.store.open_store`` returns, in memory."""

    dialect = "memory"
    describe = "in-memory fake store"

    def __init__(self) -> None:
        self.db = FakeDb()
        self.audit = FakeAuditLog(self.db)
        self.tickets = FakeTicketStore(self.db, self.audit)
        self.kb = FakeKnowledgeStore(self.db)
        self.calls = FakeCallStore(self.db, self.audit)

    def close(self) -> None:
        """Nothing to close."""


class FakeLeaseStore:
    """``hotline_tui.lease.LeaseStore`` in memory, with the SQL's rules (backends/lease_store.py)
    and a settable clock; ``down`` makes every call raise StoreUnavailable (an outage)."""

    def __init__(self, now: float = 1000.0) -> None:
        from hotline_tui.lease import LeaseState

        self._state = LeaseState
        self.now = now
        self.down = False
        self.rows: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _up(self) -> None:
        from hotline_tui.errors import StoreUnavailable

        if self.down:
            raise StoreUnavailable("fake leases", "connection lost")

    def try_acquire(self, name: str, holder: str, ttl_s: float) -> int | None:
        with self._lock:
            self._up()
            cur = self.rows.get(name)
            if cur is None:
                self.rows[name] = self._state(name, holder, self.now + ttl_s, 1)
                return 1
            if cur.holder != holder and cur.expires_at > self.now:
                return None
            epoch = cur.epoch if cur.holder == holder else cur.epoch + 1
            self.rows[name] = self._state(name, holder, self.now + ttl_s, epoch)
            return epoch

    def renew(self, name: str, holder: str, ttl_s: float) -> bool:
        with self._lock:
            self._up()
            cur = self.rows.get(name)
            if cur is None or cur.holder != holder:
                return False
            self.rows[name] = dataclasses.replace(cur, expires_at=self.now + ttl_s)
            return True

    def release(self, name: str, holder: str) -> None:
        with self._lock:
            self._up()
            cur = self.rows.get(name)
            if cur is not None and cur.holder == holder:
                self.rows[name] = dataclasses.replace(cur, holder="", expires_at=0.0)

    def current(self, name: str):
        self._up()
        return self.rows.get(name)

    def all(self) -> list:
        self._up()
        return [self.rows[k] for k in sorted(self.rows)]
