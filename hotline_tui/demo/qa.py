"""The demo's call record behind its phone tickets, so a month can be sampled for QA (docs/qa.md).

Each phone ticket the ticket seeder registered carries a call id and a recording id; this adds
the answered call (queue general@12345, one of team 话务一班's agents 1001–1006, mostly 1001 whose
user exists) and the agent's ringing interval before the answer. Written by natural keys, so
seeding again adds nothing. Only tickets of earlier months get a call: the current month's
record (today's wallboard figures, rebuilt from the store) stays the switch's own.
"""

from __future__ import annotations

import random
from datetime import timedelta

from ..calls_port import AgentInterval, CallRecord
from ..clock import SITE_TZ, Clock

AGENTS = ("1001", "1001", "1001", "1002", "1003", "1004", "1005", "1006")


def seed_qa_calls(store, config_dir, _rng: random.Random, clock: Clock, *, days: int = 90) -> str:
    """Blocks (two transactions). Returns a one-line summary."""
    now = clock.now().astimezone(SITE_TZ)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    recs: list[CallRecord] = []
    ivs: list[AgentInterval] = []
    for t in store.tickets.touched(now - timedelta(days=days), month_start):
        if t.channel != "phone" or not t.call_id or t.created_at >= month_start:
            continue
        # drawn from the call id, not the seeder's stream: the same ticket always gets the same
        # call (its natural key includes the join time), so seeding twice adds nothing
        rng = random.Random(t.call_id)
        agent = rng.choice(AGENTS)
        ring = rng.choice((2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 25.0))
        answered = t.created_at.timestamp() - rng.randint(60, 400)
        wait = float(rng.randint(3, 60))
        talk = float(rng.randint(60, 420))
        recs.append(CallRecord(f"demo-{t.call_id}", "fs-demo-1", "general@12345", t.caller_phone, t.caller_name, agent,
                               answered - wait, answered, answered + talk, "answered", wait, talk,
                               call_id=t.call_id, recording_id=t.recording_id, wrap_s=15.0))
        ivs.append(AgentInterval("fs-demo-1", agent, answered - ring, answered, "Available", "Receiving"))
    added = store.calls.add_records(recs)
    store.calls.add_intervals(ivs)
    return f"qa: {added} answered calls behind the phone tickets (agents {', '.join(sorted(set(AGENTS)))})"
