"""Every numeric option and argument of every command is range-checked by click: -1, 10**20 and
``abc`` are each one usage line on stderr (exit 2), never a traceback and never a store call
(``tickets list --limit -1`` gave a psycopg traceback on PostgreSQL). The walk covers the
whole command tree, so a numeric option added without a range fails here."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from hotline import cli

BAD_VALUES = ("-1", str(10**20), "abc")


def _walk(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        # list_commands/get_command, not .commands: the top group loads its subcommands lazily.
        ctx = click.Context(cmd)
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            assert sub is not None, name
            yield from _walk(sub, path + (name,))


def _numeric_params() -> list[tuple[tuple[str, ...], click.Parameter]]:
    out = []
    for path, cmd in _walk(cli):
        for p in cmd.params:
            if isinstance(p, click.Option) and (p.is_flag or p.count):
                continue
            if isinstance(p.type, (click.types.IntParamType, click.types.FloatParamType)):
                out.append((path, p))
    return out


NUMERIC = _numeric_params()


def _id(item) -> str:
    path, p = item
    return " ".join(path) + " " + (p.opts[0] if isinstance(p, click.Option) else p.name.upper())


def test_the_walk_finds_the_numeric_options_it_is_about():
    found = {_id(i) for i in NUMERIC}
    # The ones issue 14 named, and one of each kind: a sanity check of the walk itself.
    assert {"tickets list --limit", "tickets list --offset", "tickets extend --working-days", "sim --port",
            "console --refresh", "esl tail --port", "kb show ARTICLE_ID", "staffing --target"} <= found
    assert len(found) >= 30


@pytest.mark.parametrize("item", NUMERIC, ids=_id)
def test_every_numeric_option_has_a_range(item):
    _, p = item
    assert isinstance(p.type, (click.IntRange, click.FloatRange)), f"{_id(item)} has no range (hotline_tui/cli/ranges.py)"


@pytest.mark.parametrize("item", NUMERIC, ids=_id)
@pytest.mark.parametrize("value", BAD_VALUES, ids=("minus-one", "ten-to-the-20", "abc"))
def test_a_bad_number_is_one_usage_line(item, value, tmp_path):
    path, p = item
    # Options first, then "--" so that "-1" is read as an argument's value, not an option.
    args = ["--db", str(tmp_path / "never.db"), *path]
    if isinstance(p, click.Option):
        args += [p.opts[0], value]
    else:       # the arguments before this one get a valid value ("1")
        cmd = dict(_walk(cli))[path]
        before = [q for q in cmd.params if isinstance(q, click.Argument)]
        args += ["--", *["1"] * before.index(p), value]
    r = CliRunner().invoke(cli, args, prog_name="hotline")
    assert r.exit_code == 2, (args, r.output)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    assert r.stdout == "" and r.stderr.count("\n") == 1 and r.stderr.startswith("error: "), r.stderr
    name = p.opts[0] if isinstance(p, click.Option) else p.name.upper()
    assert f"'{name}'" in r.stderr, r.stderr          # the error is about this value, not a missing one
    assert not (tmp_path / "never.db").exists()       # refused before any store was opened
