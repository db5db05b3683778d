"""The port the knowledge service writes through. Implemented by backends.kb_store."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Protocol

from .model import Article, ArticleVersion, Unanswered
from .vocab import VocabRow


class KnowledgeStore(Protocol):
    """Every method blocks (database I/O). Writes join the caller's transaction (``tx()``)."""

    def tx(self):
        """Context manager: one transaction; article, index, version and audit commit together."""

    def insert(self, article: Article) -> int:
        """Store a new article (its fields as given); return its id."""

    def update(self, article: Article, expected_version: int) -> None:
        """Save ``article`` (version already bumped). Raises ConflictError when the stored
        version is no longer ``expected_version``; NotFound when the article is gone."""

    def get(self, article_id: int) -> Article | None: ...

    def get_many(self, ids: list[int]) -> list[Article]:
        """The articles with these ids that exist, in no particular order."""

    def all(self) -> Iterable[Article]:
        """Every article, by id."""

    def index(self, article_id: int, terms: dict[str, int], keywords: set[str], published: bool) -> None:
        """Replace the article's postings (term -> integer weight) and keep the vocabulary's
        document frequencies in step: the vocabulary counts each term of ``terms`` or
        ``keywords`` once (a keyword need not be a posting). Raises NotFound."""

    def replace_index(self, rows: Iterable[tuple[int, dict[str, int], set[str], bool]]) -> int:
        """Throw the whole index and vocabulary counts away and rebuild them from ``rows``
        (article id, terms, keywords, published) — every article, in one transaction (bulk
        paths, as ``bulk_add``). Returns the number of articles. ``rows`` may read the store
        while it is consumed, before anything is written."""

    def bulk_add(self, rows: list[tuple[Article, dict[str, int], set[str]]], action: str, actor: str,
                 at: datetime) -> list[int]:
        """Insert many new articles with their index terms and first version in one go
        (imports, benchmarks); return their ids in order."""

    def tidy_index(self) -> None:
        """After a bulk load or re-index, outside any transaction: bring the database's view of
        the index up to date (PostgreSQL: VACUUM ANALYZE, so searches read postings from the
        index alone — measured 3x faster at 100,000 articles). Does nothing inside a
        transaction or where nothing is needed. Blocks."""

    def candidates(self, terms: dict[str, int], *, published_only: bool, per_term: int,
                   limit: int) -> list[tuple[int, int]]:
        """(article id, score) of the best ``limit`` articles by the sum of weight x query
        weight over ``terms``, each term contributing its ``per_term`` heaviest postings.
        Ordered by score descending, then id descending; integers only, so every store agrees."""

    def vocab_since(self, seq: int) -> tuple[list[VocabRow], int, int]:
        """(vocabulary rows changed after ``seq``, number of articles, current seq)."""

    def add_version(self, version: ArticleVersion) -> None: ...

    def versions(self, article_id: int) -> list[ArticleVersion]:
        """Saved versions, oldest first."""

    def record_question(self, key: str, text: str, source: str, at: datetime, by: str) -> Unanswered:
        """Add an open unanswered question, or count one more ask of the question with the
        same normalised ``key`` (reopening it if it had been answered or dismissed)."""

    def questions(self, status: str | None = "open", limit: int = 200) -> list[Unanswered]:
        """Most asked first, then newest."""

    def question(self, qid: int) -> Unanswered | None: ...

    def close_question(self, qid: int, status: str, article_id: int | None) -> None: ...
