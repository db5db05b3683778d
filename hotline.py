"""hotline: the composition root.

Builds the ``hotline`` CLI, reads configuration, opens the store and the switch adapters and
hands them to the core services and to the screens. The only module that imports
``hotline_tui``, ``backends`` and ``screens`` together.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hotline_tui.cli import ranges
from hotline_tui.cli.common import OneLineErrorsGroup
from hotline_tui.config import DEMO_DIR

if TYPE_CHECKING:
    from hotline_tui.console import StoreInfo


@dataclass
class Wiring:
    db: str | None = None
    config_dir: str = str(DEMO_DIR)
    as_user: str | None = None
    lang: str | None = None

    def open_store(self, *, migrate: bool = False, check: bool = True):
        from backends.store import open_store

        store = open_store(self.db, migrate=migrate)
        if check and not migrate:
            store.require_current()
        return store


@click.group(cls=OneLineErrorsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="HOTLINE_DB", help="SQLite file or postgresql:// DSN (default: embedded SQLite file).")
@click.option("--config-dir", envvar="HOTLINE_CONFIG_DIR", type=click.Path(file_okay=False), default=str(DEMO_DIR),
              show_default=True, help="Folder with the site's YAML.")
@click.option("--as", "as_user", envvar="HOTLINE_USER", help="Acting user (default: the config's default user).")
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="HOTLINE_LANG", help="UI language.")
@click.pass_context
def cli(ctx: click.Context, db, config_dir, as_user, lang):
    """hotline — operations console and tools for a 12345 citizen service hotline."""
    ctx.obj = Wiring(db=db, config_dir=config_dir, as_user=as_user, lang=lang)


from hotline_tui.cli.db import calendar, config_group, db  # noqa: E402
from hotline_tui.cli.demo import demo  # noqa: E402
from hotline_tui.cli.tickets import callers, tickets  # noqa: E402
from hotline_tui.cli.kb import kb  # noqa: E402

from backends.freeswitch.cli import esl  # noqa: E402
from backends.sim.cli import sim  # noqa: E402
from hotline_tui.cli.staffing import staffing  # noqa: E402

for _group in (tickets, callers, db, calendar, config_group, demo, sim, staffing, esl):
    cli.add_command(_group)
cli.add_command(kb)


# -- the console ----------------------------------------------------------------------------------
def _load_console_config(path: str) -> dict:
    """``--config FILE``: store, config_dir, lang, refresh_hz, supervisor contact and switch nodes.
    Checked against ``ConsoleFile`` (hotline_tui/config_schema.py): a misspelt ``swich:`` or a
    ``store: 42`` is a one-line ConfigError before anything is opened or created."""
    from hotline_tui.config import load_yaml, validate
    from hotline_tui.config_schema import ConsoleFile

    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error((), "must be a mapping (store, config_dir, switch, ...)")
    spec = validate(doc, ConsoleFile)
    nodes = [{"name": n.name or f"fs{i + 1}", "host": n.host, "port": n.port, "password": n.password}
             for i, n in enumerate(spec.switch)]
    base = Path(path).resolve().parent
    cfg_dir = spec.config_dir
    simulate = spec.simulate if spec.simulate is not None else not nodes
    return {"store": spec.store, "config_dir": str((base / cfg_dir).resolve()) if cfg_dir else None,
            "lang": spec.lang, "refresh_hz": float(spec.refresh_hz), "switch": nodes, "simulate": simulate}


def build_console(w: Wiring, *, config: str | None, readonly: bool, replay: str | None, speed: float,
                  record: str | None, refresh_hz: float | None, seed: int, echo=print):
    """Everything the console needs, wired: store, services, live picture, switch or replay."""
    import random
    import time as _time

    from hotline_tui.access import load_access
    from hotline_tui.calls import CallbackAssigner, CallbackService, CallRecorder, HandoverNotes
    from hotline_tui.clock import SystemClock
    from hotline_tui.console import ConsoleServices
    from screens.i18n import detect_lang
    from hotline_tui.kpi import load_kpi_settings
    from hotline_tui.live.state import LiveState
    from hotline_tui.site import load_site
    from hotline_tui.supervisor import Supervisor
    from hotline_tui.tickets.factory import ticket_service

    cfg = _load_console_config(config) if config else {"store": None, "config_dir": None, "lang": None,
                                                       "refresh_hz": 2.0, "switch": [], "simulate": True}
    config_dir = cfg["config_dir"] or w.config_dir
    db = w.db or cfg["store"]
    store = open_store_for_console(db, config_dir, echo)
    access = load_access(config_dir)
    user = access.user(w.as_user)
    settings = load_kpi_settings(config_dir)
    site_path = Path(config_dir) / "site.yaml"
    site = load_site(site_path) if site_path.exists() else None
    clock = SystemClock()
    live = LiveState(settings, teams=site.teams() if site else {}, queues=tuple(q.name for q in site.queues) if site else ())
    lang = detect_lang(w.lang, cfg["lang"])
    services = ConsoleServices(
        user=user, access=access, live=live, settings=settings, clock=clock, lang=lang, readonly=readonly,
        refresh_hz=refresh_hz or cfg["refresh_hz"], tickets=ticket_service(store, config_dir, clock),
        callbacks=CallbackService(store.calls, access, clock), notes=HandoverNotes(store.calls, access, clock, settings),
        agent_names=site.displays() if site else {}, queue_names=site.queue_displays(lang) if site else {},
        store_info=lambda: _store_info(store))
    try:
        from hotline_tui.kb.factory import knowledge_service
        services.kb = knowledge_service(store, config_dir, clock)
    except ImportError:
        pass
    sink = live.apply
    if record:
        from hotline_tui.live.recording import EventRecorder
        fh = open(record, "w", encoding="utf-8")
        rec = EventRecorder(fh, _time.time())
        services.recording = record
        services.periodic.append(rec.flush)

        def sink(e, _apply=live.apply, _rec=rec):
            _apply(e)
            _rec(e)
    if replay:
        _wire_replay(services, replay, speed)
        return services
    logged_in = lambda: [a.name for a in live.snapshot(_time.time()).agents if a.status != "Logged Out"]  # noqa: E731
    recorder = CallRecorder(store.calls, settings, CallbackAssigner(logged_in))
    live.sinks.append(recorder)
    services.periodic.append(recorder.flush)
    from backends.freeswitch.client import NodeConfig
    from backends.freeswitch.port import SwitchCluster

    if cfg["switch"] and not cfg["simulate"]:
        nodes = [NodeConfig(n["name"], n["host"], n["port"], n["password"]) for n in cfg["switch"]]
        services.mode = "live"
    else:
        nodes = [NodeConfig("sim", "127.0.0.1", 0, "ClueCon", backoff_min_s=0.2, backoff_max_s=5)]
        services.mode = "embedded"
    cluster = SwitchCluster(nodes, sink, rng=random.Random())
    services.switch = cluster
    services.supervisor = Supervisor(cluster, access, store.audit, clock)
    if services.mode == "embedded" and site is not None:
        async def run_sim():
            from backends.sim.model import CallCenter
            from backends.sim.runner import SimRunner
            from backends.sim.server import EslServer

            cc = CallCenter(site, seed=seed, start=_time.time() - 1800, profile="peak")
            cc.run_until(_time.time() - 1800 + 1)
            server = await EslServer(cc, port=0).start()
            cluster._nodes["sim"].cfg.port = server.port
            services.on_exit.append(server.close)
            cluster.start()
            await cluster._nodes["sim"].connected.wait()   # so the warm-up's events reach the console
            await SimRunner(cc, speed=1.0, catch_up_speed=600).run()
        services.background.append(run_sim)
    else:
        async def run_cluster():
            cluster.start()
        services.background.append(run_cluster)
    services.on_exit.append(cluster.stop)
    return services


def _wire_replay(services, path: str, speed: float) -> None:
    """Feed a recording to the live picture at ``speed``; the screens' clock is the recording's."""
    import asyncio
    import time as _time

    from hotline_tui.errors import ValidationError
    from hotline_tui.live.recording import read_recording

    try:
        fh = open(path, encoding="utf-8")
        events = list(read_recording(fh, path))
    except OSError as exc:
        raise ValidationError(f"cannot read recording {path}: {exc.strerror}") from None
    services.mode = "replay"
    services.readonly = True
    first = next((e.at for e in events if e.at), _time.time())
    state = {"t": first}
    services.now = lambda: state["t"]

    async def play():
        t0 = _time.monotonic()
        for e in events:
            due = (e.at - first) / speed if e.at else 0
            wait = due - (_time.monotonic() - t0)
            if wait > 0:
                await asyncio.sleep(wait)
            state["t"] = max(state["t"], e.at or state["t"])
            services.live.apply(e)
        while True:   # the recording ended: keep the clock still, the picture stays
            await asyncio.sleep(3600)
    services.background.append(play)


def open_store_for_console(db, config_dir, echo):
    """Open (and migrate) the store; an empty store gets the demo site so the console shows work."""
    from backends.store import open_store
    from hotline_tui.cli.demo import seed_all

    store = open_store(db, migrate=True)
    if not store.tickets.count_by_state():
        echo("hotline: empty store — seeding the demo site (first run only)…")
        seed_all(store, config_dir, seed=1, tickets=3000, days=30, echo=echo)
    elif not store.db.query_row("SELECT COUNT(*) AS n FROM kb_articles")["n"]:
        # A store seeded before the knowledge base existed: give it the demo articles too.
        import random as _random

        from hotline_tui.clock import SystemClock
        from hotline_tui.demo.kb import seed_kb
        echo("hotline: empty knowledge base — seeding the demo articles (first run only)…")
        echo(seed_kb(store, config_dir, _random.Random("1:kb"), SystemClock()))
    return store


def _store_info(store) -> StoreInfo:
    import time as _time

    t0 = _time.perf_counter()
    st = store.status()
    ms = (_time.perf_counter() - t0) * 1000
    return {"kind": store.dialect, "where": store.describe, "latency_ms": ms,
            "migrations": " ".join(f"{c}={v}" for c, v in sorted(st.applied.items()))
            + ("" if st.ok else f" (pending {st.pending})")}


@cli.command()
@click.option("--config", "config", type=click.Path(dir_okay=False), help="Site config YAML (switch nodes, store, ...).")
@click.option("--readonly", is_flag=True, help="Hide every action: a wall screen or an observer.")
@click.option("--replay", type=click.Path(dir_okay=False, exists=True), help="Replay a recorded shift instead of a switch.")
@click.option("--speed", default=1.0, show_default=True, type=ranges.SPEED, help="Replay speed.")
@click.option("--record", type=click.Path(dir_okay=False), help="Record the switch's event stream to this file.")
@click.option("--refresh", "refresh_hz", type=ranges.REFRESH_HZ, help="Repaints per second (default 2).")
@click.option("--screen", "start_screen", default="wallboard", show_default=True,
              type=click.Choice(["wallboard", "agents", "tickets", "knowledge", "handover", "engineer", "desk"]))
@click.option("--seed", default=12345, show_default=True, type=ranges.SEED, help="Simulator seed (embedded default only).")
@click.option("--lang", "console_lang", type=click.Choice(["zh", "en"]), help="UI language (default: config, then locale).")
@click.option("--as", "console_user", help="Acting user (default: the config's default user).")
@click.pass_obj
def console(w: Wiring, config, readonly, replay, speed, record, refresh_hz, start_screen, seed, console_lang, console_user):
    """Open the supervisor console (default: embedded SQLite store + built-in switch simulator)."""
    from hotline_tui.cli.common import one_line_errors

    w.lang = console_lang or w.lang
    w.as_user = console_user or w.as_user

    @one_line_errors
    def run():
        services = build_console(w, config=config, readonly=readonly, replay=replay, speed=speed, record=record,
                                 refresh_hz=refresh_hz, seed=seed, echo=lambda s: click.echo(s, err=True))
        from screens.app import HotlineApp

        app = HotlineApp(services, replay_speed=speed, start_screen=start_screen)
        quiet_collector()
        app.run()
    run()


def quiet_collector() -> None:
    """A full garbage collection stops the console: at 1,000 agents the default thresholds ran
    one every ~2.5 s, 80-230 ms each, and that was the tail of key -> repaint (docs/benchmarks.md,
    "Console at 1,000 agents"). Everything loaded before the app starts (site, rules, pinyin
    tables, catalogue) lives all shift, so it is frozen out of the collector's sight; and young
    collections run every 7,000 allocations instead of 700, so objects that live one refresh die
    young instead of piling up for a full collection (one every ~35 s in an 8-minute run, ~175 ms
    each). Garbage is still collected: in the recorded 30-minute run RSS holds at ~88 MB from
    minute ~20 on."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


def main() -> None:
    cli(prog_name="hotline")


if __name__ == "__main__":
    main()
