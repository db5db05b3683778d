"""The demo seeder's text (config/demo/seed.yaml): possible values only, codes that exist, and a
file that says where it is wrong."""

from __future__ import annotations

import random
import re

import pytest

from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.content import load_seed_text
from hotline_tui.demo.kb import demo_articles
from hotline_tui.errors import ConfigError
from hotline_tui.tickets.catalog import load_catalog

N = 5000


@pytest.fixture(scope="module")
def words():
    return load_seed_text(DEMO_DIR)


@pytest.fixture(scope="module")
def texts(words):
    rng = random.Random(20261203)
    return [words.content(rng)[3] for _ in range(N)]


def _numbers(texts, pattern):
    return [int(m) for t in texts for m in re.findall(pattern, t)]


def test_every_template_is_drawn(words, texts):
    # The checks below see every template (N draws over a few dozen templates).
    templates = {t for topic in words.topics for t in topic.templates}
    firsts = {t.split("{")[0] for t in templates if t.split("{")[0]}
    assert all(any(x.startswith(f) for x in texts) for f in firsts)


def test_every_hour_is_a_clock_hour_and_late_night_is_the_small_hours(texts):
    # issue 14: "夜间施工至凌晨49点" (the hour came from the same 2..60 as every other number).
    hours = _numbers(texts, r"(\d+)点")
    assert hours and all(0 <= h <= 23 for h in hours)
    assert all(0 <= h <= 6 for h in _numbers(texts, r"凌晨(\d+)点"))


def test_money_is_in_yuan_and_plausible(texts):
    # issue 14: "49千元余额" — a prepaid shop card does not hold 49,000 yuan, and nobody says 千元.
    assert not [t for t in texts if "千元" in t]
    balances = _numbers(texts, r"卡内(\d+)元余额")
    wages = _numbers(texts, r"每月(\d+)元")
    assert balances and all(50 <= b <= 10_000 for b in balances)
    assert wages and all(1_800 <= w <= 20_000 for w in wages)       # around the local minimum wage and up
    assert all(1 <= m <= 24 for m in _numbers(texts, r"拖欠(\d+)个月"))


def test_buildings_and_bus_lines_exist(words, texts):
    assert all(1 <= b <= 40 for b in _numbers(texts, r"(\d+)号楼"))
    lines = set(re.findall(r"(\S+?)路公交", "\n".join(texts)))
    article_lines = {a["title"].split("路公交车")[0] for a in demo_articles() if "路公交车线路" in a["title"]}
    assert lines and {x.lstrip("，。") for x in lines} <= article_lines      # the KB can answer about them


def test_addresses_are_plausible(words):
    rng = random.Random(1)
    for _ in range(500):
        m = re.fullmatch(r"(\D+?)(\d+)号(\D+?)(\d+)号楼", words.address(rng))
        assert m and 1 <= int(m[2]) <= 300 and 1 <= int(m[4]) <= 40


def test_topics_use_codes_of_the_ticket_catalogue(words):
    cat = load_catalog(DEMO_DIR)
    bad = [(t.category, t.subcategory, t.department) for t in words.topics
           if t.department not in cat.departments or t.subcategory not in cat.subcategories.get(t.category, ())]
    assert bad == []


def test_same_seed_same_text(words):
    a, b = random.Random(5), random.Random(5)
    assert [words.content(a) for _ in range(50)] == [words.content(b) for _ in range(50)]


def _broken(tmp_path, old, new):
    text = (DEMO_DIR / "seed.yaml").read_text("utf-8")
    assert old in text
    (tmp_path / "seed.yaml").write_text(text.replace(old, new, 1), "utf-8")
    return tmp_path


def test_an_unknown_placeholder_names_file_and_line(tmp_path):
    d = _broken(tmp_path, "凌晨{hour}点", "凌晨{n}点")
    line = next(i for i, s in enumerate((d / "seed.yaml").read_text("utf-8").splitlines(), 1) if "凌晨{n}点" in s)
    with pytest.raises(ConfigError, match=rf"seed.yaml:{line}: .*unknown placeholder {{n}}"):
        load_seed_text(d)


def test_a_backwards_range_and_a_missing_phrase_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="numbers.hour: needs min <= max"):
        load_seed_text(_broken(tmp_path, "hour: {min: 1, max: 5}", "hour: {min: 5, max: 1}"))
    with pytest.raises(ConfigError, match="phrases.reply: is required"):
        load_seed_text(_broken(tmp_path, "  reply: 经现场核实", "  replied: 经现场核实"))
