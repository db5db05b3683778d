"""The in-memory vocabulary: which terms the index holds, how common they are, and how they
sound — so pinyin (``shebao``), initials (``sb``), homophone typos (社宝) and misspelt pinyin
(``gongjjin``) can be turned into the Chinese words articles actually use.

Loaded from the store's ``kb_vocab`` rows and refreshed incrementally (rows newer than the last
sequence number seen). Pure data structure; never touches a database itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .terms import is_cjk


@dataclass
class VocabRow:
    term: str
    df: int          # articles whose index holds the term
    kdf: int         # ... in a keyword field (title, tags, department, category)
    py: str          # syllables joined by spaces (all readings for a unigram), '' for non-CJK
    seq: int = 0


def _ascii_word(r: VocabRow) -> bool:
    return not r.py and r.df > 0 and _useful(r) and r.term.isascii() and r.term.isalpha()


def _useful(r: VocabRow) -> bool:
    # Body-only pairs that straddle two words (了怎) are noise for sound look-ups; keep words
    # seen in keyword fields or repeated across articles.
    return r.kdf > 0 or r.df >= 3


@dataclass
class Vocabulary:
    articles: int = 0
    seq: int = 0
    rows: dict[str, VocabRow] = field(default_factory=dict)
    # (piece1, piece2) -> bigrams, where a piece is a full syllable or a first letter.
    ff: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    ii: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    fi: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    if_: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    uni: dict[str, list[str]] = field(default_factory=dict)       # syllable -> characters
    # character -> keyword pairs holding it (single characters have no postings of their own)
    by_char: dict[str, list[str]] = field(default_factory=dict)
    syllables: set[str] = field(default_factory=set)
    ascii_words: set[str] = field(default_factory=set)
    _sorted: set[int] = field(default_factory=set)
    _prefixes: set[str] | None = None
    _prefix_n: int = 0

    # -- loading ----------------------------------------------------------------------------
    def update(self, rows: list[VocabRow], articles: int, seq: int) -> None:
        """Merge rows (new or changed terms) and the store's article count / sequence."""
        self.articles, self.seq = articles, max(self.seq, seq)
        if not self.rows:
            self._load(rows)      # a process's first load: every row is new
            return
        for r in rows:
            old = self.rows.get(r.term)
            self.rows[r.term] = r
            if _ascii_word(r):
                self.ascii_words.add(r.term)
            else:
                self.ascii_words.discard(r.term)
            before = self._entries(old) if old is not None else []
            after = self._entries(r)
            if before == after:
                continue                               # sound maps unchanged
            for name, key in before:
                lst = getattr(self, name).get(key)
                if lst and r.term in lst:
                    lst.remove(r.term)
            for name, key in after:
                getattr(self, name).setdefault(key, []).append(r.term)
            if r.py and after:
                self.syllables.update(r.py.split())
        self._sorted.clear()

    def _load(self, rows: list[VocabRow]) -> None:
        """``update`` into an empty vocabulary: the same maps, built in one pass without looking
        for old entries to remove (the whole vocabulary is loaded this way at every process
        start, ~9,000 rows for the demo site; docs/benchmarks.md, "Process start")."""
        known, ascii_words, syllables = self.rows, self.ascii_words, self.syllables
        ff, ii, fi, if_, uni, by_char = self.ff, self.ii, self.fi, self.if_, self.uni, self.by_char
        for r in rows:
            term = r.term
            if term in known:                  # the same term twice in one batch: merge it
                self.update([r], self.articles, self.seq)
                continue
            known[term] = r
            if r.df <= 0 or not (r.kdf > 0 or r.df >= 3):
                continue
            py = r.py
            if not py:
                if term.isascii() and term.isalpha():
                    ascii_words.add(term)
                continue
            parts = py.split()
            if len(term) == 1:
                for syl in parts:
                    uni.setdefault(syl, []).append(term)
            else:
                s1, s2 = parts
                ff.setdefault((s1, s2), []).append(term)
                ii.setdefault((s1[0], s2[0]), []).append(term)
                fi.setdefault((s1, s2[0]), []).append(term)
                if_.setdefault((s1[0], s2), []).append(term)
                if r.kdf > 0:
                    for c in dict.fromkeys(term):
                        by_char.setdefault(c, []).append(term)
            syllables.update(parts)
        self._sorted.clear()

    @staticmethod
    def _entries(r: VocabRow) -> list[tuple[str, object]]:
        """(map name, key) of every map entry a row belongs in ([] when it is no usable word)."""
        if r.df <= 0 or not _useful(r) or not r.py:
            return []
        if len(r.term) == 1:
            return [("uni", s) for s in r.py.split()]
        s1, s2 = r.py.split()
        out: list[tuple[str, object]] = [("ff", (s1, s2)), ("ii", (s1[0], s2[0])), ("fi", (s1, s2[0])),
                                         ("if_", (s1[0], s2))]
        if r.kdf > 0:
            out += [("by_char", c) for c in dict.fromkeys(r.term)]
        return out

    # -- looking up -------------------------------------------------------------------------
    def df(self, term: str) -> int:
        r = self.rows.get(term)
        return r.df if r else 0

    def idf(self, term: str) -> float:
        """Inverse document frequency (0 for a term no article holds)."""
        d = self.df(term)
        return math.log(1 + (self.articles + 1) / d) if d else 0.0

    def popularity(self, term: str) -> float:
        """How likely a caller means this word: used to order sound-alike candidates."""
        r = self.rows.get(term)
        return math.log(1 + 4 * r.kdf + r.df) if r else 0.0

    def _ordered(self, m: dict, key) -> list[str]:
        lst = m.get(key)
        if not lst:
            return []
        if id(lst) not in self._sorted:
            lst.sort(key=lambda t: (-self.popularity(t), t))
            self._sorted.add(id(lst))
        return lst

    def pair(self, p1: tuple[str, bool], p2: tuple[str, bool]) -> list[str]:
        """Bigrams sounding like two pieces; a piece is (text, full_syllable?)."""
        (a, fa), (b, fb) = p1, p2
        m = self.ff if fa and fb else self.ii if not fa and not fb else self.fi if fa else self.if_
        return self._ordered(m, (a, b))

    def chars(self, syllable: str) -> list[str]:
        return self._ordered(self.uni, syllable)

    def pairs_with(self, char: str) -> list[str]:
        """Pairs of titles, tags and categories that hold ``char``, most common first."""
        return self._ordered(self.by_char, char)

    def homophones(self, bigram: str, py: tuple[str, ...]) -> list[str]:
        if len(py) != 2:
            return []
        return [t for t in self._ordered(self.ff, (py[0], py[1])) if t != bigram]

    def is_prefix(self, text: str) -> bool:
        """Whether ``text`` is the start of some known syllable (a half-typed one)."""
        if self._prefixes is None or self._prefix_n != len(self.syllables):
            self._prefixes = {s[:i] for s in self.syllables for i in range(1, len(s) + 1)}
            self._prefix_n = len(self.syllables)
        return text in self._prefixes

    def known(self, term: str) -> bool:
        return self.df(term) > 0

    def is_word(self, term: str) -> bool:
        return is_cjk(term) and self.known(term)
