"""Erlang B / C / A against published tables, closed forms computed independently here, and an
independent discrete-event simulation of the M/M/N+M queue."""

import heapq
import json
import math
import random

import pytest
from click.testing import CliRunner

from hotline_tui.cli.staffing import staffing as staffing_cmd
from hotline_tui.erlang import asa_c, erlang_a, erlang_b, erlang_c, service_level_c, staffing
from hotline_tui.errors import ValidationError


def b_direct(n, a):
    terms = [a ** k / math.factorial(k) for k in range(n + 1)]
    return terms[-1] / sum(terms)


def c_direct(n, a):
    top = a ** n / math.factorial(n) * n / (n - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(n)) + top)


@pytest.mark.parametrize("n,a,published,half_ulp", [(10, 5.0, 0.01838, 5e-6), (5, 2.0, 0.03670, 5e-6),
                                                     (20, 15.0, 0.0456, 5e-5), (1, 1.0, 0.5, 0.0)])
def test_erlang_b_matches_the_published_table(n, a, published, half_ulp):
    # Erlang B tables (ITU-T / teletraffic handbooks, e.g. ITU-D "Teletraffic Engineering Handbook"
    # Erlang-B table): B(10, 5) = 0.01838, B(5, 2) = 0.03670, B(20, 15) = 0.0456; B(1, 1) = 1/2 exactly.
    # Each is also checked against the direct factorial formula.
    assert abs(erlang_b(n, a) - published) <= half_ulp + 1e-15
    assert erlang_b(n, a) == pytest.approx(b_direct(n, a), rel=1e-12)


@pytest.mark.parametrize("n,a", [(14, 10.0), (5, 4.0), (50, 45.0), (2, 1.0)])
def test_erlang_c_matches_the_closed_form(n, a):
    assert erlang_c(n, a) == pytest.approx(c_direct(n, a), rel=1e-10)


def test_erlang_c_service_level_and_asa_textbook_case():
    # Call Centre Helper's worked Erlang C example: 100 calls per 30 min, AHT 180 s (10 Erlangs),
    # target 80 % in 20 s -> 14 agents, P(wait) 17.4 %, service level 88.8 %, ASA 7.8 s
    # (the same C(14, 10) = 0.174131 and C(12, 10) = 0.449388 are also checked by c_direct above).
    assert erlang_c(14, 10) == pytest.approx(c_direct(14, 10), rel=1e-12)
    assert erlang_c(12, 10) == pytest.approx(0.449388, abs=1e-6)
    assert round(service_level_c(14, 200, 180, 20), 3) == 0.888 and round(asa_c(14, 200, 180), 1) == 7.8
    assert service_level_c(13, 200, 180, 20) < 0.8 <= service_level_c(14, 200, 180, 20)
    s = staffing(200, 180, 0.8, 20)
    assert (s.agents, s.traffic_erlangs, round(s.p_wait, 4), round(s.occupancy, 4)) == (14, 10.0, 0.1741, 0.7143)
    assert erlang_c(14, 10) == pytest.approx(0.1741, abs=1e-4)
    assert service_level_c(14, 200, 180, 20) == pytest.approx(1 - 0.17413 * math.exp(-4 * 20 / 180), abs=1e-4)
    assert asa_c(14, 200, 180) == pytest.approx(0.17413 * 180 / 4, abs=1e-3)
    assert erlang_c(10, 10) == 1.0 and asa_c(10, 200, 180) == math.inf


def test_erlang_a_with_endless_patience_is_erlang_c():
    c = erlang_a(14, 200, 180, None, 20)
    a = erlang_a(14, 200, 180, 1e9, 20)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa == pytest.approx(c.asa, rel=1e-5) and a.abandon_rate < 1e-6


def test_erlang_a_abandons_more_when_patience_is_shorter():
    rates = [erlang_a(12, 200, 180, p, 20).abandon_rate for p in (600, 120, 30)]
    assert rates[0] < rates[1] < rates[2]


def mmn_m(n, lam, mu, theta, customers, seed, t_sl):
    """Independent M/M/N+M event simulation: FIFO queue, exponential patience."""
    rng = random.Random(seed)
    t, busy, queue, events = 0.0, 0, [], []
    answered_within = abandoned = answered = 0
    wait_answered = 0.0
    heapq.heappush(events, (rng.expovariate(lam), 0, "arr", None))
    arrived = 0
    seq = 1
    while events:
        t, _, kind, data = heapq.heappop(events)
        if kind == "arr":
            arrived += 1
            if arrived < customers:
                heapq.heappush(events, (t + rng.expovariate(lam), seq, "arr", None)); seq += 1
            if busy < n:
                busy += 1
                answered += 1
                answered_within += 1
                heapq.heappush(events, (t + rng.expovariate(mu), seq, "dep", None)); seq += 1
            else:
                cust = {"at": t, "gone": False}
                queue.append(cust)
                heapq.heappush(events, (t + rng.expovariate(theta), seq, "ab", cust)); seq += 1
        elif kind == "ab":
            if not data["gone"]:
                data["gone"] = True
                abandoned += 1
        else:
            while queue and queue[0]["gone"]:
                queue.pop(0)
            if queue:
                cust = queue.pop(0)
                cust["gone"] = True
                w = t - cust["at"]
                answered += 1
                wait_answered += w
                answered_within += w <= t_sl
                heapq.heappush(events, (t + rng.expovariate(mu), seq, "dep", None)); seq += 1
            else:
                busy -= 1
    total = answered + abandoned
    return answered_within / total, abandoned / total, wait_answered / answered


@pytest.mark.slow
@pytest.mark.parametrize("n,cph,aht,patience,seed", [(12, 200, 180, 120, 7), (9, 200, 180, 30, 11)])
def test_erlang_a_agrees_with_an_independent_simulation(n, cph, aht, patience, seed):
    # 200k simulated callers, fixed seed; the second case is overloaded (A = 10 > 9 agents), where
    # only abandonment keeps the queue finite.
    sl, ab, asa = mmn_m(n, cph / 3600, 1 / aht, 1 / patience, 200_000, seed, 20)
    r = erlang_a(n, cph, aht, patience, 20)
    assert r.service_level == pytest.approx(sl, abs=0.01)
    assert r.abandon_rate == pytest.approx(ab, abs=0.005)
    assert r.asa == pytest.approx(asa, rel=0.06)


def test_erlang_a_internal_consistency():
    r = erlang_a(12, 200, 180, 120, 20)
    # Little's law: abandoned share = theta * E[Q] / lambda = avg_wait / patience
    assert r.abandon_rate == pytest.approx(r.avg_wait / 120, rel=1e-9)
    # carried load: busy agents = answered share * A
    assert r.occupancy * 12 == pytest.approx((1 - r.abandon_rate) * 10, rel=1e-9)
    assert 0 < r.service_level < 1 - r.abandon_rate and 0 < r.p_wait < 1
    assert erlang_a(12, 200, 180, 120, 0).service_level == pytest.approx(1 - r.p_wait, abs=1e-12)
    assert erlang_a(12, 200, 180, 120, 1e5).service_level == pytest.approx(1 - r.abandon_rate, abs=1e-9)


def test_staffing_returns_the_fewest_agents_that_meet_the_target():
    s = staffing(400, 240, 0.8, 20)
    assert s.model == "erlang-c" and service_level_c(s.agents, 400, 240, 20) >= 0.8
    assert service_level_c(s.agents - 1, 400, 240, 20) < 0.8
    a = staffing(400, 240, 0.8, 20, patience_s=120)
    assert a.agents <= s.agents and erlang_a(a.agents - 1, 400, 240, 120, 20).service_level < 0.8
    # a low target with impatient callers can be met below 0.5·A agents: still the fewest
    low = staffing(400, 240, 0.3, 20, patience_s=5)
    brute = next(n for n in range(1, 60) if erlang_a(n, 400, 240, 5, 20).service_level >= 0.3)
    assert low.agents == brute and low.agents < 400 * 240 / 3600 / 2
    big = staffing(20000, 300, 0.8, 20, patience_s=120)
    assert erlang_a(big.agents - 1, 20000, 300, 120, 20).service_level < 0.8 <= big.service_level


@pytest.mark.parametrize("bad", [
    dict(calls_per_hour=0, aht_s=1, target=0.8, within_s=20),
    dict(calls_per_hour=10, aht_s=-60, target=0.8, within_s=20),
    dict(calls_per_hour=10, aht_s=60, target=1.5, within_s=20),
    dict(calls_per_hour=10, aht_s=60, target=0, within_s=20),
    dict(calls_per_hour=10, aht_s=60, target=1, within_s=20),
    dict(calls_per_hour=10, aht_s=60, target=0.8, within_s=-1),
    dict(calls_per_hour=10, aht_s=60, target=0.8, within_s=20, patience_s=0),
    dict(calls_per_hour=float("nan"), aht_s=60, target=0.8, within_s=20),
    dict(calls_per_hour=float("inf"), aht_s=60, target=0.8, within_s=20),
    dict(calls_per_hour=10, aht_s=60, target=0.8, within_s=20, patience_s=float("nan")),
    dict(calls_per_hour=1e6, aht_s=600, target=0.8, within_s=20, max_agents=50),
])
def test_bad_input_raises_validation_error(bad):
    with pytest.raises(ValidationError) as err:
        staffing(**bad)
    assert "\n" not in str(err.value)


def test_staffing_command_prints_json_and_one_line_errors():
    r = CliRunner().invoke(staffing_cmd, ["--calls-per-hour", "400", "--aht", "240", "--target", "0.8", "--within", "20",
                                          "--patience", "120", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["model"] == "erlang-a" and out["agents"] == staffing(400, 240, 0.8, 20, 120).agents
    assert set(out) >= {"agents", "service_level", "asa_s", "abandon_rate", "traffic_erlangs", "occupancy"}
    # Out of range is refused by the option itself (click.FloatRange): one line under ``hotline``.
    from hotline import cli
    r = CliRunner().invoke(cli, ["staffing", "--calls-per-hour", "400", "--aht", "240", "--target", "2", "--within", "20"])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "'--target': 2.0 is not in the range 0<x<1" in r.output

    r = CliRunner().invoke(staffing_cmd, ["--calls-per-hour", "200", "--aht", "180", "--target", "0.8", "--within", "20"])
    assert r.exit_code == 0 and r.output.startswith("14 agents (erlang-c, 10.0 Erlangs): service level 88.8% within 20 s")
    r = CliRunner().invoke(staffing_cmd, ["--calls-per-hour", "200", "--aht", "180", "--json"])
    assert json.loads(r.output)["model"] == "erlang-c" and json.loads(r.output)["agents"] == 14
