"""Erlang B, Erlang C and Erlang A (with abandonment), and staffing for a service-level target.

Pure functions, no I/O. Traffic ``A`` is in Erlangs (calls per hour × AHT in hours).

* Erlang B — blocking probability of N servers with no queue.
* Erlang C (M/M/N) — probability of waiting, service level and ASA; callers never give up.
* Erlang A (M/M/N+M) — callers give up after an exponential patience with mean ``patience_s``.
  Solved exactly on the birth–death chain (truncated where the tail is below 1e-12): an
  arriving caller who finds ``j`` callers ahead reaches an agent after phases with rates
  ``Nμ + kθ`` (k = j … 0), and is still there with probability ``Π r_k/(r_k+θ)`` — its Laplace
  transform at θ; the chance to be answered within T comes from the same phases by
  uniformisation. Service level here is *answered within T ÷ offered* (the strictest
  definition, docs/kpi.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ValidationError


def erlang_b(servers: int, traffic: float) -> float:
    """Blocking probability B(N, A). Raises ValidationError on N < 0 or A < 0."""
    if servers < 0 or traffic < 0:
        raise ValidationError("Erlang B needs servers >= 0 and traffic >= 0")
    b = 1.0
    for n in range(1, servers + 1):
        b = traffic * b / (n + traffic * b)
    return b


def erlang_c(servers: int, traffic: float) -> float:
    """Probability that a caller waits, C(N, A); 1.0 when A >= N (the queue grows without end)."""
    if servers <= 0 or traffic >= servers:
        return 1.0
    b = erlang_b(servers, traffic)
    return servers * b / (servers - traffic * (1 - b))


def _check(calls_per_hour: float, aht_s: float) -> None:
    if calls_per_hour <= 0 or aht_s <= 0:
        raise ValidationError("calls per hour and AHT must both be > 0")


def service_level_c(servers: int, calls_per_hour: float, aht_s: float, within_s: float) -> float:
    """Erlang C service level: share of callers answered within ``within_s`` (0 when unstable)."""
    _check(calls_per_hour, aht_s)
    a = calls_per_hour * aht_s / 3600
    if servers <= a:
        return 0.0
    return 1 - erlang_c(servers, a) * math.exp(-(servers - a) * within_s / aht_s)


def asa_c(servers: int, calls_per_hour: float, aht_s: float) -> float:
    """Erlang C average speed of answer in seconds (all callers; inf when unstable)."""
    _check(calls_per_hour, aht_s)
    a = calls_per_hour * aht_s / 3600
    if servers <= a:
        return math.inf
    return erlang_c(servers, a) * aht_s / (servers - a)


@dataclass(frozen=True)
class ErlangA:
    p_wait: float          # an arriving caller finds every agent busy
    service_level: float   # answered within T ÷ offered
    asa: float             # mean wait of answered callers, seconds
    abandon_rate: float    # abandoned ÷ offered
    avg_wait: float        # mean time in queue of all callers (answered or not), seconds
    occupancy: float       # busy agents ÷ agents


def _stationary(servers: int, lam: float, mu: float, theta: float) -> list[float]:
    # Unnormalised birth–death probabilities, in logs to stay finite for large N.
    logs = [0.0]
    n = 0
    while True:
        n += 1
        death = min(n, servers) * mu + max(n - servers, 0) * theta
        logs.append(logs[-1] + math.log(lam) - math.log(death))
        if n > servers and (logs[-1] - max(logs) < -30 or n > servers + 20000):
            break
    top = max(logs)
    p = [math.exp(x - top) for x in logs]
    total = sum(p)
    return [x / total for x in p]


def erlang_a(servers: int, calls_per_hour: float, aht_s: float, patience_s: float | None, within_s: float) -> ErlangA:
    """M/M/N+M figures. ``patience_s`` None (or inf) means callers never hang up (Erlang C)."""
    _check(calls_per_hour, aht_s)
    if servers <= 0:
        raise ValidationError("servers must be > 0")
    lam, mu = calls_per_hour / 3600, 1 / aht_s
    if patience_s is None or math.isinf(patience_s):
        a = lam / mu
        if servers <= a:
            return ErlangA(1.0, 0.0, math.inf, 0.0, math.inf, 1.0)
        c = erlang_c(servers, a)
        asa = c * aht_s / (servers - a)
        return ErlangA(c, service_level_c(servers, calls_per_hour, aht_s, within_s), asa, 0.0, asa, a / servers)
    if patience_s <= 0:
        raise ValidationError("patience must be > 0 seconds")
    theta = 1 / patience_s
    p = _stationary(servers, lam, mu, theta)
    n_max = len(p) - 1
    jmax = n_max - servers
    rates = [servers * mu + k * theta for k in range(jmax + 1)]
    # served-eventually probability and E[wait·1{served}] for a caller with j ahead
    served = [0.0] * (jmax + 1)
    wait_served = [0.0] * (jmax + 1)
    prod, inv_sum = 1.0, 0.0
    for j in range(jmax + 1):
        prod *= rates[j] / (rates[j] + theta)
        inv_sum += 1 / (rates[j] + theta)
        served[j] = prod
        wait_served[j] = prod * inv_sum
    within = _served_within(rates, theta, within_s, jmax)
    p_wait = sum(p[servers:])
    sl = sum(p[:servers]) + sum(p[servers + j] * within[j] for j in range(jmax + 1) if servers + j <= n_max)
    p_served = sum(p[:servers]) + sum(p[servers + j] * served[j] for j in range(jmax + 1) if servers + j <= n_max)
    e_wait_served = sum(p[servers + j] * wait_served[j] for j in range(jmax + 1) if servers + j <= n_max)
    queue = sum(max(n - servers, 0) * p[n] for n in range(n_max + 1))
    busy = sum(min(n, servers) * p[n] for n in range(n_max + 1))
    return ErlangA(p_wait, sl, e_wait_served / p_served if p_served else math.inf, theta * queue / lam,
                   queue / lam, busy / servers)


def _served_within(rates: list[float], theta: float, t: float, jmax: int) -> list[float]:
    """P(reach an agent within t) for each number ahead j, by uniformisation of the phase chain."""
    if t <= 0:
        return [0.0] * (jmax + 1)
    big = max(rates) + theta
    lt = big * t
    n_terms = int(lt + 12 * math.sqrt(lt) + 30)
    f = [0.0] * (jmax + 1)          # f_n(k): absorbed into "served" within n jumps from phase k
    stay = [1 - (r + theta) / big for r in rates]
    down = [r / big for r in rates]
    out = [0.0] * (jmax + 1)
    log_w = -lt                      # Poisson weight of n = 0 (f_0 = 0 contributes nothing)
    for n in range(1, n_terms + 1):
        prev = f
        f = [down[0] * 1.0 + stay[0] * prev[0]] + [down[k] * prev[k - 1] + stay[k] * prev[k] for k in range(1, jmax + 1)]
        log_w += math.log(lt) - math.log(n)
        w = math.exp(log_w)
        if w:
            for k in range(jmax + 1):
                out[k] += w * f[k]
    # Terms beyond n_terms have f ≈ its limit; add the Poisson tail mass times the last f.
    tail = max(0.0, 1.0 - sum(math.exp(-lt + i * math.log(lt) - math.lgamma(i + 1)) for i in range(n_terms + 1)))
    return [min(1.0, o + tail * f[k]) for k, o in enumerate(out)]


@dataclass(frozen=True)
class Staffing:
    agents: int
    traffic_erlangs: float
    service_level: float
    asa: float
    abandon_rate: float
    p_wait: float
    occupancy: float
    model: str


def staffing(calls_per_hour: float, aht_s: float, target: float, within_s: float, patience_s: float | None = None,
             max_agents: int = 2000) -> Staffing:
    """The fewest agents whose predicted service level reaches ``target``. Raises ValidationError
    on bad input or when even ``max_agents`` do not reach it."""
    _check(calls_per_hour, aht_s)
    if not 0 < target < 1:
        raise ValidationError("target service level must be between 0 and 1 (e.g. 0.8)")
    if within_s < 0:
        raise ValidationError("--within must be >= 0 seconds")
    if patience_s is not None and patience_s <= 0:
        raise ValidationError("patience must be > 0 seconds")
    a = calls_per_hour * aht_s / 3600
    start = max(1, int(a) + (1 if patience_s is None else 0))
    if patience_s is not None:
        start = max(1, int(a * 0.5))
    model = "erlang-c" if patience_s is None else "erlang-a"
    for n in range(start, max_agents + 1):
        r = erlang_a(n, calls_per_hour, aht_s, patience_s, within_s)
        if r.service_level >= target:
            return Staffing(n, a, r.service_level, r.asa, r.abandon_rate, r.p_wait, r.occupancy, model)
    raise ValidationError(f"even {max_agents} agents do not reach {target:.0%} within {within_s:g} s")
