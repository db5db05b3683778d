"""Every text field of a knowledge article has a limit (``kb.service.LIMITS``), checked by the
service before the store is asked: one line naming the field; on both stores a value at the
limit is kept whole."""

from __future__ import annotations

import pytest

from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ValidationError
from hotline_tui.kb.factory import knowledge_service
from hotline_tui.kb.service import FIELDS, LIMITS


@pytest.fixture
def kb(store):
    svc = knowledge_service(store, DEMO_DIR, FixedClock("2026-11-23T09:00:00+08:00"))
    return svc, svc.access.user("editor")


TEXT_FIELDS = [f for f in FIELDS if f in LIMITS]


def test_every_text_field_of_an_article_has_a_limit():
    assert set(TEXT_FIELDS) == {"title", "body", "department", "category"} and LIMITS["tag"] > 0
    assert LIMITS["question"] > 0 and LIMITS["questions_per_article"] > 0 and LIMITS["source_key"] > 0


def test_a_similar_question_over_its_limit_is_refused_and_so_are_too_many(kb):
    svc, editor = kb
    with pytest.raises(ValidationError, match=f"questions: .* longer than {LIMITS['question']} characters"):
        svc.add(editor, title="标题", body="正文", questions=["问" * (LIMITS["question"] + 1)])
    with pytest.raises(ValidationError, match=f"more than {LIMITS['questions_per_article']}"):
        svc.add(editor, title="标题", body="正文", questions=[f"问题{i}" for i in range(LIMITS["questions_per_article"] + 1)])
    a = svc.add(editor, title="标题", body="正文", questions=["问" * LIMITS["question"]])
    assert svc.get(editor, a.id).questions == ("问" * LIMITS["question"],)


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_an_article_field_over_its_limit_is_refused(kb, field):
    svc, editor = kb
    fields = {"title": "标题", "body": "正文", field: "字" * (LIMITS[field] + 1)}
    with pytest.raises(ValidationError) as exc:
        svc.add(editor, **fields)
    assert str(exc.value).startswith(f"{field}:") and str(LIMITS[field]) in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_an_article_field_at_its_limit_is_kept_whole(kb, field):
    svc, editor = kb
    value = "字" * LIMITS[field]
    a = svc.add(editor, **{"title": "标题", "body": "正文", field: value})
    assert getattr(svc.get(editor, a.id), field) == value


def test_a_tag_over_its_limit_is_refused(kb):
    svc, editor = kb
    with pytest.raises(ValidationError, match=f"longer than {LIMITS['tag']} characters"):
        svc.add(editor, title="标题", body="正文", tags=["签" * (LIMITS["tag"] + 1)])
