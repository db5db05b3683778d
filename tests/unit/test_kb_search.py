"""Pure search pieces: normalising, index terms, pinyin, vocabulary look-ups, synonyms, spans."""

import pytest

from hotline_tui.errors import ConfigError
from hotline_tui.kb.factory import load_synonyms
from hotline_tui.kb.query import Synonyms, plan
from hotline_tui.kb.rank import plain, snippet, spans
from hotline_tui.kb.service import question_key
from hotline_tui.kb.terms import W_BODY, W_TITLE, article_terms, norm, term_pinyin
from hotline_tui.kb.vocab import Vocabulary, VocabRow


def vocab(*words, articles=10):
    v = Vocabulary()
    rows = []
    for w in words:
        for t in ([w[i:i + 2] for i in range(len(w) - 1)] + list(w)):
            rows.append(VocabRow(t, 2, 1, term_pinyin(t)))
    v.update(rows, articles, 1)
    return v


def test_norm_keeps_length_and_folds_width_and_case():
    s = "ＡＢＣ１２３　社保App"
    assert norm(s) == "abc123 社保app" and len(norm(s)) == len(s)


def test_article_terms_weigh_title_over_body_and_bound_body_terms():
    terms, keywords = article_terms("社保卡补办", ["补卡"], "RSJ", "社会保障", "社保卡丢失请挂失。APP 可办。" + "甲乙丙丁" * 200)
    assert terms["社保"] == W_TITLE + W_BODY and terms["保卡"] >= W_TITLE
    assert terms["挂失"] == W_BODY and terms["app"] == W_BODY and terms["rsj"] > 0
    assert "挂" not in terms                       # no lone characters from the body
    assert "社" in terms and "社" in keywords and "挂失" not in keywords
    assert len([t for t in terms if t not in keywords]) <= 64


def test_pinyin_is_phrase_aware_and_unigrams_keep_every_reading():
    assert term_pinyin("银行") == "yin hang" and term_pinyin("社保") == "she bao"
    assert set(term_pinyin("行").split()) >= {"xing", "hang"}
    assert term_pinyin("app") == "" and term_pinyin("社会保险") == ""


@pytest.mark.parametrize("query,expect", [
    ("shebao", "社保"), ("she bao", "社保"), ("sb", "社保"), ("gjj", "公积金"), ("gongjijin", "公积金"),
    ("gongjjin", "公积金"), ("gongj", "公积"), ("社宝", "社保"),
])
def test_plan_reads_pinyin_initials_and_typos(query, expect):
    v = vocab("社保", "公积金", "上班", "工具")
    texts = [a.text for a in plan(v, query).segments[0].alts]
    assert expect in texts, texts


def test_plan_keeps_english_words_apart_and_weights_are_integers():
    v = vocab("社保")
    v.update([VocabRow("app", 3, 1, "")], 10, 2)
    p = plan(v, "App 社保")
    assert [s.typed for s in p.segments] == ["app", "社保"]
    assert all(isinstance(w, int) and w > 0 for w in p.terms.values())


def test_synonyms_replace_the_longest_member():
    syn = Synonyms([["公积金", "住房公积金"], ["社保", "社会保险"]])
    assert syn.variants("住房公积金提取") == ["公积金提取"]
    assert syn.variants("社保卡") == ["社会保险卡"]
    assert syn.variants("无关") == []


def test_synonym_config_errors_name_file_line_and_key(tmp_path):
    assert load_synonyms(tmp_path).groups == []
    (tmp_path / "kb.yaml").write_text("synonyms:\n  - [社保, 社会保险]\n  - 公积金\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kb.yaml:3: synonyms\[1\]: each group"):
        load_synonyms(tmp_path)
    (tmp_path / "kb.yaml").write_text("synonyms:\n  - [社保, 社会保险]\n  - [社保, 劳保]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"synonyms\[1\]\[0\]: '社保' is already in group 1"):
        load_synonyms(tmp_path)


def test_spans_merge_and_respect_ascii_word_edges():
    assert spans("社保卡补办社保", ["社保卡", "社保", "卡补"]) == [(0, 4), (5, 7)]
    assert spans("Happy app, APP!", ["app"]) == [(6, 9), (11, 14)]


def test_snippet_window_covers_matches_and_offsets_fit():
    body = plain("# 标题\n\n" + "无关内容。" * 30 + "请携带**身份证**到[窗口](http://x)办理。" + "其他说明。" * 30)
    text, sp = snippet(body, ["身份证", "窗口"])
    assert text.startswith("…") and text.endswith("…") and len(text) <= 82
    assert [text[a:b] for a, b in sp] == ["身份证", "窗口"]
    assert "**" not in body and "http" not in body


def test_question_key_ignores_case_width_space_and_punctuation():
    assert question_key("宠物狗 办证？") == question_key("宠物狗办证!") == "宠物狗办证"
    assert question_key("ＥＴＣ 办理") == "etc办理"
