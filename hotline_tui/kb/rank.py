"""Re-ranking the store's candidates, snippets and highlight spans. Pure.

The store only sums integer term weights; the final order is decided here, from the article
text itself, so it is the same whichever database produced the candidates:

* per query segment, the best of its alternatives: weighted coverage of the alternative's terms
  (title 1.0, tags 0.9, department/category 0.6, body 0.5, by idf) plus a bonus when a whole
  word appears as typed (title 0.6, a tag 0.6, body 0.3);
* segments weigh by how rare their words are, so 社保 counts more than 怎么办;
* published articles inside their validity window count in full, others less;
* ties go to the lower id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .model import Article, Hit, stored_id
from .query import Plan, Segment
from .terms import LATIN, norm
from .vocab import Vocabulary

F_TITLE, F_TAG, F_META, F_BODY = 1.0, 0.9, 0.6, 0.5
P_TITLE, P_TAG, P_META, P_BODY = 0.6, 0.6, 0.3, 0.3
STATUS_FACTOR = {"current": 1.0, "published": 0.4, "draft": 0.4, "retired": 0.3}
#: Below this a result is not a useful answer (the question is recorded as unanswered).
USEFUL = 0.45
SNIPPET = 80

_MD = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[#>*_`|~]+|^\s*[-+]\s+|^\s*\d+\.\s+", re.M)
_WS = re.compile(r"\s+")


def plain(markdown: str) -> str:
    """Markdown -> one line of plain text for snippets (links keep their text)."""
    return _WS.sub(" ", _MD.sub(lambda m: m.group(1) or " ", markdown)).strip()


@dataclass
class _Fields:
    title: str
    tags: list[str]
    tagtext: str
    meta: str
    body: str
    words: set[str]            # ASCII words of every field
    asked: str = ""            # the similar questions (相似问法), one per line: they count as the title

    @classmethod
    def of(cls, a: Article, body: str) -> "_Fields":
        tags = [norm(t) for t in a.tags]
        title, meta, body = norm(a.title), norm(f"{a.department} {a.category}"), norm(body)
        asked = "\n".join(norm(q) for q in a.questions)
        words = set(LATIN.findall(" ".join((title, *tags, meta, body, asked))))
        return cls(title, tags, "\n".join(tags), meta, body, words, asked)

    def field_factor(self, term: str) -> float:
        if term.isascii():
            if term not in self.words:
                return 0.0
            return max(F_TITLE if term in LATIN.findall(self.title + " " + self.asked) else 0, F_TAG if term in LATIN.findall(self.tagtext) else 0,
                       F_META if term in LATIN.findall(self.meta) else 0, F_BODY)
        if term in self.title or term in self.asked:
            return F_TITLE
        if term in self.tagtext:
            return F_TAG
        if term in self.meta:
            return F_META
        return F_BODY if term in self.body else 0.0

    def contains(self, word: str) -> bool:
        """Whether ``word`` appears whole in any field."""
        if word.isascii():
            return word in self.words
        return (word in self.title or word in self.tagtext or word in self.body or word in self.meta
                or word in self.asked)

    def phrase(self, word: str) -> float:
        if len(word) < 2:
            return 0.0
        if word in self.title or word in self.asked:
            return P_TITLE
        if word in self.tags:
            return P_TAG
        if word in self.tagtext:
            return P_TAG * 0.8
        if word in self.body:
            return P_BODY
        return P_META if word in self.meta else 0.0


def status_of(a: Article, today: date) -> str:
    return "current" if a.is_current(today) else a.status


def _segment_importance(v: Vocabulary, plan: Plan) -> list[float]:
    out = []
    for seg in plan.segments:
        best = 0.0
        for alt in seg.alts:
            idfs = [v.idf(t) for t in alt.terms]
            if idfs:
                best = max(best, alt.weight * max(idfs))
        out.append(best or 1.0)
    return out


def score_article(v: Vocabulary, plan: Plan, f: _Fields, imps: list[float]) -> tuple[float, list[str]]:
    """(relevance before the status factor, the words/terms that matched, longest first)."""
    total, matched = 0.0, []
    for seg, imp in zip(plan.segments, imps):
        best, best_hits = 0.0, []
        for alt in seg.alts:
            idfs = [(t, v.idf(t) or 0.5) for t in alt.terms]
            denom = sum(w for _, w in idfs) or 1.0
            hits = [(t, f.field_factor(t)) for t, _ in idfs]
            cover = sum(w * ff for (_, w), (_, ff) in zip(idfs, hits)) / denom
            words = alt.words
            bonus = sum(f.phrase(w) for w in words) / len(words) if words else 0.0
            s = alt.weight * (cover + bonus)
            if s > best:
                best = s
                best_hits = [w for w in words if f.phrase(w) > 0] + [t for t, ff in hits if ff > 0]
        total += imp * best
        matched += best_hits
    denom = sum(imps) or 1.0
    return total / denom, sorted(set(matched), key=lambda w: (-len(w), w))


def spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Merged [start, end) spans of every needle in ``text`` (case- and width-insensitive)."""
    low = norm(text)
    found: list[tuple[int, int]] = []
    for n in needles:
        if not n:
            continue
        i = low.find(n)
        while i >= 0:
            if not n.isascii() or ((i == 0 or not low[i - 1].isalnum() or not low[i - 1].isascii())
                                   and (i + len(n) >= len(low) or not low[i + len(n)].isascii()
                                        or not low[i + len(n)].isalnum())):
                found.append((i, i + len(n)))
            i = low.find(n, i + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def snippet(body_plain: str, needles: list[str], width: int = SNIPPET) -> tuple[str, list[tuple[int, int]]]:
    """A window of the body around the densest matches, with its highlight spans."""
    all_spans = spans(body_plain, needles)
    if len(body_plain) <= width:
        return body_plain, all_spans
    start = 0
    if all_spans:
        # The window that covers the most matched characters; the earliest of equals.
        best = -1
        for a, _ in all_spans:
            lo = max(0, a - 12)
            covered = sum(min(e, lo + width) - max(s, lo) for s, e in all_spans if e > lo and s < lo + width)
            if covered > best:
                best, start = covered, lo
    end = min(len(body_plain), start + width)
    start = max(0, min(start, end - width))
    text = body_plain[start:end]
    pre = "…" if start > 0 else ""
    post = "…" if end < len(body_plain) else ""
    out = [(max(s, start) - start + len(pre), min(e, end) - start + len(pre)) for s, e in all_spans if e > start and s < end]
    return pre + text + post, out


#: Alternatives that are guesses at what was meant (not the typed text or its synonyms).
GUESSES = frozenset({"pinyin", "initials", "typo", "fuzzy"})


def attested(plan: Plan, fields: list[_Fields]) -> Plan:
    """``plan`` without the guessed readings no candidate contains whole, when some other
    alternative of the same segment is found whole. Initials chain pairs that share a
    character (hlbt: 和联 + 联办 + 办提), which can give a "word" no article has; its fragments
    then outscore the real reading's partial matches (护理补贴 / 补贴). Pure; the same for
    whichever store produced the candidates."""
    segments, changed = [], False
    for seg in plan.segments:
        if len(seg.alts) < 2 or not any(a.kind in GUESSES for a in seg.alts):
            segments.append(seg)
            continue
        found = [all(any(f.contains(w) for f in fields) for w in a.words) for a in seg.alts]
        if any(found) and not all(found):
            keep = [a for a, ok in zip(seg.alts, found) if ok or a.kind not in GUESSES]
            changed |= len(keep) != len(seg.alts)
            seg = Segment(seg.typed, keep)
        segments.append(seg)
    return Plan(plan.query, segments, plan.terms) if changed else plan


def rank(v: Vocabulary, plan: Plan, candidates: list[tuple[Article, int]], today: date, limit: int) -> list[Hit]:
    """Order ``candidates`` (article, store score) and build the hits (at most ``limit``)."""
    if not candidates:
        return []
    fields = [_Fields.of(a, a.body) for a, _ in candidates]
    plan = attested(plan, fields)
    imps = _segment_importance(v, plan)
    top = max(s for _, s in candidates) or 1
    scored = []
    for (a, store_score), f in zip(candidates, fields):
        rel, needles = score_article(v, plan, f, imps)
        if rel <= 0:
            continue
        st = status_of(a, today)
        score = round(rel * STATUS_FACTOR[st] + 0.02 * store_score / top, 4)
        scored.append((score, a, needles))
    scored.sort(key=lambda x: (-x[0], x[1].id))
    hits = []
    for i, (score, a, needles) in enumerate(scored[:limit], 1):
        snip, snip_spans = snippet(plain(a.body), needles)
        hits.append(Hit(i, stored_id(a), a.title, score, snip, spans(a.title, needles), snip_spans, a.department, a.category,
                        tuple(a.tags), a.status))
    return hits
