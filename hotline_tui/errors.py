"""Typed errors shared by the core, the adapters and the screens.

Every error a user can cause renders as one line (``str(err)``); the CLI prints that line on
stderr and exits non-zero, the console shows it in a notification. Nothing is written when one
is raised from a service call (services raise before or roll back the transaction).
"""

from __future__ import annotations


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


class StoreError(HotlineError):
    """The store failed to do what was asked; the message is one line."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (server down, file missing, connection lost)."""


class StoreBusy(StoreError):
    """The store is busy (database locked, lock timeout); trying again later may work."""


class IntegrityViolation(StoreError):
    """The store refused a write that breaks one of its constraints (unique, foreign key)."""


class DataRejected(StoreError):
    """The store refused a value (too long, wrong type, bad encoding)."""
