"""The tickets screen's search line: what ``s`` typed means as TicketService.search filters.

Words are searched in the content, caller name and address (folded); ``key:value`` words
filter one field. Keys have English and Chinese names, values of ``light`` too:

    serial: 单号:   phone: 电话:   name: 姓名: (text)   dept: 部门:   cat: 类别:   state: 状态:
    light: 灯: (red 红, yellow 黄, green 绿)   from: 自: / to: 至: (YYYY-MM-DD or YYYYMMDD, to inclusive)

A bare word shaped like a serial (``20261123-000042``) is a serial. Pure: never blocks.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from hotline_tui.clock import SITE_TZ

KEYS = {
    "serial": "serial", "no": "serial", "单号": "serial", "工单号": "serial",
    "phone": "phone", "tel": "phone", "电话": "phone",
    "name": "text", "text": "text", "姓名": "text", "内容": "text",
    "dept": "department", "department": "department", "部门": "department",
    "cat": "category", "category": "category", "类别": "category",
    "state": "state", "状态": "state",
    "light": "light", "灯": "light",
    "from": "since", "since": "since", "自": "since", "从": "since",
    "to": "until", "until": "until", "至": "until", "到": "until",
}
LIGHTS = {"red": "red", "红": "red", "yellow": "yellow", "黄": "yellow", "green": "green", "绿": "green"}
_SERIAL = re.compile(r"^\d{8}-\d{1,}$")


def _day(text: str, key: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"{key}: expects a date YYYY-MM-DD, not {text!r}")


def parse_query(line: str) -> dict[str, object]:
    """``line`` as keyword filters of ``TicketService.search``/``page``. Raises ValueError (one
    line naming the key) for an unknown key, an empty value, a bad light or date."""
    filters: dict[str, object] = {}
    words: list[str] = []
    for word in line.split():
        key, sep, value = word.partition(":")
        if not sep:
            key, sep, value = word.partition("：")          # a full-width colon from a Chinese IME
        if not sep or not key:
            (filters.__setitem__("serial", word) if _SERIAL.match(word) else words.append(word))
            continue
        field = KEYS.get(key.lower())
        if field is None:
            raise ValueError(f"unknown search key {key!r} (serial, phone, name, dept, cat, state, light, from, to)")
        if not value:
            raise ValueError(f"{key}: needs a value")
        if field == "text":
            words.append(value)
        elif field == "light":
            if value.lower() not in LIGHTS:
                raise ValueError(f"{key}: red, yellow or green, not {value!r}")
            filters["light"] = LIGHTS[value.lower()]
        elif field == "since":
            filters["since"] = datetime.combine(_day(value, key), time(), SITE_TZ)
        elif field == "until":          # inclusive: up to the end of that day
            filters["until"] = datetime.combine(_day(value, key) + timedelta(days=1), time(), SITE_TZ)
        elif field in ("department", "category"):
            filters[field] = value.upper() if field == "department" else value
        else:
            filters[field] = value
    since, until = filters.get("since"), filters.get("until")
    if isinstance(since, datetime) and isinstance(until, datetime) and since >= until:
        raise ValueError("the date range ends before it starts")
    if words:
        filters["text"] = " ".join(words)
    return filters
