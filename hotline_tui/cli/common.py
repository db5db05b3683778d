"""Helpers every CLI group uses: one-line errors, ``--json`` output, the wiring protocol."""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, Callable, NoReturn, Protocol, cast

import click

from ..errors import HotlineError, one_line
from ..text import json_for_terminal, terminal_safe


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


# OSError subclasses a socket raises, in the words the user reads first.
_OS_WORDS: tuple[tuple[type[OSError], str], ...] = (
    (ConnectionRefusedError, "connection refused"), (ConnectionResetError, "connection reset"),
    (ConnectionAbortedError, "connection aborted"), (BrokenPipeError, "connection lost"),
    (TimeoutError, "timed out"),
)


def error_line(exc: BaseException) -> tuple[str, int] | None:
    """The one line and exit code for an error a user can meet — a typed HotlineError (config,
    store, switch, workflow …), a bad value (ValueError), an operating-system error from a file
    or a socket (OSError: refused, reset, timed out, not found), a YAML error that escaped
    ``load_yaml`` — or None for anything else (a bug, which keeps its traceback)."""
    if isinstance(exc, HotlineError):
        return one_line(exc, type(exc).__name__), exc.exit_code
    if isinstance(exc, ValueError):
        return one_line(exc, type(exc).__name__), 2
    if isinstance(exc, OSError):
        words = next((w for t, w in _OS_WORDS if isinstance(exc, t)), "")
        text = exc.strerror or (str(exc) if exc.args else "")
        if exc.filename:
            text = f"{exc.filename}: {text}" if text else str(exc.filename)
        text = f"{words}: {text}" if words and text and words not in text.lower() else (text or words)
        return one_line(text, type(exc).__name__), 1
    # Config files go through hotline_tui.config.load_yaml (ConfigError with file and line); this
    # is the net under any other YAML read. Only looked up if yaml was ever imported.
    yaml = sys.modules.get("yaml")
    if yaml is not None and isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        return one_line(f"invalid YAML: {where}{getattr(exc, 'problem', None) or exc}"), 2
    return None


def reader_gone() -> NoReturn:
    """stdout's reader went away (``hotline report … | head``): not an error of ours. Point
    stdout at /dev/null so the interpreter's final flush cannot fail again, and stop quietly."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)


def exit_with(known: tuple[str, int]) -> NoReturn:
    line, code = known
    echo(f"error: {line}", err=True)
    sys.exit(code)


def one_line_errors(fn: Callable) -> Callable:
    """Turn what ``error_line`` knows into one line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:
            reader_gone()
        except Exception as exc:
            known = error_line(exc)
            if known is None:
                raise
            exit_with(known)

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
    """``data`` as one line of JSON for a terminal: non-ASCII text stays readable, but control,
    invisible and text-moving characters are ``\\uXXXX`` escapes (``json_for_terminal``)."""
    return json_for_terminal(json.dumps(data, ensure_ascii=False, default=_default, indent=None))


def emit_json(data: Any) -> None:
    click.echo(dump_json(data))


def echo(text: object = "", *, err: bool = False) -> None:
    """Every line of CLI text output goes through here: ``terminal_safe`` (newlines kept, so a
    caller's text may still span lines but never act on the terminal). Blocks on the pipe."""
    click.echo(terminal_safe(text, keep_newlines=True), err=err)
