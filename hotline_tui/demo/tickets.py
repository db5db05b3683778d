"""Seed a store with a realistic site: tickets over N days in every life-cycle state.

Everything goes through TicketService (permissions, workflow, clocks, audit), with ``at=`` times
spread over the period, so the seeded data is what the real code would have written.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..clock import Clock, FixedClock, SITE_TZ
from ..tickets.factory import ticket_service
from ..tickets.service import Intake
from .content import load_seed_text


def _created_times(rng: random.Random, now: datetime, n: int, days: int) -> list[datetime]:
    out = []
    for _ in range(n):
        day = now - timedelta(days=rng.uniform(0, days))
        # Calls cluster in the 08:30–22:30 service peak.
        hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 7, 8, 9, 9, 8, 7, 6, 6, 5, 4, 3, 2])[0]
        t = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
        out.append(min(t, now - timedelta(minutes=1)))
    return sorted(out)


def seed_tickets(store, config_dir, rng: random.Random, clock: Clock, *, tickets: int = 10_000, days: int = 60) -> str:
    """Register ``tickets`` tickets over the last ``days`` days and move each as far through its
    life cycle as its age allows (some stall on purpose: they are the overdue ones). The text
    comes from ``seed.yaml`` (the site's, else the demo city's). Returns a one-line summary.
    Raises ConfigError for a bad seed.yaml. Blocks (one transaction)."""
    now = clock.now().astimezone(SITE_TZ)
    svc = ticket_service(store, config_dir, FixedClock(now))
    # History, not news: the seeded past was notified when it happened (docs/notify.md).
    svc.on_change = None
    u = svc.access.user
    agent, handler, duty = u("agent1001"), u("handler"), u("duty")
    words = load_seed_text(config_dir)
    say = words.phrase
    callers = [(words.mobile(rng), words.person(rng)) for _ in range(max(10, tickets // 8))]
    classes = {}
    with store.tickets.tx():
        for phone, name in rng.sample(callers, k=min(len(callers), 40)):
            cls = rng.choice(("elderly", "vip", "important", "blacklist", "elderly"))
            svc.classify_caller(duty, phone, cls, name=name, at=now - timedelta(days=days))
            classes[phone] = cls
        open_for_merge: list[str] = []
        for created in _created_times(rng, now, tickets, days):
            phone, name = rng.choice(callers) if rng.random() < 0.35 else (words.mobile(rng), words.person(rng))
            cat, sub, dept, text = words.content(rng)
            on_spot = cat in ("consult", "policy") and rng.random() < 0.55
            urgency = "very_urgent" if cat == "elderly" else rng.choices(("normal", "urgent"), (0.93, 0.07))[0]
            remind = created + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.01 else None
            t = svc.register(agent, Intake(
                rng.choices(("phone", "wechat", "web", "sms"), (0.8, 0.1, 0.07, 0.03))[0], phone, text,
                "todo" if remind else cat, name, words.address(rng), rng.choice(svc.catalog.districts),
                "" if remind else sub, urgency, call_id=f"call-{rng.getrandbits(40):010x}",
                recording_id=f"rec-{rng.getrandbits(40):010x}", remind_at=remind), at=created)
            s, at = t.serial, created

            def step(minutes_lo, minutes_hi):
                nonlocal at
                at = at + timedelta(minutes=rng.uniform(minutes_lo, minutes_hi))
                return at if at < now else None

            if remind:
                if step(60 * 24, 60 * 24 * 10):
                    svc.complete_todo(agent, s, say("todo_done"), at=at)
                continue
            if on_spot:
                if step(2, 8):
                    svc.answer(agent, s, say("answered_on_the_spot"), at=at)
                    if rng.random() < 0.9 and step(60, 60 * 48):
                        svc.archive(handler, s, at=at)
                continue
            if open_for_merge and rng.random() < 0.015 and step(5, 60):
                svc.merge(handler, s, open_for_merge[-1], at=at)
                continue
            stall = rng.random()  # where this ticket stops even if it is old: the backlog
            if stall < 0.01 or not step(5, 90):
                continue
            svc.triage(handler, s, at=at)
            if stall < 0.02 or not step(5, 120):
                continue
            cos = [rng.choice(list(svc.catalog.departments))] if rng.random() < 0.15 else []
            svc.dispatch(handler, s, dept, co_departments=[c for c in cos if c != dept], at=at)
            open_for_merge.append(s)
            if stall < 0.04 or not step(3, 50 if rng.random() < 0.9 else 200):
                continue
            if rng.random() < 0.05:
                svc.return_ticket(duty, s, say("return_reason"), at=at)
                if stall < 0.05 or not step(30, 600):
                    continue
                if rng.random() < 0.5:
                    svc.reject_return(handler, s, say("return_rejected"), at=at)
                else:
                    svc.redispatch(handler, s, rng.choice(list(svc.catalog.departments)), at=at)
                if not step(3, 50):
                    continue
            svc.acknowledge(duty, s, at=at)
            if stall < 0.10:
                if rng.random() < 0.5 and step(60 * 24 * 3, 60 * 24 * 9):
                    svc.urge(duty, s, say("urge"), channel=rng.choice(("message", "phone", "sms")), at=at)
                continue
            if rng.random() < 0.06 and step(60, 60 * 24 * 3):
                svc.request_extension(duty, s, rng.choice((3, 5)), say("extension_reason"), at=at)
                if stall < 0.12 or not step(30, 600):
                    continue
                (svc.approve_extension if rng.random() < 0.7 else svc.refuse_extension)(handler, s, at=at)
            if rng.random() < 0.03 and step(60, 60 * 24):
                svc.pause(duty, s, say("pause_reason"), at=at)
                if stall < 0.14 or not step(60 * 5, 60 * 24 * 2):
                    continue
                svc.resume(duty, s, at=at)
            if not step(60 * 3, 60 * 24 * (8 if cat in ("public", "complaint") else 4)):
                continue
            svc.reply(duty, s, say("reply"), at=at)
            if stall < 0.16 or not step(30, 60 * 20):
                continue
            if rng.random() < 0.05:
                svc.review_reply(handler, s, False, say("reply_sent_back"), at=at)
                continue
            svc.review_reply(handler, s, True, at=at)
            if stall < 0.18 or not step(60 * 2, 60 * 40):
                continue
            r = rng.choices(("satisfied", "unsatisfied", "unconfirmed"), (0.9, 0.05, 0.05))[0]
            svc.callback(agent, s, r, r, at=at)
            if r == "unconfirmed":
                continue
            if r == "unsatisfied" and rng.random() < 0.5 and step(30, 600):
                svc.reopen(handler, s, say("reopen_reason"), at=at)
                continue
            if step(60, 60 * 30):
                resp = rng.choice(("at_fault", "not_at_fault")) if cat == "complaint" else ""
                svc.archive(handler, s, responsibility=resp, unit=dept if resp else "", reason="", at=at)
                if s in open_for_merge:
                    open_for_merge.remove(s)
    counts = store.tickets.count_by_state()
    return f"tickets: {sum(counts.values())} in {len(counts)} states; callers classified: {len(classes)}"
