"""Typed errors shared by the core, the adapters and the screens.

Every error a user can cause renders as one line (``str(err)``); the CLI prints that line on
stderr and exits non-zero, the console shows it in a notification. Nothing is written when one
is raised from a service call (services raise before or roll back the transaction).
"""

from __future__ import annotations

from .text import nul_field, terminal_safe


class HotlineError(Exception):
    """Base of every error the project raises on purpose. ``exit_code`` is used by the CLI."""

    exit_code = 1


class ConfigError(HotlineError):
    """Broken configuration: names the file, the line and the key."""

    exit_code = 2

    def __init__(self, file: str, line: int | None, key: str | None, message: str):
        self.file, self.line, self.key, self.message = file, line, key, message
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class ValidationError(HotlineError):
    """Bad input value (unknown category, bad phone number, oversize field, ...)."""

    exit_code = 2


def refuse_nul(where: str = "", **fields: object) -> None:
    """Raise ``ValidationError`` naming the first field whose text holds a NUL (U+0000).

    Text with NUL is refused at the service boundary, the same on both stores (PostgreSQL
    cannot store it; SQLite could, and would then hand it to every screen): docs/text.md.
    ``where`` (e.g. ``"call record 6f1c…"``) starts the message when given. Pure."""
    name = nul_field(**fields)
    if name is not None:
        prefix = f"{where}: " if where else ""
        raise ValidationError(f"{prefix}{name}: contains a NUL character (\\x00); text with NUL is refused")


class NotFound(HotlineError):
    """The named object does not exist."""


class PermissionDenied(HotlineError):
    """The acting user's role lacks the permission the action needs."""

    exit_code = 3

    def __init__(self, user: str, permission: str, action: str | None = None):
        self.user, self.permission, self.action = user, permission, action
        what = f" to {action}" if action else ""
        super().__init__(f"permission denied: {user} lacks '{permission}'{what}")


class IllegalTransition(HotlineError):
    """A workflow action that the object's current state does not allow."""

    exit_code = 4

    def __init__(self, state: str, action: str, subject: str = "ticket"):
        self.state, self.action, self.subject = state, action, subject
        super().__init__(f"illegal transition: cannot {action} a {subject} in state '{state}'")


class ConflictError(HotlineError):
    """Optimistic-lock failure: someone else saved the object since it was read."""

    exit_code = 5

    def __init__(self, subject: str, expected: int, actual: int | None):
        self.subject, self.expected, self.actual = subject, expected, actual
        super().__init__(
            f"edit conflict: {subject} was changed by someone else "
            f"(you had version {expected}, it is now {actual}); reload and try again"
        )


class ProtocolError(HotlineError):
    """Malformed data from the switch (bad frame, oversize frame, bad header)."""


class LinkError(HotlineError):
    """The switch link is down or a command timed out."""


# -- store errors ------------------------------------------------------------------------------
# ``backends/db.py`` is the only place that turns a driver's exception (sqlite3.Error,
# psycopg.Error) into one of these; everything above it (stores, services, the CLI, the screens)
# catches these types and never a driver's. The driver's exception stays as ``__cause__`` for
# logs and debugging; the message is one line either way.

_DETAIL_MAX = 240


def one_line(text: object, fallback: str = "") -> str:
    """The first non-empty line of ``text``, with control characters made visible and cut to a
    length a terminal line can hold. Driver messages are multi-line (DETAIL, HINT, CONTEXT, the
    offending SQL with a caret) and may quote stored data; the user gets the first line only."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    line = terminal_safe(lines[0]) if lines else fallback
    return line if len(line) <= _DETAIL_MAX else line[: _DETAIL_MAX - 1] + "…"


class StoreError(HotlineError):
    """The store (a SQLite file or a PostgreSQL server) failed a call. Raised by every store
    method; the base class is what an unclassified driver error (a bug: bad SQL, a missing table)
    becomes. Nothing of the failed call is written: its statement or transaction rolled back.

    ``store`` names the store without secrets (``sqlite:/path/hotline.db``,
    ``postgresql://user@host:port/db``); ``detail`` is the driver's first line.
    """

    exit_code = 6
    #: How the message starts; each subclass says what kind of failure it is.
    what = "store error"
    #: What the user can do about it (appended after the detail), or "".
    hint = ""

    def __init__(self, store: str, detail: str):
        self.store = one_line(store, "store")
        self.detail = one_line(detail, type(self).__name__)
        hint = f"; {self.hint}" if self.hint else ""
        super().__init__(f"{self.what} ({self.store}): {self.detail}{hint}")


class StoreUnavailable(StoreError):
    """The store cannot be reached or used: the server refuses or drops the connection, the
    handle is closed, the file cannot be opened or is not a database, the disk fails or is full.
    Retrying may help once the store is back; the call did nothing."""

    exit_code = 6
    what = "store unavailable"


class StoreBusy(StoreError):
    """The store is there but did not serve the call in time: a SQLite database locked by
    another writer past the busy timeout, a PostgreSQL lock timeout, a serialization failure or
    a deadlock (the transaction was rolled back), a statement timeout. Trying again is safe."""

    exit_code = 7
    what = "store busy"
    hint = "try again"


class IntegrityViolation(StoreError):
    """The store refused a write that breaks one of its rules: a unique key, a foreign key, a
    check or not-null constraint, or a trigger that forbids it (the audit log is append-only).

    ``kind`` is "unique", "foreign_key", "not_null", "check", "exclusion", "rule" (a trigger or
    a database rule) or "" (unknown) — what a store inspects to give the user a domain error
    (a duplicate serial becomes "the serial counter is behind"), instead of a driver's code.
    """

    exit_code = 8
    what = "rejected by the store"

    def __init__(self, store: str, detail: str, kind: str = ""):
        self.kind = kind
        super().__init__(store, detail)


class DataRejected(StoreError):
    """The driver or the database refused a value: a NUL character in text (PostgreSQL), a
    number out of the column's range, text that is not a valid value of the column's type, a
    string too long for its column. The caller's data is at fault; the call did nothing."""

    exit_code = 2
    what = "data rejected by the store"
