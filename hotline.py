"""hotline: the composition root.

Builds the ``hotline`` CLI, reads configuration, opens the store and the switch adapters and
hands them to the core services and to the screens. The only module that imports
``hotline_tui``, ``backends`` and ``screens`` together.

Everything is built by the small ``build_*`` functions below; the tests build their rigs with
the same functions. Subcommands are imported on first use (``LazyGroup``), so ``hotline --help``
loads click and this file only, and ``hotline kb search`` loads the knowledge base and the
store, not Textual, the simulator or the event-socket codec (docs/benchmarks.md, "Process
start").
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click

from hotline_tui.cli import ranges   # click's IntRange/FloatRange only (docs: hotline_tui/cli/ranges.py)

if TYPE_CHECKING:  # for annotations only: importing these at run time is what LazyGroup avoids
    import random

    from backends.freeswitch.client import NodeConfig
    from backends.freeswitch.port import SwitchCluster
    from backends.sim.model import CallCenter
    from backends.store import Store
    from hotline_tui.calls import CallRecorder
    from hotline_tui.calls_port import AgentInterval, CallRecord
    from hotline_tui.console import ConsoleServices, StoreInfo
    from hotline_tui.kpi import KpiSettings
    from hotline_tui.live.state import LiveState
    from hotline_tui.site import Site
    from hotline_tui.clock import Clock
    from hotline_tui.switch import SwitchEvent as Event
    from hotline_tui.live.views import LiveSnapshot

Echo = Callable[[str], None]


def _demo_dir() -> str:
    """The shipped demo site's folder (imported on use: hotline_tui.config loads yaml)."""
    from hotline_tui.config import DEMO_DIR

    return str(DEMO_DIR)


# -- lazily loaded subcommands ---------------------------------------------------------------------
class LazyGroup(click.Group):
    """A click group whose subcommands live in other modules and are imported only when invoked
    (click's "Lazily Loading Subcommands" pattern).

    ``lazy`` maps a command name to ``("package.module:attribute", short help)``. The short help
    is what ``--help`` lists, so listing the commands imports none of them;
    ``tests/test_startup.py`` checks that it equals each command's own short help.
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(self.load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, name: str) -> click.Command:
        """Import the command ``name``. Raises ImportError if its module is missing and TypeError
        if the attribute is not a click command (a wiring bug: never swallowed)."""
        path = self.lazy[name][0]
        module, _, attr = path.partition(":")
        cmd = getattr(importlib.import_module(module), attr)
        if not isinstance(cmd, click.Command):
            raise TypeError(f"{path} is not a click command")
        return cmd

    def invoke(self, ctx: click.Context) -> Any:
        # Every subcommand runs inside this: an error any command lets out is one line on stderr
        # and an exit code (hotline_tui.cli.common.error_line), imported only when one happens.
        # Click's own exceptions (usage errors, Abort, Exit) pass through to click.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            from hotline_tui.cli.common import reader_gone

            reader_gone()
        except click.UsageError as exc:
            # A bad option value or a missing argument of a subcommand: one line like every
            # other error (click's own three-line usage text is for ``--help``), exit 2.
            from hotline_tui.cli.common import exit_with
            from hotline_tui.errors import one_line

            where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
            exit_with((one_line(f"{exc.format_message()} (see: {where} --help)"), exc.exit_code))
        except click.ClickException as exc:
            # click quotes the offending value: show it escaped (setattr: click declares
            # ``message`` Final for type checkers, it is a plain attribute)
            from hotline_tui.text import terminal_safe

            setattr(exc, "message", terminal_safe(exc.message))
            raise
        except Exception as exc:
            from hotline_tui.cli.common import error_line, exit_with

            known = error_line(exc)
            if known is None:
                raise
            exit_with(known)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own format_commands calls get_command for every name (importing them all);
        # this one lists loaded commands by their help and the others by their recorded help.
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            cmd = self.commands.get(name)
            if cmd is not None:
                if cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(limit)))
            else:
                rows.append((name, click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "calendar": ("hotline_tui.cli.db:calendar", "The working-day calendar (holidays and 调休 make-up days)."),
    "callers": ("hotline_tui.cli.tickets:callers",
                "Callers: history by phone number and caller classes (来电历史 / 来电客户分类)."),
    "db": ("hotline_tui.cli.db:db", "The ticket store's schema."),
    "config": ("hotline_tui.cli.db:config_group", "The site's configuration files."),
    "demo": ("hotline_tui.cli.demo:demo", "The demo site."),
    "esl": ("backends.freeswitch.cli:esl", "Engineer tools for the FreeSWITCH event socket."),
    "kb": ("hotline_tui.cli.kb:kb", "Knowledge base (知识库): search, articles, unanswered questions."),
    "live": ("hotline_tui.cli.live:live",
             "One read of the live picture: queues, agents, waiting callers or calls (connect, resync, print, exit)."),
    "record": ("hotline_tui.cli.record:record",
               "Record every finished call and agent interval from the switch to the store (headless)."),
    "report": ("hotline_tui.cli.report:report", "Reports: the shift handover (交接班) and call loss (呼损)."),
    "sim": ("backends.sim.cli:sim", "Run the built-in switch simulator: FreeSWITCH's event socket with mod_callcenter."),
    "staffing": ("hotline_tui.cli.staffing:staffing",
                 "How many agents a queue needs, with the predicted service level, ASA and abandon rate."),
    "tickets": ("hotline_tui.cli.tickets:tickets", "Tickets (工单): register, dispatch, follow up, close."),
    "callbacks": ("hotline_tui.cli.callbacks:callbacks", "Callbacks (呼损回拨 / 回访): list, assign, record a result."),
    "qa": ("hotline_tui.cli.qa:qa", "Quality inspection (质检): scorecards, sampling, scoring, appeals, figures."),
    "notify": ("backends.notify_cli:notify", "Notifications: the outbox, its delivery worker, the department intake."),
}


# -- the store -------------------------------------------------------------------------------------
def build_store(db: str | None, *, migrate: bool = False, check: bool = True) -> Store:
    """Open the store at ``db`` (SQLite path or postgresql:// DSN; None = the embedded file).

    Applies pending migrations with ``migrate``; otherwise, with ``check``, raises HotlineError
    when the schema is not current. Raises HotlineError when the database cannot be opened.
    Blocks. psycopg is imported only for a PostgreSQL DSN."""
    from backends.store import open_store

    store = open_store(db, migrate=migrate)
    if check and not migrate:
        store.require_current()
    return store


def seed_if_empty(store: Store, config_dir: str, *, echo: Echo = lambda s: None) -> None:
    """First run of the console: an empty store gets the demo site, so the console shows work;
    a store seeded before the knowledge base existed gets the demo articles. Blocks (seconds)."""
    if not store.tickets.count_by_state():
        from hotline_tui.cli.demo import seed_all

        echo("hotline: empty store — seeding the demo site (first run only)…")
        seed_all(store, config_dir, seed=1, tickets=3000, days=30, echo=echo)
    elif next(iter(store.kb.all()), None) is None:   # one page of articles at most
        import random

        from hotline_tui.clock import SystemClock
        from hotline_tui.demo.kb import seed_kb

        echo("hotline: empty knowledge base — seeding the demo articles (first run only)…")
        echo(seed_kb(store, config_dir, random.Random("1:kb"), SystemClock()))


def store_info(store: Store) -> StoreInfo:
    """What the engineer view shows of the store: kind, where, round-trip latency, migrations.
    Blocks (one status query); raises what ``store.status()`` raises."""
    import time

    t0 = time.perf_counter()
    st = store.status()
    ms = (time.perf_counter() - t0) * 1000
    return {"kind": store.dialect, "where": store.describe, "latency_ms": ms,
            "migrations": " ".join(f"{c}={v}" for c, v in sorted(st.applied.items()))
            + ("" if st.ok else f" (pending {st.pending})"),
            "reconnects": getattr(store.db, "reconnects", 0)}


class Wiring:
    """What every command gets as ``ctx.obj`` (hotline_tui.cli.common.Wiring). A plain class:
    ``hotline --help`` imports nothing but click, not even dataclasses."""

    def __init__(self, db: str | None = None, config_dir: str | None = None, as_user: str | None = None,
                 lang: str | None = None) -> None:
        self.db, self.as_user, self.lang = db, as_user, lang
        self.config_dir: str = config_dir or _demo_dir()

    def open_store(self, *, migrate: bool = False, check: bool = True) -> Store:
        return build_store(self.db, migrate=migrate, check=check)

    def record(self, config: str | None, *, flush_s: float, log: Echo, lease_ttl: float = 15.0) -> None:
        """``hotline record``: see ``run_record``."""
        run_record(self, config, flush_s=flush_s, log=log, lease_ttl=lease_ttl)

    def live_snapshot(self, config: str, *, timeout_s: float) -> tuple[ConsoleServices, LiveSnapshot]:
        """``hotline live``: see ``run_live``."""
        return run_live(self, config, timeout_s=timeout_s)

    def demo_gateway(self, *, listen: str, faults: float, seed: int, receipts: str | None) -> None:
        """``hotline demo gateway``: backends/notify_cli.py ``run_gateway``."""
        from backends.notify_cli import run_gateway

        run_gateway(self.config_dir, listen=listen, faults=faults, seed=seed, receipts=receipts)


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="HOTLINE_DB", help="SQLite file or postgresql:// DSN (default: embedded SQLite file).")
@click.option("--config-dir", envvar="HOTLINE_CONFIG_DIR", type=click.Path(file_okay=False), default=None,
              show_default="config/demo (the demo site)", help="Folder with the site's YAML.")
@click.option("--as", "as_user", envvar="HOTLINE_USER", help="Acting user (default: the config's default user).")
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="HOTLINE_LANG", help="UI language.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config_dir: str | None, as_user: str | None, lang: str | None) -> None:
    """hotline — operations console and tools for a 12345 citizen service hotline."""
    ctx.obj = Wiring(db=db, config_dir=config_dir, as_user=as_user, lang=lang)


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
    base = Path(path).resolve().parent
    nodes = [{"name": n.name or f"fs{i + 1}", "host": n.host, "port": n.port, "password": n.password,
              "site": str((base / n.site).resolve()) if n.site else None}
             for i, n in enumerate(spec.switch)]
    cfg_dir = spec.config_dir
    simulate = spec.simulate if spec.simulate is not None else not nodes
    return {"store": spec.store, "config_dir": str((base / cfg_dir).resolve()) if cfg_dir else None,
            "lang": spec.lang, "refresh_hz": float(spec.refresh_hz), "switch": nodes, "simulate": simulate,
            "callcenter_db": spec.callcenter_db}


def node_agent_names(nodes: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Display names from each switch node's own site file (``switch: [{site: …}]`` in the
    console file), keyed ``<agent>@<node>``: the same agent id on two switches may be two people.
    Raises ConfigError naming the file, line and key. Blocks (reads the files)."""
    from hotline_tui.site import load_site

    names: dict[str, str] = {}
    for n in nodes:
        if n.get("site"):
            names.update({f"{agent}@{n['name']}": shown for agent, shown in load_site(n["site"]).displays().items()})
    return names


def build_services(store: Store, config_dir: str | Path, clock: Clock, *, user: str | None = None,
                   lang: str = "zh", readonly: bool = False, refresh_hz: float = 2.0,
                   site: Site | None = None) -> ConsoleServices:
    """The console's core services over ``store``: tickets, callbacks, handover notes, the
    knowledge base and an empty live picture for ``site``'s teams and queues; no switch yet
    (``attach_switch``). Reads the YAML in ``config_dir`` (ConfigError on bad config). Blocks."""
    from hotline_tui.access import load_access
    from hotline_tui.calls import HandoverNotes
    from hotline_tui.console import ConsoleServices
    from hotline_tui.kb.factory import knowledge_service
    from hotline_tui.kpi import load_kpi_settings
    from hotline_tui.supervisor import load_hangup_reasons, load_not_ready_reasons
    from hotline_tui.tickets.factory import ticket_service

    access = load_access(config_dir)
    settings = load_kpi_settings(config_dir)
    services = ConsoleServices(
        user=access.user(user), access=access, live=build_live(settings, site), settings=settings, clock=clock,
        lang=lang, readonly=readonly, refresh_hz=refresh_hz, tickets=ticket_service(store, config_dir, clock),
        notes=HandoverNotes(store.calls, access, clock, settings),
        kb=knowledge_service(store, config_dir, clock),
        agent_names=site.displays() if site else {}, queue_names=site.queue_displays(lang) if site else {},
        store_info=lambda: store_info(store), not_ready_reasons=load_not_ready_reasons(config_dir),
        hangup_reasons=load_hangup_reasons(config_dir), feed=store.feed)
    add_callbacks(services, store, config_dir)
    build_desk(services, store, config_dir)
    add_qa(services, store, config_dir)
    add_reports(services, store, site, config_dir)
    return services


def add_reports(services: ConsoleServices, store: Store, site: Site | None, config_dir: str | Path) -> None:
    """The console's reports (issue 16, docs/reports.md): the handover screen's live draft and
    sign-off and the reports screen, over the same builders as ``hotline report`` (with the
    CLI's tiers from site.yaml and assessment weights from kpi.yaml). Raises ConfigError (the
    weights). Blocks (reads kpi.yaml)."""
    from hotline_tui.reports.assessment import load_weights
    from hotline_tui.reports.desk import ReportDesk

    if services.tickets is None or services.notes is None:
        return
    services.reports = ReportDesk(store, services.tickets, services.notes, services.access, services.clock,
                                  services.settings, site.teams() if site else {},
                                  tiers={a.name: sorted(a.skills) for a in site.agents} if site else None,
                                  weights=load_weights(config_dir))


def add_callbacks(services: ConsoleServices, store: Store, config_dir: str | Path) -> None:
    """The callbacks' two services (issue 17, docs/callbacks.md): the supervisors' list, which
    checks agent presence as desk.yaml says, and the agents' desk list over the same store and
    ticket service. Raises ConfigError (desk.yaml). Blocks (reads it)."""
    from hotline_tui.callback_desk import CallbackDesk, load_callback_settings
    from hotline_tui.calls import CallbackService

    cb = load_callback_settings(config_dir)
    services.callbacks = CallbackService(store.calls, services.access, services.clock, fresh_s=cb.presence_fresh_s)
    services.callback_desk = CallbackDesk(store.calls, services.tickets, services.access, services.clock, cb,
                                          store.audit)


def build_desk(services: ConsoleServices, store: Store, config_dir: str | Path) -> None:
    """The agent desk's reads (issue 17): "my work" over the ticket service and the call store,
    and the caller classes' notes from desk.yaml. Raises ConfigError on a bad desk.yaml. Blocks."""
    from hotline_tui.desk import DeskService, load_class_notes

    services.desk = DeskService(services.tickets, store.calls, services.access, services.clock)
    classes = services.tickets.catalog.caller_classes if services.tickets is not None else ()
    services.class_notes = load_class_notes(config_dir, classes)


def add_qa(services: ConsoleServices, store: Store, config_dir: str | Path) -> None:
    """Quality inspection (issue 20, docs/qa.md) when the site has a qa.yaml. Raises
    ConfigError (qa.yaml). Blocks (reads it)."""
    if not (Path(config_dir) / "qa.yaml").exists():
        return
    from hotline_tui.qa.service import QaService
    from hotline_tui.qa.settings import load_qa_settings

    services.qa = QaService(store, services.access, load_qa_settings(config_dir), services.clock)


def build_live(settings: KpiSettings, site: Site | None) -> LiveState:
    """An empty live picture that knows ``site``'s teams and queues (none without a site)."""
    from hotline_tui.live.state import LiveState

    return LiveState(settings, teams=site.teams() if site else {},
                     queues=tuple(q.name for q in site.queues) if site else ())


def build_rebuilt_live(store: Store, settings: KpiSettings, site: Site | None, now: float) -> LiveState:
    """``build_live`` seeded with today's and the shift's record from ``store`` up to ``now``
    (hotline_tui/live/rebuild.py), so a restarted or second console shows the day's figures.
    Raises StoreError. Blocks (two queries)."""
    from hotline_tui.live.rebuild import rebuild

    live = build_live(settings, site)
    rebuild(live, store.calls, now)
    return live


def start_rebuild(store: Store, config_dir: str | Path, now: float) -> Callable[[KpiSettings, Site | None], LiveState]:
    """Begin reading today's record (``live.rebuild.read``) in a thread, so the store's work —
    SQLite's steps, PostgreSQL's server — overlaps the rest of the console's start; the returned
    function waits for it and seeds a ``build_live`` picture as ``build_rebuilt_live`` does. It
    raises what the reads raised (StoreError). Never blocks itself (reads kpi.yaml)."""
    import threading

    from hotline_tui.kpi import load_kpi_settings
    from hotline_tui.live.rebuild import read, rebuild_since, seed

    shifts = load_kpi_settings(config_dir)
    rows: list[tuple[list[CallRecord], list[AgentInterval]]] = []
    errors: list[BaseException] = []

    def reads() -> None:
        try:
            rows.append(read(store.calls, now, shifts))
        except BaseException as exc:       # handed to the join, raised there
            errors.append(exc)
    t = threading.Thread(target=reads, name="rebuild-read", daemon=True)
    t.start()

    def join(settings: KpiSettings, site: Site | None) -> LiveState:
        t.join()
        if errors:
            raise errors[0]
        records, intervals = rows[0]
        live = build_live(settings, site)
        seed(live, records, intervals, now, rebuild_since(now, settings))
        return live
    return join


def build_call_recorder(store: Store, live: LiveState, settings: KpiSettings,
                        logged_in: Callable[[], list[str]] | None = None) -> CallRecorder:
    """A ``CallRecorder`` over ``store.calls`` fed by ``live``: finished visits and agent
    intervals queue in it; its ``flush()`` writes them (blocks), gives new callback tasks
    round-robin to the agents Available (``logged_in``, else ``live``'s), and writes agent
    presence from ``live`` (docs/callbacks.md). Never blocks itself."""
    from hotline_tui.calls import AVAILABLE, CallbackAssigner, CallRecorder

    def available() -> list[str]:    # logged in and not on break
        return [a.name for a in list(live.agents.values()) if a.status in AVAILABLE]

    def roster() -> list[tuple[str, str, str]]:
        return [(a.node, a.name, a.status) for a in list(live.agents.values())]
    recorder = CallRecorder(store.calls, settings, CallbackAssigner(logged_in or available, roster))
    live.sinks.append(recorder)
    live.interval_sinks.append(recorder.interval)
    return recorder


def build_link_recorder(store: Store, sink: Callable[[Event], None],
                        periodic: list[Callable[[], object]]) -> Callable[[Event], None]:
    """The switch links' lost / regained log (docs/reports.md): returns a sink that hands every
    event to ``sink`` and queues each LinkDown / LinkUp in a ``LinkRecorder``, whose flush is
    appended to ``periodic`` (it blocks; raises StoreError). Never blocks itself."""
    from hotline_tui.reports.links import LinkRecorder

    links = LinkRecorder(store.reports)
    periodic.append(links.flush)

    def both(e: Event) -> None:
        sink(e)
        links(e)
    return both


def build_switch(nodes: Sequence[NodeConfig], sink: Callable[[Event], None], *,
                 rng: random.Random | None = None, live: LiveState | None = None) -> SwitchCluster:
    """The switch adapter over ``nodes`` (none yet is fine: ``cluster.add`` them later). Not
    started: ``cluster.start()`` inside the event loop connects every node. With ``live``, an
    action given an agent id without a node goes to the one node whose picture has that agent
    (ValidationError when several have it: the same id on two switches is two agents)."""
    from backends.freeswitch.port import SwitchCluster
    from hotline_tui.errors import ValidationError

    def agent_node(agent: str) -> str | None:
        found = live.nodes_of(agent) if live is not None else []
        if len(found) > 1:
            raise ValidationError(f"agent {agent} is on several switches ({', '.join(found)}): say which")
        return found[0] if found else None

    return SwitchCluster(list(nodes), sink, rng=rng, agent_node=agent_node)


def attach_switch(services: ConsoleServices, cluster: SwitchCluster, store: Store,
                  sink: Callable[[Event], None] | None = None) -> None:
    """Give the console ``cluster`` and the supervisor actions over it (audited in ``store``).
    ``sink`` (the cluster's; default the live picture) hears which callers they take out of a
    queue."""
    from hotline_tui.supervisor import Supervisor

    services.switch = cluster
    sink = sink or (services.live.apply if services.live is not None else None)
    services.supervisor = Supervisor(cluster, services.access, store.audit, services.clock, sink)
    services.supervisor.status_sinks.append(services.live.note_reason)   # the desk's not-ready reason (issue 16)


def build_simulator(site: Site, *, seed: int, start: float, until: float | None = None,
                    profile: str = "peak") -> CallCenter:
    """The simulated call centre for ``site`` from epoch ``start``, run to ``until`` if given.
    Deterministic for a seed. Blocks while it runs."""
    from backends.sim.model import CallCenter

    cc = CallCenter(site, seed=seed, start=start, profile=profile)
    if until is not None:
        cc.run_until(until)
    return cc


def build_embedded_switch(services: ConsoleServices, cluster: SwitchCluster, site: Site, *, seed: int,
                          warm_up_s: float = 1800) -> None:
    """The default console: the simulator on a free loopback port, reached through the real
    adapter. Adds a background task that starts the simulator ``warm_up_s`` in the past, adds its
    node to ``cluster`` once it listens, waits for the link and then catches up to now at 600x."""
    import time

    async def run_sim() -> None:
        from backends.freeswitch.client import NodeConfig
        from backends.sim.runner import SimRunner
        from backends.sim.server import EslServer

        start = time.time() - warm_up_s
        cc = build_simulator(site, seed=seed, start=start, until=start + 1)
        server = await EslServer(cc, port=0).start()
        services.on_exit.append(server.close)
        cluster.add(NodeConfig("sim", "127.0.0.1", server.port, "ClueCon", backoff_min_s=0.2, backoff_max_s=5))
        await cluster.connected("sim")   # so the warm-up's events reach the console
        await SimRunner(cc, speed=1.0, catch_up_speed=600).run()
    services.background.append(run_sim)


def build_recorder(services: ConsoleServices, path: str) -> Callable[[Event], None]:
    """Record every switch event to ``path`` as well as applying it; returns the sink to give
    the switch. Raises OSError if the file cannot be created."""
    import time

    from hotline_tui.live.recording import EventRecorder

    fh = open(path, "w", encoding="utf-8")
    rec = EventRecorder(fh, time.time())
    services.recording = path

    def flush() -> None:
        if not fh.closed:
            rec.flush()
    services.periodic.append(flush)

    async def close() -> None:   # the last events reach the file when the console quits
        fh.close()
    services.on_exit.append(close)
    apply = services.live.apply

    def sink(e: Event) -> None:
        apply(e)
        rec(e)
    return sink


def build_replay(services: ConsoleServices, path: str, speed: float) -> None:
    """Feed a recording to the live picture at ``speed`` through a ``ReplayPlayer``
    (``services.replay``: pause, seek, end); the screens' clock and the ticket service's are the
    recording's, so the ticket figures are those of the recorded day. Read-only. Raises ValidationError when the file cannot be read, ConfigError-like errors from
    ``read_recording`` for a bad file."""
    import asyncio
    import time

    from hotline_tui.errors import ValidationError
    from hotline_tui.live.recording import read_recording
    from hotline_tui.live.replay import ReplayPlayer
    from hotline_tui.live.state import LiveState

    try:
        with open(path, encoding="utf-8") as fh:
            events = list(read_recording(fh, path))
    except OSError as exc:
        raise ValidationError(f"cannot read recording {path}: {exc.strerror}") from None
    services.mode = "replay"
    services.readonly = True
    services.reports = None       # the reports are of the store's day, not of the recording's
    first_live = services.live

    def fresh() -> LiveState:     # a seek back builds the picture again, like the first one
        return LiveState(services.settings, teams=dict(first_live.teams), queues=tuple(first_live.known_queues))

    player = ReplayPlayer(events, lambda: first_live, speed=speed, on_live=lambda live: setattr(services, "live", live))
    player.make_live = fresh
    services.replay = player
    services.now = lambda: player.t
    # The recorded time is the clock of everything shown: the ticket figures of the recorded day.
    services.clock = player
    if services.tickets is not None:
        services.tickets.clock = player

    async def play() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            player.advance(now - last)
            last = now
    services.background.append(play)


def build_notify_worker(services: ConsoleServices, store: Store, config_dir: str | Path, *, run: bool = True) -> None:
    """Notifications in the console (docs/notify.md): the engineer view's outbox line, and,
    unless notify.yaml says ``worker.enabled: false`` (or ``run`` is False: read-only, replay),
    a delivery worker thread on the console's store, stopped on exit. Nothing without a
    notify.yaml. Raises ConfigError for a broken one. Never blocks."""
    from hotline_tui.notify.settings import load_notify

    cfg = load_notify(config_dir)
    if cfg is None:
        return
    outbox = store.outbox
    services.outbox = outbox.counts
    if not run or not cfg.worker.enabled:
        return
    import threading
    import time

    stop = threading.Event()
    report = lambda exc: services.errors.append((time.time(), f"notify: {exc}"))  # noqa: E731
    # The dead-letter sweep, once per site (issue 21): a console is a standby unless no other
    # sweep holds the lease; standbys try once per ttl, so dozens of consoles cost the store
    # a few tiny UPDATEs a second between them.
    quiet = ("standby", " held by ", "message(s) expired")      # not errors: the engineer list shows those

    def deliver() -> None:
        # the HTTP client (httpx and a TLS context, ~0.1 s) is made here, in the worker's thread,
        # which starts after the first paint
        try:
            from backends.notify_http import HttpNotifier
            from hotline_tui.notify.worker import DeliveryWorker

            worker = DeliveryWorker(outbox, HttpNotifier(cfg), cfg.worker, cfg.breaker)
        except Exception as exc:      # shown in the engineer view's error list, as the worker's own are
            report(exc)
            return
        worker.run(stop, on_error=report)

    def sweep() -> None:
        from hotline_tui.lease import DEFAULT_TTL_S
        from hotline_tui.notify.worker import DeadLetterSweep

        sweeper = DeadLetterSweep(outbox, store.leases, cfg.worker, retry_s=DEFAULT_TTL_S,
                                  log=lambda line: None if any(q in line for q in quiet) else report(line))
        sweeper.run(stop)

    async def start() -> None:
        threading.Thread(target=deliver, name="notify-worker", daemon=True).start()
        threading.Thread(target=sweep, name="notify-sweep", daemon=True).start()

    async def halt() -> None:
        stop.set()
    services.after_first_paint.append(start)
    services.on_exit.append(halt)
    services.notify_worker = True


def build_console(w: Wiring, *, config: str | None, readonly: bool, replay: str | None, speed: float,
                  record: str | None, refresh_hz: float | None, seed: int, echo: Echo = print) -> ConsoleServices:
    """Everything the console needs, wired: store, services, live picture, switch or replay.
    Blocks (opens, migrates and on first run seeds the store); raises HotlineError subclasses."""
    import random
    import time

    from hotline_tui.clock import SystemClock
    from screens.i18n import detect_lang
    from hotline_tui.site import load_site

    cfg = _load_console_config(config) if config else {"store": None, "config_dir": None, "lang": None,
                                                       "refresh_hz": 2.0, "switch": [], "simulate": True}
    config_dir = cfg["config_dir"] or w.config_dir
    # A read-only console (a wall screen, an observer, a replay) writes nothing to the store:
    # no migration (a store behind is one error line: migrate it from a console that may
    # write) and no first-run seeding.
    writes = not (readonly or replay)
    store = build_store(w.db or cfg["store"], migrate=writes)
    if writes:
        seed_if_empty(store, config_dir, echo=echo)
    rebuilt = None if replay else start_rebuild(store, config_dir, time.time())   # today's record, read meanwhile
    site_path = Path(config_dir) / "site.yaml"
    site = load_site(site_path) if site_path.exists() else None
    lang = detect_lang(w.lang, cfg["lang"])
    services = build_services(store, config_dir, SystemClock(), user=w.as_user, lang=lang, readonly=readonly,
                              refresh_hz=refresh_hz or cfg["refresh_hz"], site=site)
    build_notify_worker(services, store, config_dir, run=not readonly and not replay)
    if replay:
        build_replay(services, replay, speed)     # the recording's own day: nothing rebuilt, nothing written
        return services
    assert rebuilt is not None
    services.live = live = rebuilt(services.settings, site)
    sink = build_recorder(services, record) if record else live.apply
    if not readonly:    # a wall screen or an observer writes nothing (the record included)
        recorder = build_call_recorder(store, live, services.settings)
        services.periodic.append(recorder.flush)
        sink = build_link_recorder(store, sink, services.periodic)

        async def flush_at_exit() -> None:
            import asyncio

            await asyncio.to_thread(recorder.flush)
        services.on_exit.append(flush_at_exit)
    from backends.freeswitch.client import NodeConfig

    if cfg["switch"] and not cfg["simulate"]:
        services.agent_names.update(node_agent_names(cfg["switch"]))
        cluster = build_switch([NodeConfig(n["name"], n["host"], n["port"], n["password"]) for n in cfg["switch"]],
                               sink, rng=random.Random(), live=live)
        services.mode = "live"
    else:
        cluster = build_switch([], sink, rng=random.Random(), live=live)
        services.mode = "embedded"
    attach_switch(services, cluster, store, sink)
    if cfg.get("callcenter_db"):      # issue 21: nodes sharing mod_callcenter's tables are compared with them
        from backends.callcenter_tables import open_callcenter_tables
        services.cc_tables = open_callcenter_tables(cfg["callcenter_db"])

    async def run_cluster() -> None:
        cluster.start()
    services.background.append(run_cluster)
    if services.mode == "embedded" and site is not None:
        build_embedded_switch(services, cluster, site, seed=seed)
    services.on_exit.append(cluster.stop)
    return services


@cli.command()
@click.option("--config", "config", type=click.Path(dir_okay=False), help="Site config YAML (switch nodes, store, ...).")
@click.option("--readonly", is_flag=True, help="Hide every action: a wall screen or an observer.")
@click.option("--replay", type=click.Path(dir_okay=False, exists=True), help="Replay a recorded shift instead of a switch.")
@click.option("--speed", default=1.0, show_default=True, type=ranges.SPEED, help="Replay speed.")
@click.option("--record", type=click.Path(dir_okay=False), help="Record the switch's event stream to this file.")
@click.option("--refresh", "refresh_hz", type=ranges.REFRESH_HZ, help="Repaints per second (default 2).")
@click.option("--screen", "start_screen", default="wallboard", show_default=True,
              type=click.Choice(["wallboard", "agents", "tickets", "knowledge", "handover", "engineer", "desk", "callers"]))
@click.option("--seed", default=12345, show_default=True, type=ranges.SEED, help="Simulator seed (embedded default only).")
@click.option("--lang", "console_lang", type=click.Choice(["zh", "en"]), help="UI language (default: config, then locale).")
@click.option("--as", "console_user", help="Acting user (default: the config's default user).")
@click.option("--lite", is_flag=True, help="Lean mode for slow links (also HOTLINE_LITE=1; docs/console.md).")
@click.pass_obj
def console(w: Wiring, config: str | None, readonly: bool, replay: str | None, speed: float, record: str | None,
            refresh_hz: float | None, start_screen: str, seed: int, console_lang: str | None,
            console_user: str | None, lite: bool = False) -> None:
    """Open the supervisor console (default: embedded SQLite store + built-in switch simulator)."""
    from hotline_tui.cli.common import one_line_errors

    w.lang = console_lang or w.lang
    w.as_user = console_user or w.as_user

    @one_line_errors
    def run() -> None:
        import os

        from screens.lite import lite_mode

        lean = lite_mode(lite, os.environ)     # a bad HOTLINE_LITE: one line, before anything opens
        services = build_console(w, config=config, readonly=readonly, replay=replay, speed=speed, record=record,
                                 refresh_hz=refresh_hz, seed=seed, echo=lambda s: click.echo(s, err=True))
        from screens.app import HotlineApp

        app = HotlineApp(services, replay_speed=speed, start_screen=start_screen, lite=lean)
        quiet_collector()
        app.run()
    run()


# -- the recorder ---------------------------------------------------------------------------------
def run_record(w: Wiring, config: str | None, *, flush_s: float = 2.0, log: Echo = print,
               lease_ttl: float = 15.0) -> None:
    """``hotline record``: connect to every switch node of ``config`` (or ``--config-dir``'s
    site without one: an error, a recorder needs a switch), write every finished visit and agent
    interval to the store every ``flush_s`` seconds, one ``log`` line per connect, disconnect and
    flush that wrote something. Returns on SIGTERM or SIGINT after a last flush. Raises
    HotlineError subclasses (ConfigError, StoreError) before connecting. Blocks.

    One recorder per switch node (issue 21): before connecting it holds the ``record:<node>``
    lease of every node it records (taken in name order, so two standbys never each hold half),
    waiting as a standby while another recorder has them; it stops with LeaseLost if one is
    taken from it (its writes are idempotent, so an overlap of a few seconds duplicates nothing)."""
    import asyncio
    import random
    import signal
    import time

    from backends.freeswitch.client import NodeConfig
    from hotline_tui import switch as sw
    from hotline_tui.calls import AVAILABLE
    from hotline_tui.errors import ConfigError
    from hotline_tui.kpi import load_kpi_settings
    from hotline_tui.site import load_site

    cfg = _load_console_config(config) if config else {"store": None, "config_dir": None, "switch": []}
    if not cfg["switch"]:
        raise ConfigError(config or "hotline record", None, "switch",
                          "no switch nodes configured (give --config FILE with switch: [{host, port, password}])")
    config_dir = cfg["config_dir"] or w.config_dir
    settings = load_kpi_settings(config_dir)
    site_path = Path(config_dir) / "site.yaml"
    site = load_site(site_path) if site_path.exists() else None
    store = build_store(w.db or cfg["store"], migrate=True)
    live = build_rebuilt_live(store, settings, site, time.time())
    names: list[str] = []     # who is logged in, taken on the loop (the flush runs in a thread)
    recorder = build_call_recorder(store, live, settings, lambda: list(names))
    leases = _hold_record_leases(store, sorted(n["name"] for n in cfg["switch"]), lease_ttl, log)
    flush_links: list[Callable[[], object]] = []

    def logged(e: Event) -> None:
        if isinstance(e, sw.LinkUp):
            log(f"hotline record: {e.node} connected")
        elif isinstance(e, sw.LinkDown):
            log(f"hotline record: {e.node} disconnected ({e.reason or 'link lost'})")
        live.apply(e)
    sink = build_link_recorder(store, logged, flush_links)

    def flush() -> None:
        before = (recorder.written, recorder.intervals_written)
        visits, ivs = recorder.pending()
        for f in flush_links:
            f()
        recorder.flush()
        if visits or ivs:
            log(f"hotline record: flushed {visits} visits ({recorder.written - before[0]} new), "
                f"{ivs} agent intervals ({recorder.intervals_written - before[1]} new)")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        cluster = build_switch([NodeConfig(n["name"], n["host"], n["port"], n["password"]) for n in cfg["switch"]],
                               sink, rng=random.Random())
        cluster.start()
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), flush_s)
                except asyncio.TimeoutError:
                    pass
                names[:] = [a.name for a in list(live.agents.values()) if a.status in AVAILABLE]
                try:
                    await asyncio.to_thread(flush)
                except Exception as exc:   # a store outage: say so once per flush, keep recording
                    from hotline_tui.errors import one_line

                    log(one_line(f"hotline record: flush failed: {exc}"))
                if any(lease.lost.is_set() for lease in leases):
                    break
        finally:
            await cluster.stop()
        flush()     # what arrived while stopping
        log("hotline record: stopped")

    log(f"hotline record: recording {', '.join(n['name'] for n in cfg['switch'])} into {store.describe}")
    try:
        asyncio.run(main())
        for lease in leases:
            lease.check()
    finally:
        for lease in leases:
            lease.release()


def _hold_record_leases(store: Store, nodes: list[str], ttl_s: float, log: Echo) -> list:
    """Wait as a standby until this process holds ``record:<node>`` for every node. Blocks."""
    from hotline_tui.lease import Lease

    held = []
    for node in nodes:
        lease = Lease(store.leases, f"record:{node}", ttl_s=ttl_s, log=lambda line: log(f"hotline record: {line}"))
        lease.acquire()
        held.append(lease)
    return held


def run_live(w: Wiring, config: str, *, timeout_s: float = 10.0) -> tuple[ConsoleServices, LiveSnapshot]:
    """``hotline live``: the console's services over ``config``'s store and switches, the day
    rebuilt from the store; connect every node, wait until each has resynced (``timeout_s``),
    take one snapshot (masked for ``--as``'s role), disconnect. Returns (services, snapshot):
    the caller classes are read through the services afterwards. Raises ConfigError (no switch
    nodes), LinkError (a node not connected in time), StoreError. Blocks."""
    import asyncio
    import random
    import time

    from backends.freeswitch.client import NodeConfig
    from hotline_tui.clock import SystemClock
    from hotline_tui.errors import ConfigError
    from hotline_tui.site import load_site
    from screens.i18n import detect_lang

    cfg = _load_console_config(config)
    if not cfg["switch"]:
        raise ConfigError(config, None, "switch", "no switch nodes configured (switch: [{host, port, password}])")
    config_dir = cfg["config_dir"] or w.config_dir
    store = build_store(w.db or cfg["store"], migrate=True)
    site_path = Path(config_dir) / "site.yaml"
    site = load_site(site_path) if site_path.exists() else None
    services = build_services(store, config_dir, SystemClock(), user=w.as_user, lang=detect_lang(w.lang, cfg["lang"]),
                              readonly=True, site=site)
    services.agent_names.update(node_agent_names(cfg["switch"]))
    services.live = live = build_rebuilt_live(store, services.settings, site, time.time())

    async def main() -> None:
        cluster = build_switch([NodeConfig(n["name"], n["host"], n["port"], n["password"]) for n in cfg["switch"]],
                               live.apply, rng=random.Random())
        attach_switch(services, cluster, store)
        cluster.start()
        try:
            for n in cfg["switch"]:
                await cluster.connected(n["name"], timeout_s)
        finally:
            await cluster.stop()
    asyncio.run(main())
    return services, services.snapshot()


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
