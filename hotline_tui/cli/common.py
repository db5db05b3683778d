"""Helpers every CLI group uses: one-line errors, ``--json`` output, the wiring protocol."""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, Callable, Protocol, cast

import click

from ..errors import HotlineError


class Wiring(Protocol):
    """What ``hotline.py`` hands every command as ``ctx.obj``."""

    db: str | None        # --db: SQLite path or postgresql:// DSN (None = embedded default)
    config_dir: str       # folder of the site's YAML (default: config/demo)
    as_user: str | None   # --as: the acting user (None = the config's default user)
    lang: str | None      # --lang: zh or en

    def open_store(self, *, migrate: bool = False, check: bool = True) -> Any:
        """Open the configured store; applies migrations with ``migrate``, else raises
        HotlineError when the schema is not current (unless ``check`` is False). Blocks."""


def _wiring_of(ctx: click.Context) -> Wiring:
    # ctx.obj is whatever hotline.py put there; Wiring is a Protocol, so click cannot look it
    # up by type (find_object(object) finds the nearest object set on any parent context).
    return cast(Wiring, ctx.find_object(object))


def wiring() -> Wiring:
    return _wiring_of(click.get_current_context())


def _set_actor(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        _wiring_of(ctx).as_user = value
    return value


#: ``--as USER`` after the subcommand too (``hotline tickets urge S --as duty``), not only before it.
as_option = click.option("--as", "as_user", expose_value=False, callback=_set_actor, is_eager=True,
                         help="Acting user (default: the config's default user).")


def one_line_errors(fn: Callable) -> Callable:
    """Turn HotlineError (and bad input ValueError) into one line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except HotlineError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper


def _default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if is_dataclass(o) and not isinstance(o, type):
        return asdict(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    return str(o)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=_default, indent=None)


def emit_json(data: Any) -> None:
    click.echo(dump_json(data))
