"""Seed the demo knowledge base: the demo city's articles, published, plus a few questions
agents could not answer (查无) so the editors' list is not empty on a fresh demo."""

from __future__ import annotations

import random

from ..clock import Clock
from ..kb.factory import knowledge_service
from .kb_articles import demo_articles

# Questions a real centre's agents flag: things no article covers yet.
_FLAGGED = ("新能源汽车充电桩进小区物业不同意怎么办", "共享单车押金退不回来找谁", "外卖骑手被扣工资能否投诉",
            "宠物狗扰民半夜叫怎么处理", "老年人手机预约挂号不会用怎么办")


def seed_kb(store, config_dir, rng: random.Random, clock: Clock) -> str:
    """Import the demo articles (published) in one transaction, as the knowledge editor;
    flag a few unanswered questions as an agent. Returns a one-line summary. Blocks."""
    svc = knowledge_service(store, config_dir, clock)
    editor, agent = svc.access.user("editor"), svc.access.user("agent1001")
    counts = svc.import_items(editor, demo_articles(rng.randrange(1 << 30)), publish=True)
    for text in rng.sample(_FLAGGED, k=3):
        svc.flag(agent, text)
    return f"knowledge base: {counts['added']} articles published, 3 questions flagged"
