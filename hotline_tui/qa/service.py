"""The QA workflow (质检): cards in use, sampling a month, scoring, appeal once, decision.

Every step checks the actor's permission first and writes its audit entry in the same
transaction as the change. Scores are locked at submission; only a decision on the agent's one
appeal changes them (docs/qa.md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..access import Access, User
from ..audit import AuditEntry, AuditLog
from ..calls_port import CallRecord, CallStore
from ..clock import SITE_TZ, Clock
from ..errors import ConflictError, IllegalTransition, NotFound, PermissionDenied, ValidationError, refuse_nul
from ..tickets.model import Ticket
from ..tickets.ports import TicketStore
from . import sampling as smp
from .ports import Appeal, Evaluation, QaStore
from .prefill import prefill
from .scoring import Mark, check_marks, total
from .settings import Card, QaSettings, card_from_json


class QaStores(Protocol):
    """The component stores the QA service reads and writes (``backends.store.Store`` is one)."""

    @property
    def qa(self) -> QaStore: ...

    @property
    def calls(self) -> CallStore: ...

    @property
    def tickets(self) -> TicketStore: ...

    @property
    def audit(self) -> AuditLog: ...


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` -> [first instant, first instant of the next month) in site time.
    Raises ValidationError for anything else."""
    try:
        start = datetime.strptime(period, "%Y-%m").replace(tzinfo=SITE_TZ)
    except ValueError:
        raise ValidationError(f"period must be YYYY-MM, not {period!r}") from None
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _call_facts(r: CallRecord) -> dict[str, Any]:
    return {"call_id": r.call_id, "recording_id": r.recording_id, "node": r.node, "queue": r.queue,
            "agent": r.agent, "caller_number": r.caller_number, "joined_at": r.joined_at,
            "answered_at": r.answered_at, "left_at": r.left_at, "wait_s": r.wait_s, "talk_s": r.talk_s}


class QaService:
    def __init__(self, stores: QaStores, access: Access, settings: QaSettings, clock: Clock):
        self.stores, self.access, self.settings, self.clock = stores, access, settings, clock

    @property
    def store(self) -> QaStore:
        return self.stores.qa

    def _now(self) -> datetime:
        return self.clock.now()

    def _entry(self, actor: User, action: str, ev: Evaluation, before: dict | None, after: dict | None,
               note: str = "") -> AuditEntry:
        now = self._now()
        return AuditEntry(actor.name, action, "qa_evaluation", str(ev.id), now, now, before, after, note)

    # -- cards ---------------------------------------------------------------------------------
    def sync_cards(self, actor: User | None = None) -> list[tuple[str, int, bool]]:
        """Store each card of qa.yaml under its version once: (name, version, newly stored).
        A card whose content changed under a stored version is refused (ConfigError naming
        qa.yaml and the card's version key): a form in use is never edited in place."""
        from ..config import load_yaml

        out = []
        for name, card in self.settings.cards.items():
            digest = card.digest()
            stored = self.store.card_digest(name, card.version)
            if stored is not None and stored != digest:
                doc = load_yaml(self.settings.source)
                raise doc.error(("cards", name, "version"),
                                f"card {name!r} version {card.version} is in use with other content: "
                                "give the changed card a new version")
            new = False
            if stored is None:
                now = self._now()
                who = actor.name if actor else "system"
                entry = AuditEntry(who, "qa.card", "qa_card", f"{name}@{card.version}", now, now, None,
                                   {"kind": card.kind, "digest": digest})
                new = self.store.save_card(name, card.version, card.kind, digest, card.model_dump(mode="json"),
                                           now.timestamp(), entry)
            out.append((name, card.version, new))
        return out

    def card(self, name: str, version: int) -> Card:
        """A card version as stored (what its evaluations were scored on). Raises NotFound."""
        body = self.store.card_body(name, version) if name else None
        if body is None:
            raise NotFound(f"no QA card {name!r} version {version}")
        return card_from_json(body)

    # -- sampling ------------------------------------------------------------------------------
    def inspectors(self) -> list[str]:
        names = self.settings.sampling.inspectors or [u.name for u in self.access.users.values() if u.can("qa.score")]
        return sorted(names)

    def _ticket_by_call(self, start: datetime, end: datetime) -> dict[str, Ticket]:
        out: dict[str, Ticket] = {}
        for t in self.stores.tickets.touched(start - timedelta(days=1), end + timedelta(days=1)):
            if t.call_id and t.call_id not in out:
                out[t.call_id] = t
        return out

    def sample(self, actor: User, period: str) -> list[Evaluation]:
        """Sample ``period`` (YYYY-MM) by the policy; return the evaluations added (none when
        the month was sampled already). Raises PermissionDenied, ValidationError."""
        self.access.require(actor, "qa.sample", f"sample {period}")
        start, end = month_bounds(period)
        inspectors = self.inspectors()
        if not inspectors:
            raise ValidationError("no inspector: no user may score (qa.score) and qa.yaml names none")
        self.sync_cards(actor)
        call_name, call_card = self._card("call")
        tk = self.settings.card_of("ticket")
        records = [r for r in self.stores.calls.records(start.timestamp(), end.timestamp())
                   if r.outcome == "answered" and r.agent and r.call_id and r.answered_at]
        by_key = {r.call_id: r for r in records}
        tickets = self._ticket_by_call(start, end)
        cands = [smp.Candidate(r.call_id, r.agent, float(r.answered_at or 0), tickets.get(r.call_id)) for r in records]
        existing = self.store.evaluations(period=period)
        already = {e.call_key for e in existing}
        load: dict[str, int] = {}
        for e in existing:
            load[e.inspector] = load.get(e.inspector, 0) + 1
        picks: list[tuple[smp.Candidate, str]] = []
        for agent in sorted({c.agent for c in cands}):
            picks += smp.pick(period, agent, cands, already, self.settings.sampling)
        who = smp.assign([c.call_key for c, _ in picks], inspectors, load)
        new: list[Evaluation] = []
        now = self._now().timestamp()
        for (c, why), inspector in zip(picks, who):
            rec = by_key[c.call_key]
            new.append(self._new_eval(period, rec, c.ticket, inspector, why, "sample", call_name, call_card, tk, now))
        return self.store.add_evaluations(new, actor.name, now)

    def _card(self, kind: str) -> tuple[str, Card]:
        found = self.settings.card_of(kind)
        if found is None:
            raise ValidationError(f"qa.yaml has no {kind} card")
        return found

    def _new_eval(self, period: str, rec: CallRecord, ticket: Ticket | None, inspector: str, why: str, purpose: str,
                  call_name: str, call_card: Card, tk: tuple[str, Card] | None, now: float) -> Evaluation:
        facts = _call_facts(rec)
        intervals = self.stores.calls.intervals(rec.joined_at - 60, rec.left_at + 1, agent=rec.agent)
        entries = self.stores.audit.for_subject("ticket", ticket.serial) if ticket is not None else []
        pre = {"call": prefill(call_card, facts, intervals, None, [], self.settings.prefill)}
        if ticket is not None and tk is not None:
            pre["ticket"] = prefill(tk[1], facts, intervals, ticket, entries, self.settings.prefill)
        return Evaluation(period, rec.call_id, rec.agent, inspector, facts, call_name, call_card.version,
                          ticket.serial if ticket else "", tk[0] if (ticket and tk) else "",
                          tk[1].version if (ticket and tk) else 0, purpose, why, prefill=pre, created_at=now)

    def calibrate(self, actor: User, evaluation_id: int, inspectors: list[str]) -> list[Evaluation]:
        """Add calibration evaluations of the same call for other ``inspectors`` (校准): same
        card versions and pre-fills, scored independently. Idempotent per inspector."""
        self.access.require(actor, "qa.sample", f"calibrate evaluation {evaluation_id}")
        ev = self._get(evaluation_id)
        for name in inspectors:
            self.access.require(self.access.user(name), "qa.score", f"score evaluation {evaluation_id}")
        now = self._now().timestamp()
        new = [replace(ev, inspector=n, purpose="calibration", state="assigned", marks={}, fatal=[], score=None,
                       call_score=None, ticket_score=None, submitted_at=None, created_at=now, version=1, id=0)
               for n in inspectors if n != ev.inspector]
        return self.store.add_evaluations(new, actor.name, now)

    # -- reading -------------------------------------------------------------------------------
    def _get(self, evaluation_id: int) -> Evaluation:
        ev = self.store.evaluation(evaluation_id)
        if ev is None:
            raise NotFound(f"no QA evaluation {evaluation_id}")
        return ev

    def _may_read(self, viewer: User, ev: Evaluation) -> bool:
        return viewer.can("qa.read") or ev.inspector == viewer.name or (
            viewer.can("qa.own") and bool(viewer.agent) and viewer.agent == ev.agent)

    def get(self, viewer: User, evaluation_id: int) -> Evaluation:
        """One evaluation the viewer may see (QA staff and leads: all; an agent: their own).
        Raises NotFound (also for one the viewer may not see), PermissionDenied."""
        if not (viewer.can("qa.read") or viewer.can("qa.score") or viewer.can("qa.own")):
            raise PermissionDenied(viewer.name, "qa.read", f"show evaluation {evaluation_id}")
        ev = self._get(evaluation_id)
        if not self._may_read(viewer, ev):
            raise NotFound(f"no QA evaluation {evaluation_id}")
        return ev

    def ticket(self, viewer: User, ev: Evaluation) -> Ticket | None:
        """The evaluation's ticket as it is now (None when the call registered none)."""
        self.get(viewer, ev.id)
        return self.stores.tickets.get(ev.ticket_serial) if ev.ticket_serial else None

    def appeal_of(self, viewer: User, evaluation_id: int) -> Appeal | None:
        self.get(viewer, evaluation_id)
        return self.store.appeal(evaluation_id)

    def queue(self, actor: User) -> list[Evaluation]:
        """The inspector's evaluations still to score, oldest first."""
        self.access.require(actor, "qa.score", "see the QA queue")
        return self.store.evaluations(inspector=actor.name, state="assigned")

    def visible(self, viewer: User, *, period: str | None = None, agent: str | None = None) -> list[Evaluation]:
        """Evaluations the viewer may see (an agent: only their own)."""
        if viewer.can("qa.read"):
            return self.store.evaluations(period=period, agent=agent)
        if viewer.can("qa.own") and viewer.agent:
            return self.store.evaluations(period=period, agent=viewer.agent)
        if viewer.can("qa.score"):
            return [e for e in self.store.evaluations(period=period, agent=agent) if e.inspector == viewer.name]
        raise PermissionDenied(viewer.name, "qa.read", "list QA evaluations")

    def prefilled(self, ev: Evaluation) -> dict[str, dict[str, Mark]]:
        return {k: {c: Mark.from_json(m) for c, m in v.items()} for k, v in ev.prefill.items()}

    # -- scoring -------------------------------------------------------------------------------
    def _compute(self, ev: Evaluation, marks: dict[str, dict[str, Mark]], fatal: list[str]) -> Evaluation:
        call_card = self.card(ev.call_card, ev.call_card_version)
        ticket_card = self.card(ev.ticket_card, ev.ticket_card_version) if ev.ticket_card else None
        check_marks(call_card, marks.get("call", {}))
        if ticket_card is not None:
            check_marks(ticket_card, marks.get("ticket", {}))
        known = {f.code for f in call_card.fatal} | ({f.code for f in ticket_card.fatal} if ticket_card else set())
        for f in fatal:
            if f not in known:
                raise ValidationError(f"no fatal check {f!r} on this evaluation's cards")
        score, cs, ts = total(call_card, marks.get("call", {}), ticket_card, marks.get("ticket", {}), fatal,
                              self.settings.weights)
        return replace(ev, marks={k: {c: m.to_json() for c, m in v.items()} for k, v in marks.items()},
                       fatal=sorted(set(fatal)), score=score, call_score=cs, ticket_score=ts)

    def complete(self, ev: Evaluation, levels: dict[tuple[str, str], tuple[str, str]]) -> dict[str, dict[str, Mark]]:
        """The marks for ``ev``: the pre-fills (kept unless overridden), the given (kind, item)
        -> (level, comment), and full for every other item."""
        out: dict[str, dict[str, Mark]] = {}
        cards = [("call", self.card(ev.call_card, ev.call_card_version))]
        if ev.ticket_card:
            cards.append(("ticket", self.card(ev.ticket_card, ev.ticket_card_version)))
        pre = self.prefilled(ev)
        for kind, card in cards:
            codes = {i.code for _, i in card.items()}
            for (k, code), _ in levels.items():
                if k == kind and code not in codes:
                    raise ValidationError(f"the {kind} card has no item {code!r}")
            out[kind] = {}
            for _, item in card.items():
                p = pre.get(kind, {}).get(item.code)
                given = levels.get((kind, item.code))
                if given is not None:
                    level, comment = given
                    evidence = p.evidence if p else ""
                    out[kind][item.code] = Mark(level, comment, evidence,
                                                prefilled=p is not None and p.level == level and not comment)
                elif p is not None:
                    out[kind][item.code] = p
                else:
                    out[kind][item.code] = Mark("full")
        for k, _ in levels:
            if k not in out:
                raise ValidationError(f"this evaluation has no {k} card")
        return out

    def score(self, actor: User, evaluation_id: int, levels: dict[tuple[str, str], tuple[str, str]],
              fatal: list[str] | None = None, *, expected_version: int | None = None) -> Evaluation:
        """Score and submit (scores locked from here). ``levels``: (card kind, item code) ->
        (full|partial|none|na, comment). Raises PermissionDenied (not the assigned inspector),
        IllegalTransition (already submitted), ValidationError (a deduction without comment, N/A
        on a required item, an unknown item), ConflictError."""
        self.access.require(actor, "qa.score", f"score evaluation {evaluation_id}")
        ev = self._get(evaluation_id)
        if ev.inspector != actor.name:
            raise PermissionDenied(actor.name, "qa.score", f"score evaluation {evaluation_id} (assigned to {ev.inspector})")
        if ev.state != "assigned":
            raise IllegalTransition(ev.state, "score", "QA evaluation")
        if expected_version is not None and expected_version != ev.version:
            raise ConflictError(f"evaluation {ev.id}", expected_version, ev.version)
        refuse_nul(**{f"{k}.{c}": v[1] for (k, c), v in levels.items()})
        before = ev.snapshot()
        done = self._compute(ev, self.complete(ev, levels), list(fatal or []))
        done = replace(done, state="submitted", submitted_at=self._now().timestamp())
        return self.store.update_evaluation(done, ev.version, self._entry(actor, "qa.score", ev, before, done.snapshot()))

    # -- appeal and decision -------------------------------------------------------------------
    def appeal(self, actor: User, evaluation_id: int, reason: str) -> Appeal:
        """The agent appeals their own submitted evaluation, once. Raises PermissionDenied
        (not theirs), IllegalTransition (not submitted, or appealed already), ValidationError."""
        self.access.require(actor, "qa.own", f"appeal evaluation {evaluation_id}")
        ev = self._get(evaluation_id)
        if not actor.agent or actor.agent != ev.agent:
            raise PermissionDenied(actor.name, "qa.own", f"appeal evaluation {evaluation_id} (not your own)")
        if ev.purpose != "sample":
            raise IllegalTransition("calibration", "appeal", "QA evaluation")   # it does not count for the agent
        if not reason.strip():
            raise ValidationError("an appeal needs a reason")
        refuse_nul(reason=reason)
        if self.store.appeal(ev.id) is not None:
            raise IllegalTransition("appealed once", "appeal", "QA evaluation")
        if ev.state != "submitted":
            raise IllegalTransition(ev.state, "appeal", "QA evaluation")
        before = ev.snapshot()
        now = self._now().timestamp()
        ap = Appeal(ev.id, actor.name, reason.strip(), now, score_before=ev.score)
        new = replace(ev, state="appealed")
        self.store.update_evaluation(new, ev.version, self._entry(actor, "qa.appeal", ev, before, new.snapshot(),
                                                                  reason.strip()), ap)
        return ap

    def _may_decide(self, actor: User, ev: Evaluation) -> None:
        self.access.require(actor, "qa.decide", f"decide the appeal of evaluation {ev.id}")
        if actor.name == ev.inspector:
            raise PermissionDenied(actor.name, "qa.decide", f"decide an appeal of your own evaluation {ev.id}")
        if actor.team and not actor.can("qa.sample"):
            # a team lead decides for the agents of their own team only
            team = {u.team for u in self.access.users.values() if u.agent and u.agent == ev.agent}
            if actor.team not in team:
                raise PermissionDenied(actor.name, "qa.decide", f"decide for agent {ev.agent} (not in {actor.team})")

    def decide(self, actor: User, evaluation_id: int, decision: str, note: str = "",
               levels: dict[tuple[str, str], tuple[str, str]] | None = None, fatal: list[str] | None = None) -> Evaluation:
        """A team lead (own team) or QA lead decides the appeal: ``rejected`` (scores stand) or
        ``upheld`` with the corrected ``levels`` / ``fatal`` (re-scored on the evaluation's own
        card versions). Raises PermissionDenied, IllegalTransition (no open appeal), ValidationError."""
        ev = self._get(evaluation_id)
        self._may_decide(actor, ev)
        ap = self.store.appeal(ev.id)
        if ap is None or ap.decision or ev.state != "appealed":
            raise IllegalTransition(ev.state, "decide", "QA evaluation")
        if decision not in ("upheld", "rejected"):
            raise ValidationError(f"decision must be upheld or rejected, not {decision!r}")
        if not note.strip():
            raise ValidationError("a decision needs a note")
        refuse_nul(note=note, **{f"{k}.{c}": v[1] for (k, c), v in (levels or {}).items()})
        before = ev.snapshot()
        new = ev
        if decision == "upheld":
            marks = {k: {c: Mark.from_json(m) for c, m in v.items()} for k, v in ev.marks.items()}
            for (k, code), (level, comment) in (levels or {}).items():
                if k not in marks or code not in marks[k]:
                    raise ValidationError(f"this evaluation has no {k} item {code!r}")
                marks[k][code] = Mark(level, comment or note, marks[k][code].evidence)
            new = self._compute(ev, marks, ev.fatal if fatal is None else fatal)
        new = replace(new, state="decided")
        ap = replace(ap, decided_by=actor.name, decision=decision, note=note.strip(),
                     decided_at=self._now().timestamp(), score_after=new.score)
        return self.store.update_evaluation(new, ev.version, self._entry(actor, "qa.decide", ev, before, new.snapshot(),
                                                                         f"{decision}: {note.strip()}"), ap)

    # -- figures -------------------------------------------------------------------------------
    def team_of(self, agent: str) -> str:
        return next((u.team for u in self.access.users.values() if u.agent == agent and u.team), "")

    def figures(self, viewer: User, period: str | None = None, *, team: str | None = None,
                agent: str | None = None):
        """The QA figures (docs/kpi.md) of a month (every month when None), a team or an agent.
        Raises PermissionDenied without qa.read (an agent with qa.own: their own figures)."""
        from .figures import figures

        if period is not None:
            month_bounds(period)
        if not viewer.can("qa.read"):
            if not (viewer.can("qa.own") and viewer.agent):
                raise PermissionDenied(viewer.name, "qa.read", "read the QA figures")
            agent = viewer.agent
        evs = self.store.evaluations(period=period, agent=agent)
        if team:
            evs = [e for e in evs if self.team_of(e.agent) == team]
        cache: dict[tuple[str, int], Card] = {}

        def card(name: str, version: int) -> Card:
            if (name, version) not in cache:
                cache[(name, version)] = self.card(name, version)
            return cache[(name, version)]

        return figures(period or "all", evs, card, self.team_of)
