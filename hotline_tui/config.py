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

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import ConfigError

# libyaml's parser when PyYAML has it: the pure-Python one took ~100 ms of a CLI command's start
# for roles.yaml and kb.yaml (docs/benchmarks.md, "Process start"). One parse gives both the
# nodes (for line numbers) and the data.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The folder of YAML shipped with the project (the demo site).
CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
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
