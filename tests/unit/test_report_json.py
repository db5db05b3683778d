"""The reports' JSON writer (hotline_tui/reports/render.py to_json) writes what
json.dumps(ensure_ascii=False, indent=2) writes, byte for byte: the documented, deterministic form."""

from __future__ import annotations

import json

import pytest

from hotline_tui.reports.render import to_json

CASES = [
    {}, [], "x", 3, None, True, 1.5,
    {"a": [], "b": {}, "c": [{}], "d": [[]]},
    {"rate": 0.1, "tiny": 1e-05, "big": 1e16, "neg": -0.0, "nan": float("nan"), "inf": float("inf"),
     "minf": float("-inf"), "int": 10 ** 20, "bool": False},
    {1: "int key", 2.5: "float key", True: "bool key", None: "none key"},
    {"text": "热线 12345 \"quoted\" \\ back\nline\ttab \x01 \u2028", "tuple": (1, "二", [3.0, {"x": None}])},
    {"queues": {"general@12345": {"rows": [{"from": "2026-11-01T00:00:00+08:00", "offered": 3, "sl": {"value": 0.8,
                                                                                                        "num": 4, "den": 5}}]}}},
]


@pytest.mark.parametrize("value", CASES)
def test_same_text_as_json_dumps(value):
    assert to_json(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def test_rejects_what_json_rejects():
    with pytest.raises(TypeError):
        to_json({"x": object()})
    with pytest.raises(TypeError):
        to_json({(1, 2): "tuple key"})
