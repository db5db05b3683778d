"""Text to index terms: normalising, CJK bigrams and unigrams, ASCII words, pinyin.

One function serves both the index (``article_terms``) and the query side, so an article and
a query are cut the same way. Everything here is pure and deterministic: the SQLite and the
PostgreSQL store only keep and look up what this module produced, which is why both stores
rank identically.

Normalising is length-preserving (one character in, one out: full-width ASCII to ASCII, A-Z to
a-z, ideographic space to space), so offsets found in normalised text are offsets into the
original text too — highlight spans rely on it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import islice
from operator import add as _concat

# -- normalising --------------------------------------------------------------------------------
_TABLE = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_TABLE.update({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})           # full-width ASCII
_TABLE.update({c: c - 0xFEE0 + 32 for c in range(0xFF21, 0xFF3B)})      # full-width A-Z -> a-z
_TABLE[0x3000] = 0x20                                                   # ideographic space


_FOLD = re.compile("[A-Z\uff01-\uff5e\u3000]")
# Characters whose folding changes which terms a text yields (full-width punctuation does not:
# it separates tokens either way).
_FOLD_TERMS = re.compile("[A-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def norm(text: str) -> str:
    """Lower-case, half-width; the same length as ``text`` (offsets stay valid)."""
    # Most text has nothing to fold; a C-speed scan is ~50x cheaper than a dict translate.
    return text.translate(_TABLE) if _FOLD.search(text) else text


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")
LATIN = re.compile(r"[a-z0-9]+")
TOKEN = re.compile(f"[{_CJK}]+|[a-z0-9]+")


def is_cjk(text: str) -> bool:
    return bool(text) and CJK_RUN.fullmatch(text) is not None


def bigrams(run: str) -> list[str]:
    """CJK run -> its overlapping character pairs (a one-character run is its own term)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i:i + 2] for i in range(len(run) - 1)]


# -- index terms ---------------------------------------------------------------------------------
# Field weights: a match in the title says far more about what an article is for than one in
# the body. Integers, so both databases sum them exactly.
W_TITLE = 30
W_TAG = 24
W_META = 10             # department and category
W_QUESTION = 24         # similar questions (相似问法): how callers ask for the article, like a tag
W_BODY = 4              # + up to 4 more for repeats
BODY_TERMS = 48         # distinct body terms kept per article (bounds the index size)
QUOTED_TERMS = 24       # ... plus this many from quoted text anywhere in the body
# Quoted text: “交房即交证”, 「…」, 『…』, 《失业保险条例》 — slogans, app and service names, the
# titles of regulations: what callers repeat word for word, so worth indexing past the cap.
QUOTED = re.compile("“([^”\n]{2,40})”|「([^」\n]{2,40})」|『([^』\n]{2,40})』|《([^》\n]{2,40})》")
MAX_WEIGHT = 120


def _term_text(text: str) -> str:
    """``norm(text)`` as far as terms can tell: TOKEN finds the same tokens in both."""
    return text.translate(_TABLE) if _FOLD_TERMS.search(text) else text


def _short_field(out: dict[str, int], chars: set[str], text: str, w: int) -> None:
    get = out.get
    for tok in TOKEN.findall(_term_text(text)):
        if tok[0] >= "\u3400":
            if len(tok) >= 2:
                for b in map(_concat, tok, tok[1:]):       # the character pairs
                    out[b] = get(b, 0) + w
            chars.update(tok)
        else:
            out[tok] = get(tok, 0) + w


def _body_terms(body: str) -> list[str]:
    """The body's terms in text order, repeats kept: pairs of each CJK run (a one-character
    run as itself), ASCII words."""
    seq: list[str] = []
    for tok in TOKEN.findall(_term_text(body)):
        if len(tok) >= 2 and tok[0] >= "\u3400":
            seq += map(_concat, tok, tok[1:])
        else:
            seq.append(tok)
    return seq


def article_terms(title: str, tags, department: str, category: str, body: str,
                  questions=()) -> tuple[dict[str, int], set[str]]:
    """(term -> weight, keyword terms) for an article: the postings to store, and the words of
    the title, tags, department and category, which feed the pinyin/initials vocabulary. The
    single characters of the title and tags are keywords only — in the vocabulary (so ``ka``
    reads as 卡 and 卡 has an idf) but not postings: they were a sixth of all postings and only
    ever looked up for one-character searches, which go through the pairs holding the
    character instead (``Vocabulary.pairs_with``).

    This runs for every article of a bulk import (100,000 articles: ~10 million terms), so it
    leans on C-level helpers: the body's first ``BODY_TERMS`` distinct terms are the first keys
    of a Counter (insertion-ordered), each with its count over the whole body; past the cap,
    up to ``QUOTED_TERMS`` more from quoted text (“…”, 《…》)."""
    out: dict[str, int] = {}
    chars: set[str] = set()
    _short_field(out, chars, title, W_TITLE)
    for tag in tags:
        _short_field(out, chars, tag, W_TAG)
    _short_field(out, set(), department, W_META)
    _short_field(out, set(), category, W_META)
    keywords = set(out) | chars
    for q in questions:
        # A question's pairs are postings but not keywords: a sentence's 俺家, 咋办 … would
        # become readings of pinyin and initials.
        _short_field(out, set(), q, W_QUESTION)
    counts = Counter(_body_terms(body))
    get = out.get
    kept = list(islice(counts, BODY_TERMS))
    if len(kept) == BODY_TERMS and ("“" in body or "《" in body or "「" in body or "『" in body):
        seen, extra = set(kept), 0
        for m in QUOTED.finditer(body):
            for b in _body_terms("".join(g for g in m.groups() if g)):
                if b not in seen and extra < QUOTED_TERMS:
                    seen.add(b)
                    kept.append(b)
                    extra += 1
    for b in kept:
        if len(b) == 1 and b >= "\u3400":
            continue                      # lone CJK characters in the body say too little
        tf = counts[b]
        out[b] = get(b, 0) + W_BODY + (tf - 1 if tf < 5 else 4)
    if max(out.values(), default=0) > MAX_WEIGHT:
        out = {t: min(w, MAX_WEIGHT) for t, w in out.items()}
    return out, keywords


# -- pinyin --------------------------------------------------------------------------------------
_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


@lru_cache(maxsize=1)
def _tables():
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict, phrases_dict


def _plain(reading: str) -> str:
    r = reading.translate(_TONES)
    return r if r.isascii() and r.isalpha() else ""


@lru_cache(maxsize=50_000)
def _char(ch: str) -> str:
    first = _tables()[0].get(ord(ch), "").split(",")[0]
    return _plain(first)


@lru_cache(maxsize=200_000)
def pinyin(term: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a CJK term, phrase-aware (银行 -> yin hang, from
    pypinyin's phrase table; otherwise each character's first reading); () when a character
    has no reading. Table look-ups, not pypinyin's segmenter: indexing 100,000 articles adds
    a few hundred thousand new terms, and this keeps that to a second or two."""
    phrase = _tables()[1].get(term)
    if phrase and len(phrase) == len(term):
        out = tuple(_plain(r[0]) for r in phrase)
    else:
        out = tuple(_char(c) for c in term)
    return out if all(out) else ()


@lru_cache(maxsize=20_000)
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character (heteronyms: 行 -> xing, hang, heng), at most 3."""
    from pypinyin import Style
    from pypinyin import pinyin as _pinyin

    # errors="ignore": a character without a reading gives no row at all (so no readings).
    rows = _pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    out: list[str] = []
    for r in rows[0] if rows else ():
        r = r.replace("ü", "v")
        if r and r.isascii() and r.isalpha() and r not in out:
            out.append(r)
    return tuple(out[:3])


def term_pinyin(term: str) -> str:
    """What the vocabulary stores for ``term``: syllables joined by spaces ('' for non-CJK)."""
    if not is_cjk(term) or len(term) > 2:
        return ""
    if len(term) == 1:
        return " ".join(readings(term))     # a unigram keeps all its readings
    return " ".join(pinyin(term))
