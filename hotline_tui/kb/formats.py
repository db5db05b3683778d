"""Import / export files: a folder of Markdown files with YAML front matter, CSV, JSON.

``read_items(path)`` returns plain dicts (title, body, department, category, tags, optional id
…) each with ``_where`` (file and line or index) so a bad field is reported as
``kb.csv:3: title: is required``; the service checks the fields. ``write_items`` writes what
``KnowledgeService.export_items`` returns. The format follows the path: a folder (or a path
without a suffix) is Markdown, ``.csv`` is CSV, ``.json`` is JSON.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import yaml

from ..errors import ValidationError

FIELDS = ("id", "source_key", "title", "department", "category", "tags", "questions", "status", "valid_from",
          "valid_to", "version", "body")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    if suffix in ("", ".md") and (path.is_dir() or not path.exists() or suffix == ""):
        return "md"
    raise ValidationError(f"{path}: unknown format (use a folder of .md files, .csv or .json)")


def read_items(path: str | Path) -> list[dict]:
    """Items from ``path``. Raises ValidationError naming the file and line on bad syntax."""
    p = Path(path)
    if not p.exists():
        raise ValidationError(f"{p}: no such file or folder")
    kind = kind_of(p)
    try:
        if kind == "json":
            return _read_json(p)
        if kind == "csv":
            return _read_csv(p)
        return _read_md(p)
    except UnicodeDecodeError:
        raise ValidationError(f"{p}: not UTF-8 text") from None


def _read_json(p: Path) -> list[dict]:
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{p.name}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise ValidationError(f"{p.name}: must be a list of objects")
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ValidationError(f"{p.name}[{i}]: must be an object with title, body, …")
        out.append({**item, "_where": f"{p.name}[{i}]"})
    return out


def _read_csv(p: Path) -> list[dict]:
    out = []
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "title" not in reader.fieldnames:
            raise ValidationError(f"{p.name}:1: the header needs at least title and body")
        line = 1
        for row in reader:
            line_start = line + 1
            line = reader.line_num
            if None in row:
                raise ValidationError(f"{p.name}:{line_start}: more cells than header columns")
            item = {k: v for k, v in row.items() if k and v not in (None, "")}
            item.setdefault("title", "")
            item.setdefault("body", "")
            item["_where"] = f"{p.name}:{line_start}"
            out.append(item)
    return out


def _read_md(p: Path) -> list[dict]:
    files = sorted(p.glob("*.md")) if p.is_dir() else [p]
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8").replace("\r\n", "\n")
        m = _FRONT.match(text)
        if not m:
            raise ValidationError(f"{f.name}:1: front matter: the file must start with '---' YAML '---'")
        try:
            meta = yaml.safe_load(m.group(1)) or {}
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 2 if exc.problem_mark else 1
            raise ValidationError(f"{f.name}:{line}: front matter: {exc.problem}") from None
        if not isinstance(meta, dict):
            raise ValidationError(f"{f.name}:2: front matter: must be a mapping (title: …)")
        item = {str(k): v for k, v in meta.items()}
        for k in ("valid_from", "valid_to"):
            if hasattr(item.get(k), "isoformat"):
                item[k] = item[k].isoformat()
        item["body"] = m.group(2).strip("\n")
        item["_where"] = f.name
        out.append(item)
    return out


def write_items(path: str | Path, items: list[dict]) -> int:
    """Write ``items`` in the format ``path`` names; returns how many."""
    p = Path(path)
    kind = kind_of(p)
    if kind == "json":
        p.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif kind == "csv":
        with p.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=FIELDS)
            w.writeheader()
            for it in items:
                w.writerow({k: (" ".join(it[k]) if k == "tags" else "\n".join(it.get(k) or ()) if k == "questions"
                                else ("" if it.get(k) is None else it.get(k))) for k in FIELDS})
    else:
        p.mkdir(parents=True, exist_ok=True)
        for it in items:
            meta = {k: it[k] for k in FIELDS if k != "body" and it.get(k) not in (None, "", [])}
            meta["tags"] = list(it.get("tags") or [])
            front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
            (p / f"{int(it['id']):06d}.md").write_text(f"---\n{front}\n---\n\n{it['body']}\n", encoding="utf-8")
    return len(items)
