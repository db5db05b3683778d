"""The call-centre site: queues, agents, skills (tiers) and traffic, from ``site.yaml``.

The console reads it for display names and teams; the simulator (``backends/sim``) also reads
the traffic and behaviour sections. Every error names the file, line and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from .config import YamlDoc, load_yaml, validate
from .switch import AGENT_STATUSES

STRATEGIES = ("ring-all", "longest-idle-agent", "round-robin", "top-down", "agent-with-least-talk-time",
              "agent-with-fewest-calls", "sequentially-by-agent-order", "random")
_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


@dataclass(frozen=True)
class Traffic:
    calls_per_hour: float = 0.0          # at the peak of the intraday profile
    talk_mean_s: float = 180.0
    talk_cv: float = 0.6                 # coefficient of variation; 1.0 = exponential
    talk_dist: str = "lognormal"         # lognormal | exponential
    patience_mean_s: float | None = 120.0  # None = callers never hang up while waiting
    exit_key_share: float = 0.0          # share of callers who press a key to leave
    vip_share: float = 0.0               # callers with a higher base score (elderly, VIP)
    retry_share: float = 0.0             # abandoned callers who ring again
    retry_after_s: float = 120.0


@dataclass(frozen=True)
class Queue:
    name: str
    display: str
    display_en: str
    strategy: str = "longest-idle-agent"
    max_wait_time: int = 0
    max_wait_time_with_no_agent: int = 0
    overflow: str | None = None
    discard_abandoned_after: int = 60
    abandoned_resume_allowed: bool = False
    traffic: Traffic = field(default_factory=Traffic)


@dataclass(frozen=True)
class Agent:
    name: str
    display: str
    team: str
    skills: dict[str, int]               # queue -> tier level
    status: str = "Available"
    wrap_up_s: int = 10
    max_no_answer: int = 3


@dataclass(frozen=True)
class Behaviour:
    ring_mean_s: float = 3.0             # an agent picks up after about this long
    no_answer_share: float = 0.0
    no_answer_delay_s: int = 30
    break_every_mean_s: float | None = None
    break_mean_s: float = 600.0
    long_break_share: float = 0.0        # breaks that run well over the limit


@dataclass(frozen=True)
class Site:
    path: str
    hostname: str
    domain: str
    queues: tuple[Queue, ...]
    agents: tuple[Agent, ...]
    behaviour: Behaviour
    profile: tuple[tuple[time, float], ...]   # (from, share of peak), sorted

    def queue(self, name: str) -> Queue:
        return next(q for q in self.queues if q.name == name)

    def teams(self) -> dict[str, str]:
        return {a.name: a.team for a in self.agents}

    def displays(self) -> dict[str, str]:
        return {a.name: a.display for a in self.agents}

    def queue_displays(self, lang: str = "zh") -> dict[str, str]:
        return {q.name: (q.display if lang == "zh" else q.display_en) for q in self.queues}

    def profile_at(self, t: time) -> float:
        share = self.profile[-1][1] if self.profile else 1.0
        for start, s in self.profile:
            if start <= t:
                share = s
        return share


def _num(doc: YamlDoc, path: tuple, value, *, minimum: float = 0.0, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise doc.error(path, f"must be a number >= {minimum:g}")
    return value


def _traffic(doc: YamlDoc, path: tuple, t: dict | None) -> Traffic:
    if t is None:
        return Traffic()
    if not isinstance(t, dict):
        raise doc.error(path, "must be a mapping")
    talk = t.get("talk_s") or {}
    g = lambda k, d, **kw: _num(doc, path + (k,), t.get(k, d), **kw)
    dist = talk.get("dist", "lognormal")
    if dist not in ("lognormal", "exponential"):
        raise doc.error(path + ("talk_s", "dist"), "must be lognormal or exponential")
    return Traffic(
        float(g("calls_per_hour", 0)),
        float(_num(doc, path + ("talk_s", "mean"), talk.get("mean", 180), minimum=1)),
        float(_num(doc, path + ("talk_s", "cv"), talk.get("cv", 0.6))), dist,
        g("patience_s", 120, allow_none=True), float(g("exit_key_share", 0)), float(g("vip_share", 0)),
        float(g("retry_share", 0)), float(g("retry_after_s", 120)),
    )


def _expand_ids(doc: YamlDoc, path: tuple, ids) -> list[str]:
    if isinstance(ids, list):
        return [str(i) for i in ids]
    m = _RANGE.match(str(ids))
    if not m or int(m.group(1)) > int(m.group(2)):
        raise doc.error(path, "must be a list of ids or a range like 1001-1020")
    width = len(m.group(1))
    return [str(i).zfill(width) for i in range(int(m.group(1)), int(m.group(2)) + 1)]


def load_site(path: str | Path) -> Site:
    """Read a site YAML. Raises ConfigError naming file, line and key."""
    from .config_schema import SiteFile   # here, not at the top: only the loaders need pydantic

    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error((), "must be a mapping with queues and agents")
    validate(doc, SiteFile)   # types, ranges, unknown keys (``swich:`` is refused, never ignored)
    sw = doc.get("switch") or {}
    queues = []
    for i, q in enumerate(doc.get("queues") or []):
        p = ("queues", i)
        if not isinstance(q, dict) or not q.get("name"):
            raise doc.error(p, "each queue needs a name")
        strategy = q.get("strategy", "longest-idle-agent")
        if strategy not in STRATEGIES:
            raise doc.error(p + ("strategy",), f"unknown strategy {strategy!r} (one of {', '.join(STRATEGIES)})")
        queues.append(Queue(
            str(q["name"]), str(q.get("display", q["name"])), str(q.get("display_en", q.get("display", q["name"]))),
            strategy, int(_num(doc, p + ("max_wait_time",), q.get("max_wait_time", 0))),
            int(_num(doc, p + ("max_wait_time_with_no_agent",), q.get("max_wait_time_with_no_agent", 0))),
            q.get("overflow"), int(_num(doc, p + ("discard_abandoned_after",), q.get("discard_abandoned_after", 60))),
            bool(q.get("abandoned_resume_allowed", False)), _traffic(doc, p + ("traffic",), q.get("traffic")),
        ))
    names = {q.name for q in queues}
    if not queues:
        raise doc.error(("queues",), "at least one queue is required")
    for i, q in enumerate(queues):
        if q.overflow and q.overflow not in names:
            raise doc.error(("queues", i, "overflow"), f"unknown queue {q.overflow!r}")
    agents: list[Agent] = []
    seen: set[str] = set()
    for gi, grp in enumerate(doc.get("agents") or []):
        p = ("agents", gi)
        if not isinstance(grp, dict):
            raise doc.error(p, "must be a mapping")
        ids = _expand_ids(doc, p + ("ids",), grp.get("ids", grp.get("id")))
        skills = grp.get("skills") or {}
        if not isinstance(skills, dict):
            raise doc.error(p + ("skills",), "must map queue name to tier level")
        for qn, level in skills.items():
            if qn not in names:
                raise doc.error(p + ("skills", qn), f"unknown queue {qn!r}")
            _num(doc, p + ("skills", qn), level, minimum=1)
        displays = grp.get("names") or []
        status = grp.get("status", "Available")
        if status not in AGENT_STATUSES:
            raise doc.error(p + ("status",), f"unknown status {status!r}")
        logged_out = set(str(x) for x in grp.get("logged_out") or [])
        for k, aid in enumerate(ids):
            if aid in seen:
                raise doc.error(p + ("ids",), f"agent {aid} appears twice")
            seen.add(aid)
            agents.append(Agent(aid, str(displays[k]) if k < len(displays) else aid, str(grp.get("team", "")),
                                {str(q): int(v) for q, v in skills.items()},
                                "Logged Out" if aid in logged_out else status,
                                int(_num(doc, p + ("wrap_up_s",), grp.get("wrap_up_s", 10))),
                                int(_num(doc, p + ("max_no_answer",), grp.get("max_no_answer", 3)))))
    b = doc.get("behaviour") or {}
    gb = lambda k, d, **kw: _num(doc, ("behaviour", k), b.get(k, d), **kw)
    behaviour = Behaviour(float(gb("ring_mean_s", 3.0)), float(gb("no_answer_share", 0.0)),
                          int(gb("no_answer_delay_s", 30)), gb("break_every_mean_s", None, allow_none=True),
                          float(gb("break_mean_s", 600)), float(gb("long_break_share", 0.0)))
    profile = []
    for i, item in enumerate(doc.get("profile") or []):
        try:
            start, share = item
            profile.append((time.fromisoformat(str(start)), float(share)))
        except (TypeError, ValueError):
            raise doc.error(("profile", i), "each entry is [\"HH:MM\", share of peak]") from None
    return Site(str(path), str(sw.get("hostname", "fs-sim")), str(sw.get("domain", "hotline.local")), tuple(queues),
                tuple(agents), behaviour, tuple(sorted(profile)))
