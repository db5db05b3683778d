"""A simulated stretch of the demo site as domain events, for the record's tests: the events a
console or ``hotline record`` would get from the switch (first a resync, then every event)."""

from __future__ import annotations

from backends.freeswitch.mapping import map_event
from backends.freeswitch.resync import build_resynced
from backends.sim.api import run_api
from backends.sim.events import Identity, all_headers
from hotline import build_simulator
from hotline_tui import switch as sw
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site


def sim_events(start: float, until: float, *, seed: int = 7, node: str = "sim",
               resync_at: float | None = None) -> list[sw.SwitchEvent]:
    """Every domain event of the demo site's call centre from ``start`` to ``until`` (epoch s),
    led by the resync a connecting adapter makes (and with another at ``resync_at``: where a
    console that connects then would begin). Deterministic for a seed. Blocks (seconds)."""
    site = load_site(DEMO_DIR / "site.yaml")
    cc = build_simulator(site, seed=seed, start=start)
    ident = Identity("core-1", "fs-demo-1")

    def api(line: str) -> str:
        return run_api(cc, line)
    def resync(at: float) -> sw.Resynced:
        return build_resynced(node, at, api("callcenter_config agent list"), api("callcenter_config tier list"),
                              api("callcenter_config queue list"), {}, api("show channels as json"))
    events: list[sw.SwitchEvent] = [resync(start)]

    def listen(ev) -> None:
        d = map_event(dict(all_headers(ev, ident)), node)
        if d is not None:
            events.append(d)
    cc.listeners.append(listen)
    if resync_at is not None:
        cc.run_until(resync_at)
        events.append(resync(resync_at))
    cc.run_until(until)
    return events
