"""The txt form of a report: Rich tables and a bar chart of calls by half hour (or day).

Rich (already the console's renderer, Textualize, released monthly) measures Chinese text
by cell width, so columns line up; ``rich.bar.Bar`` draws the bars. Rendered into a string on a
Console with a fixed width, no colour and no terminal: the same data gives the same bytes with
stdout not a tty, ``TERM`` unset or ``COLUMNS`` anything. Every cell is a ``Text`` made from data
passed through ``terminal_safe`` (never markup). Never blocks."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.bar import Bar as RichBar
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..reports.render import layout
from ..text import terminal_safe

WIDTH = 160   # the call-loss table (17 columns) fits unwrapped; mail readers scroll


def _t(s: str) -> Text:
    return Text(terminal_safe(s))


def _numeric(cell: str) -> bool:
    return cell == "—" or cell[:1].isdigit() and "-" not in cell[:5]


def to_txt(d: dict[str, Any], width: int = WIDTH) -> str:
    lay = layout(d)
    buf = io.StringIO()
    con = Console(file=buf, width=width, color_system=None, force_terminal=False, force_jupyter=False,
                  force_interactive=False, no_color=True, highlight=False, markup=False, emoji=False,
                  legacy_windows=False, soft_wrap=False, record=False, _environ={})
    con.print(_t(lay.title))
    con.print(_t(lay.subtitle))
    if lay.bars:
        peak = max(b.offered for b in lay.bars) or 1
        chart = Table(title="calls (█ offered)", box=None, show_header=True, pad_edge=False)
        chart.add_column("time", no_wrap=True)
        chart.add_column("offered", justify="right")
        chart.add_column("abandoned", justify="right")
        chart.add_column("", width=60, no_wrap=True)
        for b in lay.bars:
            chart.add_row(_t(b.label), str(b.offered), str(b.abandoned), RichBar(peak, 0, b.offered, width=60))
        con.print(chart)
    for s in lay.sections:
        if s.columns and s.rows:
            tab = Table(title=terminal_safe(s.title), title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1),
                        pad_edge=False)
            for i, c in enumerate(s.columns):
                numeric = bool(s.rows) and all(_numeric(r[i]) for r in s.rows)
                tab.add_column(_t(c), overflow="fold", justify="right" if numeric else "left", min_width=len(c))
            for r in s.rows:
                tab.add_row(*(_t(c) for c in r))
            con.print(tab)
        else:
            con.print(_t(s.title))
        for line in s.lines:
            con.print(Text("  ") + _t(line))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
