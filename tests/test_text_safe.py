"""hotline_tui.text over the hostile corpus: nothing live survives, invisible characters become
visible, JSON for a terminal stays valid JSON, spans follow the text, logs are one safe line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from hotline_tui.errors import ValidationError, refuse_nul
from hotline_tui.text import (SafeLogFilter, clip_line, json_for_terminal, nul_field, safe_logger, terminal_safe,
                              terminal_safe_spans)
from tests.hostile_text import CORPUS, assert_inert, live_chars


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_hostile_value_is_inert_and_nothing_is_lost_from_sight(name):
    value = CORPUS[name]
    one = terminal_safe(value)
    assert_inert(one, newline_ok=False, where=name)
    multi = terminal_safe(value, keep_newlines=True)
    assert_inert(multi, where=name)
    assert "\r" not in multi
    # every live character is still there to see, as an escape
    assert len(one) >= len(value.replace("\r\n", "\n")) - value.count("\t")
    assert terminal_safe(one) == one            # idempotent: safe text passes through unchanged


def test_zero_width_name_does_not_look_empty():
    shown = terminal_safe(CORPUS["zero_width_name"])
    assert shown == "⟨U+200B⟩⟨U+200B⟩⟨U+200B⟩"
    assert terminal_safe("\u2028\u2029\ufeff\u202e\u2066\u2069") == "⟨U+2028⟩⟨U+2029⟩⟨U+FEFF⟩⟨U+202E⟩⟨U+2066⟩⟨U+2069⟩"


def test_controls_are_shown_as_hex_escapes_and_markup_stays_text():
    assert terminal_safe("\x1b[2J\x00\x07\x85\x9b\x7f") == "\\x1b[2J\\x00\\x07\\x85\\x9b\\x7f"
    assert terminal_safe("a\r\nb\nc") == "a⏎b⏎c"
    assert terminal_safe("a\r\nb\rc", keep_newlines=True) == "a\nb\\x0dc"
    assert terminal_safe(CORPUS["markup_link"]) == CORPUS["markup_link"]     # markup is the screens' job: Text()
    assert terminal_safe(None) == "" and terminal_safe(42) == "42"


def test_clip_line_cuts_a_10000_character_line():
    line = clip_line(CORPUS["long_line"], 80)
    assert len(line) == 80 and line.endswith("…")
    assert_inert(line, newline_ok=False)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_json_for_terminal_is_valid_json_of_the_same_value(name):
    value = {"name": CORPUS[name], "n": 1}
    out = json_for_terminal(json.dumps(value, ensure_ascii=False))
    assert json.loads(out) == value
    assert_inert(out, newline_ok=False, where=name)


def test_json_for_terminal_keeps_chinese_readable():
    assert json_for_terminal(json.dumps({"n": "张三\u200b"}, ensure_ascii=False)) == '{"n": "张三\\u200b"}'


def test_spans_follow_the_safe_text():
    text = "\x1b[2J社保\u200b卡"
    safe, spans = terminal_safe_spans(text, [(4, 6), (7, 8)])
    assert safe == terminal_safe(text)
    assert [safe[a:b] for a, b in spans] == ["社保", "卡"]
    safe, spans = terminal_safe_spans("a\r\nb", [(0, 4)])
    assert safe == "a⏎b" and spans == [(0, 3)]


def test_nul_is_found_and_refused_naming_the_field():
    assert nul_field(a="x", b="y\x00") == "b" and nul_field(a="x", b=3) is None
    with pytest.raises(ValidationError) as exc:
        refuse_nul("call record m1", caller_name=CORPUS["nul"])
    msg = str(exc.value)
    assert msg.startswith("call record m1: caller_name: contains a NUL") and "\x00" not in msg and "\n" not in msg


def test_log_records_become_one_safe_line():
    log = safe_logger("hotline.test_text")
    assert sum(isinstance(f, SafeLogFilter) for f in safe_logger("hotline.test_text").filters) == 1
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        log.info("caller %s rang", CORPUS["csi_clear_screen"] + "\nFAKE LINE" + CORPUS["rtl_override"])
    finally:
        log.removeHandler(handler)
    out = buf.getvalue()
    assert out.count("\n") == 1 and not live_chars(out)
    assert "\\x1b[2J" in out and "⏎FAKE LINE" in out
