"""A typed query -> a search plan: segments, each with alternative readings and their terms.

``社保 kaban`` becomes two segments: 社保 (as typed, plus the synonym 社会保险) and ``kaban``
(as an ASCII word if the index has it, plus 卡办/卡板… from pinyin, best first). Homophone typos
(社宝 -> 社保), initials (sb -> 社保), partial pinyin (gongj -> 公积…) and misspelt pinyin
(gongjjin -> 公积金, one edit away) are alternatives with lower weights. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .terms import LATIN, TOKEN, bigrams, is_cjk, norm, pinyin
from .vocab import Vocabulary

# How much an alternative reading is worth next to what was typed.
W_EXACT, W_SYNONYM, W_PINYIN, W_INITIALS, W_TYPO, W_FUZZY = 1.0, 0.95, 0.9, 0.8, 0.75, 0.65
# A spoken word read as the article's term (老板不给钱 -> 拖欠工资): as sure as a synonym, a
# little below it because the spoken form may also mean something else.
W_SPOKEN = 0.9
MAX_ALTS = 10
MAX_QUERY_TERMS = 40
CHAR_PAIRS = 6          # pairs a one-character segment is looked up through


@dataclass(frozen=True)
class Alt:
    text: str                   # words separated by spaces (a pinyin token may become two words)
    weight: float
    kind: str                   # exact | synonym | spoken | pinyin | initials | typo | fuzzy
    terms: tuple[str, ...]

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass
class Segment:
    typed: str
    alts: list[Alt] = field(default_factory=list)


@dataclass
class Plan:
    query: str
    segments: list[Segment]
    terms: dict[str, int]       # term -> integer query weight (sent to the store)

    @property
    def empty(self) -> bool:
        return not self.terms


class Synonyms:
    """The query-time word lists of ``kb.yaml``: groups of interchangeable words (社保 =
    社会保险), the spoken register read as the articles' terms (one way: 闺女 -> 子女, 老板不给钱
    -> 拖欠工资), and the fillers and question words that say nothing about the topic (俺, 请问,
    我想问一下; ``endings`` only at the end of a phrase: 能报销不 -> 能报销)."""

    def __init__(self, groups: list[list[str]] | None = None, spoken: dict[str, str] | None = None,
                 fillers: list[str] | None = None, endings: list[str] | None = None):
        self.groups = [[norm(w) for w in g] for g in (groups or [])]
        self.by_word: dict[str, list[str]] = {}
        for g in self.groups:
            for w in g:
                self.by_word.setdefault(w, [])
                self.by_word[w] += [o for o in g if o != w and o not in self.by_word[w]]
        self.words = sorted(self.by_word, key=lambda w: (-len(w), w))
        self.spoken = {norm(k): norm(v) for k, v in (spoken or {}).items() if k and v and k != v}
        self.spoken_words = sorted(self.spoken, key=lambda w: (-len(w), w))
        self.fillers = sorted({norm(f) for f in (fillers or ()) if f}, key=lambda w: (-len(w), w))
        self.endings = sorted({norm(e) for e in (endings or ()) if e}, key=lambda w: (-len(w), w))

    def variants(self, text: str) -> list[str]:
        """``text`` with the longest synonym it contains replaced by each other member."""
        for w in self.words:
            if w in text:
                return [text.replace(w, o) for o in self.by_word[w]]
        return []

    def spoken_variant(self, text: str) -> str:
        """``text`` with every spoken word in it (longest first, left to right, never
        overlapping) replaced by the term articles use; '' when it holds none."""
        if not self.spoken_words:
            return ""
        out, i, hit = [], 0, False
        while i < len(text):
            for w in self.spoken_words:
                if text.startswith(w, i):
                    out.append(" " + self.spoken[w] + " ")
                    i += len(w)
                    hit = True
                    break
            else:
                out.append(text[i])
                i += 1
        return " ".join("".join(out).split()) if hit else ""

    def without_fillers(self, query: str) -> str:
        """``query`` (normalised) with fillers cut out (each leaves a space, so the words on
        either side do not fuse into a pair no article has) and an ending dropped from the end
        of each phrase. Spoken words are kept whole even when a filler is inside one."""
        if not self.fillers and not self.endings:
            return query
        text = query
        for f in self.fillers:
            if f in text and not any(f in w and w in text for w in self.spoken_words):
                text = text.replace(f, " ")
        words = []
        for word in text.split():
            for e in self.endings:
                if len(word) > len(e) and word.endswith(e):
                    word = word[: -len(e)]
                    break
            words.append(word)
        return " ".join(words)


def terms_of(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for tok in TOKEN.findall(text):
        for t in (bigrams(tok) if tok[0] >= "\u3400" else (tok,)):
            if t not in out:
                out.append(t)
    return tuple(out)


def _alt(text: str, weight: float, kind: str) -> Alt:
    return Alt(text, weight, kind, terms_of(text))


# -- pinyin tokens -------------------------------------------------------------------------------
def _splits(s: str, syllables: set[str], limit: int = 6) -> list[list[str]]:
    """Ways to cut ``s`` into known syllables, longest-first (at most ``limit``)."""
    out: list[list[str]] = []

    def go(i: int, acc: list[str]) -> None:
        if len(out) >= limit:
            return
        if i == len(s):
            out.append(list(acc))
            return
        for j in range(min(len(s), i + 6), i, -1):
            if s[i:j] in syllables:
                acc.append(s[i:j])
                go(j, acc)
                acc.pop()
    go(0, [])
    return out


def _chains(v: Vocabulary, pieces: list[tuple[str, bool]], beam: int = 12) -> list[tuple[str, float]]:
    """Chinese words whose sound is ``pieces`` (consecutive bigrams sharing a character)."""
    if len(pieces) == 1:
        text, full = pieces[0]
        return [(c, v.popularity(c)) for c in v.chars(text)[:3]] if full else []
    states = [(b, v.popularity(b)) for b in v.pair(pieces[0], pieces[1])[:beam * 2]]
    for i in range(1, len(pieces) - 1):
        nxt = v.pair(pieces[i], pieces[i + 1])
        grown = []
        for s, sc in states:
            for b in nxt:
                if b[0] == s[-1]:
                    grown.append((s + b[1], sc + v.popularity(b)))
        states = sorted(grown, key=lambda x: (-x[1], x[0]))[:beam]
        if not states:
            return []
    return sorted(states, key=lambda x: (-x[1], x[0]))


def _words(v: Vocabulary, pieces: list[tuple[str, bool]]) -> list[str]:
    """Best readings of ``pieces`` as one word, else as two words (cut where both sides read)."""
    found = _chains(v, pieces)
    if found:
        return [w for w, _ in found[:3]]
    best: list[tuple[float, str]] = []
    for cut in range(2, len(pieces) - 1):
        a, b = _chains(v, pieces[:cut]), _chains(v, pieces[cut:])
        if a and b:
            best.append((-(a[0][1] + b[0][1]), f"{a[0][0]} {b[0][0]}"))
    return [w for _, w in sorted(best)[:2]]


def pinyin_readings(v: Vocabulary, token: str) -> list[tuple[str, str]]:
    """(words, kind) that ``token`` may mean when read as pinyin: full syllables, full with a
    half-typed last syllable, or initials."""
    out: list[tuple[str, str]] = []
    if len(token) < 2 or not token.isalpha():
        return out
    for cut in _splits(token, v.syllables):
        if len(cut) >= 2 or (len(cut) == 1 and len(token) >= 3):
            for w in _words(v, [(s, True) for s in cut]):
                if (w, "pinyin") not in out:
                    out.append((w, "pinyin"))
        if len(out) >= 3:
            return out
    if out:
        return out
    # Half-typed last syllable: "gongj" -> gong + j…
    for k in range(len(token) - 1, 0, -1):
        for cut in _splits(token[:k], v.syllables, 2):
            if v.is_prefix(token[k:]):
                for w in _words(v, [(s, True) for s in cut] + [(token[k], False)]):
                    out.append((w, "pinyin"))
        if out:
            return out[:3]
    if len(token) <= 6:
        for w in _words(v, [(c, False) for c in token]):
            out.append((w, "initials"))
    return out[:3]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> list[str]:
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = [a + b[1:] for a, b in cuts if b]
    out += [a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1]
    out += [a + c + b[1:] for a, b in cuts if b for c in _LETTERS if c != b[0]]
    out += [a + c + b for a, b in cuts for c in _LETTERS]
    return list(dict.fromkeys(out))


def fuzzy_readings(v: Vocabulary, token: str) -> list[str]:
    """Words one edit away from ``token``: misspelt pinyin, then known ASCII words."""
    out: list[str] = []
    if len(token) >= 4:
        for cand in _edits(token):
            cuts = _splits(cand, v.syllables, 1)
            if cuts and len(cuts[0]) >= 2:
                for w in _words(v, [(s, True) for s in cuts[0]])[:1]:
                    if w not in out:
                        out.append(w)
            if len(out) >= 2:
                break
    if not out and len(token) >= 3 and v.ascii_words:
        from rapidfuzz import fuzz, process

        for w, score, _ in process.extract(token, sorted(v.ascii_words), scorer=fuzz.ratio, limit=2, score_cutoff=75):
            out.append(w)
    return out


# -- the plan ------------------------------------------------------------------------------------
def _cjk_segment(v: Vocabulary, run: str) -> list[Alt]:
    alts = [_alt(run, W_EXACT, "exact")]
    if v.articles == 0:
        return alts
    # A pair the index has never seen is likely a slip of the input method (社宝 for 社保):
    # try the pairs that sound the same.
    for i, b in enumerate(bigrams(run) if len(run) >= 2 else []):
        if v.known(b):
            continue
        for h in v.homophones(b, pinyin(b))[:2]:
            fixed = run[:i] + h + run[i + 2:]
            if all(fixed != a.text for a in alts):
                alts.append(_alt(fixed, W_TYPO, "typo"))
        if len(alts) >= 4:
            break
    return alts


def _latin_segment(v: Vocabulary, tok: str) -> list[Alt]:
    alts: list[Alt] = []
    if v.known(tok) or tok.isdigit() or v.articles == 0:
        alts.append(_alt(tok, W_EXACT, "exact"))
    if tok.isdigit() or v.articles == 0:
        return alts or [_alt(tok, W_EXACT, "exact")]
    for words, kind in pinyin_readings(v, tok):
        alts.append(_alt(words, W_PINYIN if kind == "pinyin" else W_INITIALS, kind))
    if not alts:
        alts += [_alt(w, W_FUZZY, "fuzzy") for w in fuzzy_readings(v, tok)]
    return alts or [_alt(tok, W_EXACT, "exact")]


def _tokens(v: Vocabulary, q: str) -> list[str]:
    """Query tokens; pinyin typed with spaces (she bao) is joined into one token, English-like
    or known ASCII words (app, etc) stay apart."""
    out: list[str] = []
    for t in TOKEN.findall(q):
        prev = out[-1] if out else ""
        if prev and t.isalpha() and prev.isalpha() and LATIN.fullmatch(prev) and not v.known(t) \
                and not v.known(prev) and _splits(t, v.syllables, 1) and _splits(prev, v.syllables, 1):
            out[-1] = prev + t
        else:
            out.append(t)
    return out


def _separable(v: Vocabulary, run: str) -> str:
    """``run`` with the 个 of a split verb-object word taken out (转个学 -> 转学, 献个血 -> 献血,
    办个证 -> 办证: spoken Chinese puts 个 inside such words), where the joined pair is a word
    the index knows; '' when there is none."""
    if "个" not in run[1:-1]:
        return ""
    out, hit = [], False
    for i, ch in enumerate(run):
        if ch == "个" and 0 < i < len(run) - 1 and v.df(run[i - 1] + run[i + 1]) > 0:
            hit = True
            continue
        out.append(ch)
    return "".join(out) if hit else ""


def plan(v: Vocabulary, query: str, synonyms: Synonyms | None = None) -> Plan:
    """Turn ``query`` into segments and weighted terms. Never touches the store."""
    q = norm(query).strip()
    if synonyms:
        q = synonyms.without_fillers(q) or q      # a query of fillers only is searched as typed
    segments: list[Segment] = []
    for tok in _tokens(v, q):
        alts = _cjk_segment(v, tok) if is_cjk(tok) else _latin_segment(v, tok)
        joined = _separable(v, tok) if is_cjk(tok) else ""
        if joined and all(joined != b.text for b in alts):
            alts.insert(1, _alt(joined, W_SPOKEN, "spoken"))
        if synonyms:
            said = synonyms.spoken_variant(joined or tok)
            if said and all(said != b.text for b in alts):
                alts.insert(1, _alt(said, W_SPOKEN, "spoken"))
            for a in list(alts):
                for variant in synonyms.variants(a.text):
                    if all(variant != b.text for b in alts):
                        alts.append(_alt(variant, round(a.weight * W_SYNONYM, 4), "synonym"))
        segments.append(Segment(tok, alts[:MAX_ALTS]))
    terms: dict[str, int] = {}
    for seg in segments:
        for a in seg.alts:
            for t in a.terms:
                idf = v.idf(t)
                if idf > 0:
                    terms[t] = max(terms.get(t, 0), max(1, round(100 * a.weight * idf)))
    for t, w in list(terms.items()):
        if len(t) == 1 and t >= "\u3400":
            # A single character has no postings (terms.article_terms): look it up through
            # the commonest title/tag pairs that hold it; the re-rank still scores the
            # character itself.
            for pair in v.pairs_with(t)[:CHAR_PAIRS]:
                terms[pair] = max(terms.get(pair, 0), w)
    if len(terms) > MAX_QUERY_TERMS:
        terms = dict(sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_QUERY_TERMS])
    return Plan(query, segments, terms)
