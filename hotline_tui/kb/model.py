"""Knowledge-base records. Plain data; rules live in service.py, search in search.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

STATUSES = ("draft", "published", "retired")


@dataclass
class Article:
    id: int | None
    title: str
    body: str                      # Markdown
    department: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    status: str = "draft"          # draft | published | retired
    valid_from: date | None = None
    valid_to: date | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str = ""
    questions: tuple[str, ...] = ()     # similar questions (相似问法): how people ask for it
    source_key: str = ""                # the id it has in the system it was imported from

    def is_current(self, today: date) -> bool:
        """Published and inside its validity window on ``today``."""
        return (self.status == "published" and (self.valid_from is None or self.valid_from <= today)
                and (self.valid_to is None or today <= self.valid_to))

    def snapshot(self) -> dict[str, Any]:
        # By hand, not dataclasses.asdict: bulk imports snapshot every article.
        def iso(v):
            return v.isoformat() if v is not None else None
        return {"id": self.id, "title": self.title, "body": self.body, "department": self.department,
                "category": self.category, "tags": list(self.tags), "status": self.status,
                "valid_from": iso(self.valid_from), "valid_to": iso(self.valid_to), "version": self.version,
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at), "updated_by": self.updated_by,
                "questions": list(self.questions), "source_key": self.source_key}


def stored_id(a: Article) -> int:
    """The id of an article read from or written to the store. Raises ValueError for an
    article not stored yet (a bug in the caller, never user input). Never blocks."""
    if a.id is None:
        raise ValueError(f"article {a.title!r} has no id: it was never stored")
    return a.id


def article_from_snapshot(d: dict[str, Any]) -> Article:
    def day(v):
        return date.fromisoformat(v) if v else None

    def ts(v):
        return datetime.fromisoformat(v) if v else None

    return Article(d.get("id"), d["title"], d["body"], d.get("department", ""), d.get("category", ""),
                   tuple(d.get("tags") or ()), d.get("status", "draft"), day(d.get("valid_from")),
                   day(d.get("valid_to")), int(d.get("version", 1)), ts(d.get("created_at")),
                   ts(d.get("updated_at")), d.get("updated_by", ""), tuple(d.get("questions") or ()),
                   d.get("source_key", "") or "")


@dataclass(frozen=True)
class ArticleVersion:
    """One saved version of an article: what it said, who made it so, when and how."""

    article_id: int
    version: int
    action: str                    # add | edit | publish | retire | import
    at: datetime
    actor: str
    article: Article


@dataclass
class Hit:
    """One search result. Spans are [start, end) character offsets of matched text in
    ``title`` and ``snippet`` (for highlighting; the text itself is never markup)."""

    rank: int
    id: int
    title: str
    score: float
    snippet: str
    title_spans: list[tuple[int, int]] = field(default_factory=list)
    snippet_spans: list[tuple[int, int]] = field(default_factory=list)
    department: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    status: str = "published"

    def as_json(self) -> dict[str, Any]:
        return {"rank": self.rank, "id": self.id, "title": self.title, "score": self.score,
                "snippet": self.snippet, "highlights": [list(s) for s in self.snippet_spans],
                "title_highlights": [list(s) for s in self.title_spans], "department": self.department,
                "category": self.category, "tags": list(self.tags), "status": self.status}


@dataclass
class Suggestion:
    """A candidate similar question: what a citizen said in a ticket answered on the spot that
    cited the article. Editors accept it (it becomes one of the article's questions) or reject
    it; nothing goes live unreviewed."""

    id: int | None
    article_id: int
    text: str
    source: str                    # the ticket serial it came from
    found_at: datetime
    status: str = "open"           # open | accepted | rejected
    decided_by: str = ""
    decided_at: datetime | None = None


@dataclass
class Unanswered:
    """A question the knowledge base could not answer (查无): from a fruitless search or flagged."""

    id: int | None
    text: str
    source: str                    # search | flag
    asked_at: datetime
    asked_by: str
    count: int = 1
    status: str = "open"           # open | answered | dismissed
    article_id: int | None = None
    last_at: datetime | None = None
