"""``hotline qa cards|sample|calibrate|queue|list|score|show|appeal|decide|report``: quality
inspection (质检) from the shell, with the console's permissions and audit (docs/qa.md).

Item marks are ``KIND.ITEM=LEVEL[:COMMENT]`` (``call.patience=partial:打断市民``), LEVEL one of
full, partial, none, na.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import click

from ..access import mask_phone
from ..clock import SITE_TZ, SystemClock
from ..errors import ValidationError
from ..qa.factory import qa_service
from ..qa.ports import Evaluation
from . import ranges
from .common import as_option, echo, emit_json, one_line_errors, wiring

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
mark_option = click.option("--mark", "marks", multiple=True, metavar="KIND.ITEM=LEVEL[:COMMENT]",
                           help="An item's level (and the comment a deduction needs); repeatable.")


def _service():
    w = wiring()
    store = w.open_store()
    svc = qa_service(store, w.config_dir, SystemClock())
    return svc, svc.access.user(w.as_user)


def parse_marks(marks: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, str]]:
    """``("call.tone=partial:语调生硬",)`` -> {("call", "tone"): ("partial", "语调生硬")}. Raises ValidationError."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for m in marks:
        key, sep, rest = m.partition("=")
        kind, dot, item = key.strip().partition(".")
        if not (sep and dot and kind and item):
            raise ValidationError(f"--mark {m!r}: expected KIND.ITEM=LEVEL[:COMMENT], e.g. call.tone=partial:语调生硬")
        level, _, comment = rest.partition(":")
        out[(kind, item.strip())] = (level.strip(), comment.strip())
    return out


def _when(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, SITE_TZ).strftime("%m-%d %H:%M") if epoch else "—"


def _row(e: Evaluation, viewer) -> dict:
    d = asdict(e)
    d["call"] = {**e.call, "caller_number": mask_phone(str(e.call.get("caller_number", "")), viewer)}
    return d


def _line(e: Evaluation) -> str:
    score = "—" if e.score is None else f"{e.score:5.1f}"
    return (f"{e.id:>6}  {e.period}  {e.state:<9} agent {e.agent:<6} {e.inspector:<8} {score}  "
            f"{_when(e.call.get('answered_at'))}  {e.call_key}  {e.ticket_serial or '—'}  {e.stratum}"
            f"{'  (calibration)' if e.purpose == 'calibration' else ''}")


@click.group()
def qa():
    """Quality inspection (质检): scorecards, sampling, scoring, appeals, figures."""


@qa.command("cards")
@json_option
@as_option
@one_line_errors
def cards(as_json: bool) -> None:
    """The scorecards of qa.yaml, stored under their versions (a changed card needs a new version)."""
    svc, user = _service()
    stored = svc.sync_cards(user)
    if as_json:
        emit_json({n: {**svc.settings.cards[n].model_dump(mode="json"), "stored_now": new} for n, _v, new in stored})
        return
    for name, version, new in stored:
        c = svc.settings.cards[name]
        echo(f"{name} ({c.kind}) {c.label} version {version}{' (stored now)' if new else ''}")
        for s in c.sections:
            echo(f"  {s.label}{' [attitude]' if s.attitude else ''}")
            for i in s.items:
                flags = "".join((" critical" if i.critical else "", " optional" if i.optional else "",
                                 f" prefill:{i.prefill}" if i.prefill else ""))
                echo(f"    {i.code:<18} {i.label:<12} {i.points:>3} / {i.partial:>2} / 0{flags}")
        for f in c.fatal:
            echo(f"  fatal {f.code:<14} {f.label}")


@qa.command("sample")
@click.argument("period")
@json_option
@as_option
@one_line_errors
def sample(period: str, as_json: bool) -> None:
    """Sample PERIOD (YYYY-MM) by the policy in qa.yaml; a month sampled again adds nothing."""
    svc, user = _service()
    added = svc.sample(user, period)
    if as_json:
        emit_json([_row(e, user) for e in added])
        return
    for e in added:
        echo(_line(e))
    echo(f"{len(added)} evaluation(s) added for {period}", err=True)


@qa.command("calibrate")
@click.argument("evaluation_id", type=ranges.ROW_ID)
@click.option("--inspector", "inspectors", multiple=True, required=True, help="Another inspector; repeatable.")
@json_option
@as_option
@one_line_errors
def calibrate(evaluation_id: int, inspectors: tuple[str, ...], as_json: bool) -> None:
    """Have other inspectors score the same call (校准); the spread is in ``qa report``."""
    svc, user = _service()
    added = svc.calibrate(user, evaluation_id, list(inspectors))
    if as_json:
        emit_json([_row(e, user) for e in added])
        return
    for e in added:
        echo(_line(e))
    echo(f"{len(added)} calibration evaluation(s) added", err=True)


@qa.command("queue")
@json_option
@as_option
@one_line_errors
def queue(as_json: bool) -> None:
    """The acting inspector's evaluations still to score."""
    svc, user = _service()
    evs = svc.queue(user)
    if as_json:
        emit_json([_row(e, user) for e in evs])
        return
    for e in evs:
        echo(_line(e))
    echo(f"{len(evs)} to score", err=True)


@qa.command("list")
@click.option("--period", help="YYYY-MM")
@click.option("--agent", help="An agent (QA staff and leads; an agent sees only their own).")
@json_option
@as_option
@one_line_errors
def list_(period: str | None, agent: str | None, as_json: bool) -> None:
    """Evaluations the acting user may see."""
    svc, user = _service()
    evs = svc.visible(user, period=period, agent=agent)
    if as_json:
        emit_json([_row(e, user) for e in evs])
        return
    for e in evs:
        echo(_line(e))
    echo(f"{len(evs)} evaluation(s)", err=True)


@qa.command("show")
@click.argument("evaluation_id", type=ranges.ROW_ID)
@json_option
@as_option
@one_line_errors
def show(evaluation_id: int, as_json: bool) -> None:
    """One evaluation: the call (recording id), the ticket, every item with its pre-fill evidence."""
    svc, user = _service()
    e = svc.get(user, evaluation_id)
    ap = svc.appeal_of(user, evaluation_id)
    if as_json:
        emit_json({**_row(e, user), "appeal": asdict(ap) if ap else None})
        return
    echo(_line(e))
    c = e.call
    echo(f"call {e.call_key}  recording {c.get('recording_id') or '—'}  queue {c.get('queue')}  "
         f"caller {mask_phone(str(c.get('caller_number', '')), user)}  answered {_when(c.get('answered_at'))}  "
         f"talk {c.get('talk_s', 0):.0f} s")
    t = svc.ticket(user, e)
    if t is not None:
        echo(f"ticket {t.serial}  {t.category}/{t.subcategory or '—'}  {t.state}  dept {t.department or '—'}  "
             f"district {t.district or '—'}  address {t.address or '—'}")
    for kind, name, version in (("call", e.call_card, e.call_card_version), ("ticket", e.ticket_card,
                                                                             e.ticket_card_version)):
        if not name:
            continue
        card = svc.card(name, version)
        echo(f"{kind} card {name} v{version}" + ("" if e.score is None else
                                                  f": {e.call_score if kind == 'call' else e.ticket_score}"))
        for s, i in card.items():
            m = e.marks.get(kind, {}).get(i.code) or e.prefill.get(kind, {}).get(i.code)
            level = m["level"] if m else "—"
            note = (m.get("comment") or m.get("evidence") or "") if m else ""
            echo(f"  {s.label:<6} {i.code:<18} {i.label:<10} {level:<8} {note}")
    if e.fatal:
        echo(f"fatal: {', '.join(e.fatal)}")
    if ap:
        echo(f"appeal by {ap.agent_user} {_when(ap.at)}: {ap.reason}")
        if ap.decision:
            echo(f"decision {ap.decision} by {ap.decided_by} {_when(ap.decided_at)}: {ap.note} "
                 f"({ap.score_before} → {ap.score_after})")


@qa.command("score")
@click.argument("evaluation_id", type=ranges.ROW_ID)
@mark_option
@click.option("--fatal", "fatal", multiple=True, help="A fatal check that applies (zeroes the evaluation).")
@click.option("--expect-version", "expected", type=ranges.VERSION, help="Fail unless still at this version.")
@json_option
@as_option
@one_line_errors
def score(evaluation_id: int, marks: tuple[str, ...], fatal: tuple[str, ...], expected: int | None,
          as_json: bool) -> None:
    """Score and submit (locked from here). Pre-fills are kept unless marked; other items full."""
    svc, user = _service()
    e = svc.score(user, evaluation_id, parse_marks(marks), list(fatal), expected_version=expected)
    if as_json:
        emit_json(_row(e, user))
    else:
        echo(f"evaluation {e.id} submitted: {e.score} (call {e.call_score}, ticket {e.ticket_score if e.ticket_card else '—'})")


@qa.command("appeal")
@click.argument("evaluation_id", type=ranges.ROW_ID)
@click.option("--reason", required=True, help="Why the score is wrong.")
@json_option
@as_option
@one_line_errors
def appeal(evaluation_id: int, reason: str, as_json: bool) -> None:
    """Appeal one's own submitted evaluation (once)."""
    svc, user = _service()
    ap = svc.appeal(user, evaluation_id, reason)
    if as_json:
        emit_json(asdict(ap))
    else:
        echo(f"evaluation {evaluation_id} appealed")


@qa.command("decide")
@click.argument("evaluation_id", type=ranges.ROW_ID)
@click.argument("decision", type=click.Choice(["upheld", "rejected"]))
@click.option("--note", required=True, help="The decision's reason.")
@mark_option
@click.option("--fatal", "fatal", multiple=True, help="With upheld: the fatal checks that still apply.")
@click.option("--clear-fatal", is_flag=True, help="With upheld: no fatal check applies.")
@json_option
@as_option
@one_line_errors
def decide(evaluation_id: int, decision: str, note: str, marks: tuple[str, ...], fatal: tuple[str, ...],
           clear_fatal: bool, as_json: bool) -> None:
    """Decide an appeal (team lead of the agent's team, or QA lead); upheld re-scores with --mark."""
    svc, user = _service()
    fat = [] if clear_fatal else (list(fatal) if fatal else None)
    e = svc.decide(user, evaluation_id, decision, note, parse_marks(marks), fat)
    if as_json:
        emit_json(_row(e, user))
    else:
        echo(f"evaluation {e.id}: appeal {decision}, score {e.score}")


def figures_json(f) -> dict:
    return asdict(f)


def figures_text(f) -> list[str]:
    pct = "—" if f.attitude_rate is None else f"{100 * f.attitude_rate:.1f}%"
    out = [f"QA {f.period}: {f.evaluated} evaluated, mean score {f.mean_score if f.mean_score is not None else '—'}, "
           f"service attitude {pct} ({f.attitude_ok}/{f.evaluated})"]
    for title, groups in (("agent", f.by_agent), ("team", f.by_team), ("month", f.by_month)):
        out.append(f"by {title}:")
        out += [f"  {g.key:<12} {g.evaluated:>4}  {g.mean_score}" for g in groups]
    out.append("item deductions (points lost, evaluations):")
    out += [f"  {d.kind:<6} {d.item:<18} {d.label:<10} {d.points_lost:>7.1f} {d.evaluations:>4}" for d in f.deductions]
    spread = "—" if f.calibration_spread is None else f"{f.calibration_spread}"
    out.append(f"calibration: {len(f.calibration)} call(s) scored by several inspectors, mean spread {spread}")
    out += [f"  {c.call_key:<16} spread {c.spread:>5.1f}  " + ", ".join(f"{k} {v}" for k, v in sorted(c.scores.items()))
            for c in f.calibration]
    if f.inspector_bias:
        out.append("  inspector vs call mean: " + ", ".join(f"{k} {v:+.1f}" for k, v in f.inspector_bias.items()))
    return out


@qa.command("report")
@click.option("--period", help="YYYY-MM (default: every month).")
@click.option("--team", help="One team.")
@click.option("--agent", help="One agent.")
@json_option
@as_option
@one_line_errors
def report(period: str | None, team: str | None, agent: str | None, as_json: bool) -> None:
    """The QA figures: score per agent, team and month, item deductions, service-attitude rate,
    calibration spread (docs/kpi.md)."""
    svc, user = _service()
    f = svc.figures(user, period, team=team, agent=agent)
    if as_json:
        emit_json(figures_json(f))
        return
    for line in figures_text(f):
        echo(line)
