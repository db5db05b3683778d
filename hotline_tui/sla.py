"""SLA policy: deadlines per clock x category x urgency, traffic lights, pauses, escalation.

Read from ``sla.yaml``; rules in docs/sla.md. The deadline a ticket gets is computed once and
stored with the ticket, so a later calendar or policy change never rewrites past statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from .calendar import WorkCalendar, load_calendar
from .config import YamlDoc, load_yaml, validate
from .errors import ValidationError

CLOCKS = ("acknowledge", "handle", "review", "callback")
ACTIONS = ("yellow", "red", "auto_urge", "supervise")
Light = Literal["green", "yellow", "red"]


@dataclass(frozen=True)
class Duration:
    """Either elapsed time (``minutes``) or ``working_days`` on the calendar."""

    minutes: int = 0
    working_days: int = 0

    def after(self, start: datetime, cal: WorkCalendar) -> datetime:
        if self.working_days:
            return cal.add_working_days(start, self.working_days)
        return start + timedelta(minutes=self.minutes)

    def describe(self) -> str:
        if self.working_days:
            return f"{self.working_days} working days"
        return f"{self.minutes // 60} hours" if self.minutes % 60 == 0 else f"{self.minutes} minutes"


@dataclass(frozen=True)
class EscalationStep:
    name: str
    offset: timedelta   # relative to the deadline (negative = before it)
    action: str


def _duration(doc: YamlDoc, path: tuple, spec) -> Duration:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise doc.error(path, "give exactly one of minutes, hours, working_days")
    (unit, value), = spec.items()
    if not isinstance(value, int) or value <= 0:
        raise doc.error(path + (unit,), f"must be a positive whole number, not {value!r}")
    if unit == "minutes":
        return Duration(minutes=value)
    if unit == "hours":
        return Duration(minutes=60 * value)
    if unit == "working_days":
        return Duration(working_days=value)
    raise doc.error(path + (unit,), "unit must be minutes, hours or working_days")


@dataclass
class SlaPolicy:
    calendar: WorkCalendar
    defaults: dict[str, Duration]
    by_category: dict[str, dict[str, Duration]]
    by_urgency: dict[str, dict[str, Duration]]
    yellow_before_due: timedelta
    yellow_after_working_days: int | None
    red_after_working_days: int | None
    pause_states: frozenset[str]
    ladder: tuple[EscalationStep, ...]

    def duration(self, clock: str, category: str, urgency: str) -> Duration:
        if clock not in self.defaults:
            raise ValidationError(f"unknown SLA clock {clock!r} (one of {', '.join(CLOCKS)})")
        if urgency != "normal" and urgency in self.by_urgency.get(clock, {}):
            return self.by_urgency[clock][urgency]
        return self.by_category.get(clock, {}).get(category, self.defaults[clock])

    def deadline(self, clock: str, category: str, urgency: str, start: datetime) -> datetime:
        """When ``clock`` of a ticket of ``category``/``urgency`` started at ``start`` is due."""
        return self.duration(clock, category, urgency).after(start, self.calendar)

    def yellow_from(self, due: datetime, start: datetime | None = None) -> datetime:
        """The instant a clock due at ``due`` turns yellow (stored, indexed, queried by range):
        ``yellow_before_due`` before the deadline, but never in the first half of a clock that
        started at ``start`` — a 30-minute acknowledge clock is not yellow from its first minute
        because the warning window is 24 hours."""
        y = due - self.yellow_before_due
        if start is not None and start < due:
            y = max(y, start + (due - start) / 2)
        return y

    def light(self, due: datetime | None, now: datetime, started: datetime | None = None,
              yellow_from: datetime | None = None) -> Light:
        """red past due (or open longer than the red age); yellow from ``yellow_from`` (the stored
        instant; else ``yellow_before_due`` before due) or older than the yellow age; green otherwise."""
        try:
            age = self.calendar.working_days_between(started, now) if started is not None else 0
        except ValidationError:
            # A start outside the calendar's years (bad data from an import): the age reading
            # cannot be taken; the deadline reading still is. A list never fails on one ticket.
            age, started = 0, None
        if (due is not None and now >= due) or (
            started is not None and self.red_after_working_days and age > self.red_after_working_days
        ):
            return "red"
        if yellow_from is None and due is not None:
            yellow_from = self.yellow_from(due)
        if (yellow_from is not None and now >= yellow_from) or (
            started is not None and self.yellow_after_working_days and age > self.yellow_after_working_days
        ):
            return "yellow"
        return "green"

    def escalation_steps(self, clock: str = "handle") -> list[EscalationStep]:
        return list(self.ladder)


def load_sla_policy(config_dir: str | Path, calendar: WorkCalendar | None = None) -> SlaPolicy:
    """Read ``sla.yaml``. Raises ConfigError naming file, line and key."""
    from .config_schema import SlaFile   # here, not at the top: only the loaders need pydantic

    cal = calendar or load_calendar(config_dir)
    doc = load_yaml(Path(config_dir) / "sla.yaml")
    validate(doc, SlaFile)   # types, ranges, unknown keys; the rules below need more than one key
    clocks = doc.get("clocks") or {}
    defaults, by_cat, by_urg = {}, {}, {}
    for clock in CLOCKS:
        spec = clocks.get(clock)
        if not isinstance(spec, dict) or "default" not in spec:
            raise doc.error(("clocks", clock), f"clock '{clock}' needs a default duration")
        defaults[clock] = _duration(doc, ("clocks", clock, "default"), spec["default"])
        by_cat[clock] = {str(k): _duration(doc, ("clocks", clock, "by_category", k), v)
                         for k, v in (spec.get("by_category") or {}).items()}
        by_urg[clock] = {str(k): _duration(doc, ("clocks", clock, "by_urgency", k), v)
                         for k, v in (spec.get("by_urgency") or {}).items()}
    for clock in clocks:
        if clock not in CLOCKS:
            raise doc.error(("clocks", clock), f"unknown clock (one of {', '.join(CLOCKS)})")
    lights = doc.get("lights") or {}
    ybd = _duration(doc, ("lights", "yellow_before_due"), lights.get("yellow_before_due", {"hours": 24}))
    if ybd.working_days:
        raise doc.error(("lights", "yellow_before_due"), "give minutes or hours here")
    ladder = []
    for i, step in enumerate(doc.get("escalation") or []):
        if not isinstance(step, dict) or step.get("action") not in ACTIONS:
            raise doc.error(("escalation", i, "action"), f"action must be one of {', '.join(ACTIONS)}")
        off = step.get("offset_hours", 0)
        if not isinstance(off, (int, float)):
            raise doc.error(("escalation", i, "offset_hours"), "must be a number of hours")
        ladder.append(EscalationStep(str(step.get("name", step["action"])), timedelta(hours=off), step["action"]))
    return SlaPolicy(
        cal, defaults, by_cat, by_urg, timedelta(minutes=ybd.minutes),
        lights.get("yellow_after_working_days"), lights.get("red_after_working_days"),
        frozenset(doc.get("pause_states") or ()), tuple(sorted(ladder, key=lambda s: s.offset)),
    )
