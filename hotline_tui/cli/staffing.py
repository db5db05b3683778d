"""``hotline staffing``: agents needed for a service-level target (Erlang C, or A with patience)."""

from __future__ import annotations

import click

from ..erlang import staffing as compute
from . import ranges
from .common import echo, emit_json, one_line_errors


@click.command("staffing")
@click.option("--calls-per-hour", type=ranges.CALLS_PER_HOUR, required=True, help="Offered calls per hour.")
@click.option("--aht", type=ranges.POSITIVE_SECONDS, required=True, help="Average handling time, seconds (talk + wrap-up).")
@click.option("--target", type=ranges.OPEN_SHARE, default=0.8, show_default=True, help="Service level target, 0..1.")
@click.option("--within", type=ranges.SECONDS, default=20, show_default=True, help="Answered within this many seconds.")
@click.option("--patience", type=ranges.POSITIVE_SECONDS, help="Callers' mean patience, seconds (Erlang A); omit for Erlang C.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@one_line_errors
def staffing(calls_per_hour, aht, target, within, patience, as_json):
    """How many agents a queue needs, with the predicted service level, ASA and abandon rate."""
    s = compute(calls_per_hour, aht, target, within, patience)
    out = {"agents": s.agents, "traffic_erlangs": round(s.traffic_erlangs, 3), "service_level": round(s.service_level, 4),
           "asa_s": round(s.asa, 2), "abandon_rate": round(s.abandon_rate, 4), "p_wait": round(s.p_wait, 4),
           "occupancy": round(s.occupancy, 4), "model": s.model}
    if as_json:
        emit_json(out)
        return
    echo(f"{s.agents} agents ({s.model}, {s.traffic_erlangs:.1f} Erlangs): service level {s.service_level:.1%} "
               f"within {within:g} s, ASA {s.asa:.1f} s, abandon {s.abandon_rate:.1%}, occupancy {s.occupancy:.1%}")
