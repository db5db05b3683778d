"""``hotline sim``: serve the simulated switch on a loopback port until interrupted."""

from __future__ import annotations

import asyncio
import time

import click

from hotline_tui.cli import ranges
from hotline_tui.cli.common import one_line_errors
from hotline_tui.config import DEMO_DIR
from hotline_tui.site import load_site

from .model import CallCenter
from .runner import SimRunner
from .server import EslServer


async def serve(site_path: str, host: str, port: int, password: str, speed: float, seed: int,
                warm_up_s: float, ready=None, traffic: str = "peak", phone_drop_every_s: float = 0.0,
                phone_down_s: float = 90.0) -> None:
    site = load_site(site_path)
    now = time.time()
    start = now - warm_up_s if speed == 1.0 else now
    cc = CallCenter(site, seed=seed, start=start, profile=traffic, phone_drop_every_s=phone_drop_every_s,
                    phone_down_s=phone_down_s)
    server = await EslServer(cc, host=host, port=port, password=password).start()
    if ready is not None:
        ready(server)
    runner = SimRunner(cc, speed=speed)
    try:
        await runner.run()
    finally:
        await server.close()


@click.command("sim")
@click.option("--site", "site_path", type=click.Path(dir_okay=False), default=str(DEMO_DIR / "site.yaml"),
              show_default=True, help="Site YAML: queues, agents, skills, traffic.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8021, show_default=True, type=ranges.LISTEN_PORT)
@click.option("--password", default="ClueCon", show_default=True)
@click.option("--speed", default=1.0, show_default=True, type=ranges.SPEED, help="Simulated seconds per real second.")
@click.option("--seed", default=12345, show_default=True, type=ranges.SEED, help="Same seed, same day.")
@click.option("--warm-up", "warm_up_s", default=1800.0, show_default=True, type=ranges.SECONDS,
              help="Start this many simulated seconds in the past and catch up (speed 1 only).")
@click.option("--traffic", type=click.Choice(["peak", "site"]), default="peak", show_default=True,
              help="peak: the busy hour at any time of day (demos); site: follow the site's intraday profile.")
@click.option("--phone-drop-every", "phone_drop_every_s", default=7200.0, show_default=True, type=ranges.SECONDS,
              help="Mean seconds between one phone's registration drop-outs (sofia::unregister); 0: never.")
@click.option("--phone-down", "phone_down_s", default=90.0, show_default=True, type=ranges.POSITIVE_SECONDS,
              help="Mean seconds a dropped phone stays unregistered.")
@one_line_errors
def sim(site_path, host, port, password, speed, seed, warm_up_s, traffic, phone_drop_every_s, phone_down_s):
    """Run the built-in switch simulator: FreeSWITCH's event socket with mod_callcenter."""
    def ready(server):
        click.echo(f"hotline sim: {server.cc.site.hostname} with {len(server.cc.agents)} agents, "
                   f"{len(server.cc.queues)} queues on {host}:{server.port} (password {password}); "
                   f"speed {speed:g}, seed {seed}. Ctrl-C stops.", err=True)

    try:
        asyncio.run(serve(site_path, host, port, password, speed, seed, warm_up_s, ready, traffic,
                          phone_drop_every_s, phone_down_s))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
