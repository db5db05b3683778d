"""The QA store port: card versions, evaluations and appeals. Implemented by
``backends.qa_store.SqlQaStore`` (SQLite and PostgreSQL, schema component ``qa``).

Every method blocks (database I/O). An outage raises ``StoreUnavailable`` or ``StoreBusy``; a
refused write ``IntegrityViolation`` or ``DataRejected`` (``hotline_tui.errors``, all
``StoreError``); nothing of a failed call is written. Each write takes the audit entries of
what it changes and commits them in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..audit import AuditEntry

#: assigned (sampled, not yet scored) -> submitted (scores locked) -> appealed -> decided
STATES = ("assigned", "submitted", "appealed", "decided")


@dataclass
class Evaluation:
    """One inspector's evaluation of one call and the ticket registered from it.
    Natural key: (call_key, inspector)."""

    period: str                  # YYYY-MM (site time) of the call
    call_key: str                # the call's call_id
    agent: str                   # the mod_callcenter agent who answered
    inspector: str               # the user who scores it
    call: dict[str, Any]         # the call record's facts when sampled (times, queue, recording id)
    call_card: str
    call_card_version: int
    ticket_serial: str = ""
    ticket_card: str = ""
    ticket_card_version: int = 0
    purpose: str = "sample"      # sample | calibration (a second inspector on the same call)
    stratum: str = "random"      # random | unsatisfied | returned | complaint
    state: str = "assigned"
    marks: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # card kind -> item -> Mark json
    prefill: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # the same, as pre-filled
    fatal: list[str] = field(default_factory=list)
    score: float | None = None
    call_score: float | None = None
    ticket_score: float | None = None
    created_at: float = 0.0
    submitted_at: float | None = None
    version: int = 1
    id: int = 0

    def snapshot(self) -> dict[str, Any]:
        """The record as JSON-able data (audit before/after, ``--json``)."""
        from dataclasses import asdict

        return asdict(self)


@dataclass
class Appeal:
    """An agent's one appeal of an evaluation and the lead's decision. Natural key: evaluation_id."""

    evaluation_id: int
    agent_user: str
    reason: str
    at: float
    decided_by: str = ""
    decision: str = ""           # "" (open) | upheld (scores changed) | rejected (scores stand)
    note: str = ""
    decided_at: float | None = None
    score_before: float | None = None
    score_after: float | None = None


class QaStore(Protocol):
    def card_digest(self, name: str, version: int) -> str | None:
        """The digest stored for card ``name`` at ``version`` (None when never stored).
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def save_card(self, name: str, version: int, kind: str, digest: str, body: dict[str, Any],
                  at: float, audit: AuditEntry) -> bool:
        """Store a card version once (its natural key is (name, version)); True when it was new
        (then ``audit`` is appended with it), False when already stored (nothing written).
        Raises StoreUnavailable or StoreBusy, DataRejected. Blocks."""
        ...

    def card_body(self, name: str, version: int) -> dict[str, Any] | None:
        """The stored card version (``Card.model_dump``), None when unknown. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_evaluations(self, evaluations: list[Evaluation], actor: str, at: float) -> list[Evaluation]:
        """Insert the evaluations whose (call_key, inspector) is not stored yet, each with a
        ``qa.sample`` audit entry by ``actor``, in one transaction; return those inserted (with
        ids). Raises StoreUnavailable or StoreBusy, DataRejected. Blocks."""
        ...

    def evaluation(self, evaluation_id: int) -> Evaluation | None:
        """One evaluation, None when unknown. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def evaluations(self, *, period: str | None = None, agent: str | None = None, inspector: str | None = None,
                    state: str | None = None, call_key: str | None = None) -> list[Evaluation]:
        """Evaluations matching every given filter, by id. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def update_evaluation(self, ev: Evaluation, expected_version: int, audit: AuditEntry,
                          appeal: Appeal | None = None) -> Evaluation:
        """Save ``ev`` (state, marks, scores) if the stored version is ``expected_version``;
        with ``appeal``, insert it (a new appeal) or update it (a decision) in the same
        transaction; append ``audit``; return ``ev`` at version + 1. Raises ConflictError on a
        stale version, IntegrityViolation for a second appeal of one evaluation,
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def appeal(self, evaluation_id: int) -> Appeal | None:
        """The appeal of an evaluation, None when none. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def appeals(self, *, open_only: bool = False) -> list[Appeal]:
        """Every appeal (only undecided ones with ``open_only``), by evaluation. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...
