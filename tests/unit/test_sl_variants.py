"""The four service-level variants of kpi.yaml (issue 16), on the fixture shift's calls: one
implementation (``KpiSums.figures``), numerator and denominator worked out by hand."""

from __future__ import annotations

import pytest

from hotline_tui.errors import ConfigError
from hotline_tui.kpi import KpiSettings, load_kpi_settings
from hotline_tui.reports.figures import call_figures, sums_of

from ..report_shift import RECORDS, at, rec

# The shift's eight visits: m1 answered in 10 s, m5 in 20 s (both within 20 s), m2 in 30 s;
# abandons m3 after 3 s (short, within), m4 45 s, m7 150 s; m6 timeout, m8 transferred.
# Plus one more abandon after 15 s: within the threshold, not short.
CALLS = RECORDS[:8] + [rec("x1", "q1", "abandoned", at(9, 0), 15)]


@pytest.mark.parametrize("den, met, expected", [
    ("offered", False, (2, 9)),                 # answered ≤ 20 s ÷ offered
    ("offered_minus_short", False, (2, 8)),     # ÷ (9 offered − 1 short abandon)
    ("answered", False, (2, 3)),
    ("offered", True, (4, 9)),                  # + abandons ≤ 20 s: m3 (3 s) and x1 (15 s)
    ("offered_minus_short", True, (3, 8)),      # + x1 only: m3 is short, out of both sides
])
def test_each_variant_by_hand(den, met, expected):
    s = KpiSettings(denominator=den, abandons_within_met=met)
    f = call_figures(sums_of(CALLS, s), s)
    sl = f["service_level"]
    assert (sl["numerator"], sl["denominator"]) == expected
    assert sl["value"] == round(expected[0] / expected[1], 4)
    assert sl["definition"] == s.describe()
    assert f["answered_within"] == 2 and f["abandoned_within"] == 2


def test_the_rule_in_force_is_spelt_out():
    s = KpiSettings(denominator="offered_minus_short", abandons_within_met=True)
    assert s.describe() == "SL = (answered ≤ 20s + abandoned ≤ 20s, not < 5s) ÷ offered − abandons < 5s"
    assert s.variant == "offered_minus_short+abandons_within_met"
    assert KpiSettings().describe() == "SL = answered ≤ 20s ÷ offered" and KpiSettings().variant == "offered"


def test_kpi_yaml_chooses_the_variant_and_refuses_a_bad_one(tmp_path):
    (tmp_path / "kpi.yaml").write_text("service_level:\n  denominator: offered\n  abandons_within_met: true\n", "utf-8")
    assert load_kpi_settings(tmp_path).abandons_within_met is True
    (tmp_path / "kpi.yaml").write_text("service_level:\n  denominator: answered\n  abandons_within_met: true\n", "utf-8")
    with pytest.raises(ConfigError) as e:
        load_kpi_settings(tmp_path)
    assert "kpi.yaml" in str(e.value) and "abandons_within_met" in str(e.value)


def test_sliding_windows_subtract_the_new_sums_too():
    s = KpiSettings(abandons_within_met=True)
    a, b = sums_of(CALLS, s), sums_of(CALLS[:3], s)
    a.merge(b, -1)
    assert a.figures("w", s) == sums_of(CALLS[3:], s).figures("w", s)
