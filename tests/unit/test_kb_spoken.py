"""The spoken register (issue 22): spoken words read as the articles' terms, fillers and
endings cut, the 个 of a split verb-object word taken out — all at query time, pure."""

import pytest

from hotline_tui.errors import ConfigError
from hotline_tui.kb.factory import load_synonyms
from hotline_tui.kb.query import W_SPOKEN, Synonyms, plan
from tests.unit.test_kb_search import vocab


SPOKEN = Synonyms([["社保", "社会保险"]], {"老板不给钱": "拖欠工资", "老板": "单位", "没电": "停电",
                                         "摆地摊": "流动摊贩 占道经营"},
                  ["我想问一下", "俺家", "俺", "咋"], ["不", "了"])


def test_the_longest_spoken_word_wins_and_every_one_is_read():
    assert SPOKEN.spoken_variant("老板不给钱") == "拖欠工资"            # not 单位不给钱
    assert SPOKEN.spoken_variant("老板说没电") == "单位 说 停电"
    assert SPOKEN.spoken_variant("门口摆地摊") == "门口 流动摊贩 占道经营"
    assert SPOKEN.spoken_variant("无关的话") == ""


def test_fillers_leave_a_gap_and_endings_go_only_at_the_end():
    assert SPOKEN.without_fillers("我想问一下俺家咋又没电了") == "又没电"
    assert SPOKEN.without_fillers("能报销不") == "能报销"
    assert SPOKEN.without_fillers("不动产") == "不动产"                  # an ending inside a word stays
    assert SPOKEN.without_fillers("不") == "不"                          # a word is never emptied


def test_a_filler_inside_a_spoken_word_does_not_break_it():
    s = Synonyms([], {"俺家楼上": "楼上住户"}, ["俺家", "俺"], [])
    assert s.without_fillers("俺家楼上漏水") == "俺家楼上漏水"
    assert s.spoken_variant("俺家楼上漏水") == "楼上住户 漏水"


def test_plan_adds_the_spoken_reading_beside_what_was_typed():
    v = vocab("拖欠工资", "停电", "老板")
    p = plan(v, "俺家咋又没电了", SPOKEN)
    assert [s.typed for s in p.segments] == ["又没电"]
    alts = {a.kind: a for a in p.segments[0].alts}
    assert alts["exact"].text == "又没电" and alts["spoken"].text == "又 停电"
    assert alts["spoken"].weight == W_SPOKEN and "停电" in p.terms


def test_a_query_of_fillers_only_is_searched_as_typed():
    assert [s.typed for s in plan(vocab("俺"), "俺", SPOKEN).segments] == ["俺"]


def test_the_ge_of_a_split_word_is_taken_out_where_the_index_knows_the_word():
    v = vocab("转学", "献血")
    texts = [a.text for a in plan(v, "想给孩子转个学").segments[0].alts]
    assert "想给孩子转学" in texts
    assert [a.text for a in plan(v, "个人").segments[0].alts if a.kind == "spoken"] == []   # 个 at the edge
    assert [a.kind for a in plan(vocab("转学"), "三个人").segments[0].alts].count("spoken") == 0  # 三人 unknown


def test_spoken_config_errors_name_file_line_and_key(tmp_path):
    (tmp_path / "kb.yaml").write_text("spoken:\n  - 闺女\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kb.yaml:1: spoken: must be a mapping"):
        load_synonyms(tmp_path)
    (tmp_path / "kb.yaml").write_text("spoken:\n  闺女: ''\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kb.yaml:2: spoken\.闺女: must be a non-empty word"):
        load_synonyms(tmp_path)
    (tmp_path / "kb.yaml").write_text("fillers: 俺\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kb.yaml:1: fillers: must be a list"):
        load_synonyms(tmp_path)
    (tmp_path / "kb.yaml").write_text("endings: [不, '']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kb.yaml:1: endings\[1\]: must be a non-empty word"):
        load_synonyms(tmp_path)


def test_the_demo_site_reads_callers_words():
    from hotline_tui.config import DEMO_DIR
    s = load_synonyms(DEMO_DIR)
    assert s.spoken_variant("老板不给钱") == "拖欠工资"
    assert s.spoken_variant("闺女") == "子女"
    assert s.without_fillers("请问俺家咋没电了") == "没电"
