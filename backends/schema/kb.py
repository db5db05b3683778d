"""Schema of the knowledge base: articles, saved versions, the term index, its vocabulary and
unanswered questions (查无)."""

from . import Migration

_COMMON = """
CREATE TABLE kb_articles (
    id {serial} PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'draft',
    valid_from TEXT,
    valid_to TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '',
    indexed_pub SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX kb_articles_status ON kb_articles (status, id);
CREATE TABLE kb_versions (
    id {serial} PRIMARY KEY,
    article_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    action TEXT NOT NULL,
    at {ts} NOT NULL,
    actor TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    UNIQUE (article_id, version)
);
CREATE TABLE kb_vocab (
    term TEXT {collate} PRIMARY KEY,
    df INTEGER NOT NULL DEFAULT 0,
    kdf INTEGER NOT NULL DEFAULT 0,
    py TEXT NOT NULL DEFAULT '',
    seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX kb_vocab_seq ON kb_vocab (seq);
CREATE TABLE kb_meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO kb_meta (key, value) VALUES ('seq', 0);
INSERT INTO kb_meta (key, value) VALUES ('articles', 0);
CREATE TABLE kb_questions (
    id {serial} PRIMARY KEY,
    qkey TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    asked_at {ts} NOT NULL,
    asked_by TEXT NOT NULL,
    last_at {ts} NOT NULL,
    count INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'open',
    article_id BIGINT
);
CREATE INDEX kb_questions_status ON kb_questions (status, count, last_at);
"""

# The postings: one row per (term, article), keyed so that "the heaviest postings of a term"
# is one index range read backwards. ``pub`` first after the term: agents' searches read only
# published postings.
_TERMS_SQLITE = """
CREATE TABLE kb_terms (
    term TEXT NOT NULL,
    pub SMALLINT NOT NULL,
    weight INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (term, pub, weight, article_id)
) WITHOUT ROWID;
"""
_TERMS_PG = """
CREATE TABLE kb_terms (
    term TEXT COLLATE "C" NOT NULL,
    pub SMALLINT NOT NULL,
    weight INTEGER NOT NULL,
    article_id BIGINT NOT NULL,
    CONSTRAINT kb_terms_pkey PRIMARY KEY (term, pub, weight, article_id)
);
"""

# The source key is unique where there is one: importing the same outside id again updates.
_V2 = """
ALTER TABLE kb_articles ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kb_articles ADD COLUMN source_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX kb_articles_source_key ON kb_articles (source_key) WHERE source_key <> '';
"""

# A citizen's words from a ticket answered on the spot citing an article: a candidate similar
# question for the editors, never live until accepted. One per (article, question key): learning
# twice, or from two tickets saying the same, suggests it once. ``learn_cursor``: the last audit
# entry read.
_V3 = """
CREATE TABLE kb_suggestions (
    id {serial},
    article_id BIGINT NOT NULL,
    qkey TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    found_at {ts} NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at {ts},
    UNIQUE (article_id, qkey)
);
CREATE INDEX kb_suggestions_status ON kb_suggestions (status, id);
INSERT INTO kb_meta (key, value) VALUES ('learn_cursor', 0);
"""

MIGRATIONS = [
    Migration("kb", 1, "knowledge base: articles, versions, term index, vocabulary, unanswered questions",
              sqlite=_COMMON.format(serial="INTEGER", ts="TEXT", collate="").replace(
                  "INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT") + _TERMS_SQLITE,
              postgres=_COMMON.format(serial="BIGSERIAL", ts="TIMESTAMPTZ", collate='COLLATE "C"') + _TERMS_PG),
    Migration("kb", 2, "similar questions (相似问法) and the source key of imported articles",
              sqlite=_V2, postgres=_V2),
    Migration("kb", 3, "suggested similar questions, learnt from tickets answered on the spot",
              sqlite=_V3.format(serial="INTEGER PRIMARY KEY AUTOINCREMENT", ts="TEXT"),
              postgres=_V3.format(serial="BIGSERIAL PRIMARY KEY", ts="TIMESTAMPTZ")),
]
