"""Call figures: the ONE implementation of each definition in docs/kpi.md.

``CallOutcome`` is one caller's visit to a queue, finished. ``figures(outcomes, settings)``
turns any set of them (a window) into ``KpiFigures`` through ``KpiSums`` (the running sums the live
picture keeps per time bucket). Rates are None when the denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Iterable, Literal

from .config import load_yaml, validate

Denominator = Literal["offered", "answered", "offered_minus_short"]


@dataclass(frozen=True, slots=True)
class KpiFigures:
    """Queue KPIs over one window; definitions in docs/kpi.md. Rates are 0..1 or None
    when the denominator is zero (shown as '—', never as 0 % or 100 %)."""

    window: str             # "30m", "shift", "today"
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    answered_within: int = 0
    service_level: float | None = None
    # The service level's own numerator and denominator under the variant in force (so a report
    # shows what it divided); abandoned_within: abandons with wait ≤ the threshold (short ones too).
    sl_numerator: int = 0
    sl_denominator: int = 0
    abandoned_within: int = 0
    answer_rate: float | None = None
    abandon_rate: float | None = None
    asa_s: float | None = None
    aht_s: float | None = None
    occupancy: float | None = None   # all-queue totals only (agents serve several queues)


@dataclass(frozen=True, slots=True)
class CallOutcome:
    queue: str
    joined_at: float
    left_at: float
    answered: bool
    wait_s: float          # joined → answered (answered) or joined → left (not answered)
    talk_s: float = 0.0    # answered → bridge ended
    abandoned: bool = False  # the caller hung up while waiting (CC-Cancel-Reason BREAK_OUT)
    agent: str = ""
    wrap_s: float = 0.0    # after-call work: the serving agent's wrap-up time, which mod_callcenter holds the agent for
    # "" or how a supervisor took the caller out of the queue (issue 18, switch.CallerTaken):
    # "picked_up" (answered, by the supervisor: no agent handle time) or "moved" (transferred)
    taken: str = ""


@dataclass(frozen=True)
class KpiSettings:
    threshold_s: float = 20
    denominator: Denominator = "offered"
    short_abandon_s: float = 5
    sl_target: float = 0.80
    abandon_target: float = 0.05
    caller_waiting_over_s: float = 120
    break_over_s: float = 900
    shift_starts: tuple[tuple[str, time], ...] = (("早班", time(8)), ("中班", time(16)), ("夜班", time(0)))
    #: ``service_level.abandons_within_met``: an abandon within the threshold counts as met
    #: (numerator + abandons with wait ≤ threshold, short abandons left out when the
    #: denominator leaves them out): the "abandons within T are not the centre's fault" variant. Not with the ``answered`` denominator (it would pass 100 %).
    abandons_within_met: bool = False

    def describe(self) -> str:
        den = {"offered": "offered", "answered": "answered", "offered_minus_short": f"offered − abandons < {self.short_abandon_s:g}s"}
        num = f"answered ≤ {self.threshold_s:g}s"
        if self.abandons_within_met:
            short = f", not < {self.short_abandon_s:g}s" if self.denominator == "offered_minus_short" else ""
            num = f"(answered ≤ {self.threshold_s:g}s + abandoned ≤ {self.threshold_s:g}s{short})"
        return f"SL = {num} ÷ {den[self.denominator]}"

    @property
    def variant(self) -> str:
        """The SL variant's name as kpi.yaml spells it (reports' JSON carries it)."""
        return self.denominator + ("+abandons_within_met" if self.abandons_within_met else "")


def load_kpi_settings(config_dir: str | Path) -> KpiSettings:
    """Read ``kpi.yaml``. Raises ConfigError naming file, line and key."""
    from .config_schema import KpiFile   # here, not at the top: only the loaders need pydantic

    doc = load_yaml(Path(config_dir) / "kpi.yaml")
    validate(doc, KpiFile)   # types, ranges, unknown keys
    top = doc.data if isinstance(doc.data, dict) else {}
    sl = doc.get("service_level") or {}
    alerts = doc.get("alerts") or {}
    for key, table in (("service_level", sl), ("alerts", alerts)):
        if not isinstance(table, dict):
            raise doc.error((key,), "must be a mapping")
    den = sl.get("denominator", "offered")
    if den not in ("offered", "answered", "offered_minus_short"):
        raise doc.error(("service_level", "denominator"), "must be offered, answered or offered_minus_short")
    met = sl.get("abandons_within_met", False)
    if not isinstance(met, bool):
        raise doc.error(("service_level", "abandons_within_met"), "must be true or false")
    if met and den == "answered":
        raise doc.error(("service_level", "abandons_within_met"),
                        "needs denominator offered or offered_minus_short (abandons are not in answered)")
    for path, table, key in ((("service_level", "threshold_s"), sl, "threshold_s"), (("service_level", "target"), sl, "target"),
                             (("short_abandon_s",), top, "short_abandon_s"), (("abandon_target",), top, "abandon_target"),
                             (("alerts", "caller_waiting_over_s"), alerts, "caller_waiting_over_s"),
                             (("alerts", "break_over_s"), alerts, "break_over_s")):
        v = table.get(key)
        if key in table and (isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0):
            raise doc.error(path, "must be a number, 0 or more")
    shifts = []
    for i, s in enumerate(doc.get("shifts") or []):
        try:
            shifts.append((str(s["name"]), time.fromisoformat(str(s["start"]))))
        except (KeyError, TypeError, ValueError):
            raise doc.error(("shifts", i), "each shift needs name and start (HH:MM)") from None
    return KpiSettings(
        float(sl.get("threshold_s", 20)), den, float(doc.get("short_abandon_s", 5)), float(sl.get("target", 0.8)),
        float(doc.get("abandon_target", 0.05)), float(alerts.get("caller_waiting_over_s", 120)),
        float(alerts.get("break_over_s", 900)), tuple(shifts) or KpiSettings.shift_starts, met,
    )


def _rate(num: float, den: float) -> float | None:
    return num / den if den else None


class KpiSums:
    """The running sums every call figure is made of, for one set of calls (a window, a bucket).
    Sums add and subtract, so windows can slide without keeping every call."""

    __slots__ = ("offered", "answered", "abandoned", "short", "within", "ab_within", "short_within", "wait_sum",
                 "talk_sum", "handled")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to no calls (a reused bucket)."""
        # handled: answered visits with a handle time (all but those a supervisor picked up,
        # whose talk on the supervisor's phone the queue never sees): AHT's denominator
        self.offered = self.answered = self.abandoned = self.short = self.within = self.ab_within = self.short_within = 0
        self.handled = 0
        self.wait_sum = self.talk_sum = 0.0

    def add(self, o: CallOutcome, s: KpiSettings) -> None:
        self.offered += 1
        if o.answered:
            self.answered += 1
            self.wait_sum += o.wait_s
            self.within += o.wait_s <= s.threshold_s
            if o.taken != "picked_up":
                self.handled += 1
                self.talk_sum += o.talk_s + o.wrap_s      # handle time = talk + after-call work
        elif o.abandoned:
            self.abandoned += 1
            short, within = o.wait_s < s.short_abandon_s, o.wait_s <= s.threshold_s
            self.short += short
            self.ab_within += within
            self.short_within += short and within

    def merge(self, other: "KpiSums", sign: int = 1) -> None:
        """Add (``sign`` 1) or take away (-1) ``other``'s calls."""
        self.offered += sign * other.offered
        self.answered += sign * other.answered
        self.abandoned += sign * other.abandoned
        self.short += sign * other.short
        self.within += sign * other.within
        self.ab_within += sign * other.ab_within
        self.short_within += sign * other.short_within
        self.wait_sum += sign * other.wait_sum
        self.talk_sum += sign * other.talk_sum
        self.handled += sign * other.handled

    def figures(self, window: str, s: KpiSettings) -> KpiFigures:
        offered, answered, short = self.offered, self.answered, self.short
        den = {"offered": offered, "answered": answered, "offered_minus_short": offered - short}[s.denominator]
        num = self.within
        if s.abandons_within_met and s.denominator != "answered":
            # Abandons within the threshold are met; short ones only where the denominator has them.
            num += self.ab_within - (self.short_within if s.denominator == "offered_minus_short" else 0)
        return KpiFigures(
            window=window, offered=offered, answered=answered, abandoned=self.abandoned, short_abandoned=short,
            answered_within=self.within, service_level=_rate(num, den), sl_numerator=num, sl_denominator=den,
            abandoned_within=self.ab_within, answer_rate=_rate(answered, offered),
            abandon_rate=_rate(self.abandoned - short, offered - short),
            asa_s=_rate(self.wait_sum, answered) if answered else None,
            aht_s=_rate(self.talk_sum, self.handled) if self.handled else None,
        )


def figures(window: str, outcomes: Iterable[CallOutcome], s: KpiSettings) -> KpiFigures:
    """The figures of ``outcomes`` (any set of finished calls) over ``window``."""
    acc = KpiSums()
    for o in outcomes:
        acc.add(o, s)
    return acc.figures(window, s)
