"""The lean mode's cell diff (screens/cell_diff.py): a terminal (pyte, a VT emulator) shown the
diffed frames ends up with the same picture as one shown Textual's frames as they came, and
the diff writes less."""

from __future__ import annotations

import random

import pyte

from screens.cell_diff import CellDiff, DiffingOutput

W, H = 40, 8
STYLES = ["", "1", "7;34;49", "38;2;10;200;30;48;2;0;0;0", "2;33", "31"]
CHARS = "abcdefgh 0123456789·─│受理社保卡" + "█▎"


class Term:
    def __init__(self) -> None:
        self.screen = pyte.Screen(W, H)
        self.stream = pyte.Stream(self.screen)

    def feed(self, text: str) -> None:
        self.stream.feed(text.replace("\n", "\r\n"))     # the pty's ONLCR, as a real terminal sees it

    def picture(self) -> list[list[tuple]]:
        return [[(c.data, c.fg, c.bg, c.bold, c.reverse) for c in (self.screen.buffer[y][x] for x in range(W))]
                for y in range(H)]


def segment(rng: random.Random, width: int) -> tuple[str, int]:
    """A run of text in one style, as Textual's Strip.render writes it, at most ``width`` cells."""
    style = rng.choice(STYLES)
    text, used = "", 0
    for _ in range(rng.randint(1, 8)):
        ch = rng.choice(CHARS)
        w = 2 if "\u4e00" <= ch <= "\u9fff" else 1
        if used + w > width:
            break
        text, used = text + ch, used + w
    return (f"\x1b[{style}m{text}\x1b[0m" if style and text else text), used


def frame(rng: random.Random, lines: list[list[tuple[str, int]]]) -> str:
    """Textual's update for a region: some lines (and chops of them) re-rendered; most segments
    the same as last time, a few changed."""
    out = []
    y0 = rng.randrange(H)
    n = rng.randint(1, H - y0)
    for y in range(y0, y0 + n):
        if rng.random() < 0.3 or not lines[y]:
            segs, x = [], 0
            while x < W:
                s, w = segment(rng, W - x)
                if w == 0:
                    break
                segs.append((s, w))
                x += w
            lines[y] = segs
        elif rng.random() < 0.5:
            i = rng.randrange(len(lines[y]))
            s, w = segment(rng, lines[y][i][1])
            if w == lines[y][i][1]:
                lines[y][i] = (s, w)
                if rng.random() < 0.5:          # a chop: only that piece of the line, from its x
                    x = sum(w for _, w in lines[y][:i])
                    out.append(f"\x1b[{y + 1};{x + 1}H" + s)
                    continue
        out.append(f"\x1b[{y + 1};1H" + "".join(s for s, _ in lines[y]))
    return "\n".join(out) + f"\x1b[{rng.randint(1, H)};{rng.randint(1, W)}H"


def test_the_diffed_frames_draw_the_same_picture_and_write_less():
    rng = random.Random(17)
    raw, lean = Term(), Term()
    diff = CellDiff()
    lines: list[list[tuple[str, int]]] = [[] for _ in range(H)]
    sent_raw = sent_lean = 0
    for i in range(400):
        f = frame(rng, lines)
        d = diff.frame(f)
        raw.feed(f)
        lean.feed(d)
        sent_raw, sent_lean = sent_raw + len(f.encode()), sent_lean + len(d.encode())
        assert lean.picture() == raw.picture(), f"frame {i}: {f!r} -> {d!r}"
        assert (lean.screen.cursor.x, lean.screen.cursor.y) == (raw.screen.cursor.x, raw.screen.cursor.y)
    assert sent_lean < sent_raw / 2


def test_the_same_frame_again_writes_only_the_cursor_move():
    diff = CellDiff()
    f = "\x1b[1;1H\x1b[1mab\x1b[0mc受\n\x1b[2;1Hxy\x1b[5;5H"
    assert diff.frame(f) == "\x1b[1;1H\x1b[0;1mab\x1b[0mc受\x1b[2;1Hxy\x1b[5;5H"
    assert diff.frame(f) == "\x1b[5;5H"
    assert diff.frame(f.replace("c受", "d受")) == "\x1b[1;3Hd\x1b[5;5H"


def test_anything_but_a_plain_update_goes_as_it_came_and_the_next_frame_is_whole():
    diff = CellDiff()
    f = "\x1b[1;1Habc"
    diff.frame(f)
    assert diff.frame("\x1b[?1049h\x1b[1;1Habc") == "\x1b[?1049h\x1b[1;1Habc"
    assert diff.frame(f) == "\x1b[1;1Habc"            # the shadow was forgotten: drawn again


def test_the_output_diffs_only_when_on_and_a_resize_forgets_the_picture():
    written: list[str] = []

    class File:
        def write(self, text: str) -> None:
            written.append(text)

        def flush(self) -> None:
            pass

    out = DiffingOutput(File())
    f = "\x1b[1;1Habc"
    out.write(f)
    out.write(f)
    assert written == [f, f]                           # off: as it came
    out.on = True
    out.write(f)
    out.write(f)
    assert written[2:] == ["\x1b[1;1Habc"]              # the second one changed nothing: nothing written
    out.stale = True
    out.write(f)
    assert written[-1] == "\x1b[1;1Habc"
