"""The demo knowledge base content: enough articles, valid codes, every department, sane bodies."""

from __future__ import annotations

from collections import Counter

import pytest

from hotline_tui.config import DEMO_DIR
from hotline_tui.demo.kb_articles import demo_articles
from hotline_tui.tickets.catalog import load_catalog

PHONE_PREFIX = "029-3"


@pytest.fixture(scope="module")
def articles():
    return demo_articles()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DEMO_DIR)


def test_at_least_300_articles_with_unique_titles(articles):
    assert len(articles) >= 300
    titles = [a["title"] for a in articles]
    assert [t for t, n in Counter(titles).items() if n > 1] == []


def test_each_article_has_the_five_fields_with_sane_types(articles):
    for a in articles:
        assert set(a) == {"title", "body", "department", "category", "tags"}, a["title"]
        assert isinstance(a["title"], str) and 4 <= len(a["title"]) <= 40, a["title"]
        assert isinstance(a["tags"], list) and a["tags"] and all(isinstance(t, str) and t for t in a["tags"])


def test_department_and_category_codes_exist_in_the_real_catalogue(articles, catalog):
    bad = [(a["title"], a["department"], a["category"]) for a in articles
           if a["department"] not in catalog.departments or a["category"] not in catalog.categories]
    assert bad == []


def test_every_department_has_several_articles(articles, catalog):
    per_dept = Counter(a["department"] for a in articles)
    thin = {code: per_dept.get(code, 0) for code in catalog.departments if per_dept.get(code, 0) < 3}
    assert thin == {}


def test_bodies_are_markdown_150_to_600_characters_starting_with_the_answer(articles):
    for a in articles:
        body = a["body"]
        assert 150 <= len(body) <= 600, (a["title"], len(body))
        assert body.startswith("**答复口径**："), a["title"]
        assert "### 咨询电话" in body, a["title"]


def test_local_phone_numbers_are_the_fictional_029_3_range(articles):
    import re

    for a in articles:
        for number in re.findall(r"029-\d{8}", a["body"]):
            assert number.startswith(PHONE_PREFIX), (a["title"], number)


def test_no_two_articles_are_near_identical(articles):
    def grams(text):
        return {text[i:i + 3] for i in range(len(text) - 2)}

    g = [(a["title"], grams(a["body"])) for a in articles]
    worst = max((len(x & y) / len(x | y), t1, t2) for i, (t1, x) in enumerate(g) for t2, y in g[i + 1:])
    assert worst[0] < 0.75, worst


def test_both_short_and_full_forms_of_common_terms_occur(articles):
    # Synonym search only matters if the corpus really mixes the forms.
    text = "\n".join(a["title"] + a["body"] for a in articles)
    for short, full in [("社保", "社会保险"), ("公积金", "住房公积金"), ("医保", "医疗保险"),
                        ("低保", "最低生活保障"), ("身份证", "居民身份证")]:
        titles_short = [a["title"] for a in articles if short in a["title"] and full not in a["title"]]
        titles_full = [a["title"] for a in articles if full in a["title"] + a["body"]]
        assert titles_short and titles_full, (short, full)
    assert "社会保险" in text and "社保" in text


def test_deterministic_for_a_seed_and_titles_stable_across_seeds():
    assert demo_articles(7) == demo_articles(7)
    assert demo_articles() == demo_articles(12345)
    a, b = demo_articles(1), demo_articles(2)
    assert [x["title"] for x in a] != [x["title"] for x in b]          # the seed does shuffle
    assert sorted(x["title"] for x in a) == sorted(x["title"] for x in b)


def test_no_markup_or_control_characters_that_a_terminal_would_interpret(articles):
    for a in articles:
        for field in ("title", "body"):
            assert "\x1b" not in a[field] and "[/" not in a[field], a["title"]
