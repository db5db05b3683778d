"""``hotline demo seed``: fill a store with the demo site (tickets, callers, articles …).

Other components register their seeders in ``SEEDERS``: ``(name, fn(store, config_dir, rng,
clock) -> summary)``.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable

import click

from ..clock import Clock, SystemClock
from ..demo.kb import seed_kb
from ..demo.qa import seed_qa_calls
from ..demo.tickets import seed_tickets
from . import ranges
from .common import echo, one_line_errors, wiring

#: fn(store bundle, config dir, rng, clock) -> one-line summary; blocks.
Seeder = Callable[[Any, Any, random.Random, Clock], str]
SEEDERS: list[tuple[str, Seeder]] = [("kb", seed_kb)]
SEEDERS.append(("qa", seed_qa_calls))   # the call record behind the phone tickets (issue 20, docs/qa.md)


def seed_all(store, config_dir, *, seed: int = 1, tickets: int = 10_000, days: int = 60, clock=None,
             echo=lambda s: None) -> None:
    """Seed every component, each with its own RNG stream derived from ``seed``."""
    clock = clock or SystemClock()
    t0 = time.perf_counter()
    echo(seed_tickets(store, config_dir, random.Random(f"{seed}:tickets"), clock, tickets=tickets, days=days))
    for name, fn in SEEDERS:
        echo(fn(store, config_dir, random.Random(f"{seed}:{name}"), clock))
    echo(f"seeded in {time.perf_counter() - t0:.1f} s")


@click.group()
def demo():
    """The demo site."""


@demo.command()
@click.option("--tickets", type=ranges.DEMO_TICKETS, default=10_000, show_default=True)
@click.option("--days", type=ranges.DEMO_DAYS, default=60, show_default=True)
@click.option("--seed", type=ranges.SEED, default=1, show_default=True, help="Same seed, same data.")
@one_line_errors
def seed(tickets, days, seed):
    """Fill the store (migrating it first) with a realistic demo site."""
    w = wiring()
    store = w.open_store(migrate=True)
    seed_all(store, w.config_dir, seed=seed, tickets=tickets, days=days, echo=echo)


@demo.command("gateway")
@click.option("--listen", default="127.0.0.1:8725", show_default=True, help="HOST:PORT.")
@click.option("--faults", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of requests answered badly (slow, 500, dropped, 429).")
@click.option("--seed", type=ranges.SEED, default=0, show_default=True)
@click.option("--receipts", default=None, help="Where to post SMS receipts (default: the intake's /receipts; '' for none).")
@one_line_errors
def gateway(listen, faults, seed, receipts):
    """A local SMS gateway and department receiver: prints what it gets, verifies signatures."""
    w = wiring()
    w.demo_gateway(listen=listen, faults=faults, seed=seed, receipts=receipts)  # type: ignore[attr-defined]
