"""Pure search pieces: normalising, index terms, pinyin, vocabulary look-ups, synonyms, spans."""

import pytest

from hotline_tui.errors import ConfigError
from hotline_tui.kb.factory import load_synonyms
from hotline_tui.kb.query import Synonyms, plan
from hotline_tui.kb.rank import plain, snippet, spans
from hotline_tui.kb.service import question_key
from hotline_tui.kb.terms import BODY_TERMS, W_BODY, W_TITLE, article_terms, norm, term_pinyin
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
    assert "社" not in terms and "社" in keywords and "补" in keywords and "挂失" not in keywords
    assert "会" not in keywords                    # characters of the category are not keywords
    assert len([t for t in terms if t not in keywords]) <= BODY_TERMS


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


def test_quoted_text_past_the_body_cap_is_indexed():
    from hotline_tui.kb.terms import BODY_TERMS
    filler = "".join(chr(0x4E00 + 2 * i) + chr(0x4E01 + 2 * i) + "，" for i in range(BODY_TERMS + 10))
    body = filler + "本市推行“交房即交证”，另见《不动产登记暂行条例》。交房即交证以外的话"
    terms, _ = article_terms("新房办证", [], "", "", body)
    assert {"交房", "房即", "即交", "交证", "登记", "暂行", "条例"} <= set(terms)
    assert "以外" not in terms                          # unquoted text past the cap stays out
    assert terms["交房"] == W_BODY + 1                  # counted over the whole body
    plain_terms, _ = article_terms("新房办证", [], "", "", filler + "本市推行交房即交证")
    assert "交房" not in plain_terms


def test_guessed_readings_no_candidate_contains_are_dropped():
    from hotline_tui.kb.model import Article
    from hotline_tui.kb.query import Alt, Plan, Segment, terms_of
    from hotline_tui.kb.rank import _Fields, attested

    def alt(text, kind, w=0.8):
        return Alt(text, w, kind, terms_of(text))
    f = [_Fields.of(Article(1, "重度残疾人护理补贴", "按月发放。"), "按月发放。"),
         _Fields.of(Article(2, "一件事联办", "和联系方式"), "和联系方式")]
    seg = Segment("hlbt", [alt("和联办提", "initials"), alt("护理补贴", "initials"), alt("护理办提", "initials")])
    p = attested(Plan("hlbt", [seg], {}), f)
    assert [a.text for a in p.segments[0].alts] == ["护理补贴"]
    nothing = Segment("zz", [alt("甲乙", "initials"), alt("丙丁", "initials")])
    assert attested(Plan("zz", [nothing], {}), f).segments[0].alts == nothing.alts     # nothing found: keep all
    typed = Segment("补贴啊", [alt("补贴啊", "exact", 1.0), alt("护理补贴", "typo", 0.75)])
    assert [a.text for a in attested(Plan("x", [typed], {}), f).segments[0].alts] == ["补贴啊", "护理补贴"]


def test_demo_synonyms_cover_cards_taxes_and_disability_certificates():
    from hotline_tui.config import DEMO_DIR
    syn = load_synonyms(DEMO_DIR)
    assert syn.variants("社会保障卡补办") == ["社保卡补办"]
    assert syn.variants("个税汇算") == ["个人所得税汇算"]
    assert syn.variants("残疾证") == ["残疾人证"] and syn.variants("残疾人证办理") == ["残疾证办理"]


def test_one_character_search_goes_through_the_keyword_pairs_holding_it():
    v = Vocabulary()
    v.update([VocabRow("卡", 3, 3, term_pinyin("卡")), VocabRow("保卡", 3, 3, term_pinyin("保卡")),
              VocabRow("卡丢", 1, 1, term_pinyin("卡丢")), VocabRow("卡号", 5, 0, term_pinyin("卡号")),
              VocabRow("社保", 4, 4, term_pinyin("社保"))], 10, 1)
    assert v.pairs_with("卡") == ["保卡", "卡丢"]              # keyword pairs only, commonest first
    p = plan(v, "卡")
    assert set(p.terms) == {"卡", "保卡", "卡丢"} and p.terms["保卡"] == p.terms["卡"]
    v.update([VocabRow("保卡", 0, 0, term_pinyin("保卡"))], 10, 2)   # the last article holding it changed
    assert v.pairs_with("卡") == ["卡丢"] and "保卡" not in plan(v, "卡").terms
