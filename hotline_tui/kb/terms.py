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
from functools import lru_cache

# -- normalising --------------------------------------------------------------------------------
_TABLE = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_TABLE.update({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})           # full-width ASCII
_TABLE.update({c: c - 0xFEE0 + 32 for c in range(0xFF21, 0xFF3B)})      # full-width A-Z -> a-z
_TABLE[0x3000] = 0x20                                                   # ideographic space


def norm(text: str) -> str:
    """Lower-case, half-width; the same length as ``text`` (offsets stay valid)."""
    return text.translate(_TABLE)


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
W_TITLE, W_TITLE_UNI = 30, 10
W_TAG, W_TAG_UNI = 24, 8
W_META = 10             # department and category
W_BODY = 4              # + up to 4 more for repeats
BODY_TERMS = 64         # distinct body terms kept per article (bounds the index size)
MAX_WEIGHT = 120


def _add(out: dict[str, int], term: str, w: int) -> None:
    out[term] = out.get(term, 0) + w


def _short_field(out: dict[str, int], text: str, w: int, w_uni: int) -> None:
    for tok in TOKEN.findall(norm(text)):
        if tok[0] >= "\u3400":
            if len(tok) >= 2:
                for b in bigrams(tok):
                    _add(out, b, w)
            if w_uni:
                for ch in set(tok):
                    _add(out, ch, w_uni)
        else:
            _add(out, tok, w)


def article_terms(title: str, tags, department: str, category: str, body: str) -> tuple[dict[str, int], set[str]]:
    """(term -> weight, keyword terms) for an article. Keyword terms come from the title, tags,
    department and category; they feed the pinyin/initials vocabulary."""
    out: dict[str, int] = {}
    _short_field(out, title, W_TITLE, W_TITLE_UNI)
    for tag in tags:
        _short_field(out, tag, W_TAG, W_TAG_UNI)
    _short_field(out, department, W_META, 0)
    _short_field(out, category, W_META, 0)
    keywords = set(out)
    seen: dict[str, int] = {}
    for tok in TOKEN.findall(norm(body)):
        for b in (bigrams(tok) if tok[0] >= "\u3400" else (tok,)):
            if b in seen:
                seen[b] += 1
            elif len(seen) < BODY_TERMS:
                seen[b] = 1
    for b, tf in seen.items():
        if len(b) == 1 and b[0] >= "\u3400":
            continue                      # lone CJK characters in the body say too little
        _add(out, b, W_BODY + min(tf - 1, 4))
    return {t: min(w, MAX_WEIGHT) for t, w in out.items()}, keywords


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

    found = _pinyin(char, style=Style.NORMAL, heteronym=True, errors=lambda s: [[""]])[0]
    out: list[str] = []
    for r in found:
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
