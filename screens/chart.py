"""The wallboard's chart of callers waiting: a time axis over the last 30 minutes, bars from 0.

Textual's Sparkline scales between the data's own minimum and maximum and fills the box when it
has one point, so a quiet queue (always 2 waiting) looked like a wall of callers and the first
second after start-up did too. Here 0 is the bottom, the top is the peak of the window, each
column is a fixed slice of time, time before the console has data stays blank and a known 0 is a
baseline (``_``), so it differs from one caller (at least one eighth of a block).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

BARS = " ▁▂▃▄▅▆▇█"


def chart_rows(points: tuple[tuple[float, int], ...] | list, now: float, width: int, height: int,
               window_s: float = 1800) -> list[str]:
    """Rows (top first) of a bar chart of ``points`` ((time, count), time ascending; a count
    holds until the next point) over ``[now - window_s, now]``. Each of ``width`` columns shows
    the highest count in its slice of time."""
    if width <= 0 or height <= 0:
        return []
    span = window_s / width
    start = now - window_s
    values: list[int | None] = []
    j, last = 0, None
    while j < len(points) and points[j][0] < start:      # the count in force when the window opens
        last = points[j][1]
        j += 1
    for i in range(width):
        end = start + (i + 1) * span
        peak = last
        while j < len(points) and points[j][0] < end:
            last = points[j][1]
            peak = last if peak is None else max(peak, last)
            j += 1
        values.append(peak)
    top = max((v for v in values if v is not None), default=0) or 1
    # Any caller waiting shows at least one eighth, so 1 is never drawn like 0.
    eighths = [None if v is None else max(round(v / top * height * 8), 1 if v else 0) for v in values]
    rows = []
    for r in range(height):
        floor = (height - 1 - r) * 8
        line = []
        for v, h in zip(values, eighths):
            if v is None:
                line.append(" ")
            elif h >= floor + 8:
                line.append("█")
            elif h > floor:
                line.append(BARS[h - floor])
            else:
                line.append("_" if r == height - 1 and not v else " ")   # a known 0: the baseline
        rows.append("".join(line))
    return rows


class WaitingChart(Widget):
    """Shows ``chart_rows`` for the points given to ``show``; fills its box."""

    COMPONENT_CLASSES = {"waiting-chart--bar"}
    DEFAULT_CSS = """
    WaitingChart { height: 1fr; }
    WaitingChart > .waiting-chart--bar { color: $accent; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.points: tuple = ()
        self.now = 0.0

    def show(self, points: tuple, now: float) -> None:
        self.points, self.now = tuple(points), now
        self.refresh()

    def render(self) -> Text:
        rows = chart_rows(self.points, self.now, self.size.width, self.size.height)
        return Text("\n".join(rows), style=self.get_component_rich_style("waiting-chart--bar", partial=True),
                    no_wrap=True, overflow="crop")
