"""``hotline tickets …`` and ``hotline callers …``: the ticket life cycle from the shell."""

from __future__ import annotations

import click

from ..clock import parse_time
from ..text import terminal_safe
from ..tickets.factory import ticket_service
from ..tickets.service import Intake
from . import ranges
from .common import as_option, echo, emit_json, one_line_errors, wiring


def _svc():
    w = wiring()
    store = w.open_store()
    return ticket_service(store, w.config_dir), w


def _user(svc, w):
    return svc.access.user(w.as_user)


def _at(value):
    return parse_time(value) if value else None


def _line(t, light: str = "") -> str:
    due = t.current_due.strftime("%m-%d %H:%M") if t.current_due else "—"
    text = terminal_safe(t.content)
    text = text if len(text) <= 40 else text[:39] + "…"
    lamp = {"red": "RED", "yellow": "YEL", "green": "GRN"}.get(light, "")
    return f"{t.serial}  {lamp:3}  {t.state:<19} {t.category:<11} {t.department or '—':<6} due {due}  {terminal_safe(t.caller_phone)}  {text}"


def _show(svc, w, t, as_json: bool) -> None:
    if as_json:
        emit_json(t.snapshot())
    else:
        echo(_line(t, svc.light(t)))


at_option = click.option("--at", "at", help="When it happened (ISO time), for work entered later.")
version_option = click.option("--expect-version", "expected", type=ranges.VERSION, help="Fail with a conflict unless the ticket is still at this version.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group()
def tickets():
    """Tickets (工单): register, dispatch, follow up, close."""


@tickets.command("new")
@click.option("--phone", required=True)
@click.option("--content", required=True)
@click.option("--category", required=True)
@click.option("--channel", default="phone", show_default=True)
@click.option("--name", default="")
@click.option("--address", default="")
@click.option("--district", default="")
@click.option("--subcategory", default="")
@click.option("--urgency", default="normal", show_default=True)
@click.option("--call-id", default="")
@click.option("--recording-id", default="")
@click.option("--remind-at", default=None, help="Reminder time for a to-do ticket.")
@at_option
@json_option
@as_option
@one_line_errors
def new(phone, content, category, channel, name, address, district, subcategory, urgency, call_id, recording_id,
        remind_at, at, as_json):
    """Register a ticket (受理)."""
    svc, w = _svc()
    t = svc.register(_user(svc, w), Intake(channel, phone, content, category, name, address, district, subcategory,
                                           urgency, call_id, recording_id, _at(remind_at)), at=_at(at))
    _show(svc, w, t, as_json)


@tickets.command("show")
@click.argument("serial")
@json_option
@as_option
@one_line_errors
def show(serial, as_json):
    """A ticket with its notes, links and audit trail."""
    svc, w = _svc()
    u = _user(svc, w)
    t = svc.get(u, serial)
    notes, trail, links = svc.notes(u, serial), svc.history(u, serial), svc.links(u, serial)
    if as_json:
        emit_json({"ticket": t.snapshot(), "light": svc.light(t),
                   "notes": [{"kind": n.kind, "at": n.at, "actor": n.actor, "text": n.text} for n in notes],
                   "links": [{"serial": s, "kind": k} for s, k in links],
                   "audit": [{"at": e.at, "recorded_at": e.recorded_at, "actor": e.actor, "action": e.action}
                             for e in trail]})
        return
    for key in ("serial", "state", "channel", "caller_phone", "caller_name", "address", "district", "category",
                "subcategory", "urgency", "department", "current_due", "urges", "returns", "extensions", "version"):
        echo(f"{key:>14}: {terminal_safe(getattr(t, key))}")
    echo(f"{'light':>14}: {svc.light(t)}")
    echo(f"{'content':>14}: {terminal_safe(t.content)}")
    for n in notes:
        echo(f"  note {n.at:%Y-%m-%d %H:%M} {n.actor} {n.kind}: {terminal_safe(n.text)}")
    for e in trail:
        echo(f"  audit {e.at:%Y-%m-%d %H:%M} {e.actor} {e.action}")


@tickets.command("list")
@click.option("--state")
@click.option("--department")
@click.option("--category")
@click.option("--phone")
@click.option("--text", help="Find tickets whose content, caller name or address contains this text (case and width folded).")
@click.option("--limit", type=ranges.LIMIT, default=50, show_default=True)
@click.option("--offset", type=ranges.OFFSET, default=0)
@json_option
@as_option
@one_line_errors
def list_(state, department, category, phone, text, limit, offset, as_json):
    """Tickets, newest first, filtered by any field."""
    svc, w = _svc()
    rows = svc.search(_user(svc, w), state=state, department=department, category=category, phone=phone, text=text,
                      limit=limit, offset=offset)
    if as_json:
        emit_json([t.snapshot() for t in rows])
    else:
        for t in rows:
            echo(_line(t, svc.light(t)))


@tickets.command("overdue")
@click.option("--light", type=click.Choice(["red", "yellow"]))
@click.option("--department")
@click.option("--category")
@click.option("--limit", type=ranges.LIMIT, default=50, show_default=True)
@click.option("--offset", type=ranges.OFFSET, default=0)
@json_option
@as_option
@one_line_errors
def overdue(light, department, category, limit, offset, as_json):
    """Red (past due) and yellow (near due) tickets, most overdue first."""
    svc, w = _svc()
    rows = svc.overdue(_user(svc, w), light=light, department=department, category=category, limit=limit, offset=offset)
    if as_json:
        emit_json([dict(t.snapshot(), light=lamp) for t, lamp in rows])
    else:
        for t, lamp in rows:
            echo(_line(t, lamp))


def _action(name: str, method: str, *params, help_: str, arg_builder):
    """Define ``hotline tickets <name> SERIAL …`` calling TicketService.<method>."""

    @tickets.command(name, help=help_)
    @click.argument("serial")
    @at_option
    @json_option
    @as_option
    @one_line_errors
    def cmd(serial, at, as_json, **kw):
        svc, w = _svc()
        args, kwargs = arg_builder(**kw)
        if method not in ("link", "merge", "supplement"):
            kwargs["expected_version"] = kw.get("expected")
        t = getattr(svc, method)(_user(svc, w), serial, *args, at=_at(at), **kwargs)
        _show(svc, w, t, as_json)

    for p in reversed(params):
        cmd = p(cmd)
    return cmd


_action("answer", "answer", click.option("--text", required=True), version_option,
        help_="Answer on the spot and close (当即答复结案).", arg_builder=lambda text, expected: ((text,), {}))
_action("triage", "triage", click.option("--category"), click.option("--subcategory"), click.option("--urgency"),
        version_option, help_="Classify (分理).",
        arg_builder=lambda category, subcategory, urgency, expected: ((), dict(category=category, subcategory=subcategory, urgency=urgency)))
_action("dispatch", "dispatch", click.option("--department", required=True),
        click.option("--co", multiple=True, help="Co-handling department (协办); repeatable."), click.option("--note", default=""),
        version_option, help_="Dispatch to a department (派单).",
        arg_builder=lambda department, co, note, expected: ((department,), dict(co_departments=co, note=note)))
_action("ack", "acknowledge", version_option, help_="Department acknowledges (签收).",
        arg_builder=lambda expected: ((), {}))
_action("return", "return_ticket", click.option("--reason", required=True), version_option,
        help_="Department returns a ticket that is not theirs (退单).", arg_builder=lambda reason, expected: ((reason,), {}))
_action("redispatch", "redispatch", click.option("--department", required=True), version_option,
        help_="Accept a return and dispatch elsewhere.", arg_builder=lambda department, expected: ((department,), {}))
_action("reject-return", "reject_return", click.option("--note", default=""), version_option,
        help_="Wrong return: back to the same department (counted).", arg_builder=lambda note, expected: ((note,), {}))
_action("extend", "request_extension", click.option("--working-days", type=ranges.WORKING_DAYS, required=True),
        click.option("--reason", required=True), version_option, help_="Department requests an extension (延期).",
        arg_builder=lambda working_days, reason, expected: ((working_days, reason), {}))
_action("approve-extension", "approve_extension", click.option("--note", default=""), version_option,
        help_="Approve the extension: the deadline moves.", arg_builder=lambda note, expected: ((), dict(note=note)))
_action("refuse-extension", "refuse_extension", click.option("--note", default=""), version_option,
        help_="Refuse the extension: the deadline stays.", arg_builder=lambda note, expected: ((), dict(note=note)))
_action("pause", "pause", click.option("--reason", required=True), version_option,
        help_="Wait for the citizen's supplement (the clock stops).", arg_builder=lambda reason, expected: ((reason,), {}))
_action("resume", "resume", version_option, help_="The supplement arrived: the clock runs again.",
        arg_builder=lambda expected: ((), {}))
_action("reply", "reply", click.option("--text", required=True), version_option,
        help_="Department replies with the result (回单).", arg_builder=lambda text, expected: ((text,), {}))
_action("review", "review_reply", click.option("--accept/--send-back", required=True), click.option("--note", default=""),
        version_option, help_="Review the department's reply (回单审核).",
        arg_builder=lambda accept, note, expected: ((accept, note), {}))
_action("callback", "callback", click.option("--handler", type=click.Choice(["satisfied", "unsatisfied", "unconfirmed"]), required=True),
        click.option("--result", type=click.Choice(["satisfied", "unsatisfied", "unconfirmed"]), required=True),
        click.option("--note", default=""), version_option, help_="Record the callback to the citizen (回访).",
        arg_builder=lambda handler, result, note, expected: ((handler, result, note), {}))
_action("reopen", "reopen", click.option("--reason", required=True), version_option, help_="Reopen (重办).",
        arg_builder=lambda reason, expected: ((reason,), {}))
_action("archive", "archive", click.option("--responsibility", type=click.Choice(["at_fault", "not_at_fault"])),
        click.option("--unit", default=""), click.option("--reason", default=""), version_option,
        help_="Archive with the responsibility judgement (归档).",
        arg_builder=lambda responsibility, unit, reason, expected: ((), dict(responsibility=responsibility or "", unit=unit, reason=reason)))
_action("urge", "urge", click.option("--note", default=""),
        click.option("--channel", type=click.Choice(["message", "phone", "sms"]), default="message", show_default=True),
        version_option, help_="Urge the department (催办).", arg_builder=lambda note, channel, expected: ((note, channel), {}))
_action("link", "link", click.option("--to", "other", required=True), help_="Link a related ticket (案件关联).",
        arg_builder=lambda other: ((other,), {}))
_action("merge", "merge", click.option("--into", required=True), help_="Merge a repeat request into a ticket (并单).",
        arg_builder=lambda into: ((into,), {}))
_action("supplement", "supplement", click.option("--text", required=True), help_="Add information, also after closure (补填).",
        arg_builder=lambda text: ((text,), {}))


@tickets.command("escalate")
@click.option("--limit", type=ranges.LIMIT, default=1000, show_default=True)
@click.option("--wait", "wait_s", type=ranges.SECONDS, default=60.0, show_default=True,
              help="Seconds to wait as a standby while another run holds the escalation lease.")
@click.option("--lease-ttl", "lease_ttl", type=ranges.POSITIVE_SECONDS, default=15.0, show_default=True,
              help="Seconds the lease lasts unless renewed (a standby takes over this long after a crash).")
@json_option
@as_option
@one_line_errors
def escalate(limit, wait_s, lease_ttl, as_json):
    """Take the escalation steps now due (预警, 超期, 自动催办, 督办); for cron. One run at a
    time per site: the run holds the ``tickets.escalate`` lease (docs/operations.md)."""
    from ..errors import HotlineError
    from ..lease import Lease

    w = wiring()
    store = w.open_store()
    svc = ticket_service(store, w.config_dir)
    user = _user(svc, w)
    # only the standby's lines: a run that gets the lease at once says nothing (cron mails stderr)
    lease = Lease(store.leases, "tickets.escalate", ttl_s=lease_ttl,
                  log=lambda line: None if " held by " + lease.holder in line else echo(line, err=True))
    if not lease.acquire(timeout=wait_s):
        raise HotlineError(f"tickets escalate: another run still holds the escalation lease after {wait_s:g} s")
    try:
        taken = svc.escalate(user, limit=limit)
    finally:
        lease.release()
    if as_json:
        emit_json([{"serial": s, "step": n} for s, n in taken])
    else:
        for s, n in taken:
            echo(f"{s}  {n}")
        echo(f"{len(taken)} step(s) taken", err=True)


@tickets.command("watch")
@click.option("--since", "since", type=ranges.OFFSET, default=None,
              help="Print the changes after this sequence number first (0: the whole feed); default: from now.")
@click.option("--once", is_flag=True, help="Print what is there and exit instead of waiting for more.")
@click.option("--for", "seconds", type=ranges.SECONDS, default=None, help="Stop after this many seconds.")
@json_option
@as_option
@one_line_errors
def watch(since, once, seconds, as_json):
    """The ticket change feed as it grows: one line (or JSON object) per change — sequence,
    serial, kind, time — for scripts and integrations. Remember the last sequence and pass it
    as --since next time: nothing is missed across restarts."""
    import time

    svc, w = _svc()
    svc.access.require(_user(svc, w), "tickets.read", "watch the ticket changes")
    feed = w.open_store().feed
    seq = feed.head() if since is None else since
    end = None if seconds is None else time.monotonic() + seconds
    from ..errors import StoreError, one_line

    down = False
    try:
        while True:
            try:
                changes = feed.since(seq)
                if down:
                    echo("tickets watch: store back", err=True)
                    down = False
                for change in changes:
                    seq = change.seq
                    if as_json:
                        emit_json(change.as_json())
                    else:
                        echo(f"{change.seq:>8}  {change.serial}  {change.kind:<24} {change.at:%Y-%m-%d %H:%M:%S}")
                if once or (end is not None and time.monotonic() >= end):
                    return
                feed.wait(seq, 1.0 if end is None else max(0.0, min(1.0, end - time.monotonic())))
            except StoreError as exc:
                # a long-running watcher outlives an outage (issue 21): say so once, retry; the
                # next read goes on from the last sequence printed, so nothing is missed
                if once or (end is not None and time.monotonic() >= end):
                    raise
                if not down:
                    echo(one_line(f"tickets watch: {exc}; retrying"), err=True)
                    down = True
                time.sleep(1.0)
    except KeyboardInterrupt:
        return
    finally:
        feed.close()


@click.group()
def callers():
    """Callers: history by phone number and caller classes (来电历史 / 来电客户分类)."""


@callers.command("show")
@click.argument("phone")
@json_option
@as_option
@one_line_errors
def callers_show(phone, as_json):
    svc, w = _svc()
    caller, history = svc.caller(_user(svc, w), phone)
    if as_json:
        emit_json({"phone": caller.phone, "name": caller.name, "class": caller.caller_class, "note": caller.note,
                   "tickets": [t.snapshot() for t in history]})
        return
    echo(f"{terminal_safe(caller.phone)}  {terminal_safe(caller.name)}  class: {caller.caller_class or '—'}")
    for t in history:
        echo("  " + _line(t, svc.light(t)))


@callers.command("classify")
@click.argument("phone")
@click.option("--class", "caller_class", required=True, help="elderly, vip, important, blacklist, or '' to clear.")
@click.option("--name", default="")
@click.option("--note", default="")
@json_option
@as_option
@one_line_errors
def callers_classify(phone, caller_class, name, note, as_json):
    svc, w = _svc()
    c = svc.classify_caller(_user(svc, w), phone, caller_class, name=name, note=note)
    if as_json:
        emit_json(c.__dict__)
    else:
        echo(f"{terminal_safe(c.phone)} is now {c.caller_class or 'unclassified'}")
