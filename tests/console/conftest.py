"""Console test rig: a real SQLite store with demo tickets, the simulator's call centre feeding a
real LiveState, and (for action tests) the real FreeSWITCH adapter over TCP to the simulator."""

from __future__ import annotations

import random
import shutil
from datetime import datetime

import pytest

from backends.freeswitch.client import NodeConfig
from backends.freeswitch.mapping import map_event
from backends.freeswitch.resync import build_resynced
from backends.sim.api import run_api
from backends.sim.events import Identity, all_headers
from backends.sim.server import EslServer
from hotline import attach_switch, build_live, build_services, build_simulator, build_store, build_switch
from hotline_tui.clock import SITE_TZ, FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.kb import seed_kb
from hotline_tui.demo.tickets import seed_tickets
from hotline_tui.site import load_site
from tests.waiting import wait_until_async

T0 = datetime(2026, 11, 23, 10, 20, tzinfo=SITE_TZ)   # a Monday morning peak


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("console") / "hotline.db"
    store = build_store(str(path), migrate=True)
    seed_tickets(store, DEMO_DIR, random.Random(1), FixedClock(T0), tickets=300, days=20)
    store.close()
    return path


@pytest.fixture
def db_copy(seeded_db, tmp_path):
    import shutil
    target = tmp_path / "hotline.db"
    shutil.copy(seeded_db, target)
    return str(target)


def build(db_path: str, *, user: str = "duty", readonly: bool = False, lang: str = "en", minutes: float = 20,
          seed: int = 7, knowledge: bool = False):
    """Services (built as ``hotline console`` builds them) with the demo site's call centre run
    for ``minutes`` (events applied directly). ``knowledge``: with the knowledge service."""
    site = load_site(DEMO_DIR / "site.yaml")
    store = build_store(db_path)
    services = build_services(store, DEMO_DIR, FixedClock(T0), user=user, lang=lang, readonly=readonly, site=site)
    if not knowledge:
        services.kb = None
    live = services.live
    start = T0.timestamp() - minutes * 60
    cc = build_simulator(site, seed=seed, start=start)
    ident = Identity("core-1", "fs-demo-1")
    api = lambda line: run_api(cc, line)  # noqa: E731
    live.apply(build_resynced("sim", start, api("callcenter_config agent list"), api("callcenter_config tier list"),
                              api("callcenter_config queue list"), {}, api("show channels as json")))
    cc.listeners.append(lambda ev: (lambda d: d is not None and live.apply(d))(map_event(dict(all_headers(ev, ident)), "sim")))
    cc.run_until(T0.timestamp())
    services.now = lambda: cc.now
    services.mode = "replay"
    services.store_info = lambda: {"kind": "sqlite", "where": db_path, "latency_ms": 0.1, "migrations": "fixed"}
    return services, cc, store


@pytest.fixture
async def live_rig(live_rig_server):
    """Services wired to the simulator through the real ESL adapter (what ``hotline console`` does)."""
    services, cc, store, _server = live_rig_server
    yield services, cc, store


@pytest.fixture
async def live_rig_server(db_copy):
    """live_rig plus the simulator's ESL server, for tests that take the switch away."""
    services, cc, store = build(db_copy)
    cc.listeners.clear()                       # from now on events arrive over TCP only
    services.live = build_live(services.settings, load_site(DEMO_DIR / "site.yaml"))
    server = await EslServer(cc, port=0).start()
    cluster = build_switch([NodeConfig("sim", "127.0.0.1", server.port, timeout_s=3, backoff_min_s=0.05,
                                       backoff_max_s=0.2)], services.live.apply, rng=random.Random(1))
    attach_switch(services, cluster, store)
    services.mode = "live"
    cluster.start()
    await cluster.connected("sim", timeout_s=10)
    yield services, cc, store, server
    await cluster.stop()
    await server.close()
    store.close()


@pytest.fixture(scope="session")
def kb_db(seeded_db, tmp_path_factory):
    """The seeded console store plus the demo knowledge base (published articles)."""
    path = tmp_path_factory.mktemp("kb") / "hotline.db"
    shutil.copy(seeded_db, path)
    store = build_store(str(path), migrate=True)
    seed_kb(store, DEMO_DIR, random.Random(3), FixedClock(T0))
    store.close()
    return path


@pytest.fixture
def kb_copy(kb_db, tmp_path):
    target = tmp_path / "hotline.db"
    shutil.copy(kb_db, target)
    return str(target)


def with_kb(db: str, **kw):
    """``build`` with the real knowledge service on the same store."""
    services, cc, store = build(db, knowledge=True, **kw)
    return services, store


async def searched(pilot, screen, n_before: int) -> None:
    await wait_until_async(lambda: screen.searches > n_before and not screen.workers, timeout=10, interval=0.02,
                           sleep=pilot.pause, what=f"search {n_before + 1} to finish")
