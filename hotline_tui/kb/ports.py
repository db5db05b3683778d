"""The port the knowledge service writes through. Implemented by ``backends.kb_store``
(SQLite and PostgreSQL).

Every method blocks (database I/O): call it from a worker thread, never the UI loop. Writes
join the caller's transaction (``tx()``) when one is open. A store outage raises
``StoreUnavailable`` (database unreachable) or ``StoreBusy`` (locked, lock wait timed out);
a write the database refuses raises ``IntegrityViolation`` or ``DataRejected``; all four are
``StoreError`` (``hotline_tui.errors``) and nothing of the failed call is written.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Iterable, Protocol

from .model import Article, ArticleVersion, Suggestion, Unanswered
from .vocab import VocabRow


class KnowledgeStore(Protocol):
    """Articles, their versions, the search index with its vocabulary, unanswered questions."""

    def tx(self) -> AbstractContextManager[object]:
        """A context manager for one transaction: article, index, version and audit commit
        together or not at all; an exception inside rolls back and propagates. A nested
        ``tx()`` joins the outer one. Entering raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def insert(self, article: Article) -> int:
        """Store a new article (its fields as given); return its id. Raises StoreUnavailable
        or StoreBusy, DataRejected for a value the database refuses. Blocks."""
        ...

    def update(self, article: Article, expected_version: int) -> None:
        """Save ``article`` (version already bumped). Raises ConflictError when the stored
        version is no longer ``expected_version``; NotFound when the article is gone;
        StoreUnavailable or StoreBusy on an outage, DataRejected for a refused value. Blocks."""
        ...

    def get(self, article_id: int) -> Article | None:
        """The article with ``article_id``, or None. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def get_many(self, ids: list[int]) -> list[Article]:
        """The articles with these ids that exist, in no particular order. Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def by_source_keys(self, keys: list[str]) -> dict[str, int]:
        """{source key: article id} for the keys some article was imported with (outside ids,
        ``KB-2023-017``); keys no article has are left out. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def all(self) -> Iterable[Article]:
        """Every article, by id (read lazily: the store may be read while this is consumed).
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def index(self, article_id: int, terms: dict[str, int], keywords: set[str], published: bool) -> None:
        """Replace the article's postings (term -> integer weight) and keep the vocabulary's
        document frequencies in step: the vocabulary counts each term of ``terms`` or
        ``keywords`` once (a keyword need not be a posting). Raises NotFound for an unknown
        article, StoreUnavailable or StoreBusy on an outage. Blocks."""
        ...

    def replace_index(self, rows: Iterable[tuple[int, dict[str, int], set[str], bool]]) -> int:
        """Throw the whole index and vocabulary counts away and rebuild them from ``rows``
        (article id, terms, keywords, published) — every article, in one transaction (bulk
        paths, as ``bulk_add``). Returns the number of articles. ``rows`` may read the store
        while it is consumed, before anything is written. Raises StoreUnavailable or
        StoreBusy (the old index stays). Blocks."""
        ...

    def bulk_add(self, rows: list[tuple[Article, dict[str, int], set[str]]], action: str, actor: str,
                 at: datetime) -> list[int]:
        """Insert many new articles with their index terms and first version in one go
        (imports, benchmarks); return their ids in order. Raises StoreUnavailable or
        StoreBusy, DataRejected for a refused value (nothing is added). Blocks."""
        ...

    def tidy_index(self) -> None:
        """After a bulk load or re-index, outside any transaction: bring the database's view of
        the index up to date (PostgreSQL: VACUUM ANALYZE, so searches read postings from the
        index alone — measured 3x faster at 100,000 articles). Does nothing inside a
        transaction or where nothing is needed. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def candidates(self, terms: dict[str, int], *, published_only: bool, per_term: int,
                   limit: int) -> list[tuple[int, int]]:
        """(article id, score) of the best ``limit`` articles by the sum of weight x query
        weight over ``terms``, each term contributing its ``per_term`` heaviest postings.
        Ordered by score descending, then id descending; integers only, so every store agrees.
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def vocab_since(self, seq: int) -> tuple[list[VocabRow], int, int]:
        """(vocabulary rows changed after ``seq``, number of articles, current seq). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_version(self, version: ArticleVersion) -> None:
        """Append one saved version of an article. Raises StoreUnavailable or StoreBusy,
        IntegrityViolation when that version number is already saved. Blocks."""
        ...

    def versions(self, article_id: int) -> list[ArticleVersion]:
        """Saved versions, oldest first (none for an unknown article). Raises StoreUnavailable
        or StoreBusy. Blocks."""
        ...

    def record_question(self, key: str, text: str, source: str, at: datetime, by: str) -> Unanswered:
        """Add an open unanswered question, or count one more ask of the question with the
        same normalised ``key`` (reopening it if it had been answered); return it as stored.
        Raises StoreUnavailable or StoreBusy, DataRejected for a refused value. Blocks."""
        ...

    def questions(self, status: str | None = "open", limit: int = 200) -> list[Unanswered]:
        """Questions with ``status`` (None: all), most asked first, then newest; at most
        ``limit``. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def question(self, qid: int) -> Unanswered | None:
        """The question with id ``qid``, or None. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def close_question(self, qid: int, status: str, article_id: int | None) -> None:
        """Set the question's status ("answered" with the answering ``article_id``, or
        "dismissed" with None); an unknown ``qid`` changes nothing. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    # suggested similar questions (learnt from tickets answered on the spot)
    def learn_cursor(self) -> int:
        """The id of the last audit entry learning has read (0 before the first run). Raises
        StoreUnavailable or StoreBusy. Blocks."""
        ...

    def set_learn_cursor(self, value: int) -> None:
        """Keep ``value`` as the last audit entry read (inside the caller's transaction).
        Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def add_suggestion(self, s: Suggestion, key: str) -> bool:
        """Store ``s`` (status open) unless the article already has a suggestion with question
        key ``key``; returns whether it was added. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def suggestions(self, status: str | None = "open", limit: int = 200) -> list[Suggestion]:
        """Suggestions with ``status`` (None: all), oldest first. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...

    def suggestion(self, sid: int) -> Suggestion | None:
        """One suggestion, None when there is none. Raises StoreUnavailable or StoreBusy. Blocks."""
        ...

    def decide_suggestion(self, sid: int, status: str, by: str, at: datetime) -> None:
        """Mark a suggestion accepted or rejected by ``by`` at ``at``. Raises StoreUnavailable or
        StoreBusy. Blocks."""
        ...
