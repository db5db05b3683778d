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
from hotline_tui.text import json_for_terminal, terminal_safe

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
            click.echo(json_for_terminal(json.dumps(out, ensure_ascii=False)))
    if parser._buf:
        click.echo(f"warning: {len(parser._buf)} bytes of an incomplete frame at the end", err=True)


def event_line(e: object, as_json: bool = False) -> str:
    """One domain event as the line ``esl tail`` prints: ``Type: key=value, …`` or JSON.

    Header values arrive url-decoded, so a caller id may now hold real ESC, NUL or newline
    characters: the text line shows them escaped (``\\x1b``, ``\\x00``, ``⏎``: one event, one
    line, nothing acts on the terminal); JSON escapes them and stays valid JSON."""
    assert dataclasses.is_dataclass(e) and not isinstance(e, type)
    data = dataclasses.asdict(e)
    if as_json:
        return json_for_terminal(json.dumps({"type": type(e).__name__, **data}, ensure_ascii=False, default=str))
    fields = ", ".join(f"{k}={terminal_safe(v)}" for k, v in data.items()
                       if k not in ("node",) and not isinstance(v, (list, tuple)))
    return f"{type(e).__name__}: {fields}"


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
        click.echo(event_line(e, as_json))
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
