"""Tickets on SQLite and PostgreSQL: one class over ``backends.db.Db``.

The whole record is kept as JSON in ``body``; the columns the lists filter and sort on
(state, department, due times, phone, created) are real indexed columns beside it.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime

from hotline_tui.audit import AuditEntry
from hotline_tui.clock import SITE_TZ
from hotline_tui.errors import ConflictError, IntegrityViolation, ValidationError
from hotline_tui.textfold import fold_fields, fold_query
from hotline_tui.tickets.events import EventTally, TicketEvent
from hotline_tui.tickets.model import Caller, Ticket, TicketFacts, TicketNote, ticket_from_snapshot
from hotline_tui.tickets.workflow import ACTIVE

from . import audit_store
from .db import Db, from_ts
from .schema.tickets import add_event, report_facts_of

_COLS = ("serial", "version", "state", "created_at", "channel", "caller_phone", "caller_name", "address",
         "district", "category", "subcategory", "urgency", "content", "call_id", "recording_id", "department",
         "current_due", "yellow_from", "updated_at", "closed_at", "registered_by", "cited_article")
_TIME_COLS = {"created_at", "current_due", "yellow_from", "updated_at", "closed_at"}
# Written beside the ticket's own fields: what the text search compares (textfold: NFKC +
# case folding, computed here, so SQLite and PostgreSQL match the same tickets).
_WRITE_COLS = _COLS + ("search_fold", "report_facts")  # report_facts: tickets migration "department events"
# A snapshot's JSON text starts with its serial (the first field of Ticket); a registration on
# PostgreSQL sends the text after it and lets the database put the allocated serial in front.
_SERIAL_HEAD = '{"serial": "'
_PG_SERIAL = "CAST(:day AS text) || '-' || lpad(last::text, greatest(6, length(last::text)), '0')"


def _after_serial(text: str) -> str:
    """The JSON text of a snapshot whose serial is still "" without its leading ``{"serial": "``."""
    if not text.startswith(_SERIAL_HEAD + '"'):
        raise ValueError("a new ticket's snapshot must start with an empty serial")
    return text[len(_SERIAL_HEAD):]


def _site_day(dt: datetime) -> date:
    """The serial's day: the site's calendar date of ``dt``."""
    return dt.astimezone(SITE_TZ).date()


def _counter_behind(day: date) -> ValidationError:
    # Only after a bulk load that skipped set_serial_counter; nothing is written, the counter
    # does not move (fix the counter, not the ticket).
    return ValidationError(f"the serial counter of {day:%Y-%m-%d} is behind the stored tickets")


def _pg_register_sql() -> str:
    """One statement: bump the day's counter, insert the ticket under the new serial and its
    audit entry. A single statement is atomic on its own (no BEGIN/COMMIT round trips outside a
    transaction); the counter row stays locked until commit, so concurrent registrations queue
    on it and get distinct, gap-free serials."""
    cols = ", ".join(_WRITE_COLS) + ", body"
    vals = ", ".join("(SELECT serial FROM s)" if c == "serial" else f":{c}" for c in _WRITE_COLS)
    acols = ", ".join(audit_store.COLUMNS)
    avals = ", ".join({"subject_id": "(SELECT serial FROM t)",
                       "after_json": f"'{_SERIAL_HEAD}' || (SELECT serial FROM t) || :a_after_json"}.get(c, f":a_{c}")
                      for c in audit_store.COLUMNS)
    return (
        "WITH s AS (INSERT INTO ticket_serials (day, last) VALUES (:day, 1) "
        f"ON CONFLICT (day) DO UPDATE SET last = ticket_serials.last + 1 RETURNING {_PG_SERIAL} AS serial), "
        f"t AS (INSERT INTO tickets ({cols}) VALUES ({vals}, '{_SERIAL_HEAD}' || (SELECT serial FROM s) || :body) "
        "RETURNING id, serial), "
        f"a AS (INSERT INTO audit_log ({acols}) VALUES ({avals}) RETURNING id) "
        "SELECT t.id, t.serial FROM t, a")


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _text_match(text: str | None, *, codes: bool = False) -> tuple[str, dict]:
    """The condition for a text filter (or "" for none): the folded content, caller name or
    address contains it -- both sides folded the same way (textfold), so case and width never
    decide a match on either store. With ``codes`` also a serial containing it or a department
    or category code equal to it (the console's filter box)."""
    needle = fold_query(text) if text else ""
    if not needle:
        return "", {}
    cond = "search_fold LIKE :text ESCAPE '\\'"
    if codes:
        cond = f"({cond} OR serial LIKE :text ESCAPE '\\' OR LOWER(department) = :code OR LOWER(category) = :code)"
    return cond, {"text": _like(needle), "code": needle}


# The lights as conditions on the stored clock columns (as ``overdue`` lists them): green is
# every ticket no clock of which has turned yellow (closed ones have no running clock).
_LIGHT_COND = {"red": "current_due <= :now", "yellow": "(yellow_from <= :now AND current_due > :now)",
               "green": "(yellow_from IS NULL OR yellow_from > :now)"}


class SqlTicketStore:
    def __init__(self, db: Db, audit: audit_store.SqlAuditLog | None = None):
        self.db = db
        # Registration writes its audit entry itself (same database, same statement on PostgreSQL).
        self.audit = audit or audit_store.SqlAuditLog(db)

    def tx(self):
        return self.db.tx()

    # -- tickets -------------------------------------------------------------------------
    def _params(self, t: Ticket) -> dict:
        p = {c: getattr(t, c) for c in _COLS}
        for c in _TIME_COLS:
            p[c] = self.db.ts(p[c])
        p["search_fold"] = fold_fields(t.content, t.caller_name, t.address)
        snap = t.snapshot()
        p["body"] = json.dumps(snap, ensure_ascii=False)
        p["report_facts"] = report_facts_of(snap)
        return p

    def next_serial(self, day: date) -> str:
        key = day.strftime("%Y%m%d")
        # One upsert-and-increment statement (atomic on its own; it locks the day's row until
        # the caller's transaction ends): two writers never get one serial.
        n = self.db.query_row(
            "INSERT INTO ticket_serials (day, last) VALUES (:d, 1) "
            "ON CONFLICT (day) DO UPDATE SET last = ticket_serials.last + 1 RETURNING last", {"d": key})["last"]
        return f"{key}-{int(n):06d}"

    def insert_new(self, ticket: Ticket, entry: AuditEntry) -> str:
        if ticket.serial:
            raise ValueError("insert_new allocates the serial; the ticket must not have one")
        try:
            if self.db.dialect == "postgres":
                return self._insert_new_pg(ticket, entry)
            with self.db.tx():
                ticket.serial = self.next_serial(_site_day(ticket.created_at))
                try:
                    self.insert(ticket)
                except ValidationError:
                    raise _counter_behind(_site_day(ticket.created_at)) from None
                after = None if entry.after is None else {**entry.after, "serial": ticket.serial}
                self.audit.append(dataclasses.replace(entry, subject_id=ticket.serial, after=after))
            return ticket.serial
        except BaseException:
            ticket.serial, ticket.id = "", None     # rolled back: the ticket has no serial
            raise

    def _insert_new_pg(self, ticket: Ticket, entry: AuditEntry) -> str:
        key = _site_day(ticket.created_at).strftime("%Y%m%d")
        p = self._params(ticket)
        p["day"] = key
        p["body"] = _after_serial(p["body"])
        for c, v in self.audit.row(entry).items():
            p[f"a_{c}"] = v
        p["a_after_json"] = _after_serial(p["a_after_json"] or "")
        try:
            row = self.db.query_row(_PG_REGISTER, p)
        except IntegrityViolation as exc:
            # A unique violation: the serial is the tickets' only unique key written here.
            if exc.kind == "unique":
                raise _counter_behind(_site_day(ticket.created_at)) from None
            raise
        ticket.serial, ticket.id = row["serial"], int(row["id"])
        return ticket.serial

    def insert(self, ticket: Ticket) -> int:
        p = self._params(ticket)
        cols = ", ".join(_WRITE_COLS) + ", body"
        vals = ", ".join(f":{c}" for c in _WRITE_COLS) + ", :body"
        # ON CONFLICT DO NOTHING: a duplicate serial returns no row instead of aborting the
        # transaction (PostgreSQL), and costs no extra round trip.
        row = self.db.query_one(f"INSERT INTO tickets ({cols}) VALUES ({vals}) ON CONFLICT (serial) DO NOTHING RETURNING id", p)
        if row is None:
            raise ValidationError(f"ticket {ticket.serial} already exists")
        ticket.id = int(row["id"])
        return ticket.id

    def bulk_insert(self, tickets: list[Ticket]) -> None:
        """Insert many tickets in one transaction (demo seeding, benchmarks). Serials must be
        unique and are not taken from the serial counter: call ``set_serial_counter`` after."""
        cols = ", ".join(_WRITE_COLS) + ", body"
        vals = ", ".join(f":{c}" for c in _WRITE_COLS) + ", :body"
        sql = f"INSERT INTO tickets ({cols}) VALUES ({vals})"
        with self.db.tx():
            self.db.executemany(sql, [self._params(t) for t in tickets])

    def set_serial_counter(self, day: date, last: int) -> None:
        key = day.strftime("%Y%m%d")
        self.db.execute(
            "INSERT INTO ticket_serials (day, last) VALUES (:d, :n) ON CONFLICT (day) DO UPDATE SET last = :n",
            {"d": key, "n": last})

    def update(self, ticket: Ticket, expected_version: int) -> None:
        p = self._params(ticket)
        p["expected"] = expected_version
        sets = ", ".join(f"{c} = :{c}" for c in _WRITE_COLS if c != "serial") + ", body = :body"
        n = self.db.execute(f"UPDATE tickets SET {sets} WHERE serial = :serial AND version = :expected", p)
        if n != 1:
            row = self.db.query_one("SELECT version FROM tickets WHERE serial = :s", {"s": ticket.serial})
            raise ConflictError(f"ticket {ticket.serial}", expected_version, row["version"] if row else None)

    def _ticket(self, row) -> Ticket:
        t = ticket_from_snapshot(json.loads(row["body"]))
        t.id = row["id"]
        return t

    def get(self, serial: str, *, for_update: bool = False) -> Ticket | None:
        sql = "SELECT id, body FROM tickets WHERE serial = :s"
        # for_update: read-modify-write inside the caller's transaction. PostgreSQL locks the
        # row until commit, so a concurrent save waits and then reads the version it applies
        # to; SQLite's BEGIN IMMEDIATE already holds the database's write lock.
        if for_update and self.db.dialect == "postgres":
            sql += " FOR UPDATE"
        row = self.db.query_one(sql, {"s": serial})
        return self._ticket(row) if row else None

    def _filters(self, state=None, department=None, category=None, phone=None, text=None, *, serial=None,
                 light=None, now=None, since=None, until=None) -> tuple[str, dict]:
        """The WHERE clause (or "") and its parameters shared by ``search`` and ``count``."""
        where, p = [], {}
        for col, val in (("state", state), ("department", department), ("category", category), ("caller_phone", phone)):
            if val:
                where.append(f"{col} = :{col}")
                p[col] = val
        if serial:
            where.append("serial LIKE :serial ESCAPE '\\'")
            p["serial"] = _like(serial.strip())
        if light:
            if now is None:
                raise ValueError("a light filter needs now")
            where.append(_LIGHT_COND[light])
            p["now"] = self.db.ts(now)
        if since is not None:
            where.append("created_at >= :since")
            p["since"] = self.db.ts(since)
        if until is not None:
            where.append("created_at < :until")
            p["until"] = self.db.ts(until)
        cond, tp = _text_match(text)
        if cond:
            where.append(cond)
            p.update(tp)
        return (" WHERE " + " AND ".join(where) if where else ""), p

    def search(self, *, state=None, department=None, category=None, phone=None, text=None, serial=None, light=None,
               now=None, since=None, until=None, limit=50, offset=0):
        where, p = self._filters(state, department, category, phone, text, serial=serial, light=light, now=now,
                                 since=since, until=until)
        p.update(limit=limit, offset=offset)
        sql = "SELECT id, body FROM tickets" + where + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset"
        return [self._ticket(r) for r in self.db.query(sql, p)]

    def count(self, *, state=None, department=None, category=None, phone=None, text=None, serial=None, light=None,
              now=None, since=None, until=None) -> int:
        where, p = self._filters(state, department, category, phone, text, serial=serial, light=light, now=now,
                                 since=since, until=until)
        return int(self.db.query("SELECT COUNT(*) AS n FROM tickets" + where, p)[0]["n"])

    def registered_by(self, user: str, *, since: datetime | None = None, limit: int = 50) -> list[Ticket]:
        p: dict = {"u": user, "limit": limit}
        sql = "SELECT id, body FROM tickets WHERE registered_by = :u"
        if since is not None:
            sql += " AND created_at >= :since"
            p["since"] = self.db.ts(since)
        sql += " ORDER BY created_at DESC, id DESC LIMIT :limit"
        return [self._ticket(r) for r in self.db.query(sql, p)]

    def overdue(self, now: datetime, *, light=None, department=None, category=None, text=None, limit=50, offset=0):
        p = {"now": self.db.ts(now), "limit": limit, "offset": offset}
        if light == "red":
            cond = "current_due <= :now"
        elif light == "yellow":
            cond = "yellow_from <= :now AND current_due > :now"
        else:
            cond = "yellow_from <= :now"
        sql = f"SELECT id, body FROM tickets WHERE {cond}"
        if department:
            sql += " AND department = :dep"
            p["dep"] = department
        if category:
            sql += " AND category = :cat"
            p["cat"] = category
        cond, tp = _text_match(text, codes=True)
        if cond:
            sql += " AND " + cond
            p.update(tp)
        sql += " ORDER BY current_due, id LIMIT :limit OFFSET :offset"
        return [self._ticket(r) for r in self.db.query(sql, p)]

    def overdue_counts(self, now: datetime, *, department=None, text=None) -> tuple[int, int]:
        p = {"now": self.db.ts(now)}
        sql = ("SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN current_due <= :now THEN 1 ELSE 0 END), 0) AS red "
               "FROM tickets WHERE yellow_from <= :now")
        if department:
            sql += " AND department = :dep"
            p["dep"] = department
        cond, tp = _text_match(text, codes=True)
        if cond:
            sql += " AND " + cond
            p.update(tp)
        row = self.db.query(sql, p)[0]
        return int(row["n"]) - int(row["red"]), int(row["red"])

    def count_by_state(self) -> dict[str, int]:
        return {r["state"]: int(r["n"]) for r in self.db.query("SELECT state, COUNT(*) AS n FROM tickets GROUP BY state")}

    def touched(self, since: datetime, until: datetime, *, limit: int = 100_000) -> list[Ticket]:
        p = {"since": self.db.ts(since), "until": self.db.ts(until), "limit": limit}
        sql = ("SELECT id, body FROM tickets WHERE created_at < :until AND (created_at >= :since OR updated_at >= :since)"
               " ORDER BY created_at, id LIMIT :limit")
        return [self._ticket(r) for r in self.db.query(sql, p)]

    def due_between(self, start: datetime, end: datetime, *, limit: int = 10_000) -> list[Ticket]:
        p = {"a": self.db.ts(start), "b": self.db.ts(end), "limit": limit}
        sql = "SELECT id, body FROM tickets WHERE current_due >= :a AND current_due < :b ORDER BY current_due, id LIMIT :limit"
        return [self._ticket(r) for r in self.db.query(sql, p)]

    # -- department events (reports) ------------------------------------------------------------
    def add_event(self, event: TicketEvent) -> None:
        add_event(self.db, event)

    def registered(self, since: datetime, until: datetime, *, limit: int = 1_000_000) -> list[Ticket]:
        p = {"a": self.db.ts(since), "b": self.db.ts(until), "limit": limit}
        sql = "SELECT id, body FROM tickets WHERE created_at >= :a AND created_at < :b ORDER BY created_at, id LIMIT :limit"
        return [self._ticket(r) for r in self.db.query(sql, p)]

    def events(self, since: datetime, until: datetime, *, of_registered: bool = True,
               kind: str | None = None) -> list[TicketEvent]:
        p = {"a": self.db.ts(since), "b": self.db.ts(until), "k": kind}
        if of_registered:
            sql = ("SELECT e.* FROM ticket_events e JOIN tickets t ON t.serial = e.serial"
                   " WHERE t.created_at >= :a AND t.created_at < :b")
        else:
            sql = "SELECT e.* FROM ticket_events e WHERE e.at >= :a AND e.at < :b"
        if kind is not None:
            sql += " AND e.kind = :k"
        rows = self.db.query_tuples(sql.replace("e.*", "e.serial, e.version, e.kind, e.department, e.at, e.n, e.result, e.handler")
                                    + " ORDER BY e.at, e.serial, e.version, e.kind", p)
        return [TicketEvent(r[0], int(r[1]), r[2], r[3], from_ts(r[4]), int(r[5]), r[6], r[7]) for r in rows]

    def facts(self, since: datetime, until: datetime) -> list[TicketFacts]:
        # ``report_facts`` (written with every save) holds the body's counted fields as a small
        # JSON array: a month of a big site is 60,000 tickets, and parsing whole bodies — in
        # Python or with the databases' JSON functions — took most of the report's time.
        sql = ("SELECT serial, state, created_at, category, channel, department, updated_at, report_facts FROM tickets"
               " WHERE created_at >= :a AND created_at < :b ORDER BY created_at, id")
        iso, loads = datetime.fromisoformat, json.loads

        def when(v):
            # SQLite keeps site-zone ISO text (Db.ts), PostgreSQL gives aware datetimes: compared
            # as instants, so no conversion to the site zone is needed (it cost a third of the read).
            return None if not v else v if isinstance(v, datetime) else iso(v)
        out = []
        for r in self.db.query_tuples(sql, {"a": self.db.ts(since), "b": self.db.ts(until)}):
            b = loads(r[7])
            out.append(TicketFacts(r[0], r[1], when(r[2]), r[3], r[4], r[5], b[0] or "", int(b[1] or 0), when(b[2]),
                                   when(b[3]), when(b[4]), when(b[5]), when(b[6]), int(b[7] or 0), b[8] or "",
                                   when(b[9]), when(r[6])))
        return out

    def event_tallies(self, since: datetime, until: datetime) -> list[EventTally]:
        p = {"a": self.db.ts(since), "b": self.db.ts(until)}
        # registered_at (the ticket's, stored with each event) spares a join to every ticket;
        # the month's merged tickets are few and looked up once.
        base = (" FROM ticket_events e WHERE e.registered_at >= :a AND e.registered_at < :b AND e.department <> ''"
                " AND e.serial NOT IN (SELECT serial FROM tickets WHERE state = 'merged'"
                " AND created_at >= :a AND created_at < :b)")
        agg = "COUNT(*), COUNT(DISTINCT e.serial), SUM(e.n)"
        rows = self.db.query_tuples(f"SELECT e.department, e.kind, {agg}{base} GROUP BY e.department, e.kind", p)
        rows += self.db.query_tuples(f"SELECT '', e.kind, {agg}{base} GROUP BY e.kind", p)
        return sorted(EventTally(r[0], r[1], int(r[2]), int(r[3]), int(r[4] or 0)) for r in rows)

    # -- notes, links, returns, callers -------------------------------------------------------
    def add_note(self, note: TicketNote) -> None:
        self.db.execute(
            "INSERT INTO ticket_notes (serial, kind, at, actor, text) VALUES (:s, :k, :at, :a, :t)",
            {"s": note.serial, "k": note.kind, "at": self.db.ts(note.at), "a": note.actor, "t": note.text})

    def notes(self, serial: str) -> list[TicketNote]:
        return [TicketNote(r["serial"], r["kind"], from_ts(r["at"]), r["actor"], r["text"])
                for r in self.db.query("SELECT * FROM ticket_notes WHERE serial = :s ORDER BY id", {"s": serial})]

    def link(self, a: str, b: str, kind: str) -> None:
        for x, y in ((a, b), (b, a)):
            self.db.execute("INSERT INTO ticket_links (a, b, kind) VALUES (:a, :b, :k) ON CONFLICT (a, b) DO UPDATE SET kind = :k",
                            {"a": x, "b": y, "k": kind})

    def links(self, serial: str) -> list[tuple[str, str]]:
        return [(r["b"], r["kind"]) for r in self.db.query("SELECT b, kind FROM ticket_links WHERE a = :a ORDER BY b", {"a": serial})]

    def count_return(self, department: str, wrong: bool) -> None:
        self.db.execute(
            "INSERT INTO department_returns (department, returns, wrong) VALUES (:d, 1, :w) "
            "ON CONFLICT (department) DO UPDATE SET returns = department_returns.returns + 1, "
            "wrong = department_returns.wrong + :w", {"d": department, "w": int(wrong)})

    def return_stats(self) -> dict[str, tuple[int, int]]:
        return {r["department"]: (int(r["returns"]), int(r["wrong"])) for r in self.db.query("SELECT * FROM department_returns")}

    def caller(self, phone: str) -> Caller | None:
        r = self.db.query_one("SELECT * FROM callers WHERE phone = :p", {"p": phone})
        return Caller(r["phone"], r["name"], r["caller_class"], r["note"]) if r else None

    def save_caller(self, caller: Caller) -> None:
        self.db.execute(
            "INSERT INTO callers (phone, name, caller_class, note) VALUES (:p, :n, :c, :o) "
            "ON CONFLICT (phone) DO UPDATE SET name = :n, caller_class = :c, note = :o",
            {"p": caller.phone, "n": caller.name, "c": caller.caller_class, "o": caller.note})


_PG_REGISTER = _pg_register_sql()

assert ACTIVE  # the overdue list relies on current_due being NULL outside active states

