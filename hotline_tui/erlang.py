"""Erlang B, Erlang C and Erlang A (with abandonment), and staffing for a service-level target.

Pure functions, no I/O. Traffic ``A`` is in Erlangs (calls per hour × AHT in hours).

* Erlang B — blocking probability of N servers with no queue.
* Erlang C (M/M/N) — probability of waiting, service level and ASA; callers never give up.
* Erlang A (M/M/N+M) — callers give up after an exponential patience with mean ``patience_s``.
  Solved exactly on the birth–death chain (truncated where a state is e^-30 of the peak): an
  arriving caller who finds ``j`` callers ahead reaches an agent after phases with rates
  ``Nμ + kθ`` (k = j … 0), and is still there with probability ``Π r_k/(r_k+θ)`` — its Laplace
  transform at θ; the chance to be answered within T comes from the same phases by
  uniformisation. Service level here is *answered within T ÷ offered* (the strictest
  definition: callers who hang up count as misses).
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
    """Probability that a caller waits, C(N, A); 1.0 when A >= N (the queue grows without end) or
    N <= 0. Raises ValidationError when A < 0."""
    if servers <= 0 or traffic >= servers:
        return 1.0
    b = erlang_b(servers, traffic)
    return servers * b / (servers - traffic * (1 - b))


def _check(calls_per_hour: float, aht_s: float, within_s: float = 0.0, patience_s: float | None = None) -> None:
    """Raise ValidationError unless calls/h and AHT are finite and > 0, ``within_s`` is finite and
    >= 0, and ``patience_s`` is None or > 0 (inf allowed: callers never hang up)."""
    if not (math.isfinite(calls_per_hour) and math.isfinite(aht_s)) or calls_per_hour <= 0 or aht_s <= 0:
        raise ValidationError("calls per hour and AHT must both be finite numbers > 0")
    if not math.isfinite(within_s) or within_s < 0:
        raise ValidationError("the answer-time threshold (within) must be a finite number >= 0 seconds")
    if patience_s is not None and (math.isnan(patience_s) or patience_s <= 0):
        raise ValidationError("patience must be > 0 seconds")


def service_level_c(servers: int, calls_per_hour: float, aht_s: float, within_s: float) -> float:
    """Erlang C service level: share of callers answered within ``within_s`` seconds, in [0, 1]
    (0.0 when unstable, i.e. traffic >= servers). Raises ValidationError on bad input."""
    _check(calls_per_hour, aht_s, within_s)
    a = calls_per_hour * aht_s / 3600
    if servers <= a:
        return 0.0
    return 1 - erlang_c(servers, a) * math.exp(-(servers - a) * within_s / aht_s)


def asa_c(servers: int, calls_per_hour: float, aht_s: float) -> float:
    """Erlang C average speed of answer in seconds, over all callers (math.inf when unstable).
    Raises ValidationError on bad input."""
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
    n, top = 0, 0.0
    log_lam = math.log(lam)          # once: the same value every step
    while True:
        n += 1
        death = min(n, servers) * mu + max(n - servers, 0) * theta
        logs.append(logs[-1] + log_lam - math.log(death))
        top = max(top, logs[-1])
        if n > servers and (logs[-1] - top < -30 or n > servers + 20000):
            break
    p = [math.exp(x - top) for x in logs]
    total = sum(p)
    return [x / total for x in p]


def erlang_a(servers: int, calls_per_hour: float, aht_s: float, patience_s: float | None, within_s: float) -> ErlangA:
    """M/M/N+M figures as an :class:`ErlangA`. ``patience_s`` None (or inf) means callers never
    hang up: the Erlang C figures are returned (abandon_rate 0; when unstable p_wait 1, service
    level 0, asa/avg_wait inf). Raises ValidationError on servers <= 0 or bad input.

    The chain is truncated at ``servers + 20000`` states; only a hard overload with patience of
    hours reaches that cap (its service level is then ~0 either way)."""
    _check(calls_per_hour, aht_s, within_s, patience_s)
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
    # A caller with j ahead needs j + 1 advances, each at rate <= rates[j]; beyond the j where
    # P(Poisson(rates[j]·t) >= j + 1) < 1e-13 its chance is negligible (set to 0), which keeps the
    # phase chain short when the queue is long.
    full = jmax
    for j in range(jmax + 1):
        if _poisson_sf_below(rates[j] * t, j + 1, 1e-13):
            jmax = j
            break
    rates = rates[:jmax + 1]
    big = max(rates) + theta
    lt = big * t
    n_terms = int(lt + 12 * math.sqrt(lt) + 30)
    f = [0.0] * (jmax + 1)          # f_n(k): absorbed into "served" within n jumps from phase k
    stay = [1 - (r + theta) / big for r in rates]
    down = [r / big for r in rates]
    out = [0.0] * (jmax + 1)
    if jmax + 1 >= _VECTOR_FROM:
        out, f = _uniformise_vector(stay, down, lt, n_terms)
    else:
        log_w = -lt                  # Poisson weight of n = 0 (f_0 = 0 contributes nothing)
        for n in range(1, n_terms + 1):
            prev = f
            f = [down[0] * 1.0 + stay[0] * prev[0]] + [down[k] * prev[k - 1] + stay[k] * prev[k] for k in range(1, jmax + 1)]
            log_w += math.log(lt) - math.log(n)
            w = math.exp(log_w)
            if w:
                for k in range(jmax + 1):
                    out[k] += w * f[k]
    # Terms beyond n_terms have f ≈ its limit; add the Poisson tail mass times the last f.
    log_lt = math.log(lt)
    tail = max(0.0, 1.0 - sum(math.exp(-lt + i * log_lt - math.lgamma(i + 1)) for i in range(n_terms + 1)))
    return [min(1.0, o + tail * f[k]) for k, o in enumerate(out)] + [0.0] * (full - jmax)


#: From this many phases on, ``_served_within`` steps the phase chain with numpy arrays.
_VECTOR_FROM = 8


def _uniformise_vector(stay: list[float], down: list[float], lt: float, n_terms: int) -> tuple[list[float], list[float]]:
    """The uniformisation loop of ``_served_within`` on numpy arrays: the same IEEE operations
    on every element in the same order (a product, a sum of two products, a weighted add — each
    a separate, correctly rounded ufunc, no fused multiply-add), so the same bits as the list
    loop, without a Python step per phase (the queue-interval report's month spends most of its
    time here). Returns (out, f) as lists."""
    import numpy as np     # here: only Erlang A with a longer queue needs it

    st, dn = np.array(stay), np.array(down)
    dn_tail, d0 = dn[1:], down[0] * 1.0
    f = np.zeros(len(stay))
    out = np.zeros(len(stay))
    log_w, log_lt = -lt, math.log(lt)
    for n in range(1, n_terms + 1):
        g = st * f                          # stay[k] · f[k]
        g[1:] += dn_tail * f[:-1]           # + down[k] · f[k-1] (a + b = b + a, bit for bit)
        g[0] += d0                          # + down[0] · 1
        f = g
        log_w += log_lt - math.log(n)
        w = math.exp(log_w)
        if w:
            out += w * f
    return out.tolist(), f.tolist()


def _poisson_sf_below(mean: float, k: int, limit: float) -> bool:
    """``_poisson_sf(mean, k) < limit``, the same answer, summing only until the partial sum
    reaches ``limit`` (the terms are positive, so it can only grow): a tail that is plainly
    not negligible is told after a term or two instead of summed whole."""
    if mean <= 0:
        return (0.0 if k > 0 else 1.0) < limit
    if k <= mean:
        return 1.0 < limit
    log_term = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total, i = 0.0, k
    while True:
        term = math.exp(log_term)
        total += term
        if total >= limit:
            return False
        i += 1
        log_term += math.log(mean) - math.log(i)
        if term < 1e-18 * max(total, 1e-300) or log_term < -745:
            return total < limit


def _poisson_sf(mean: float, k: int) -> float:
    """P(Poisson(mean) >= k) for k > mean, summed in logs; 1.0 (a safe over-estimate, as only
    "negligible or not" is asked) when k <= mean."""
    if mean <= 0:
        return 0.0 if k > 0 else 1.0
    if k <= mean:
        return 1.0
    # terms decrease beyond the mode; sum k .. until negligible
    log_term = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total, i = 0.0, k
    while True:
        term = math.exp(log_term)
        total += term
        i += 1
        log_term += math.log(mean) - math.log(i)
        if term < 1e-18 * max(total, 1e-300) or log_term < -745:
            return total


def _bisect(meets, lo: int, hi: int) -> int:
    """The fewest N in (lo, hi] that ``meets``, given lo fails and hi meets (SL rises with N)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    return hi


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
             max_agents: int = 2000, hint: int | None = None) -> Staffing:
    """The fewest agents (a :class:`Staffing`) whose predicted service level reaches ``target``:
    Erlang C when ``patience_s`` is None/inf, else Erlang A. Raises ValidationError on bad input
    (non-positive or non-finite calls/AHT, target outside (0, 1), within < 0, patience <= 0) or
    when even ``max_agents`` do not reach the target.

    ``hint``: a guess of the answer (the queue-interval report passes the Erlang C answer when
    it asks for Erlang A): the search gallops from there to the boundary, the same answer as
    without it (the service level rises with N, which the bisection assumes too), in two to four
    evaluations instead of about nine when the guess is close."""
    _check(calls_per_hour, aht_s, within_s, patience_s)
    if not 0 < target < 1:
        raise ValidationError("target service level must be between 0 and 1 (e.g. 0.8)")
    if max_agents < 1:
        raise ValidationError("max_agents must be >= 1")
    a = calls_per_hour * aht_s / 3600
    endless = patience_s is None or math.isinf(patience_s)
    model = "erlang-c" if endless else "erlang-a"

    seen: dict[int, ErlangA] = {}

    def level(n: int) -> ErlangA:
        if n not in seen:       # each N once: the search and the answer below ask again
            seen[n] = erlang_a(n, calls_per_hour, aht_s, None if endless else patience_s, within_s)
        return seen[n]

    # Lower bound: Erlang C needs N > A; with abandonment at most N/A of callers are answered at
    # all, so N < target·A cannot reach the target. The service level rises with N, so bisect.
    lo = int(a) + 1 if endless else max(1, int(target * a))
    if lo > max_agents:
        raise ValidationError(f"even {max_agents} agents do not reach {target:.0%} within {within_s:g} s")
    meets = lambda n: level(n).service_level >= target    # noqa: E731
    hi = 0                                   # 0: not found yet
    if hint is not None and lo < hint <= max_agents:
        # gallop from the guess towards the boundary (steps 1, 2, 4 …), then bisect the last step
        n, step = hint, 1
        if meets(n):
            while True:
                if n == lo:
                    hi = lo
                    break
                m = max(n - step, lo)
                if not meets(m):
                    hi = _bisect(meets, m, n)
                    break
                n, step = m, step * 2
        else:
            while n < max_agents:
                m = min(n + step, max_agents)
                if meets(m):
                    hi = _bisect(meets, n, m)
                    break
                n, step = m, step * 2
            lo = n                            # lo fails: the search below goes on from here
    if not hi and meets(lo):
        hi = lo
    elif not hi:
        step, hi = 1, lo
        while True:
            hi = min(lo + step, max_agents)
            if meets(hi):
                break
            if hi == max_agents:
                raise ValidationError(f"even {max_agents} agents do not reach {target:.0%} within {within_s:g} s")
            lo, step = hi, step * 2
        hi = _bisect(meets, lo, hi)
    r = level(hi)
    return Staffing(hi, a, r.service_level, r.asa, r.abandon_rate, r.p_wait, r.occupancy, model)


# -- many staffing searches at once (the queue-interval report) ------------------------------------
#: ``staffing_many`` trusts its vectorised service level when it is this far from the target;
#: nearer, it asks ``erlang_a`` itself. The two agree to ~1e-12 (tests/unit/test_erlang_many.py).
_MARGIN = 1e-9
#: Rows per numpy batch in ``_levels_a``.
_CHUNK = 512


def _levels_a(ns: list[int], lams: list[float], mus: list[float], thetas: list[float],
              within_s: float) -> list[float | None]:
    """Erlang A service levels for many (N, λ, μ, θ) at once on 2-D numpy arrays (rows ×
    states): the same model as ``erlang_a`` — the birth–death chain, the phases of a caller with
    j ahead, uniformisation — with its own truncations (the chain where a state falls below e^-40
    of the peak, phases once the mass from them on is below 1e-16 or a Chernoff bound puts a
    caller there below 1e-14 of reaching an agent within T, the Poisson terms of the batch's
    longest row), so it agrees with ``erlang_a(...).service_level`` to ~1e-13, not bit for bit.
    Rows sorted by N, ``_CHUNK`` at a time. None where the chain is longer than it goes (N +
    4,096 states): the caller asks ``erlang_a``."""
    import numpy as np

    out: list[float | None] = [None] * len(ns)
    order = sorted(range(len(ns)), key=lambda i: ns[i])
    for c0 in range(0, len(order), _CHUNK):
        idx = order[c0:c0 + _CHUNK]
        N = np.array([ns[i] for i in idx], dtype=np.int64)
        lam = np.array([lams[i] for i in idx])
        mu = np.array([mus[i] for i in idx])
        th = np.array([thetas[i] for i in idx])
        extra = 64
        while True:
            L = int(N.max()) + extra
            n = np.arange(1, L)
            death = np.minimum(n[None, :], N[:, None]) * mu[:, None] + np.maximum(n[None, :] - N[:, None], 0) * th[:, None]
            logs = np.concatenate([np.zeros((len(idx), 1)), np.cumsum(np.log(lam)[:, None] - np.log(death), axis=1)], axis=1)
            top = logs.max(axis=1)
            # beyond the mode the terms fall; the chain is long enough when its last state is negligible
            done = (logs[:, -1] - top < -40) & (logs[:, -1] < logs[:, -2])
            if done.all() or extra >= 4096:
                break
            extra *= 4
        p = np.exp(logs - top[:, None])
        p /= p.sum(axis=1, keepdims=True)
        rows = np.arange(len(idx))
        cols = np.arange(L)
        below = (cols[None, :] < N[:, None])
        sl = (p * below).sum(axis=1)
        if within_s > 0:
            # phases j = 0 … J-1 of a caller finding j ahead: p[N + j], rate r_j = Nμ + jθ
            jc = L - int(N.min())
            j = np.arange(jc)
            src = N[:, None] + j[None, :]
            pj = np.where(src < L, p[rows[:, None], np.minimum(src, L - 1)], 0.0)
            r = N[:, None] * mu[:, None] + j[None, :] * th[:, None]
            m, k = r * within_s, j[None, :] + 1.0
            # Chernoff: P(Poisson(m) >= k) <= e^-m (e·m/k)^k for k > m; phases below 1e-14 cannot matter
            with np.errstate(divide="ignore"):
                chern = np.where(k > m, -m + k * (1 + np.log(m) - np.log(k)), 0.0)
            # a phase is dead when the mass from it on is below 1e-16, or a caller there cannot
            # be reached within T but with chance < 1e-14; phases feed only later ones, so each
            # row keeps its phases up to its first dead one
            suffix = np.cumsum(pj[:, ::-1], axis=1)[:, ::-1]
            dead = (suffix < 1e-16) | ((k > m) & (chern < math.log(1e-14)))
            first_dead = np.where(dead.any(axis=1), dead.argmax(axis=1), jc)
            jn = int(first_dead.max())
            if jn > 0:
                live = j[None, :jn] < first_dead[:, None]
                r, pj = r[:, :jn], pj[:, :jn]
                big = N * mu + np.maximum(first_dead, 1) * th        # >= every live r_j + θ
                stay = np.where(live, 1 - (r + th[:, None]) / big[:, None], 0.0)
                down = np.where(live, r / big[:, None], 0.0)
                lt = big * within_s
                terms = int((lt + 12 * np.sqrt(lt) + 30).max())
                steps = np.arange(terms + 1)
                lg = np.array([math.lgamma(s + 1) for s in steps])
                w = np.exp(-lt[:, None] + steps[None, :] * np.log(lt)[:, None] - lg[None, :])
                tail = np.maximum(0.0, 1.0 - w.sum(axis=1))
                f = np.zeros_like(stay)
                acc = np.zeros_like(stay)
                d0 = down[:, 0]
                dn_tail = down[:, 1:]
                for s in range(1, terms + 1):
                    g = stay * f
                    g[:, 1:] += dn_tail * f[:, :-1]
                    g[:, 0] += d0
                    f = g
                    acc += w[:, s, None] * f
                within = np.minimum(1.0, acc + tail[:, None] * f) * live
                sl = sl + (pj * within).sum(axis=1)
        ok = (logs[:, -1] - top < -40)
        for pos, i in enumerate(idx):
            out[i] = float(sl[pos]) if ok[pos] else None
    return out


def staffing_many(rows: list[tuple[float, float, float | None, int | None]], target: float, within_s: float,
                  max_agents: int = 2000) -> list[int | None]:
    """``staffing(cph, aht, target, within_s, patience, max_agents, hint).agents`` for each
    (cph, aht, patience, hint) row, None where ``staffing`` raises ValidationError — the same
    answers (tests/unit/test_erlang_many.py), the Erlang A searches run side by side: each round
    evaluates every open search's next agent counts in one ``_levels_a`` batch, and a level
    within ``_MARGIN`` of the target is decided by ``erlang_a`` itself. Erlang C rows (patience
    None/inf) are ``staffing`` one by one (cheap). Never blocks."""
    res: list[int | None] = [None] * len(rows)

    def one(cph: float, aht: float, pat: float | None, hint: int | None) -> int | None:
        try:
            return staffing(cph, aht, target, within_s, pat, max_agents, hint).agents
        except ValidationError:
            return None

    if not 0 < target < 1 or max_agents < 1:
        return res
    # each Erlang A search: [fail, meet, step, bracketed] — fail: the most agents known to miss
    # the target (lo - 1 before any: staffing never asks below lo); meet: the fewest known to
    # reach it (None: none yet); bracketed: fail was evaluated (so bisect between them)
    open_: dict[int, list] = {}
    guess: dict[int, int] = {}
    for i, (cph, aht, pat, hint) in enumerate(rows):
        if pat is None or math.isinf(pat):
            res[i] = one(cph, aht, pat, hint)
            continue
        try:
            _check(cph, aht, within_s, pat)
        except ValidationError:
            continue
        lo = max(1, int(target * (cph * aht / 3600)))
        if lo > max_agents:
            continue
        guess[i] = hint if hint is not None and lo < hint <= max_agents else lo
        open_[i] = [lo - 1, None, 1, False]
    first = True
    while open_:
        asks: list[tuple[int, int]] = []
        for i, (fail, meet, step, bracketed) in open_.items():
            if first:                           # the guess and one below: most searches end here
                cands = [x for x in (guess[i] - 1, guess[i]) if fail < x]
            elif meet is None:                  # gallop up
                cands = [min(fail + step, max_agents)]
            elif not bracketed:                 # gallop down
                cands = [max(meet - step, fail + 1)]
            else:
                cands = [(fail + meet) // 2]
            asks += [(i, x) for x in cands]
        first = False
        levels = _levels_a([x for _, x in asks], [rows[i][0] / 3600 for i, _ in asks],
                           [1 / rows[i][1] for i, _ in asks], [1 / rows[i][2] for i, _ in asks],  # type: ignore[operator]
                           within_s)
        for (i, x), lv in zip(asks, levels):
            cph, aht, pat, _ = rows[i]
            if lv is None or abs(lv - target) <= _MARGIN:
                lv = erlang_a(x, cph, aht, pat, within_s).service_level
            st = open_[i]
            if lv >= target:
                if st[1] is None or x < st[1]:
                    st[1] = x
            elif x > st[0]:
                st[0], st[3] = x, True
        for i in list(open_):
            st = open_[i]
            fail, meet = st[0], st[1]
            if meet is not None and meet - fail <= 1:
                res[i] = meet
                del open_[i]
            elif meet is None and fail >= max_agents:
                del open_[i]                    # even max_agents do not reach the target
            else:
                st[2] *= 2
    return res
