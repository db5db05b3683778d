"""Seed the demo knowledge base: the demo city's articles, published, plus a few questions
agents could not answer (查无) so the editors' list is not empty on a fresh demo.

The articles are data: the Markdown files of ``config/demo/kb/`` (front matter + body, the format
of ``hotline kb import``), read by the same importer users use (``kb.formats.read_items``).
"""

from __future__ import annotations

import random
from pathlib import Path

from ..clock import Clock
from ..config import DEMO_DIR
from ..kb.factory import knowledge_service
from ..kb.formats import read_items
from .content import load_seed_text, seed_file

ARTICLES = "kb"  # folder of Markdown articles in the config folder


def demo_articles(config_dir: str | Path = DEMO_DIR) -> list[dict]:
    """The articles of ``config_dir/kb/`` (else the demo city's), as ``read_items`` returns them
    (title, body, department, category, tags and ``_where``: the file), in file-name order.
    Raises ValidationError naming the file on bad syntax. Reads files."""
    return read_items(seed_file(config_dir, ARTICLES))


def seed_kb(store, config_dir, rng: random.Random, clock: Clock) -> str:
    """Import the demo articles (published) in one transaction, as the knowledge editor, just as
    ``hotline kb import config/demo/kb --publish`` would; flag a few unanswered questions as an
    agent. Returns a one-line summary. Raises ValidationError / ConfigError for bad files. Blocks."""
    svc = knowledge_service(store, config_dir, clock)
    editor, agent = svc.access.user("editor"), svc.access.user("agent1001")
    counts = svc.import_items(editor, demo_articles(config_dir), publish=True)
    questions = rng.sample(load_seed_text(config_dir).kb_unanswered, k=3)
    for text in questions:
        svc.flag(agent, text)
    return f"knowledge base: {counts['added']} articles published, {len(questions)} questions flagged"
