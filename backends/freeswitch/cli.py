"""``hotline esl decode FILE|-``: every frame of a raw ESL capture as one JSON line;
``hotline esl tail``: live domain events from a switch."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys

import click

from hotline_tui.cli import ranges
from hotline_tui.cli.common import one_line_errors
from hotline_tui.errors import ProtocolError, one_line

from .codec import FrameParser


@click.group("esl")
def esl():
    """Engineer tools for the FreeSWITCH event socket."""


@esl.command("decode")
@click.argument("source", type=click.File("rb"))
@click.option("--max-frame", type=ranges.FRAME_BYTES, default=16 * 1024 * 1024, show_default=True, help="Largest frame accepted, bytes.")
@one_line_errors
def decode(source, max_frame):
    """Print each frame of a raw capture (FILE or - for stdin) as one JSON line."""
    parser = FrameParser(max_frame)
    n = 0
    while chunk := source.read(65536):
        try:
            frames = parser.feed(chunk)
        except ProtocolError as exc:
            raise ProtocolError(f"frame {n + 1}: {exc}") from None
        for f in frames:
            n += 1
            try:
                out = f.as_json()
            except ProtocolError as exc:
                raise ProtocolError(f"frame {n}: {exc}") from None
            click.echo(json.dumps(out, ensure_ascii=False))
    if parser._buf:
        click.echo(f"warning: {len(parser._buf)} bytes of an incomplete frame at the end", err=True)


@esl.command("tail")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8021, show_default=True, type=ranges.CONNECT_PORT)
@click.option("--password", default="ClueCon", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event.")
@click.option("--retry", is_flag=True,
              help="Keep retrying when the first connection fails (saying so on stderr each time).")
@one_line_errors
def tail(host, port, password, as_json, retry):
    """Print the switch's live domain events (reconnects on loss) until Ctrl-C.

    When the first connection fails (no server, a bad greeting, a wrong password) it says why on
    stderr and exits 1, unless --retry. A link lost later is retried; each retry is one line on
    stderr."""
    from .client import NodeConfig, SwitchNode

    def show(e):
        if as_json:
            click.echo(json.dumps({"type": type(e).__name__, **dataclasses.asdict(e)}, ensure_ascii=False, default=str))
        else:
            fields = ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(e).items() if k not in ("node",) and
                               not isinstance(v, (list, tuple)))
            click.echo(f"{type(e).__name__}: {fields}")
        sys.stdout.flush()

    def retrying(reason: str, delay: float) -> None:
        click.echo(f"hotline esl tail: {one_line(reason)}; retrying in {delay:.1f} s", err=True)

    async def run():
        node = SwitchNode(NodeConfig("tail", host, port, password), show)
        node.on_retry = retrying
        await node.run(give_up_unconnected=not retry)

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
