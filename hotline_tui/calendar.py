"""The working-day calendar: weekends, official holidays and make-up working days (调休).

Where each year comes from (docs/sla.md, "Where the years come from"):

* **site file** — ``<config>/calendar/<year>.yaml`` (see ``config/demo/calendar/2026.yaml``):
  the State Council's notice for that year, typed in by the site. Authoritative for its year;
  ``base: library`` makes it add to and override the library's days instead of replacing them.
* **official** — no site file, but the ``holidays`` package has the year's announced
  arrangement (its days off and its ``weekend_workdays``).
* **provisional** — neither: statutory days by the rule the ``holidays`` package applies
  (法定节假日, a holiday on a weekend gives a weekday off), no make-up days. Deadlines are still
  computed — never a refused dispatch — and ``WorkCalendar.provisional_years`` / ``warning``
  tell the screens and ``hotline calendar check`` to say so.

Dates outside ``MIN_YEAR``..``MAX_YEAR`` are a ValidationError (one line), never an
OverflowError. The counting rule ("N 个工作日内") is configuration in ``sla.yaml`` under
``working_days``:

* ``start_rule: next_working_day`` (default) — day 1 is the first working day after the day of
  receipt; ``same_day_before_close`` — the day of receipt counts as day 1 when it is a working
  day and the ticket arrived before closing time.
* ``day_closes_at: "17:30"`` (default ``"23:59:59"``) — a deadline of N working days ends at
  this time on the Nth working day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from .clock import SITE_TZ
from .config import load_yaml, validate
from .errors import ConfigError, ValidationError

START_RULES = ("next_working_day", "same_day_before_close")
#: The years the calendar answers for; outside them a date is refused with one line.
MIN_YEAR, MAX_YEAR = 2000, 2100
#: How far ahead of today ``provisional_years(today)`` looks: a 15-working-day clock started
#: today ends within this many days, even across the Spring Festival.
LOOKAHEAD_DAYS = 45

Source = Literal["site file", "official", "provisional"]


@dataclass(frozen=True)
class CalendarYear:
    """One year as the calendar uses it: where it came from, its days off and make-up days."""

    year: int
    source: Source
    days_off: dict[date, str]
    make_up_days: dict[date, str]
    file: str = ""            # the site file, when there is one
    base: str = ""            # "library" when a site file adds to the library's days

    def as_dict(self) -> dict:
        return {"year": self.year, "source": self.source, "file": self.file or None,
                "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(self.days_off.items())],
                "make_up_days": [{"date": d.isoformat(), "name": n} for d, n in sorted(self.make_up_days.items())]}


def _check_range(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"year {year} is outside the working-day calendar ({MIN_YEAR}–{MAX_YEAR})")


def library_year(year: int) -> tuple[Source, dict[date, str], dict[date, str]]:
    """China's days for ``year`` from the ``holidays`` package: ("official", days off, make-up
    days) when the year's arrangement is published there, else ("provisional", statutory days
    by rule, {}). Never blocks (no network: the data ships with the package)."""
    import holidays  # lazily: only years without a site file need it (~0.1 s to import)

    cn = holidays.country_holidays("CN", years=year, language="zh_CN")
    days_off = {d: str(name) for d, name in cn.items() if d.year == year}
    # weekend_workdays is kept across the years the package knows; a year's own are in the year
    # (a make-up day for next year's New Year, 2001-12-29, counts for the year it falls in).
    make_up = {d: "调休上班" for d in getattr(cn, "weekend_workdays", ()) if d.year == year}
    if make_up:
        return "official", days_off, make_up
    return "provisional", days_off, {}


@dataclass
class WorkCalendar:
    #: Days listed in site files (they override everything, whatever year they fall in).
    days_off: dict[date, str] = field(default_factory=dict)
    make_up_days: dict[date, str] = field(default_factory=dict)
    #: Years that have a site file, with the file and its ``base``.
    site_files: dict[int, tuple[str, str]] = field(default_factory=dict)
    closes_at: time = time(23, 59, 59)
    start_rule: str = "next_working_day"
    source: str = ""
    _years: dict[int, CalendarYear] = field(default_factory=dict, repr=False)

    @property
    def years(self) -> frozenset[int]:
        """The years that have a site file."""
        return frozenset(self.site_files)

    def year(self, year: int) -> CalendarYear:
        """The calendar of ``year`` (computed once, then kept). Raises ValidationError outside
        MIN_YEAR..MAX_YEAR. Never blocks."""
        _check_range(year)
        got = self._years.get(year)
        if got is None:
            got = self._years[year] = self._build(year)
        return got

    def _build(self, year: int) -> CalendarYear:
        mine_off = {d: n for d, n in self.days_off.items() if d.year == year}
        mine_up = {d: n for d, n in self.make_up_days.items() if d.year == year}
        file, base = self.site_files.get(year, ("", ""))
        if file and base != "library":
            return CalendarYear(year, "site file", mine_off, mine_up, file)
        source, off, up = library_year(year)
        # Site days (from any file: a New Year span may start in December) override the library.
        for d in mine_off:
            up.pop(d, None)
        for d in mine_up:
            off.pop(d, None)
        off.update(mine_off)
        up.update(mine_up)
        return CalendarYear(year, "site file" if file else source, off, up, file, base)

    def is_working_day(self, d: date) -> bool:
        """True for Mon–Fri that is not a day off, and for make-up days. Raises
        ValidationError outside MIN_YEAR..MAX_YEAR. Never blocks."""
        y = self.year(d.year)
        if d in y.make_up_days:
            return True
        if d in y.days_off:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def _local(self, t: datetime) -> datetime:
        # Check before converting: 0001-01-01T00:00+14:00 overflows in astimezone.
        _check_range(t.year)
        local = t.astimezone(SITE_TZ)
        _check_range(local.year)
        return local

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The deadline "within ``n`` working days" of ``start``: closing time on the Nth
        working day, counted by ``start_rule``. Returned in the site's time zone. Raises
        ValidationError for ``n`` < 1 or a date outside the calendar's years."""
        if n < 1:
            raise ValidationError(f"working days must be at least 1, not {n}")
        local = self._local(start)
        d = local.date()
        if self.start_rule == "same_day_before_close" and self.is_working_day(d) and local.time() < self.closes_at:
            count = 1
        else:
            d = self.next_working_day(d)
            count = 1
        while count < n:
            d = self.next_working_day(d)
            count += 1
        return datetime.combine(d, self.closes_at, tzinfo=SITE_TZ)

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Working days d with a.date() < d <= b.date() (0 when b is not after a)."""
        da, db = self._local(a).date(), self._local(b).date()
        n = 0
        while da < db:
            da += timedelta(days=1)
            n += self.is_working_day(da)
        return n

    def window(self, today: date) -> list[int]:
        """The years a clock started ``today`` can reach: today's and, near the year's end, the next."""
        last = min(today + timedelta(days=LOOKAHEAD_DAYS), date(MAX_YEAR, 12, 31))
        return list(range(today.year, last.year + 1))

    def provisional_years(self, today: date | None = None) -> list[int]:
        """Years in use whose 调休 is not announced (no site file, not published in the
        ``holidays`` package): the window around ``today`` (see ``window``) and every year a
        deadline was already computed in. Sorted; empty when all are known. Never blocks."""
        years = set(self._years)
        if today is not None:
            years.update(self.window(today))
        return sorted(y for y in years if MIN_YEAR <= y <= MAX_YEAR and self.year(y).source == "provisional")

    def warning(self, today: date | None = None) -> str | None:
        """One line for the console's trust line, the engineer view and the handover report
        when ``provisional_years(today)`` is not empty; None otherwise."""
        years = self.provisional_years(today)
        return self.warning_for(years) if years else None

    @staticmethod
    def warning_for(years: list[int]) -> str:
        """The warning line for these provisional ``years``."""
        names = ", ".join(str(y) for y in years)
        files = ", ".join(f"calendar/{y}.yaml" for y in years)
        return (f"working-day calendar {names} provisional: statutory holidays only, no 调休 make-up days "
                f"announced; deadlines may move a day — add {files} from the State Council notice")

    def known_years(self, today: date) -> list[CalendarYear]:
        """Every year with a site file and the years around ``today`` (last year to the window's end)."""
        years = set(self.site_files) | set(range(max(MIN_YEAR, today.year - 1), today.year + 1)) | set(self.window(today))
        return [self.year(y) for y in sorted(years) if MIN_YEAR <= y <= MAX_YEAR]


def load_calendar(config_dir: str | Path) -> WorkCalendar:
    """Read every ``calendar/*.yaml`` (none is fine: the library's years are used) and the
    counting rule from ``sla.yaml``. Raises ConfigError naming file, line and key."""
    from .config_schema import CalendarFile, SlaCountingRule   # here: only the loaders need pydantic

    folder = Path(config_dir) / "calendar"
    cal = WorkCalendar(source=str(config_dir))
    for f in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        doc = load_yaml(f)
        spec = validate(doc, CalendarFile)
        if f.stem.isdigit() and int(f.stem) != spec.year:
            raise doc.error(("year",), f"says {spec.year} but the file is named {f.name}")
        if spec.year in cal.site_files:
            raise doc.error(("year",), f"{spec.year} is already given by {cal.site_files[spec.year][0]}")
        cal.site_files[spec.year] = (str(f), spec.base)
        for i, h in enumerate(spec.holidays):
            d0, d1 = h.from_, h.to or h.from_
            if d1 < d0:
                raise doc.error(("holidays", i, "to"), "ends before it starts")
            if (d1 - d0).days > 31:
                raise doc.error(("holidays", i, "to"), "a holiday of more than a month: check the dates")
            while d0 <= d1:
                if abs(d0.year - spec.year) > 1:
                    raise doc.error(("holidays", i), f"{d0} is not in or next to {spec.year}")
                cal.days_off[d0] = str(h.name)
                d0 += timedelta(days=1)
        for i, w in enumerate(spec.workdays):
            if w.date in cal.days_off:
                raise doc.error(("workdays", i, "date"), f"{w.date} is also listed as a day off")
            if abs(w.date.year - spec.year) > 1:
                raise doc.error(("workdays", i, "date"), f"{w.date} is not in or next to {spec.year}")
            cal.make_up_days[w.date] = str(w.name)
    sla = Path(config_dir) / "sla.yaml"
    if sla.exists():
        doc = load_yaml(sla)
        rules = validate(doc, SlaCountingRule).working_days   # the rest: load_sla_policy
        try:
            hh, rest = rules.day_closes_at.split(":", 1)
            cal.closes_at = time.fromisoformat(f"{int(hh):02d}:{rest}")
        except ValueError:
            raise doc.error(("working_days", "day_closes_at"), "not a time of day (use HH:MM)") from None
        cal.start_rule = rules.start_rule
    return cal
