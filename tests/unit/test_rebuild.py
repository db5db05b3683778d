"""Rebuild on start (issue 16): a console that starts after a restart, or beside another one,
shows the same figures for the same period as the console that ran all along — because both
count the same stored visits with the one implementation of each figure (kpi.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

import hotline
from hotline import build_call_recorder, build_rebuilt_live, build_services, build_store
from hotline_tui import switch as sw
from hotline_tui.calls_port import AgentInterval, CallRecord
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.kpi import KpiSettings
from hotline_tui.live.rebuild import outcome_of, seed
from hotline_tui.live.recording import EventRecorder
from hotline_tui.live.state import LiveState
from hotline_tui.site import load_site
from tests.record_rig import sim_events

END = datetime(2026, 11, 23, 10, 30, tzinfo=SITE_TZ).timestamp()
START = END - 40 * 60
FIGURES = ("offered", "answered", "abandoned", "short_abandoned", "answered_within", "service_level", "answer_rate",
           "abandon_rate", "asa_s", "aht_s")


@pytest.fixture(scope="module")
def events():
    return sim_events(START, END, seed=11)


def same(a, b) -> None:
    for f in FIGURES:
        x, y = getattr(a, f), getattr(b, f)
        if isinstance(x, float) and isinstance(y, float):
            assert x == pytest.approx(y, rel=1e-12), f          # sums added in another order
        else:
            assert x == y, f


def console(db: str):
    """The console's services and recorder, built as ``hotline console`` builds them."""
    site = load_site(DEMO_DIR / "site.yaml")
    store = build_store(db, migrate=True)
    services = build_services(store, DEMO_DIR, FixedClock(datetime.fromtimestamp(END, SITE_TZ)), site=site)
    services.live = build_rebuilt_live(store, services.settings, site, START)
    recorder = build_call_recorder(store, services.live, services.settings, lambda: [])
    return site, store, services, recorder


def test_a_second_console_rebuilt_from_the_record_shows_the_same_figures(tmp_path, events):
    site, store, services, recorder = console(str(tmp_path / "h.db"))
    try:
        for i, e in enumerate(events):
            services.live.apply(e)
            if i % 500 == 0:
                recorder.flush()                 # the console's periodic job
        recorder.flush()
        first = services.live.snapshot(END)
        assert first.totals["today"].offered > 100 and first.totals["today"].abandoned > 0
        second = build_rebuilt_live(store, services.settings, site, END).snapshot(END)
        for w in ("today", "shift", "30m"):
            same(first.totals[w], second.totals[w])
            for q1, q2 in zip(first.queues, second.queues):
                assert q1.name == q2.name
                same(q1.kpi[w], q2.kpi[w])
        assert second.totals["today"].occupancy is not None
    finally:
        store.close()


def test_a_restarted_console_carries_on_from_the_record(tmp_path):
    """Restart half way: the new console's day (record + what it sees after it connects) equals
    the day of a console that never stopped."""
    restart_at = START + 20 * 60
    events = sim_events(START, END, seed=11, resync_at=restart_at)
    half = next(i for i, e in enumerate(events) if i and isinstance(e, sw.Resynced))   # where it reconnects
    site, store, services, recorder = console(str(tmp_path / "h.db"))
    try:
        for e in events[:half]:
            services.live.apply(e)
        recorder.flush()
        after = build_rebuilt_live(store, services.settings, site, restart_at)
        assert after.snapshot(restart_at).totals["today"].offered == services.live.snapshot(restart_at).totals["today"].offered
        for e in events[half:]:
            services.live.apply(e)
            after.apply(e)
        same(services.live.snapshot(END).totals["today"], after.snapshot(END).totals["today"])
    finally:
        store.close()


def test_outcome_of_is_the_inverse_of_the_recorded_visit():
    r = CallRecord("m1", "fs1", "general@12345", "138", "", "1001", 100.0, 112.0, 200.0, "answered", 12.0, 88.0,
                   call_id="s1", wrap_s=15.0)
    o = outcome_of(r)
    assert (o.answered, o.abandoned, o.wait_s, o.talk_s, o.wrap_s, o.left_at) == (True, False, 12.0, 88.0, 15.0, 200.0)
    gone = outcome_of(CallRecord("m2", "fs1", "q", "138", "", "", 100.0, None, 103.0, "abandoned", 3.0))
    assert (gone.answered, gone.abandoned) == (False, True)
    assert not outcome_of(CallRecord("m3", "fs1", "q", "", "", "", 100.0, None, 160.0, "timeout", 60.0)).abandoned


def test_rebuilt_occupancy_counts_calls_and_wrap_up_as_busy_and_breaks_as_nothing():
    t = 6000.0 * 60
    ivs = [AgentInterval("fs1", "1001", t, t + 60, "Available", "Waiting"),
           AgentInterval("fs1", "1001", t + 60, t + 120, "Available", "In a queue call"),
           AgentInterval("fs1", "1001", t + 120, t + 240, "Available", "Waiting"),
           AgentInterval("fs1", "1001", t + 240, t + 600, "On Break", "Idle")]
    call = CallRecord("m1", "fs1", "q", "", "", "1001", t + 50, t + 60, t + 120, "answered", 10.0, 60.0, wrap_s=30.0)
    live = LiveState(KpiSettings())
    seed(live, [call], ivs, t + 600, t)
    # busy 60 s call + 30 s wrap-up of 240 staffed seconds; the break is not staffed
    assert live.occupancy.ratio(t + 600, t) == pytest.approx(90 / 240)
    # intervals that started before the recorded end are not handed on again
    got: list[AgentInterval] = []
    live.interval_sinks.append(got.append)
    live.apply(sw.AgentStatusChanged("fs1", t + 300, "1001", "On Break"))
    live.apply(sw.AgentStatusChanged("fs1", t + 700, "1001", "Available"))
    assert [(i.started_at, i.status) for i in got] == []     # began at t + 300 < t + 600, in the record
    live.apply(sw.AgentStatusChanged("fs1", t + 800, "1001", "On Break"))
    assert [(i.started_at, i.ended_at, i.status) for i in got] == [(t + 700, t + 800, "Available")]


def _wired(tmp_path, monkeypatch, **kw):
    monkeypatch.setattr(hotline, "seed_if_empty", lambda *a, **k: None)    # no demo seeding: an empty store
    build_store(str(tmp_path / "h.db"), migrate=True).close()    # a readonly console never migrates
    w = hotline.Wiring(db=str(tmp_path / "h.db"), config_dir=str(DEMO_DIR))
    return hotline.build_console(w, config=None, speed=1.0, record=None, refresh_hz=None, seed=1, **kw)


@pytest.mark.parametrize("mode", ["readonly", "replay", "normal"])
def test_readonly_and_replay_consoles_write_nothing(tmp_path, monkeypatch, events, mode):
    replay = None
    if mode == "replay":
        replay = str(tmp_path / "shift.jsonl")
        with open(replay, "w", encoding="utf-8") as fh:
            rec = EventRecorder(fh, START)
            for e in events:
                rec(e)
            rec.flush()
    services = _wired(tmp_path, monkeypatch, readonly=mode == "readonly", replay=replay)
    for e in events:
        services.live.apply(e)
    for job in services.periodic:
        job()
    store = build_store(str(tmp_path / "h.db"))
    try:
        visits, intervals = store.calls.records(START - 3600), store.calls.intervals(START - 3600)
        if mode == "normal":
            assert len(visits) > 100 and len(intervals) > 20
        else:
            assert (visits, intervals) == ([], [])
            assert services.live.sinks == [] and services.live.interval_sinks == []
    finally:
        store.close()


def test_a_console_that_connects_later_writes_the_same_interval_keys():
    """The second console learns each agent's current state from the switch's agent table
    (whole seconds); the first saw the events. Both write the same (node, agent, start) for the
    same stretch, so the store counts it once."""
    resync_at = START + 20 * 60
    events = sim_events(START, END, seed=3, resync_at=resync_at)
    mid = next(i for i, e in enumerate(events) if i and isinstance(e, sw.Resynced))
    through, late = LiveState(KpiSettings()), LiveState(KpiSettings())
    a: list[AgentInterval] = []
    b: list[AgentInterval] = []
    through.interval_sinks.append(a.append)
    late.interval_sinks.append(b.append)
    for e in events:
        through.apply(e)
    for e in events[mid:]:
        late.apply(e)
    keys = {(i.node, i.agent, i.started_at) for i in a}
    assert len(b) > 100
    assert [i for i in b if (i.node, i.agent, i.started_at) not in keys] == []
    assert len(keys) == len(a)                           # one interval per agent and start


def test_rebuild_reads_back_to_midnight_or_the_running_shift_only():
    """At 06:55 with shifts 早班 08:00, 中班 16:00, 夜班 00:00 the windows start at midnight (today
    and 夜班): yesterday's 08:00 (the last 早班) is not read. With a night shift from 22:00 the
    running shift began yesterday evening, before midnight."""
    from dataclasses import replace
    from datetime import time as dtime

    from hotline_tui.kpi import load_kpi_settings
    from hotline_tui.live.rebuild import rebuild_since

    settings = load_kpi_settings(DEMO_DIR)
    now = datetime(2026, 11, 23, 6, 55, tzinfo=SITE_TZ)
    assert rebuild_since(now.timestamp(), settings) == datetime(2026, 11, 23, 0, 0, tzinfo=SITE_TZ).timestamp()
    late = replace(settings, shift_starts=(("白班", dtime(8, 0)), ("夜班", dtime(22, 0))))
    assert rebuild_since(now.timestamp(), late) == datetime(2026, 11, 22, 22, 0, tzinfo=SITE_TZ).timestamp()
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=SITE_TZ)
    assert rebuild_since(noon.timestamp(), late) == datetime(2026, 11, 23, 0, 0, tzinfo=SITE_TZ).timestamp()
