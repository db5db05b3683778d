"""Only the cells that changed: the lean mode's last step before the terminal.

Textual repaints by region: a widget that changed is redrawn line by line over its whole width,
every segment written as ``ESC[<style>m text ESC[0m``. At 80x24 the wallboard's table, chart and
alerts are repainted every second even where a single digit moved (measured: ~5.8 KB/s in lean
mode with only the rate capped; the table's horizontal scrollbar alone, one styled segment per
cell, 1.3 KB/s). ``CellDiff`` keeps what the terminal shows (a shadow: cell -> character and
style) and turns each frame Textual writes into the cells that differ from it: one cursor move
per run of changed cells (runs a few cells apart are joined), one style sequence per change of
style, a reset at the end, and the frame's closing cursor move.

It reads only what Textual's compositor writes for an update — cursor moves (``ESC[r;cH``),
style sequences (``ESC[…m``), text and newlines. A frame with anything else in it (a clear, the
alternate screen, a hyperlink, a mode switch) is written as it came and the shadow forgotten, so
the next frame is written whole: the diff can only make a frame shorter, never different.
Wide (CJK) characters take two cells and are written whole.

Runs on Textual's writer thread (``DiffingOutput.write``); pure string work, blocks only in the
file below it.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import get_character_cell_size

TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([0-9;]*)m|(\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|.?))"
                   r"|(\n)|(\r)|([^\x1b\n\r]+)")
JOIN_GAP = 3          # unchanged cells between two changed runs written rather than a new cursor move

Cell = tuple[str, str, int]     # character ("" for the right half of a wide one), style params, width


class CellDiff:
    """The terminal's picture and the diff of each frame against it. Not thread-safe: one writer."""

    def __init__(self) -> None:
        self.shadow: dict[tuple[int, int], Cell] = {}

    def reset(self) -> None:
        self.shadow.clear()

    def frame(self, text: str) -> str:
        """What to write instead of ``text``: the same picture, changed cells only."""
        cells: dict[tuple[int, int], Cell] = {}
        y = x = -1
        sgr = ""
        last_move = ""       # a cursor move after the last text: where Textual leaves the cursor
        for m in TOKEN.finditer(text):
            row, col, params, other, nl, cr, run = m.groups()
            if row is not None:
                y, x = int(row) - 1, int(col) - 1
                last_move = m.group(0)
            elif params is not None:
                sgr = "" if params in ("", "0") else (params[2:] if params.startswith("0;") else
                                                      (f"{sgr};{params}" if sgr else params))
            elif other is not None:
                self.reset()     # not a plain update: as it came, and start again from nothing
                return text
            elif nl is not None:
                y, x = y + 1, 0
            elif cr is not None:
                x = 0
            elif run is not None:
                if y < 0:
                    self.reset()
                    return text
                last_move = ""
                for ch in run:
                    w = get_character_cell_size(ch)
                    if w == 0:           # a combining mark joins the cell before it
                        prev = cells.get((y, x - 1))
                        if prev is not None:
                            cells[(y, x - 1)] = (prev[0] + ch, prev[1], prev[2])
                        continue
                    cells[(y, x)] = (ch, sgr, w)
                    if w == 2:
                        cells[(y, x + 1)] = ("", sgr, 0)
                    x += w
        if not cells:
            return text
        out = self._emit(cells)
        self.shadow.update(cells)
        return out + last_move

    def _emit(self, cells: dict[tuple[int, int], Cell]) -> str:
        shadow = self.shadow
        changed = [k for k, c in cells.items() if shadow.get(k) != c]
        if not changed:
            return ""
        # a wide character is written whole: a changed right half brings its left half along
        todo: set[tuple[int, int]] = set()
        for (cy, cx) in changed:
            todo.add((cy, cx - 1) if cells[(cy, cx)][2] == 0 and (cy, cx - 1) in cells else (cy, cx))
        parts: list[str] = []
        cur = ""
        run_end: tuple[int, int] | None = None     # the cell after the last one written
        for (cy, cx) in sorted(todo):
            c = cells[(cy, cx)]
            if c[2] == 0:
                continue                           # a right half without its left: nothing to draw
            if run_end != (cy, cx):
                gap = None
                if run_end is not None and run_end[0] == cy and 0 < cx - run_end[1] <= JOIN_GAP:
                    gap = self._gap(cells, cy, run_end[1], cx, cur)
                if gap is None:
                    parts.append(f"\x1b[{cy + 1};{cx + 1}H")
                else:
                    parts.extend(gap[0])
                    cur = gap[1]
            if c[1] != cur:
                parts.append(f"\x1b[0;{c[1]}m" if c[1] else "\x1b[0m")
                cur = c[1]
            parts.append(c[0])
            run_end = (cy, cx + c[2])
        if cur:
            parts.append("\x1b[0m")
        return "".join(parts)

    def _gap(self, cells: dict[tuple[int, int], Cell], y: int, x0: int, x1: int,
             cur: str) -> tuple[list[str], str] | None:
        """The unchanged cells x0..x1-1 of line ``y`` written out (cheaper than a cursor move
        between two runs), and the style in force after them; None when one is unknown or a
        wide character does not fit in the gap."""
        seq: list[str] = []
        gx = x0
        while gx < x1:
            c = cells.get((y, gx)) or self.shadow.get((y, gx))
            if c is None or c[2] == 0 or gx + c[2] > x1:
                return None
            if c[1] != cur:
                seq.append(f"\x1b[0;{c[1]}m" if c[1] else "\x1b[0m")
                cur = c[1]
            seq.append(c[0])
            gx += c[2]
        return seq, cur


class DiffingOutput:
    """Stands between Textual's writer thread and the counted file: when ``on``, each frame is
    diffed (``CellDiff``); otherwise written as it came (and the shadow forgotten)."""

    def __init__(self, file: Any):
        self._file = file
        self.diff = CellDiff()
        self.on = False
        self.stale = False       # set by the UI (a resize): the terminal's picture is unknown

    def write(self, text: str) -> int:
        if self.stale:
            self.stale = False
            self.diff.reset()
        if self.on:
            out = self.diff.frame(text)
            if out:
                self._file.write(out)
        else:
            if self.diff.shadow:
                self.diff.reset()
            self._file.write(text)
        return len(text)

    def flush(self) -> None:
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)
