"""YAML configuration with line numbers, so every config error names file, line and key.

Usage::

    doc = load_yaml("config/demo/tickets.yaml")
    for i, cat in enumerate(doc.get("categories", [])):
        if "code" not in cat:
            raise doc.error(("categories", i), "code is required")

``doc.error(path, msg)`` returns a ConfigError pointing at the line of ``path`` (a tuple of
mapping keys and list indexes) or of its nearest existing parent.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Iterable, TypeVar, Union, get_args, get_origin

import yaml

from .errors import ConfigError

if TYPE_CHECKING:   # pydantic is imported by ``validate`` on first use (docs/benchmarks.md, "Process start")
    from pydantic import BaseModel


def _shipped_config() -> Path:
    """config/ beside the packages (a source checkout, an editable install), else where a wheel
    puts it (pyproject's data-files: <prefix>/share/hotline/config)."""
    import sys

    beside = Path(__file__).resolve().parent.parent / "config"
    return beside if beside.is_dir() else Path(sys.prefix) / "share" / "hotline" / "config"


# libyaml's parser when PyYAML has it: the pure-Python one took ~100 ms of a CLI command's start
# for roles.yaml and kb.yaml (docs/benchmarks.md, "Process start"). One parse gives both the
# nodes (for line numbers) and the data.
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The folder of YAML shipped with the project (the demo site).
CONFIG_DIR = _shipped_config()
DEMO_DIR = CONFIG_DIR / "demo"


@dataclass
class YamlDoc:
    path: str
    data: Any
    node: yaml.Node | None

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def line_of(self, keypath: Iterable[Any]) -> int | None:
        """1-based line of the value at ``keypath`` (or of its nearest parent that exists)."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for key in keypath:
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == str(key):
                        nxt = v
                        line = k.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                nxt = node.value[key]
                line = nxt.start_mark.line + 1
            if nxt is None:
                break
            node = nxt
        return line

    def error(self, keypath: Iterable[Any], message: str) -> ConfigError:
        keypath = tuple(keypath)
        key = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in keypath).replace(".[", "[")
        return ConfigError(self.path, self.line_of(keypath), key or None, message)


class _Loader(_BaseLoader):
    """The (C) SafeLoader, whose bad dates (``2026-02-30``) are a marked error with a line, not a bare
    ValueError from ``datetime``."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, f"not a date: {node.value} ({exc})",
                                                    node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load_yaml(path: str | Path) -> YamlDoc:
    """Read and parse a YAML file. Raises ConfigError (with file and line) if it cannot."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(p), None, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(p), None, None, f"cannot read: {exc}") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(str(p), line, None, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(p), None, None, f"invalid YAML: {exc}") from None
    return YamlDoc(str(p), data if data is not None else {}, node)


# -- schema validation -------------------------------------------------------------------------
# Every YAML file kind has ONE pydantic model (hotline_tui/config_schema.py). ``validate`` checks a
# loaded document against it and turns pydantic's first error into a one-line ConfigError that
# names the file, the line of the offending key (pydantic's ``loc`` walked through the YAML node
# tree) and, for an unknown key, the closest known key.

_M = TypeVar("_M", bound="BaseModel")

_TYPE_WORDS = {
    "int_type": "a whole number", "int_from_float": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "string_type": "text",
    "bool_type": "true or false", "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
}


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside ``Optional[...]``, ``X | Y`` and ``Annotated[...]``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return [t for a in get_args(annotation) for t in _unwrap(a) if t is not type(None)]
    return [annotation]


def _step(types: list[Any], key: Any) -> list[Any]:
    from pydantic import BaseModel

    out: list[Any] = []
    for t in types:
        origin = get_origin(t)
        if isinstance(t, type) and issubclass(t, BaseModel) and isinstance(key, str):
            for name, f in t.model_fields.items():
                if key in (name, f.alias):
                    out += _unwrap(f.annotation)
        elif origin in (list, tuple) and isinstance(key, int):
            args = [a for a in get_args(t) if a is not Ellipsis]
            out += _unwrap(args[0]) if args else []
        elif origin is dict:
            out += _unwrap(get_args(t)[1])
    return out


def _known_keys(model: type[BaseModel], path: tuple) -> list[str]:
    """The keys the schema allows at the mapping reached by ``path``."""
    from pydantic import BaseModel

    types: list[Any] = [model]
    for key in path:
        types = _step(types, key)
    keys: list[str] = []
    for t in types:
        if isinstance(t, type) and issubclass(t, BaseModel):
            keys += [f.alias or n for n, f in t.model_fields.items()]
    return keys


def _data_path(data: Any, loc: tuple) -> tuple:
    """``loc`` without pydantic's own steps (union members, validator names) that are not keys of
    the data, so it can be looked up in the YAML node tree."""
    out: list[Any] = []
    node = data
    for i, key in enumerate(loc):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        elif isinstance(node, dict) and i == len(loc) - 1:
            out.append(key)   # a missing required key: named in the message, its parent's line
            break
        else:
            continue
        out.append(key)
    return tuple(out)


def _message(err: dict, model: type[BaseModel], path: tuple) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        known = _known_keys(model, path[:-1])
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        return f"unknown key '{key}' ({hint})"
    if kind == "missing":
        return "is required"
    if kind in _TYPE_WORDS:
        return f"must be {_TYPE_WORDS[kind]}, not {value!r}"
    msg = str(err.get("msg", kind))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind in ("literal_error", "enum"):
        return f"{msg[0].lower()}{msg[1:]}, not {value!r}"
    if kind.startswith(("greater_than", "less_than")):
        return f"{msg[0].lower()}{msg[1:]}, not {value!r}"
    return msg[0].lower() + msg[1:] if msg else kind


def validate(doc: YamlDoc, model: type[_M]) -> _M:
    """Check ``doc`` against ``model`` (strict types, unknown keys refused). Returns the model
    instance; raises ConfigError naming file, line and key of the first problem. Never blocks."""
    from pydantic import ValidationError as PydanticValidationError

    try:
        return model.model_validate(doc.data)
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False)
        # Unknown keys first: a misspelt key is the cause of the "missing" error beside it.
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        err = errors[0]
        path = _data_path(doc.data, tuple(err["loc"]))
        raise doc.error(path, _message(dict(err), model, path)) from None
