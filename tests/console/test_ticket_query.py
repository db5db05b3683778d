"""The tickets screen's search line (screens/ticket_query.py): keys in English and Chinese."""

from datetime import datetime

import pytest

from hotline_tui.clock import SITE_TZ
from screens.ticket_query import parse_query


def test_keys_values_and_words():
    q = parse_query("噪音 dept:rsj 类别:complaint 状态:handling 灯:红 电话:13812341234 name:张三 自:2026-11-01 至:20261130")
    assert q == {"department": "RSJ", "category": "complaint", "state": "handling", "light": "red",
                 "phone": "13812341234", "text": "噪音 张三",
                 "since": datetime(2026, 11, 1, tzinfo=SITE_TZ), "until": datetime(2026, 12, 1, tzinfo=SITE_TZ)}
    assert parse_query("20261123-000042") == {"serial": "20261123-000042"}
    assert parse_query("单号：1123-") == {"serial": "1123-"}           # a full-width colon
    assert parse_query("") == {}


@pytest.mark.parametrize("line, says", [
    ("colour:red", "unknown search key 'colour'"),
    ("light:blue", "red, yellow or green"),
    ("from:yesterday", "expects a date"),
    ("dept:", "needs a value"),
    ("from:2026-12-02 to:2026-12-01", "ends before it starts"),
])
def test_bad_lines_say_what_is_wrong(line, says):
    with pytest.raises(ValueError, match=says):
        parse_query(line)
