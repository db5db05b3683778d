"""LiveState.apply throughput: domain events per second into the live picture.

Two streams, both made here (nothing read from disk):
* sim: the simulator's event stream recorded over TCP exactly as bench_esl.py records it (demo site,
  peak traffic, fixed seed), parsed and mapped by our codec, then applied;
* synthetic: 1,000 agents in 50 queues (each agent in 3 queues), a seeded call mix — answered calls
  with offer / ring / bridge / wrap-up, abandons, short abandons, ring-no-answer, status changes,
  members-count and channel events — starting with a Resynced table as the client sends it.

Each figure is events/s of CPU time for a fresh LiveState applying the whole stream, median of
``--repeat`` rounds (default 5); the snapshot at the end is checked for sense, not timed.

    .venv/bin/python scripts/bench/bench_live.py
    .venv/bin/python scripts/bench/bench_live.py --sim-events 2000 --calls 2000 --repeat 3   # quick
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from hotline_tui import switch as sw  # noqa: E402
from hotline_tui.kpi import KpiSettings  # noqa: E402
from hotline_tui.live.state import LiveState  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_esl", HERE / "bench_esl.py")
bench_esl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_esl)

N = "fs1"


def sim_events(n: int, seed: int) -> list:
    stream = bench_esl.record(n, seed)
    out: list = []
    bench_esl.ours_map(bench_esl.cut(stream, 65536), N, out.append)
    return out


def synthetic(agents: int, queues: int, calls: int, seed: int, start: float) -> list:
    """A busy centre's events, in time order (calls arrive every ~0.4 s across all queues)."""
    rng = random.Random(seed)
    names = [f"{1000 + i}" for i in range(agents)]
    qs = [f"q{j:02d}@12345" for j in range(queues)]
    skills = {a: rng.sample(qs, 3) for a in names}
    rows = tuple(sw.AgentRow(a, "Available", "Waiting", wrap_up_time=10) for a in names)
    tiers = tuple(sw.TierRow(q, a) for a in names for q in skills[a])
    timed: list[tuple[float, int, object]] = []
    seq = 0

    def at(t, ev):
        nonlocal seq
        seq += 1
        timed.append((t, seq, ev))

    free_at = {a: start for a in names}
    t = start
    for i in range(calls):
        t += rng.expovariate(1 / 0.4)
        q = rng.choice(qs)
        m, s = f"m{i}", f"s{i}"
        number = f"138{rng.randrange(10**8):08d}"
        at(t, sw.ChannelCreated(N, t, s, "inbound", f"sofia/internal/{number}", number, "", "12345"))
        at(t, sw.MemberJoined(N, t, q, m, s, number, "张三"))
        at(t, sw.QueueCount(N, t, q, rng.randrange(0, 20)))
        r = rng.random()
        if r < 0.08:                                   # abandon (some short)
            left = t + (rng.uniform(0, 5) if rng.random() < 0.3 else rng.uniform(5, 120))
            at(left, sw.MemberLeft(N, left, q, m, s, "Cancel", t, left, "BREAK_OUT", caller_number=number))
            at(left, sw.ChannelHangup(N, left, s, "NORMAL_CLEARING"))
            continue
        agent = min((a for a in names if q in skills[a]), key=lambda a: free_at[a])
        offer = max(t + rng.uniform(0, 30), free_at[agent])
        if rng.random() < 0.03:                        # rings out first
            at(offer, sw.AgentOffered(N, offer, q, agent, m, number))
            at(offer, sw.AgentStateChanged(N, offer, agent, "Receiving"))
            at(offer + 15, sw.BridgeFailed(N, offer + 15, q, agent, m, "NO_ANSWER"))
            at(offer + 15, sw.AgentStateChanged(N, offer + 15, agent, "Waiting"))
            offer += 16
        answer = offer + rng.uniform(1, 5)
        end = answer + rng.expovariate(1 / 200)
        a_uuid = f"a{i}"
        at(offer, sw.AgentOffered(N, offer, q, agent, m, number))
        at(offer, sw.AgentStateChanged(N, offer, agent, "Receiving"))
        at(offer, sw.ChannelCreated(N, offer, a_uuid, "outbound", f"sofia/internal/{agent}", number, "", agent))
        at(answer, sw.ChannelAnswered(N, answer, a_uuid))
        at(answer, sw.BridgeStarted(N, answer, q, agent, m, s, a_uuid, t, answer, number))
        at(answer, sw.ChannelBridged(N, answer, s, a_uuid))
        at(answer, sw.AgentStateChanged(N, answer, agent, "In a queue call"))
        at(end, sw.BridgeEnded(N, end, q, agent, m, True, t, answer, end, "NORMAL_CLEARING"))
        at(end, sw.MemberLeft(N, end, q, m, s, "Terminated", t, end, agent=agent, answered_at=answer,
                              caller_number=number))
        at(end, sw.ChannelHangup(N, end, s, "NORMAL_CLEARING"))
        at(end, sw.ChannelHangup(N, end, a_uuid, "NORMAL_CLEARING"))
        at(end, sw.AgentStateChanged(N, end, agent, "Waiting"))
        free_at[agent] = end + 10
        if rng.random() < 0.02:                        # a break now and then
            at(end + 1, sw.AgentStatusChanged(N, end + 1, agent, "On Break"))
            at(end + 600, sw.AgentStatusChanged(N, end + 600, agent, "Available"))
            free_at[agent] = end + 600
    timed.sort(key=lambda x: (x[0], x[1]))
    hb = [sw.Heartbeat(N, start + 20 * k, 20_000 * k, 0, "1.10.12") for k in range(int((timed[-1][0] - start) / 20))]
    events = [sw.Resynced(N, start, agents=rows, tiers=tiers, queues=tuple(qs))] + [e for _, _, e in timed]
    return events + hb


def rate(events: list, repeat: int, make) -> tuple[float, LiveState]:
    runs = []
    state = None
    for _ in range(repeat):
        state = make()
        apply = state.apply
        gc.collect()
        c0 = time.process_time()
        for ev in events:
            apply(ev)
        runs.append(len(events) / (time.process_time() - c0))
    return statistics.median(runs), state


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sim-events", type=int, default=20_000)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--queues", type=int, default=50)
    ap.add_argument("--calls", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=0, help="CPU to pin to (-1: do not pin)")
    args = ap.parse_args()
    print(bench_esl.machine(), "|", bench_esl.pin(None if args.cpu < 0 else args.cpu))

    sim = sim_events(args.sim_events, args.seed)
    synth = synthetic(args.agents, args.queues, args.calls, args.seed, bench_esl.START)
    print()
    print("| stream | events | LiveState.apply | snapshot at the end |")
    print("| --- | --- | --- | --- |")
    for name, events, make in (
        ("simulator (demo site), mapped by our codec", sim, lambda: LiveState(KpiSettings())),
        (f"synthetic {args.agents:,} agents / {args.queues} queues", synth, lambda: LiveState(KpiSettings())),
    ):
        r, state = rate(events, args.repeat, make)
        snap = state.snapshot(events[-1].at)
        offered = snap.totals["today"].offered
        print(f"| {name} | {len(events):,} | {r:,.0f} ev/s | {len(snap.agents)} agents, {len(snap.queues)} queues, "
              f"{offered:,} calls offered today |")
    print(f"\nevents/s of CPU time (process_time), median of {args.repeat} runs, each on a fresh LiveState")


if __name__ == "__main__":
    main()
