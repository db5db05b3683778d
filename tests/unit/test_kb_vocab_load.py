"""The vocabulary's first load (one pass) builds exactly what merging the rows one by one does."""

from __future__ import annotations

import random

from hotline_tui.kb.vocab import Vocabulary, VocabRow

SYLLABLES = ["she", "bao", "gong", "ji", "jin", "yi", "liao", "zhu", "fang", "a"]
CHARS = "社保公积金医疗住房啊"


def rows(rng: random.Random, n: int) -> list[VocabRow]:
    out = []
    for i in range(n):
        kind = rng.choice(["uni", "bi", "ascii", "other"])
        df, kdf = rng.choice([0, 1, 2, 3, 7]), rng.choice([0, 0, 1, 4])
        if kind == "uni":
            term, py = rng.choice(CHARS), " ".join(rng.sample(SYLLABLES, rng.randint(1, 3)))   # all readings
        elif kind == "bi":
            term, py = "".join(rng.sample(CHARS, 2)), " ".join(rng.choices(SYLLABLES, k=2))
        elif kind == "ascii":
            term, py = rng.choice(["wifi", "app", "id", "a1", "x-y"]) + rng.choice(["", "s"]), ""
        else:
            term, py = rng.choice(["12345", "2026年", "—"]), ""
        out.append(VocabRow(term, df, kdf, py, seq=i + 1))
    return out


def state(v: Vocabulary) -> tuple:
    maps = tuple({k: sorted(lst) for k, lst in m.items() if lst} for m in (v.ff, v.ii, v.fi, v.if_, v.uni, v.by_char))
    return v.articles, v.seq, dict(v.rows), maps, set(v.syllables), set(v.ascii_words)


def test_first_load_equals_row_by_row_merge():
    for seed in range(30):
        batch = rows(random.Random(seed), 300)
        fast = Vocabulary()
        fast.update(batch, 50, 300)
        slow = Vocabulary()
        slow.update(batch[:1], 50, 300)        # the first row loads; every later one merges
        for r in batch[1:]:
            slow.update([r], 50, 300)
        assert state(fast) == state(slow), seed
        assert fast.ff or fast.uni                # the generated rows did reach the sound maps
