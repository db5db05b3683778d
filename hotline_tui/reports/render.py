"""Writing a report: json, md, csv and html (inline SVG bars), the same bytes for the same data.

A report's data (``call_loss.call_loss`` / ``handover.handover``) is first laid out as
``Section``s — a title, column names, rows of plain cells — which every text form prints; the
chart is the half-hour (or day) counts. Nothing here reads a clock: a time in the output comes
from the data. Text from callers and leads is escaped for each form (HTML, Markdown pipes); the
txt form is drawn by ``hotline_tui.cli.report_txt`` (Rich). Never blocks.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass, field
from typing import Any

from ..text import terminal_safe


@dataclass
class Section:
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass
class Bar:
    label: str
    offered: int
    answered: int
    abandoned: int


@dataclass
class Layout:
    title: str
    subtitle: str
    sections: list[Section]
    bars: list[Bar]
    main: int = 0          # the section ``csv`` writes


def pct(r: dict[str, Any] | None) -> str:
    """A rate object as text: '87.5 % (7/8)', '—' when the denominator is 0."""
    if not r or r.get("value") is None:
        return "—"
    return f"{r['value'] * 100:.1f} % ({_n(r['numerator'])}/{_n(r['denominator'])})"


def pct_short(r: dict[str, Any] | None) -> str:
    """A rate object as a bare percentage ('28.6%'), for wide tables; '—' when undefined."""
    if not r or r.get("value") is None:
        return "—"
    return f"{r['value'] * 100:.1f}%"


def secs(r: dict[str, Any] | None) -> str:
    if not r or r.get("value") is None:
        return "—"
    return f"{r['value']:.1f} s"


def _n(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _hhmm(iso: str) -> str:
    return iso[11:16] if iso[11:16] != "00:00" or len(iso) < 16 else iso[5:10]


def _fig_rows(name: str, f: dict[str, Any]) -> list[str]:
    return [name, str(f["offered"]), str(f["answered"]), f"{f['abandoned']} ({f['short_abandoned']})",
            pct(f["service_level"]), pct(f["answer_rate"]), pct(f["abandon_rate"]), secs(f["asa_s"]), secs(f["aht_s"])]


_FIG_COLS = ["", "offered", "answered", "abandoned (short)", "SL", "answer rate", "abandon rate", "ASA", "AHT"]


def layout_call_loss(d: dict[str, Any]) -> Layout:
    bands = d["definitions"]["wait_bands"]
    secs_ = [Section("Totals", _FIG_COLS, [_fig_rows("all", d["total"])]
                     + [_fig_rows(q, f) for q, f in d["queues"].items()])]
    cols = ["from", "offered", "answered", "abandoned", *bands, "timeout", "no_agent", "exit_key", "transferred",
            "answer", "abandon"]
    rows = []
    for r in [*d["rows"], {"from": "total", **d["total"]}]:
        rows.append([r["from"] if r["from"] == "total" else _hhmm(r["from"]) if d["by"] == "half-hour" else r["from"][:10],
                     str(r["offered"]), str(r["answered"]), str(r["abandoned"]),
                     *(str(r["abandoned_by_wait"][b]) for b in bands), *(str(v) for v in r["not_answered"].values()),
                     pct_short(r["answer_rate"]), pct_short(r["abandon_rate"])])
    secs_.append(Section(f"By {d['by']} (abandoned by wait)", cols, rows))
    secs_.append(Section("Definitions", lines=[d["definitions"]["service_level"], "abandon rate = " + d["definitions"]["abandon_rate"],
                                              "wait band: " + d["definitions"]["wait_band_rule"]]))
    bars = [Bar(_hhmm(r["from"]) if d["by"] == "half-hour" else r["from"][:10], r["offered"], r["answered"], r["abandoned"])
            for r in d["rows"]]
    q = f", queue {d['queue']}" if d.get("queue") else ""
    return Layout("Call loss (呼损)", _span(d["period"]) + q, secs_, bars)


def _clock(iso: str) -> str:
    return iso[5:16].replace("T", " ")         # MM-DD HH:MM, site time


def _span(p: dict[str, str]) -> str:
    s = f"{p['from'][:16].replace('T', ' ')} – {p['to'][:16].replace('T', ' ')}"
    return f"{p['shift_date']} {p['shift']}  {s}" if p.get("shift") else s


def _cell(key: str, v: Any) -> str:
    if v is None or v == "":
        return "—"
    if key in ("due", "abandoned_at", "left_at"):
        return str(v)[5:16].replace("T", " ")    # MM-DD HH:MM, site time (the JSON has the full time)
    return str(v)


def _items(title: str, block: dict[str, Any], cols: list[str]) -> Section:
    rows = [[_cell(c, it.get(c)) for c in cols] for it in block["items"]]
    more = block["count"] - len(block["items"])
    return Section(f"{title} ({block['count']})", cols, rows, [f"… and {more} more"] if more > 0 else [])


def layout_handover(d: dict[str, Any]) -> Layout:
    c, t, cb, ev, oi = d["calls"], d["tickets"], d["callbacks"], d["events"], d["open_items"]
    out = [Section("Calls", _FIG_COLS, [_fig_rows("all", c["total"])] + [_fig_rows(q, f) for q, f in c["queues"].items()],
                   [f"longest wait {c['total']['longest_wait_s']:g} s", d["definitions"]["service_level"]])]
    if c.get("teams"):
        out.append(Section("Teams", ["team", "agents", "answered", "AHT", "ASA"],
                           [[k, str(f["agents"]), str(f["answered"]), secs(f["aht_s"]), secs(f["asa_s"])]
                            for k, f in c["teams"].items()]))
    out.append(Section("Agents", ["agent", "answered", "AHT", "ASA"],
                       [[a, str(f["answered"]), secs(f["aht_s"]), secs(f["asa_s"])] for a, f in c["agents"].items()]))
    out.append(Section("Tickets", ["registered", "on the spot", "dispatched", "acknowledged", "ack late", "replied",
                                   "closed", "yellow", "red"],
                       [[str(t["registered"]), f"{t['answered_on_spot']} ({pct(t['on_spot_rate'])})", str(t["dispatched"]),
                         str(t["acknowledged"]), str(t["acknowledged_late"]), str(t["replied"]), str(t["closed"]),
                         str(t["overdue"]["yellow"]), str(t["overdue"]["red"])]]))
    if t["by_category"]:
        out.append(Section("Registered by category", ["category", "registered"], [[k, str(v)] for k, v in t["by_category"].items()]))
    deps = sorted(set(t["by_department"]) | set(t["overdue"]["by_department"]))
    if deps:
        out.append(Section("By department", ["department", "dispatched", "acknowledged", "ack late", "replied", "yellow", "red"],
                           [[dep, *(str(t["by_department"].get(dep, {}).get(k, 0))
                                    for k in ("dispatched", "acknowledged", "acknowledged_late", "replied")),
                             *(str(t["overdue"]["by_department"].get(dep, {}).get(k, 0)) for k in ("yellow", "red"))]
                            for dep in deps]))
    tc = cb["ticket_callbacks"]
    out.append(Section("Callbacks", ["due", "done", "not reached", "open now", "satisfied", "unsatisfied", "unconfirmed",
                                     "satisfaction"],
                       [[str(cb["due"]), str(cb["done"]), str(cb["not_reached"]), str(cb["open"]), str(tc["satisfied"]),
                         str(tc["unsatisfied"]), str(tc["unconfirmed"]), pct(cb["satisfaction"])]]))
    lines = [f"callers over the wait limit ({ev['wait_limit_s']:g} s): {ev['callers_over_wait_limit']}",
             "service-level breaches (half hours): " + (", ".join(_hhmm(x) for x in ev["service_level_breaches"]) or "none"),
             "elderly one-touch (老年人一键通) tickets: " + (", ".join(ev["elderly_one_touch_tickets"]) or "none")]
    if "elderly_one_touch_calls" in ev:
        e1 = ev["elderly_one_touch_calls"]
        lines.append(f"elderly one-touch (老年人一键通) calls: {e1['offered']} offered, {e1['answered']} answered, "
                     f"{e1['abandoned']} abandoned")
    for o in ev.get("switch_links", []):
        lost = _clock(o["lost_at"]) if o["lost_at"] else "before the period"
        back = f"regained {_clock(o['regained_at'])}" if o["regained_at"] else "not regained"
        lines.append(f"switch link {o['node']} lost {lost}, {back} ({o['down_s']:g} s down)"
                     + (f": {o['reason']}" if o["reason"] else ""))
    if "switch_links" in ev and not ev["switch_links"]:
        lines.append("switch links: no loss")
    if "blacklisted_callers" in ev:
        bl = ev["blacklisted_callers"]
        lines.append(f"blacklisted callers: {len(bl['callers'])} ({bl['calls']} calls)"
                     + "".join(f"; {x['caller']} ×{x['calls']} last {_clock(x['last_at'])}" for x in bl["callers"][:20]))
    if ev["provisional_calendar"]:
        lines.append("WARNING " + ev["provisional_calendar"])
    out.append(Section("Notable events", lines=lines))
    out.append(Section("Lead's notes", ["at", "author", "note"],
                       [[n["at"][11:16], n["author"], n["text"]] for n in d["notes"]], [] if d["notes"] else ["none"]))
    tcols = ["serial", "state", "category", "owner", "due", "light"]
    out.append(_items("Unacknowledged dispatches", oi["unacknowledged_dispatches"], tcols))
    out.append(_items(f"Due before {oi['horizon'][:16].replace('T', ' ')}", oi["due_next_shift"], tcols))
    out.append(_items("Overdue (red)", oi["overdue"], tcols))
    out.append(_items("Callbacks owed", oi["callbacks_owed"], ["task", "queue", "caller", "abandoned_at", "owner"]))
    out.append(_items("Abandoned, not called back", oi["abandoned_not_called_back"], ["queue", "caller", "left_at", "wait_s", "owner"]))
    signs = [f"{x['role'].replace('_', ' ')}: {x['user']} at {x['at'][:16].replace('T', ' ')}" for x in d["signoffs"]]
    out.append(Section("Sign-off (交清接明)", lines=signs or ["not signed"]))
    bars = [Bar(_hhmm(h["from"]), h["offered"], h["answered"], h["abandoned"]) for h in c["half_hours"]]
    return Layout("Shift handover (交接班)", _span(d["period"]) + f"  as of {d['as_of'][:16].replace('T', ' ')}", out, bars)


# -- the ticket side: departments, assessment, categories, channels, callbacks (h16b) ------------
def pct_c(r: dict[str, Any] | None) -> str:
    """A rate object, compact for wide tables: '33.3% 1/3'; '—' when the denominator is 0."""
    if not r or r.get("value") is None:
        return "—"
    return f"{r['value'] * 100:.1f}% {_n(r['numerator'])}/{_n(r['denominator'])}"


def _rates(r: dict[str, Any]) -> list[str]:
    return [pct_c(r["acknowledged_on_time"]), pct_c(r["handled_on_time"]), pct_c(r["callback_on_time"]),
            pct_c(r["satisfaction"])]


_RATE_COLS = ["签收 ack", "办结 handled", "回访 callback", "满意 satisfied"]


def layout_departments(d: dict[str, Any]) -> Layout:
    # Chinese column names where the English would not fit the 160-column txt form (docs/reports.md
    # names each in English).
    cols = ["dept", "name", "dispatched", *_RATE_COLS, "退单", "成立", "错退", "退单率", "错退率", "延期", "催办"]

    def row(code: str, r: dict[str, Any]) -> list[str]:
        return [code, r["name"], str(r["dispatched"]), *_rates(r), str(r["returns"]), str(r["returns_accepted"]),
                str(r["wrong_returns"]), pct_c(r["return_rate"]), pct_c(r["wrong_return_rate"]), str(r["extensions"]),
                str(r["urges"])]
    rows = [row(c, r) for c, r in d["departments"].items()] + [row("total", d["total"])]
    return Layout("Departments (部门办理情况)", _span(d["period"]) + f"  as of {d['as_of'][:16].replace('T', ' ')}",
                  [Section("By department", cols, rows, [] if d["departments"] else ["no dispatched tickets"])], [])


def layout_assessment(d: dict[str, Any]) -> Layout:
    w = d["weights"]
    cols = ["rank", "department", "name", *(f"{zh} ({w[k]:g})" for k, zh in
                                            (("acknowledged_on_time", "按时签收率"), ("handled_on_time", "按时办结率"),
                                             ("satisfaction", "回访满意率"))), "score"]
    rows = [[str(r["rank"]) if r["rank"] is not None else "—", r["department"], r["name"],
             pct(r["acknowledged_on_time"]), pct(r["handled_on_time"]), pct(r["satisfaction"]),
             f"{r['score']:.2f}" if r["score"] is not None else "—"] for r in d["rows"]]
    return Layout(f"Assessment sheet (考核表) {d['month']}", _span(d["period"]) + f"  as of {d['as_of'][:16].replace('T', ' ')}",
                  [Section("Ranking", cols, rows, [d["definitions"]["score"]])], [])


def layout_groups(d: dict[str, Any]) -> Layout:
    what = {"categories": ("Categories (诉求分类)", "category"), "channels": ("Channels (受理渠道)", "channel")}[d["report"]]
    cols = [what[1], "name", "registered", "on the spot", "dispatched", "当即答复 on-spot", *_RATE_COLS]

    def row(code: str, r: dict[str, Any]) -> list[str]:
        return [code, r["name"], str(r["registered"]), str(r["answered_on_spot"]), str(r["dispatched"]),
                pct_c(r["on_spot_rate"]), *_rates(r)]
    rows = [row(c, r) for c, r in d["groups"].items()] + [row("total", d["total"])]
    return Layout(what[0], _span(d["period"]) + f"  as of {d['as_of'][:16].replace('T', ' ')}",
                  [Section(f"By {what[1]}", cols, rows)], [])


def layout_callbacks(d: dict[str, Any]) -> Layout:
    cols = ["department", "name", "attempts", "tickets", "reached", "satisfied", "unsatisfied", "unconfirmed",
            "1 attempt", "2", "3+", "满意率 satisfaction"]

    def row(code: str, r: dict[str, Any]) -> list[str]:
        return [code, r.get("name", ""), str(r["attempts"]), str(r["tickets"]), str(r["reached"]),
                *(str(r["results"][k]) for k in ("satisfied", "unsatisfied", "unconfirmed")),
                *(str(r["tickets_by_attempts"][k]) for k in ("1", "2", "3+")), pct(r["satisfaction"])]
    rows = [row(c, r) for c, r in d["departments"].items()] + [row("total", d["total"])]
    return Layout("Callbacks (回访)", _span(d["period"]), [Section("By department", cols, rows)], [])


TICKET_LAYOUTS = {"departments": layout_departments, "assessment": layout_assessment, "categories": layout_groups,
                  "channels": layout_groups, "callbacks": layout_callbacks}


def layout(d: dict[str, Any]) -> Layout:
    if d["report"] in TICKET_LAYOUTS:
        return TICKET_LAYOUTS[d["report"]](d)
    fn = LAYOUTS.get(d["report"])
    if fn is not None:
        return fn(d)
    return layout_handover(d) if d["report"] == "handover" else layout_call_loss(d)


# -- the forms -------------------------------------------------------------------------------------
def to_json(d: dict[str, Any]) -> str:
    """Stable JSON: keys in the order built (sorted where they are names), two-space indent.

    The same text as ``json.dumps(d, ensure_ascii=False, indent=2) + "\\n"`` (tested), written
    by ``_pretty``: Python 3.11's json module encodes with an indent only in pure Python, one
    generator step per value, which was ~2 s of the month's queue-interval report."""
    out: list[str] = []
    _pretty(d, "\n", out)
    out.append("\n")
    return "".join(out)


_enc_str = json.encoder.encode_basestring       # the C encoder when available (ensure_ascii=False)


def _enc_float(o: float) -> str:
    # json's floatstr with allow_nan: repr, NaN / Infinity / -Infinity
    if o != o:
        return "NaN"
    if o == _INF:
        return "Infinity"
    if o == -_INF:
        return "-Infinity"
    return float.__repr__(o)


_INF = float("inf")


def _scalar(o: Any) -> str | None:
    """A leaf's JSON text as json.dumps writes it, or None for a container (or another type)."""
    if isinstance(o, str):
        return _enc_str(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _enc_float(o)
    return None


def _key(k: Any) -> str:
    # json.dumps' key rules: str as is; float, bool, None and int turned into their JSON text
    if isinstance(k, str):
        return _enc_str(k)
    if isinstance(k, float):
        return _enc_str(_enc_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return _enc_str(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def _pretty(o: Any, nl: str, out: list[str]) -> None:
    """Append ``o`` as json.dumps(indent=2) writes it; ``nl`` is the newline plus the indent of
    the level ``o`` stands at."""
    s = _scalar(o)
    if s is not None:
        out.append(s)
        return
    inner = nl + "  "
    if isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        out.append("{")
        first = True
        for k, v in o.items():
            out.append(inner if first else "," + inner)
            first = False
            out.append(_key(k))
            out.append(": ")
            vs = _scalar(v)
            if vs is not None:
                out.append(vs)
            else:
                _pretty(v, inner, out)
        out.append(nl + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        out.append("[")
        first = True
        for v in o:
            out.append(inner if first else "," + inner)
            first = False
            vs = _scalar(v)
            if vs is not None:
                out.append(vs)
            else:
                _pretty(v, inner, out)
        out.append(nl + "]")
    else:
        raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def _md_cell(s: str) -> str:
    return terminal_safe(s).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_md(d: dict[str, Any]) -> str:
    lay = layout(d)
    out = [f"# {lay.title}", "", _md_cell(lay.subtitle), ""]
    if lay.bars:
        out += [f"## Calls by {d.get('by', 'half-hour').replace('-', ' ')}", "", "```"]
        peak = max((b.offered for b in lay.bars), default=0) or 1
        for b in lay.bars:
            out.append(f"{b.label:>10} {'#' * round(b.offered * 40 / peak):<40} {b.offered} ({b.abandoned} abandoned)")
        out += ["```", ""]
    for s in lay.sections:
        out += [f"## {s.title}", ""]
        if s.columns and s.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in s.columns) + " |")
            out.append("|" + "---|" * len(s.columns))
            out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in s.rows]
            out.append("")
        out += [f"- {_md_cell(x)}" for x in s.lines]
        if s.lines:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def to_csv(d: dict[str, Any]) -> str:
    """The main table: the call-loss rows (with total), or the handover's calls per queue."""
    lay = layout(d)
    sec = next(s for s in lay.sections if s.title.startswith("By ")) if d["report"] == "call-loss" else lay.sections[lay.main]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(sec.columns)
    w.writerows(sec.rows)
    return buf.getvalue()


def svg_bars(bars: list[Bar], width: int = 720, height: int = 200) -> str:
    """An inline SVG bar chart (answered below, abandoned above, the rest of offered on top);
    text is text (Chinese labels stay searchable); integer coordinates, so the same bars give
    the same bytes."""
    e = html.escape
    if not bars:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"><text x="4" y="24">no calls</text></svg>'
    peak = max(b.offered for b in bars) or 1
    left, bottom, top = 36, height - 28, 12
    step = (width - left - 4) // len(bars)
    bw = max(step - 2, 1)
    scale = (bottom - top) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="10">',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 4}" y2="{bottom}" stroke="#888"/>',
             f'<text x="2" y="{top + 8}">{peak}</text><text x="2" y="{bottom}">0</text>']
    for i, b in enumerate(bars):
        x = left + i * step
        y = bottom
        for n, colour, what in ((b.answered, "#3a7", "answered"), (b.abandoned, "#d54", "abandoned"),
                                (b.offered - b.answered - b.abandoned, "#bbb", "other")):
            h = round(n * scale)
            if h:
                y -= h
                parts.append(f'<rect x="{x}" y="{y}" width="{bw}" height="{h}" fill="{colour}">'
                             f'<title>{e(b.label)} {what} {n}</title></rect>')
        if len(bars) <= 24 or i % 2 == 0:
            parts.append(f'<text x="{x}" y="{bottom + 12}">{e(b.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(d: dict[str, Any]) -> str:
    lay = layout(d)
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">', f"<title>{e(lay.title)}</title>",
           "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
           "td{text-align:right}td:first-child{text-align:left}</style></head><body>",
           f"<h1>{e(lay.title)}</h1>", f"<p>{e(lay.subtitle)}</p>",
           "" if d["report"] in TICKET_LAYOUTS else svg_bars(lay.bars)]
    for s in lay.sections:
        out.append(f"<h2>{e(s.title)}</h2>")
        if s.columns and s.rows:
            out.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in s.columns) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in s.rows]
            out.append("</table>")
        out += [f"<p>{e(x)}</p>" for x in s.lines]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


FORMS = {"json": to_json, "md": to_md, "csv": to_csv, "html": to_html}


# -- the call side of the reports (issue 16, h16a): queue-interval, agent-workload, agent-states --
def _hms(x: float | None) -> str:
    if x is None:
        return "—"
    t = int(round(x))
    return f"{t // 3600}:{t // 60 % 60:02d}:{t % 60:02d}"


def _bucket_label(iso: str, by: str) -> str:
    return iso[5:16].replace("T", " ") if by == "half-hour" else iso[:10]


def _opt(x: Any) -> str:
    return "—" if x is None else str(x)


def layout_queue_interval(d: dict[str, Any]) -> Layout:
    by = d["by"]
    totals = [_fig_rows(q, v["total"]) for q, v in d["queues"].items()] + [_fig_rows("all", d["all"]["total"])]
    cols = ["queue", "from", "offered", "answered", "SL", "ASA", "AHT", "abandon", "calls/h", "Erlang C", "Erlang A",
            "staffed"]
    rows = []
    for q, v in [*d["queues"].items(), ("all", d["all"])]:
        for r in v["rows"]:
            rows.append([q, _bucket_label(r["from"], by), str(r["offered"]), str(r["answered"]), pct_short(r["service_level"]),
                         secs(r["asa_s"]), secs(r["aht_s"]), pct_short(r["abandon_rate"]), f"{r['calls_per_hour']:g}",
                         _opt(r["required_erlang_c"]), _opt(r["required_erlang_a"]), f"{r['staffed']:.2f}"])
    pats = [f"{q}: patience {_opt(v['patience_s'])} s" for q, v in d["queues"].items()]
    defs = d["definitions"]
    secs_ = [Section(f"By queue and {by}", cols, rows),
             Section("Totals", _FIG_COLS, totals),
             Section("Definitions", lines=[defs["service_level"], "required agents: " + defs["required_agents"],
                                            "patience: " + defs["patience"], "staffed: " + defs["staffed"], *pats])]
    bars = [Bar(_hhmm(r["from"]) if by == "half-hour" else r["from"][:10], r["offered"], r["answered"], r["abandoned"])
            for r in d["all"]["rows"]]
    q = f", queue {d['queue']}" if d.get("queue") else ""
    return Layout("Queue interval (分时段队列)", _span(d["period"]) + q, secs_, bars)


def layout_agent_workload(d: dict[str, Any]) -> Layout:
    reasons = d["reasons"]
    cols = ["agent", "node", "calls", "talk", "AHT", "on call", "ACW", "ready",
            *(f"NR {r}" for r in reasons), "logged in", "occupancy"]
    rows = [[a["agent"], a["node"], str(a["calls"]), _hms(a["talk_s"]), secs(a["aht_s"]), _hms(a["on_call_s"]),
             _hms(a["after_call_work_s"]), _hms(a["ready_s"]),
             *(_hms(a["not_ready_by_reason"].get(r, 0.0)) for r in reasons), _hms(a["logged_in_s"]),
             pct_short(a["occupancy"])]
            for a in d["agents"]]
    lines = ["ACW = after-call work, NR = not ready (by reason)", *(f"{k}: {v}" for k, v in d["definitions"].items())]
    return Layout("Agent workload (坐席工作量)", _span(d["period"]),
                  [Section("Agents", cols, rows, [] if rows else ["no agent activity"]), Section("Definitions", lines=lines)], [])


def layout_agent_states(d: dict[str, Any]) -> Layout:
    cols = ["at", "agent", "node", "status", "state", "reason", "duration"]
    rows = [[r["at"][:19].replace("T", " "), r["agent"], r["node"], r["status"], r["state"], r["reason"] or "—",
             _hms(r["duration_s"])] for r in d["rows"]]
    return Layout("Agent states (坐席状态明细)", _span(d["period"]),
                  [Section(f"Transitions ({len(rows)})", cols, rows, [] if rows else ["none"])], [])


LAYOUTS = {"queue-interval": layout_queue_interval, "agent-workload": layout_agent_workload,
           "agent-states": layout_agent_states}
