"""One folding for text search: what a search compares, on every store and screen.

``fold`` is Unicode NFKC followed by full case folding (and NFKC again, as Unicode's
NFKC_Casefold does, since case folding can leave a string that is no longer normalised):
``WIFI``, ``ｗｉｆｉ`` and ``WiFi`` all become ``wifi``; ``ＡＰＰ`` becomes ``app``; full-width
digits ``１２３`` become ``123``; an ideographic space becomes a space. Chinese characters are
left as they are (a CJK compatibility ideograph becomes its unified form).

The ticket stores keep each ticket's folded search text in a column and fold the query the same
way, so SQLite and PostgreSQL find the same tickets (the databases' own LOWER/LIKE fold ASCII
only, or nothing). Pure; never blocks.
"""

from __future__ import annotations

import unicodedata

#: Separates the fields of a folded search text; a query never contains it (``fold_query``).
FIELD_SEP = "\n"


def fold(text: str) -> str:
    """``text`` folded for comparison: NFKC, case-folded, NFKC again."""
    if text.isascii():
        return text.lower()          # the same result for ASCII, without the two passes
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def fold_fields(*fields: str) -> str:
    """The folded search text of several fields (content, name, address …), one per line: a
    query matches inside one field, never across two."""
    return FIELD_SEP.join(fold(f).replace(FIELD_SEP, " ") for f in fields)


def fold_query(text: str) -> str:
    """A search string folded like the stored text, surrounding spaces dropped and line breaks
    made spaces (a query is one line and never spans two fields)."""
    return fold(text).replace(FIELD_SEP, " ").strip()
