"""Chinese UI: every key the footer shows has a Chinese label; the footer and help use them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets._footer import FooterKey

import screens
from screens.i18n import KEY_LABELS, key_label
from screens.app import HotlineApp

from .conftest import build


def shown_labels() -> set[str]:
    labels = set()
    for mod in pkgutil.iter_modules(screens.__path__):
        m = importlib.import_module(f"screens.{mod.name}")
        for _, cls in inspect.getmembers(m, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__.startswith("screens."):
                for b in cls.__dict__.get("BINDINGS", []):
                    if isinstance(b, Binding) and b.show and b.description:
                        labels.add(b.description)
    return labels


def test_every_key_a_screen_shows_has_a_chinese_label():
    labels = shown_labels()
    assert {"Help", "Filter", "Urge", "Barge"} <= labels          # the walk found the screens' keys
    missing = sorted(lb for lb in labels if lb not in KEY_LABELS)
    assert missing == []
    assert key_label("zh", "Urge") == "催办" and key_label("en", "Urge") == "Urge"
    assert key_label("zh", "Something new") == "Something new"    # no label: shown as given


async def test_footer_and_help_speak_chinese(db_copy):
    services, cc, _ = build(db_copy, lang="zh")
    app = HotlineApp(services, start_screen="wallboard")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        shown = [k.description for k in app.screen.query(FooterKey)]
        assert "帮助" in shown and "退出" in shown and "Help" not in shown
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("Static").render())
        assert "暂停 / 恢复刷新" in text and "pause / resume refresh" not in text
