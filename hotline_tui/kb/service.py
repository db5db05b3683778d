"""KnowledgeService: articles, their life cycle, search, and unanswered questions (查无).

Each mutating method checks the actor's permission, applies the change, bumps the version and
writes article + index terms + saved version + audit entry in ONE transaction.
``expected_version`` (what the editor's screen showed) turns a concurrent edit into
ConflictError. All methods block (database I/O).
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Iterable

from ..access import Access, User
from ..audit import AuditEntry, AuditLog
from ..clock import Clock
from ..errors import ConflictError, IllegalTransition, NotFound, ValidationError, refuse_nul
from . import rank as _rank
from .model import Article, ArticleVersion, Hit, Suggestion, Unanswered, stored_id
from .ports import KnowledgeStore
from .query import Plan, Synonyms, plan
from .terms import article_terms, norm
from .vocab import Vocabulary

FIELDS = ("title", "body", "department", "category", "tags", "valid_from", "valid_to", "questions")
LIMITS = {"title": 200, "body": 100_000, "department": 64, "category": 64, "tag": 32, "question": 200,
          "questions_per_article": 50, "source_key": 100}
CANDIDATES, PER_TERM = 60, 500
#: What may become what: publish a draft (or bring back a retired article), retire either.
TRANSITIONS = {("draft", "publish"): "published", ("retired", "publish"): "published",
               ("draft", "retire"): "retired", ("published", "retire"): "retired"}
_PUNCT = re.compile(r"[\s\W_]+", re.U)
_MOBILE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def question_key(text: str) -> str:
    """Normalised form that identifies one question: case, width, spaces, punctuation dropped."""
    return _PUNCT.sub("", norm(text))


def _day(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{field}: not a date (YYYY-MM-DD): {value!r}") from None


def _tags(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = re.split(r"[,，;；、\s]+", value)
    if not isinstance(value, (list, tuple)):
        raise ValidationError(f"tags: must be a list of words, not {type(value).__name__}")
    out: list[str] = []
    for t in value:
        t = str(t).strip()
        refuse_nul(tags=t)
        if len(t) > LIMITS["tag"]:
            raise ValidationError(f"tags: {t[:20]!r}… is longer than {LIMITS['tag']} characters")
        if t and t not in out:
            out.append(t)
    return tuple(out)


def _questions(value: Any) -> tuple[str, ...]:
    """Similar questions: a list, or text with one per line. The same question twice (by
    ``question_key``: case, width, spaces, punctuation) is kept once."""
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise ValidationError(f"questions: must be a list of questions, not {type(value).__name__}")
    out: list[str] = []
    keys: set[str] = set()
    for q in value:
        if not isinstance(q, (str, int, float)):
            raise ValidationError("questions: each question must be text")
        q = " ".join(str(q).split())
        refuse_nul(questions=q)
        if len(q) > LIMITS["question"]:
            raise ValidationError(f"questions: {q[:20]!r}… is longer than {LIMITS['question']} characters")
        k = question_key(q)
        if k and k not in keys:
            keys.add(k)
            out.append(q)
    if len(out) > LIMITS["questions_per_article"]:
        raise ValidationError(f"questions: more than {LIMITS['questions_per_article']} for one article")
    return tuple(out)


def _import_id(raw_id: Any, raw_key: Any) -> tuple[int | None, str]:
    """(our article id, outside source key) of an imported item. A number (``17``, ``"17"``)
    is one of our ids; any other id (``"KB-2023-017"``) is the id the item has in the system it
    comes from, kept as the article's source key — as is an explicit ``source_key``, which wins
    over a number given beside it (an export carries both; only the outside id means the same
    article in another store)."""
    key = "" if raw_key in (None, "") else str(raw_key).strip()
    if raw_id in (None, ""):
        aid = None
    elif isinstance(raw_id, bool) or not str(raw_id).strip().isdigit():
        if key and key != str(raw_id).strip():
            raise ValidationError(f"id: {raw_id!r} and source_key {key!r} disagree")
        key, aid = str(raw_id).strip(), None
    else:
        aid = int(str(raw_id).strip())
    refuse_nul(source_key=key)
    if len(key) > LIMITS["source_key"]:
        raise ValidationError(f"id: longer than {LIMITS['source_key']} characters")
    if key:
        aid = None        # an exported article carries both: the outside id is the stable one
    return aid, key


def clean_fields(fields: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Checked, normalised article fields. Raises ValidationError naming the field."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"{sorted(unknown)[0]}: not an article field ({', '.join(FIELDS)})")
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "tags":
            out[k] = _tags(v)
        elif k == "questions":
            out[k] = _questions(v)
        elif k in ("valid_from", "valid_to"):
            out[k] = _day(v, k)
        else:
            if v is not None and not isinstance(v, (str, int, float)):
                raise ValidationError(f"{k}: must be text")
            v = "" if v is None else str(v)
            refuse_nul(**{k: v})
            v = v.strip() if k != "body" else v.strip("\n")
            if len(v) > LIMITS[k]:
                raise ValidationError(f"{k}: longer than {LIMITS[k]} characters")
            out[k] = v
    if not partial:
        for k in ("title", "body"):
            if not out.get(k, "").strip():
                raise ValidationError(f"{k}: is required")
    elif "title" in out and not out["title"]:
        raise ValidationError("title: cannot be empty")
    return out


class KnowledgeService:
    def __init__(self, store: KnowledgeStore, audit: AuditLog, access: Access, synonyms: Synonyms, clock: Clock,
                 names: dict[str, dict[str, str]] | None = None):
        self.store, self.audit, self.access, self.synonyms, self.clock = store, audit, access, synonyms, clock
        # {"department": {name: code}, "category": {name: code}}: imports may name them either way
        self.names = names or {}
        self.vocab = Vocabulary()
        self._vocab_lock = threading.Lock()
        self._vocab_checked = float("-inf")
        self._dirty = True

    # -- vocabulary ------------------------------------------------------------------------
    def _refresh(self) -> Vocabulary:
        # Other processes may write too: look for changes at most once a second (one small
        # query), and at once after our own writes.
        with self._vocab_lock:
            now = self.clock.monotonic()
            if self._dirty or now - self._vocab_checked >= 1.0:
                rows, n, seq = self.store.vocab_since(self.vocab.seq)
                if rows or n != self.vocab.articles:
                    self.vocab.update(rows, n, seq)
                self._vocab_checked, self._dirty = now, False
            return self.vocab

    def asked(self, a: Article) -> tuple[str, ...]:
        """The article's similar questions as search reads them: the fillers and endings of
        kb.yaml cut out, as they are from a query (咋, 俺 … would match any caller's filler).
        Never blocks."""
        return tuple(self.synonyms.without_fillers(norm(q)) for q in a.questions)

    def _index(self, a: Article) -> None:
        terms, keywords = article_terms(a.title, a.tags, a.department, a.category, a.body, self.asked(a))
        self.store.index(stored_id(a), terms, keywords, a.status == "published")
        self._dirty = True

    # -- reads -----------------------------------------------------------------------------
    def _load(self, article_id: int) -> Article:
        a = self.store.get(int(article_id))
        if a is None:
            raise NotFound(f"no article {article_id}")
        return a

    def get(self, user: User, article_id: int) -> Article:
        self.access.require(user, "kb.read", f"read article {article_id}")
        a = self._load(article_id)
        if a.status != "published" and not user.can("kb.edit"):
            raise NotFound(f"no article {article_id}")     # drafts are the editors' business
        return a

    def history(self, user: User, article_id: int) -> list[ArticleVersion]:
        """Every saved version of the article, oldest first."""
        self.access.require(user, "kb.read", f"read the history of article {article_id}")
        self.get(user, article_id)
        return self.store.versions(int(article_id))

    def plan(self, query: str) -> Plan:
        """How ``query`` will be matched (for ``hotline kb search --explain`` and tests)."""
        return plan(self._refresh(), query, self.synonyms)

    def search(self, user: User, query: str, *, limit: int = 10, include_drafts: bool = False,
               record: bool = True) -> list[Hit]:
        """Best articles for ``query``, best first. Drafts and retired articles only with
        ``include_drafts`` (needs kb.edit). A search with no useful hit is recorded as an
        unanswered question (``record=False`` for search-as-you-type)."""
        self.access.require(user, "kb.read", "search the knowledge base")
        if include_drafts:
            self.access.require(user, "kb.edit", "search drafts")
        if not 1 <= limit <= 200:
            raise ValidationError("limit must be between 1 and 200")
        if len(query) > 200:
            raise ValidationError("a search is at most 200 characters")
        refuse_nul(query=query)
        if not question_key(query):
            return []
        v = self._refresh()
        p = plan(v, query, self.synonyms)
        hits: list[Hit] = []
        if not p.empty:
            found = self.store.candidates(p.terms, published_only=not include_drafts, per_term=PER_TERM,
                                          limit=CANDIDATES)
            scores = dict(found)
            arts = self.store.get_many(list(scores))
            hits = _rank.rank(v, p, [(replace(a, questions=self.asked(a)) if a.questions else a, scores[stored_id(a)])
                                     for a in arts], self.clock.now().date(), limit)
        if record and (not hits or hits[0].score < _rank.USEFUL):
            self._record(user, query, "search")
        return hits

    # -- writes ----------------------------------------------------------------------------
    def _audit(self, user: User, action: str, subject: str, sid, before, after, note: str = "") -> None:
        now = self.clock.now()
        self.audit.append(AuditEntry(user.name, action, subject, str(sid), now, now, before, after, note))

    def _save_version(self, a: Article, action: str, user: User, at: datetime) -> None:
        self.store.add_version(ArticleVersion(stored_id(a), a.version, action, at, user.name, a))

    def add(self, user: User, **fields) -> Article:
        """A new draft article. Raises ValidationError on a missing title/body or bad field."""
        self.access.require(user, "kb.edit", "add an article")
        f = clean_fields(fields)
        self._check_validity(f.get("valid_from"), f.get("valid_to"))
        now = self.clock.now()
        a = Article(None, status="draft", version=1, created_at=now, updated_at=now, updated_by=user.name, **f)
        with self.store.tx():
            a.id = self.store.insert(a)
            self._index(a)
            self._save_version(a, "add", user, now)
            self._audit(user, "kb.add", "article", a.id, None, a.snapshot())
        return a

    @staticmethod
    def _check_validity(start, end) -> None:
        if start and end and end < start:
            raise ValidationError(f"valid_to: {end} is before valid_from {start}")

    def _change(self, user: User, article_id: int, expected_version: int | None, action: str, permission: str,
                apply) -> Article:
        with self.store.tx():
            a = self._load(article_id)
            if expected_version is not None and expected_version != a.version:
                raise ConflictError(f"article {article_id}", expected_version, a.version)
            self.access.require(user, permission, f"{action} article {article_id}")
            before = a.snapshot()
            new = apply(a)
            old_version = a.version
            now = self.clock.now()
            new.version, new.updated_at, new.updated_by = old_version + 1, now, user.name
            self.store.update(new, old_version)
            self._index(new)
            self._save_version(new, action, user, now)
            self._audit(user, f"kb.{action}", "article", new.id, before, new.snapshot())
        return new

    def edit(self, user: User, article_id: int, expected_version: int | None = None, **fields) -> Article:
        """Change some fields; the status stays. Needs kb.edit."""
        self.access.require(user, "kb.edit", f"edit article {article_id}")
        f = clean_fields(fields, partial=True)

        def apply(a: Article) -> Article:
            new = replace(a, **f)
            self._check_validity(new.valid_from, new.valid_to)
            return new
        return self._change(user, article_id, expected_version, "edit", "kb.edit", apply)

    def add_question(self, user: User, article_id: int, text: str, expected_version: int | None = None) -> Article:
        """Add one similar question (相似问法) to an article: a new version, audited as
        ``kb.edit``. The same question again (by ``question_key``) changes nothing and returns
        the article as it is. Raises ValidationError for empty or over-long text, NotFound,
        ConflictError on a stale ``expected_version``. Needs kb.edit. Blocks."""
        self.access.require(user, "kb.edit", f"add a question to article {article_id}")
        found = _questions([text])
        if not found:
            raise ValidationError("questions: the question is empty")
        a = self._load(article_id)
        if question_key(found[0]) in {question_key(x) for x in a.questions}:
            return a
        return self.edit(user, article_id, expected_version, questions=(*a.questions, found[0]))

    def _transition(self, user, article_id, expected_version, action) -> Article:
        def apply(a: Article) -> Article:
            target = TRANSITIONS.get((a.status, action))
            if target is None:
                raise IllegalTransition(a.status, action, "article")
            return replace(a, status=target)
        return self._change(user, article_id, expected_version, action, "kb.publish", apply)

    def publish(self, user: User, article_id: int, expected_version: int | None = None) -> Article:
        """Draft (or retired) -> published: agents find it. Needs kb.publish."""
        return self._transition(user, article_id, expected_version, "publish")

    def retire(self, user: User, article_id: int, expected_version: int | None = None) -> Article:
        """Draft or published -> retired: kept with its history, no longer found by agents."""
        return self._transition(user, article_id, expected_version, "retire")

    def draft_from_ticket(self, user: User, ticket) -> Article:
        """A draft article from an archived ticket's question and answer (mobile numbers masked)."""
        self.access.require(user, "kb.edit", "turn a ticket into an article")
        if getattr(ticket, "state", "") != "archived":
            raise IllegalTransition(getattr(ticket, "state", "?"), "turn into an article", "ticket")
        answer = (ticket.reply or ticket.answer or "").strip()
        if not answer:
            raise ValidationError(f"ticket {ticket.serial} has no reply or answer to turn into an article")
        question = _MOBILE.sub(r"\1****\2", ticket.content.strip())
        answer = _MOBILE.sub(r"\1****\2", answer)
        first = re.split(r"[。！？!?\n]", question, maxsplit=1)[0].strip() or question
        title = first if len(first) <= 40 else first[:39] + "…"
        body = f"## 来电问题\n\n{question}\n\n## 答复口径\n\n{answer}\n\n> 来源工单 {ticket.serial}"
        tags = [t for t in (getattr(ticket, "subcategory", ""),) if t]
        return self.add(user, title=title, body=body, department=ticket.department or "", category=ticket.category,
                        tags=tags)

    # -- unanswered questions (查无) ---------------------------------------------------------
    def _record(self, user: User, text: str, source: str) -> Unanswered:
        key = question_key(text)
        with self.store.tx():
            return self.store.record_question(key, text.strip()[:200], source, self.clock.now(), user.name)

    def flag(self, user: User, text: str) -> Unanswered:
        """An agent's question the knowledge base could not answer, for the editors."""
        self.access.require(user, "kb.flag", "flag an unanswered question")
        refuse_nul(question=text)
        if not question_key(text):
            raise ValidationError("a flagged question needs text")
        if len(text) > 500:
            raise ValidationError("a flagged question is at most 500 characters")
        key = question_key(text)
        with self.store.tx():
            q = self.store.record_question(key, text.strip(), "flag", self.clock.now(), user.name)
            self._audit(user, "kb.flag", "kb_question", q.id, None, {"text": q.text, "count": q.count})
        return q

    def unanswered(self, user: User, status: str | None = "open", limit: int = 200) -> list[Unanswered]:
        """Questions for the editors, most asked first. ``status`` None means all."""
        self.access.require(user, "kb.read", "list unanswered questions")
        if status not in (None, "open", "answered", "dismissed"):
            raise ValidationError("status must be open, answered or dismissed")
        return self.store.questions(status, limit)

    def answer(self, user: User, unanswered_id: int, article_id: int, *, as_question: bool = False) -> Unanswered:
        """Mark a question answered by an article (written for it or already there). With
        ``as_question`` the question's text also becomes a similar question (相似问法) of the
        article, in the same transaction, so the next caller who asks it that way finds it."""
        self.access.require(user, "kb.edit", "answer an unanswered question")
        with self.store.tx():
            q = self.store.question(int(unanswered_id))
            if q is None:
                raise NotFound(f"no unanswered question {unanswered_id}")
            self._load(article_id)
            if q.status == "answered" and q.article_id == int(article_id):
                raise IllegalTransition(q.status, "answer", "question")
            self.store.close_question(int(unanswered_id), "answered", int(article_id))
            if as_question:
                self.add_question(user, int(article_id), q.text)
            self._audit(user, "kb.answer", "kb_question", q.id, {"status": q.status},
                        {"status": "answered", "article_id": int(article_id)})
        return replace(q, status="answered", article_id=int(article_id))

    def dismiss(self, user: User, unanswered_id: int) -> Unanswered:
        """Not a question the knowledge base should answer (noise, a half-typed search)."""
        self.access.require(user, "kb.edit", "dismiss an unanswered question")
        with self.store.tx():
            q = self.store.question(int(unanswered_id))
            if q is None:
                raise NotFound(f"no unanswered question {unanswered_id}")
            if q.status != "open":
                raise IllegalTransition(q.status, "dismiss", "question")
            self.store.close_question(int(unanswered_id), "dismissed", None)
            self._audit(user, "kb.dismiss", "kb_question", q.id, {"status": q.status}, {"status": "dismissed"})
        return replace(q, status="dismissed")

    # -- learning from the hotline's own answers ---------------------------------------------
    def learn(self, user: User, batch: int = 1000) -> int:
        """Read the audit log from where the last run stopped for tickets answered on the spot
        that cited an article (``ticket.answer`` with ``cited_article``) and keep each ticket's
        words (mobile numbers masked, at most one question long) as a suggested similar question
        of that article — unless the article already has it, or it was suggested (and accepted
        or rejected) before. Nothing goes live: editors accept or reject. Idempotent: a second
        run over the same entries adds nothing. Returns how many were added. Needs kb.edit.
        Blocks (the store)."""
        self.access.require(user, "kb.edit", "learn similar questions from answered tickets")
        added = 0
        now = self.clock.now()
        with self.store.tx():
            cursor = self.store.learn_cursor()
            while True:
                entries = self.audit.by_action("ticket.answer", after_id=cursor, limit=batch)
                for e in entries:
                    cursor = max(cursor, e.id or cursor)
                    after = e.after or {}
                    aid, words = after.get("cited_article"), str(after.get("content") or "")
                    if not isinstance(aid, int) or not words.strip():
                        continue
                    text = " ".join(_MOBILE.sub(r"\1****\2", words).split())[:LIMITS["question"]]
                    key = question_key(text)
                    article = self.store.get(aid)
                    if not key or article is None or key in {question_key(q) for q in article.questions}:
                        continue
                    added += self.store.add_suggestion(Suggestion(None, aid, text, e.subject_id, now), key)
                if len(entries) < batch:
                    break
            self.store.set_learn_cursor(cursor)
        return added

    def suggestions(self, user: User, status: str | None = "open", limit: int = 200) -> list[Suggestion]:
        """Suggested similar questions (open by default), learning first from what was answered
        since the last look. Needs kb.edit. Blocks."""
        self.learn(user)
        return self.store.suggestions(status, limit)

    def decide(self, user: User, suggestion_id: int, accept: bool) -> Suggestion:
        """Accept (the words become one of the article's similar questions, a new version) or
        reject an open suggestion; audited as ``kb.suggestion``. Raises NotFound,
        IllegalTransition when it was decided already, PermissionDenied. Blocks."""
        self.access.require(user, "kb.edit", "decide a suggested question")
        with self.store.tx():
            s = self.store.suggestion(int(suggestion_id))
            if s is None:
                raise NotFound(f"no suggestion {suggestion_id}")
            status = "accepted" if accept else "rejected"
            if s.status != "open":
                raise IllegalTransition(s.status, "accept" if accept else "reject", "suggestion")
            if accept:
                self.add_question(user, s.article_id, s.text)
            now = self.clock.now()
            self.store.decide_suggestion(s.id or 0, status, user.name, now)
            self._audit(user, "kb.suggestion", "kb_suggestion", s.id, {"status": s.status},
                        {"status": status, "article_id": s.article_id, "text": s.text})
        return replace(s, status=status, decided_by=user.name, decided_at=now)

    # -- import / export ---------------------------------------------------------------------
    def import_items(self, user: User, items: Iterable[dict], publish: bool = False,
                     skip_bad: bool = False) -> dict[str, Any]:
        """Add (or, with an ``id``, update) many articles in ONE transaction: any bad item
        (ValidationError naming ``_where`` — file:line — and the field; text with NUL is one) and
        nothing is imported, so the file can be fixed and imported again without duplicates.
        With ``skip_bad`` the bad items are left out instead and the others imported; the result
        then carries ``"refused"``: one line per item left out. Returns {"added": n, "updated": m}
        (+ "refused"). Blocks (one store transaction)."""
        self.access.require(user, "kb.edit", "import articles")
        if publish:
            self.access.require(user, "kb.publish", "import articles as published")
        now = self.clock.now()
        new_rows: list[tuple[Article, dict[str, int], set[str]]] = []
        updates: list[tuple[int, dict]] = []
        by_key: list[tuple[str, dict, str]] = []      # (source key, fields, where)
        refused: list[str] = []
        seen_keys: dict[str, str] = {}
        for n, item in enumerate(items, 1):
            where = item.get("_where") or f"item {n}"
            data = {k: v for k, v in item.items() if k not in ("_where", "id", "status", "version", "source_key")}
            try:
                f = self.resolve_names(clean_fields(data))
                self._check_validity(f.get("valid_from"), f.get("valid_to"))
                aid, key = _import_id(item.get("id"), item.get("source_key"))
                if key:
                    if key in seen_keys:
                        raise ValidationError(f"id: {key!r} is already used by {seen_keys[key]}")
                    seen_keys[key] = where
                    by_key.append((key, f, where))
                    continue
                if aid is not None:
                    updates.append((aid, f))
                    continue
            except ValidationError as exc:
                if skip_bad:
                    refused.append(f"{where}: {exc}")
                    continue
                raise ValidationError(f"{where}: {exc}") from None
            new_rows.append(self._new_row(user, f, publish, now))
        unchanged = 0
        with self.store.tx():
            known = self.store.by_source_keys([k for k, _, _ in by_key]) if by_key else {}
            for key, f, _where in by_key:
                if key in known:
                    updates.append((known[key], f))
                else:
                    new_rows.append(self._new_row(user, {**f, "source_key": key}, publish, now))
            updated = 0
            for aid, f in updates:
                current = self.store.get(aid)
                if current is None:
                    raise NotFound(f"import: no article {aid} to update")
                same = all(getattr(current, k) == v for k, v in f.items())
                if same and (not publish or current.status == "published"):
                    unchanged += 1          # importing the same file again writes nothing
                    continue
                a = current if same else self.edit(user, aid, None, **f)
                if publish and a.status != "published":
                    self.publish(user, aid)
                updated += 1
            ids = self.store.bulk_add(new_rows, "import", user.name, now) if new_rows else []
            if ids or updated:
                self._audit(user, "kb.import", "article", "*", None,
                            {"added": len(ids), "updated": updated, "unchanged": unchanged,
                             "first_id": ids[0] if ids else None, "last_id": ids[-1] if ids else None,
                             "published": publish})
        self._dirty = True
        if ids:
            self.store.tidy_index()
        out: dict[str, Any] = {"added": len(ids), "updated": updated, "unchanged": unchanged}
        if skip_bad:
            out["refused"] = refused
        return out

    def _new_row(self, user: User, f: dict, publish: bool, now: datetime) -> tuple[Article, dict[str, int], set[str]]:
        a = Article(None, status="published" if publish else "draft", version=1, created_at=now, updated_at=now,
                    updated_by=user.name, **f)
        terms, keywords = article_terms(a.title, a.tags, a.department, a.category, a.body, self.asked(a))
        return a, terms, keywords

    def resolve_names(self, fields: dict[str, Any]) -> dict[str, Any]:
        """``fields`` with a department or category given by name replaced by its code, from
        the site's catalogue (市人力资源和社会保障局 -> RSJ); a code, or a name the catalogue does
        not know, stays as given. Never blocks."""
        out = dict(fields)
        for k in ("department", "category"):
            v = out.get(k)
            if v and v in self.names.get(k, {}):
                out[k] = self.names[k][v]
        return out

    def reindex(self, user: User) -> int:
        """Cut every article into index terms again and rebuild the index and vocabulary from
        them, in one transaction (after an upgrade that changes how articles are indexed;
        ``hotline kb reindex``). Needs kb.edit. Returns the number of articles. Blocks for as
        long as a bulk import of the whole knowledge base."""
        self.access.require(user, "kb.edit", "re-index the knowledge base")

        def rows():
            for a in list(self.store.all()):
                terms, keywords = article_terms(a.title, a.tags, a.department, a.category, a.body, self.asked(a))
                yield a.id, terms, keywords, a.status == "published"
        with self.store.tx():
            n = self.store.replace_index(rows())
            self._audit(user, "kb.reindex", "article", "*", None, {"articles": n})
        with self._vocab_lock:
            self.vocab, self._dirty = Vocabulary(), True     # counts restarted: load them afresh
        self.store.tidy_index()
        return n

    def export_items(self, user: User, include_drafts: bool = True) -> list[dict]:
        """Every article as a plain dict (id, title, body, department, category, tags, status,
        valid_from, valid_to, version), by id. Drafts and retired ones need kb.edit."""
        self.access.require(user, "kb.read", "export the knowledge base")
        if include_drafts and not user.can("kb.edit"):
            include_drafts = False
        out = []
        for a in self.store.all():
            if a.status != "published" and not include_drafts:
                continue
            out.append({"id": a.id, "title": a.title, "body": a.body, "department": a.department,
                        "category": a.category, "tags": list(a.tags), "questions": list(a.questions),
                        "source_key": a.source_key, "status": a.status,
                        "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                        "valid_to": a.valid_to.isoformat() if a.valid_to else None, "version": a.version})
        return out

