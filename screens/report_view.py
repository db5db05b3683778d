"""A report drawn in the console: the ``Layout`` every form prints (``hotline_tui.reports.render``)
as Rich tables with a bar chart of calls by half hour (or day) on top — the terminal charts of
``hotline report … --format txt``, drawn here for the screen's width. Every cell is a ``Text``
made through ``terminal_safe`` (never markup). Never blocks."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.bar import Bar as RichBar
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hotline_tui.reports.render import layout
from hotline_tui.text import terminal_safe

CHART_W = 50


def _t(s: str, style: str = "") -> Text:
    return Text(terminal_safe(s), style=style)


def _numeric(cell: str) -> bool:
    return cell == "—" or cell[:1].isdigit() and "-" not in cell[:5]


def report_renderable(data: dict[str, Any]) -> RenderableType:
    """The report ``data`` (as ``hotline report NAME --format json`` gives it) as one Rich
    renderable: title, subtitle, the chart, then each section."""
    lay = layout(data)
    parts: list[RenderableType] = [_t(lay.title, "bold"), _t(lay.subtitle, "dim")]
    if lay.bars:
        peak = max(b.offered for b in lay.bars) or 1
        chart = Table(title=None, box=None, show_header=True, pad_edge=False, expand=False)
        chart.add_column("time", no_wrap=True)
        chart.add_column("offered", justify="right")
        chart.add_column("abandoned", justify="right")
        chart.add_column("", width=CHART_W, no_wrap=True)
        for b in lay.bars:
            chart.add_row(_t(b.label), str(b.offered), _t(str(b.abandoned), "red" if b.abandoned else ""),
                          RichBar(peak, 0, b.offered, width=CHART_W, color="green"))
        parts.append(chart)
    for s in lay.sections:
        if s.columns and s.rows:
            tab = Table(title=terminal_safe(s.title), title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0, 0, 1),
                        pad_edge=False)
            for i, c in enumerate(s.columns):
                numeric = all(_numeric(r[i]) for r in s.rows)
                tab.add_column(_t(c), overflow="fold", justify="right" if numeric else "left")
            for r in s.rows:
                tab.add_row(*(_t(c) for c in r))
            parts.append(tab)
        else:
            parts.append(_t(s.title, "bold"))
        for line in s.lines:
            parts.append(Text("  ") + _t(line, "bold yellow" if line.startswith("WARNING") else ""))
    return Group(*parts)
