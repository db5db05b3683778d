"""Shifts and report periods in site time (``hotline_tui.clock.SITE_TZ``).

Shifts come from ``kpi.yaml`` ``shifts:`` (``KpiSettings.shift_starts``): each shift runs from its
start to the next configured start, round the clock (24 x 7), whatever their number. Never blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..clock import SITE_TZ
from ..errors import ValidationError
from ..kpi import KpiSettings


@dataclass(frozen=True)
class Period:
    """``start <= t < end`` (aware datetimes, site time). ``shift``/``shift_date`` name a shift
    (the date of its start); both "" for a free period (``--from``/``--to``)."""

    start: datetime
    end: datetime
    shift: str = ""
    shift_date: str = ""

    @property
    def label(self) -> str:
        span = f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"
        return f"{self.shift_date} {self.shift} ({span})" if self.shift else span

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "shift": self.shift,
                "shift_date": self.shift_date}


def _starts_around(day: date, settings: KpiSettings) -> list[tuple[datetime, str]]:
    """Every shift start on the days before, of and after ``day``, in time order."""
    out = []
    for offset in (-1, 0, 1, 2):
        d = day + timedelta(days=offset)
        for name, t in settings.shift_starts:
            out.append((datetime.combine(d, t, tzinfo=SITE_TZ), name))
    return sorted(out)


def shift_at(moment: datetime, settings: KpiSettings) -> Period:
    """The shift running at ``moment``: from the latest start at or before it to the next start."""
    local = moment.astimezone(SITE_TZ)
    starts = _starts_around(local.date(), settings)
    i = max(k for k, (s, _) in enumerate(starts) if s <= local)
    start, name = starts[i]
    end = next(s for s, _ in starts[i + 1:] if s > start)
    return Period(start, end, name, start.date().isoformat())


def next_shift(p: Period, settings: KpiSettings) -> Period:
    """The shift that starts when ``p`` ends."""
    return shift_at(p.end, settings)


def shift_named(name: str, now: datetime, settings: KpiSettings) -> Period:
    """The latest shift called ``name`` that started at or before ``now`` (the running one if it
    is that shift). Raises ValidationError for a name not in ``kpi.yaml``."""
    names = [n for n, _ in settings.shift_starts]
    if name not in names:
        raise ValidationError(f"no shift {name!r} in kpi.yaml (shifts: {', '.join(names)})")
    p = shift_at(now, settings)
    for _ in range(len(names) + 1):
        if p.shift == name:
            return p
        p = shift_at(p.start - timedelta(seconds=1), settings)
    raise ValidationError(f"shift {name!r} not found")   # pragma: no cover - every name recurs daily


def free_period(start: datetime, end: datetime) -> Period:
    """``--from``/``--to``. Raises ValidationError unless start < end."""
    if not start < end:
        raise ValidationError(f"--from {start.isoformat()} must be before --to {end.isoformat()}")
    return Period(start.astimezone(SITE_TZ), end.astimezone(SITE_TZ))


#: ``--by`` values (docs/reports.md): half hours, site days, ISO weeks (Monday 00:00), months.
BY = ("half-hour", "day", "week", "month")


def _next_start(t: datetime, by: str) -> datetime:
    """The bucket after the one starting at ``t`` (site-time calendar arithmetic: a day is a date
    step, never 24 h of seconds)."""
    if by == "half-hour":
        return t + timedelta(minutes=30)
    d = t.date()
    if by == "day":
        d += timedelta(days=1)
    elif by == "week":
        d += timedelta(days=7)
    else:
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return datetime.combine(d, t.timetz())


def buckets(p: Period, by: str) -> list[tuple[datetime, datetime]]:
    """The half hours (``by`` "half-hour"), site days ("day"), weeks from Monday ("week") or
    calendar months ("month") that cover ``p``, each cut to ``p``."""
    if by not in BY:
        raise ValidationError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    if by == "half-hour":
        t = p.start.replace(minute=0 if p.start.minute < 30 else 30, second=0, microsecond=0)
    else:
        t = p.start.replace(hour=0, minute=0, second=0, microsecond=0)
        if by == "week":
            t = datetime.combine(t.date() - timedelta(days=t.weekday()), t.timetz())
        elif by == "month":
            t = t.replace(day=1)
    out = []
    while t < p.end:
        nxt = _next_start(t, by)
        out.append((max(t, p.start), min(nxt, p.end)))
        t = nxt
    return out
