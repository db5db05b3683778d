"""The working-day calendar: weekends, official holidays and make-up working days (调休).

Data, not code: one YAML file per year in ``<config>/calendar/`` (see
``config/demo/calendar/2026.yaml``). The counting rule ("N 个工作日内") is configuration in
``sla.yaml`` under ``working_days`` and written down in docs/sla.md:

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

from .clock import SITE_TZ
from .config import YamlDoc, load_yaml
from .errors import ConfigError, ValidationError

START_RULES = ("next_working_day", "same_day_before_close")


def _as_date(doc: YamlDoc, path: tuple, value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise doc.error(path, f"not a date: {value!r} (use YYYY-MM-DD)") from None


@dataclass
class WorkCalendar:
    days_off: dict[date, str] = field(default_factory=dict)
    make_up_days: dict[date, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    closes_at: time = time(23, 59, 59)
    start_rule: str = "next_working_day"
    source: str = ""

    def _check_year(self, d: date) -> None:
        if d.year not in self.years:
            raise ValidationError(
                f"no working-day calendar for {d.year}: add {self.source or 'config'}/calendar/{d.year}.yaml"
            )

    def is_working_day(self, d: date) -> bool:
        """True for Mon–Fri that is not a day off, and for listed make-up days.
        Raises ValidationError when ``d``'s year has no calendar file. Never blocks."""
        self._check_year(d)
        if d in self.make_up_days:
            return True
        if d in self.days_off:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The deadline "within ``n`` working days" of ``start``: closing time on the Nth
        working day, counted by ``start_rule``. Returned in the site's time zone."""
        if n < 1:
            raise ValidationError(f"working days must be at least 1, not {n}")
        local = start.astimezone(SITE_TZ)
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
        da, db = a.astimezone(SITE_TZ).date(), b.astimezone(SITE_TZ).date()
        n = 0
        while da < db:
            da += timedelta(days=1)
            n += self.is_working_day(da)
        return n


def load_calendar(config_dir: str | Path) -> WorkCalendar:
    """Read every ``calendar/*.yaml`` and the counting rule from ``sla.yaml``.
    Raises ConfigError naming file, line and key."""
    folder = Path(config_dir) / "calendar"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ConfigError(str(folder), None, None, "no calendar files (one YAML per year, e.g. 2026.yaml)")
    cal = WorkCalendar(source=str(config_dir))
    years = set()
    for f in files:
        doc = load_yaml(f)
        year = doc.get("year")
        if not isinstance(year, int):
            raise doc.error(("year",), "the calendar's year (e.g. 2026) is required")
        years.add(year)
        for i, h in enumerate(doc.get("holidays") or []):
            if not isinstance(h, dict) or "from" not in h:
                raise doc.error(("holidays", i), "needs from (and to, name)")
            d0 = _as_date(doc, ("holidays", i, "from"), h["from"])
            d1 = _as_date(doc, ("holidays", i, "to"), h.get("to", h["from"]))
            if d1 < d0:
                raise doc.error(("holidays", i, "to"), "ends before it starts")
            while d0 <= d1:
                cal.days_off[d0] = str(h.get("name", ""))
                d0 += timedelta(days=1)
        for i, w in enumerate(doc.get("workdays") or []):
            if not isinstance(w, dict) or "date" not in w:
                raise doc.error(("workdays", i), "needs date (and name)")
            d = _as_date(doc, ("workdays", i, "date"), w["date"])
            if d in cal.days_off:
                raise doc.error(("workdays", i, "date"), f"{d} is also listed as a day off")
            cal.make_up_days[d] = str(w.get("name", ""))
    cal.years = frozenset(years)
    sla = Path(config_dir) / "sla.yaml"
    if sla.exists():
        doc = load_yaml(sla)
        rules = doc.get("working_days") or {}
        if "day_closes_at" in rules:
            try:
                cal.closes_at = time.fromisoformat(str(rules["day_closes_at"]))
            except ValueError:
                raise doc.error(("working_days", "day_closes_at"), "not a time of day (use HH:MM)") from None
        rule = rules.get("start_rule", cal.start_rule)
        if rule not in START_RULES:
            raise doc.error(("working_days", "start_rule"), f"must be one of {', '.join(START_RULES)}")
        cal.start_rule = rule
    return cal
