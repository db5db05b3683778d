"""Pieces every screen uses: safe cells, in-place table sync, the trust line (dialogs: dialogs.py)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Static

from hotline_tui.text import terminal_safe


def cell(value: Any, style: str = "", justify: str = "left") -> Text:
    """Every table cell goes through here: data is shown as text, never as markup or escapes."""
    return Text(terminal_safe(value), style=style, justify=justify)  # type: ignore[arg-type]


def num(value: Any, style: str = "") -> Text:
    return cell(value, style, "right")


def sync_table(table: DataTable, rows: dict[str, tuple], order: list[str] | None = None) -> None:
    """Make ``table`` show ``rows`` (key → cells) by updating in place: changed cells are
    updated, gone rows removed, new rows added, so the cursor and scroll stay put. With
    ``order`` (keys; the first column must show the key) rows are re-sorted in place and the
    cursor stays on the same row key."""
    cols = list(table.columns.keys())
    present = {rk.value for rk in table.rows.keys()}
    for key in present - rows.keys():
        table.remove_row(key)
    for key, cells in rows.items():
        if key in present:
            old = table.get_row(key)
            for ci, (o, n) in enumerate(zip(old, cells)):
                if o != n:
                    table.update_cell(key, cols[ci], n, update_width=False)
        else:
            table.add_row(*cells, key=key)
    if order is not None and table.row_count:
        _reorder(table, cols, order)


def _reorder(table: DataTable, cols: list, order: list[str]) -> None:
    ordered = [r.key.value for r in table.ordered_rows]
    if ordered != order:
        rank = {k: i for i, k in enumerate(order)}
        keep = None
        try:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            pass
        table.sort(cols[0], key=lambda v: rank.get(v.plain if isinstance(v, Text) else str(v), 1 << 30))
        if keep is not None and keep in rank:
            table.move_cursor(row=table.get_row_index(keep), animate=False)


class TrustLine(Static):
    """One line: mode, each switch link, data age, refresh rate, user. Never stale itself."""

    DEFAULT_CSS = "TrustLine { height: 1; background: $boost; padding: 0 1; }"
