"""A table for big, busy data: a Line API widget that draws only the lines on screen.

Textual's DataTable re-renders every visible cell through Rich whenever any cell changes, and
re-sorts by rebuilding its rows. At 1,000 agents refreshed twice a second that was most of a
refresh's cost and kept keys waiting (docs/benchmarks.md, "Console at 1,000 agents"). This
table keeps rows as plain ``(text, style, justify)`` specs, builds a row's line once per change
and, when the order is unchanged, repaints only the changed rows that are on screen.

It keeps what the console's users rely on from DataTable: a header that stays put, a row cursor
that stays on the same key when rows move, zebra stripes, horizontal scrolling, the mouse, and
the same look (its component classes mirror DataTable's). CJK text is measured in terminal
cells, so columns line up.
"""

from __future__ import annotations

from typing import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hotline_tui.text import terminal_safe

Spec = tuple  # (text, style, justify): one cell as plain values


class LiveTable(ScrollView, can_focus=True):
    """Rows keyed by string; ``sync(rows, order)`` makes the table show exactly those rows."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "First", show=False),
        Binding("end", "scroll_end", "Last", show=False),
    ]
    COMPONENT_CLASSES = {"live-table--header", "live-table--cursor", "live-table--even-row"}
    DEFAULT_CSS = """
    LiveTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .live-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:dark > .live-table--even-row { background: $surface-darken-1 40%; }
        & > .live-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .live-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .live-table--even-row { background: $surface-lighten-1 50%; }
        & > .live-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    def __init__(self, *, zebra_stripes: bool = True, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.zebra_stripes = zebra_stripes
        self.columns: list[tuple[str, str, int]] = []    # (key, label, max width)
        self.widths: list[int] = []
        self.rows: dict[str, tuple[Spec, ...]] = {}
        self.order: list[str] = []
        self.index: dict[str, int] = {}
        self.cursor_row = 0
        self.cursor_key: str | None = None
        # key -> (specs, their texts made terminal-safe). Kept for rows that leave, so rows a
        # filter hid come back without being made safe and measured again.
        self._safe: dict[str, tuple[tuple, tuple[str, ...]]] = {}
        self._lines: dict[str, tuple[tuple, Strip]] = {}  # key -> (what it was drawn from, line)
        self._styles: dict[str, Style] = {}
        self._safe_memo: dict[str, str] = {}          # cell text -> its terminal-safe text
        self._header: Strip | None = None
        self._look = 0                                    # bumped when widths, theme or focus change

    # -- columns and rows ------------------------------------------------------------------
    def add_column(self, label: str, key: str, max_width: int = 40) -> None:
        self.columns.append((key, label, max_width))
        self.widths.append(min(cell_len(label), max_width))
        self._restyle()

    def set_columns(self, columns: list[tuple[str, str, int]]) -> None:
        """Replace every column ((label, key, max width) each) and drop every row."""
        self.rows, self.order, self.index, self._safe = {}, [], {}, {}
        self.columns = [(key, label, mw) for label, key, mw in columns]
        self.widths = [min(cell_len(label), mw) for label, _, mw in columns]
        self.cursor_row, self.cursor_key = 0, None
        self._restyle()

    @property
    def row_count(self) -> int:
        return len(self.order)

    def row_texts(self, key: str) -> list[str]:
        """The row's cells as shown (terminal-safe text). Raises KeyError for a key not shown."""
        if key not in self.rows:
            raise KeyError(key)
        return list(self._safe[key][1])

    def sync(self, rows: dict[str, tuple[Spec, ...]], order: Iterable[str] | None = None) -> int:
        """Show exactly ``rows`` (key -> one spec per column), in ``order`` (default: the keys'
        order). The cursor stays on its key when that key is still shown. Returns how many rows
        changed. Does not block; repaints happen on the next frame."""
        order = list(rows) if order is None else list(order)
        shown = self.rows
        changed = [k for k, specs in rows.items() if shown.get(k) != specs]
        safe = self._safe_text
        for k in changed:
            specs = rows[k]
            known = self._safe.get(k)
            if known is None or len(known[0]) != len(specs):
                texts = tuple(safe(sp[0]) for sp in specs)
                self._safe[k] = (specs, texts)
                self._widen(texts)
            elif known[0] != specs:
                # Only the cells whose text changed are made safe and measured again: at 1,400
                # agents a refresh changes one or two cells of a row (its time in state).
                old_specs, old_texts = known
                texts = tuple(ot if osp[0] == sp[0] else safe(sp[0])
                              for sp, osp, ot in zip(specs, old_specs, old_texts))
                self._safe[k] = (specs, texts)
                self._widen_cells(texts, old_texts)
            self._lines.pop(k, None)        # drawn again when on screen; keeps the cache to live rows
        for k in [k for k in self.rows if k not in rows]:
            self._lines.pop(k, None)
        if len(self._safe) > 2 * len(rows) + 2000:      # keys come and go (not agents): stay bounded
            self._safe = {k: v for k, v in self._safe.items() if k in rows}
        moved = order != self.order
        self.rows = dict(rows)
        if moved:
            self.order = order
            self.index = {k: i for i, k in enumerate(order)}
            self._follow_cursor()
            self.virtual_size = Size(self._total_width(), len(order) + 1)
            self.refresh()
        elif changed:
            self._repaint_rows(changed)
        return len(changed)

    def clear(self) -> None:
        self.sync({}, [])

    def _widen(self, texts: tuple[str, ...]) -> None:
        grew = False
        for ci, t in enumerate(texts[:len(self.widths)]):
            w = min(cell_len(t), self.columns[ci][2])
            if w > self.widths[ci]:
                self.widths[ci] = w
                grew = True
        if grew:
            self._restyle()

    def _widen_cells(self, texts: tuple[str, ...], old: tuple[str, ...]) -> None:
        grew = False
        for ci, (t, o) in enumerate(zip(texts[:len(self.widths)], old)):
            if t is not o:
                w = min(cell_len(t), self.columns[ci][2])
                if w > self.widths[ci]:
                    self.widths[ci] = w
                    grew = True
        if grew:
            self._restyle()

    def _safe_text(self, value: object) -> str:
        """``terminal_safe(value)``, remembered for text that is not plain ASCII (names, the
        UI's words); plain printable ASCII is safe as it is. Does not block."""
        if not isinstance(value, str):
            return terminal_safe(value)
        if value.isascii() and value.isprintable():
            return value
        memo = self._safe_memo
        got = memo.get(value)
        if got is None:
            if len(memo) > 20000:       # bounded: a busy site's names and words are far fewer
                memo.clear()
            got = memo[value] = terminal_safe(value)
        return got

    def _total_width(self) -> int:
        return sum(w + 2 for w in self.widths)

    def _restyle(self) -> None:
        """Widths, theme or focus changed: every line is drawn again."""
        self._look += 1
        self._lines.clear()
        self._styles.clear()
        self._header = None
        self.virtual_size = Size(self._total_width(), len(self.order) + 1)
        self.refresh()

    def _repaint_rows(self, keys: list[str]) -> None:
        top = self.scroll_offset.y
        width, height = self._view()
        for k in keys:
            y = self.index.get(k, -1) - top + 1
            if 1 <= y < height:
                self.refresh(Region(0, y, width, 1))

    # -- cursor ----------------------------------------------------------------------------
    def _follow_cursor(self) -> None:
        if self.cursor_key in self.index:
            self.cursor_row = self.index[self.cursor_key]   # type: ignore[index]
        else:
            self.cursor_row = max(min(self.cursor_row, len(self.order) - 1), 0)
            self.cursor_key = self.order[self.cursor_row] if self.order else None
        self._scroll_to_cursor()

    def move_cursor(self, row: int) -> None:
        if not self.order:
            return
        old = self.cursor_key
        self.cursor_row = max(min(row, len(self.order) - 1), 0)
        self.cursor_key = self.order[self.cursor_row]
        self._scroll_to_cursor()
        self._repaint_rows([k for k in (old, self.cursor_key) if k is not None])

    def _scroll_to_cursor(self) -> None:
        body = max(self._view()[1] - 1, 1)          # lines under the header
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False, immediate=True)

    def _view(self) -> tuple[int, int]:
        """(width, height) of what is drawn: the widget less its scrollbars."""
        r = self.scrollable_content_region
        return r.width, r.height

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + max(self._view()[1] - 2, 1))

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - max(self._view()[1] - 2, 1))

    def action_scroll_home(self) -> None:
        self.move_cursor(0)

    def action_scroll_end(self) -> None:
        self.move_cursor(len(self.order) - 1)

    class Selected(Message):
        """A click on the row the cursor is already on (DataTable's RowSelected by mouse)."""

        def __init__(self, table: "LiveTable", key: str) -> None:
            super().__init__()
            self.table, self.key = table, key

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = int(self.scroll_offset.y) + offset.y - 1
        if row == self.cursor_row and self.cursor_key is not None and row < len(self.order):
            self.post_message(self.Selected(self, self.cursor_key))
        else:
            self.move_cursor(row)

    def on_focus(self) -> None:
        self._restyle()

    def on_blur(self) -> None:
        self._restyle()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    # -- drawing ---------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        s = self._styles.get(name)
        if s is None:
            if name == "":
                s = self.rich_style
            elif name.startswith("live-table--"):
                s = self.get_component_rich_style(name, partial=True)
            else:
                s = Style.parse(name)
            self._styles[name] = s
        return s

    def render_line(self, y: int) -> Strip:
        sx, sy = self.scroll_offset
        width = self._view()[0]
        base = self._style("")
        if y == 0:
            if self._header is None:
                head = self._style("live-table--header")
                self._header = Strip([Segment(" " + self._fit(label, w, "left") + " ", base + head)
                                      for (_, label, _), w in zip(self.columns, self.widths)])
            return self._header.crop_extend(sx, sx + width, base)
        i = sy + y - 1
        if i >= len(self.order):
            return Strip.blank(width, base)
        key = self.order[i]
        is_cursor = i == self.cursor_row and key == self.cursor_key
        look = (self.rows[key], is_cursor, i % 2, self._look)
        hit = self._lines.get(key)
        if hit is None or hit[0] != look:
            hit = self._lines[key] = (look, self._draw_row(key, is_cursor, i % 2 == 1))
        return hit[1].crop_extend(sx, sx + width, base)

    def _draw_row(self, key: str, is_cursor: bool, even: bool) -> Strip:
        row = self._style("")
        if even and self.zebra_stripes:
            row = row + self._style("live-table--even-row")
        cursor = self._style("live-table--cursor") if is_cursor else None
        segs = []
        for text, spec, w in zip(self._safe[key][1], self.rows[key], self.widths):
            style = row + self._style(spec[1]) if spec[1] else row
            if cursor is not None:
                style = style + cursor
            segs.append(Segment(" " + self._fit(text, w, spec[2]) + " ", style))
        return Strip(segs, sum(w + 2 for w in self.widths))

    @staticmethod
    def _fit(text: str, width: int, justify: str) -> str:
        n = cell_len(text)
        if n > width:
            if width < 2:
                return set_cell_size(text, width)
            # A wide character that does not fit is dropped whole, so the ellipsis goes right
            # after what is left and the padding after it.
            text = set_cell_size(text, width - 1).rstrip(" ") + "…"
            n = cell_len(text)
        pad = " " * (width - n)
        return pad + text if justify == "right" else text + pad
