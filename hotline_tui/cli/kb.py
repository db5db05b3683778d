"""``hotline kb …``: search, edit and publish knowledge-base articles, import/export, and the
unanswered questions (查无) editors work through."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from ..kb.factory import knowledge_service
from ..kb.formats import read_items, write_items
from ..text import terminal_safe, terminal_safe_spans
from . import ranges
from .common import as_option, echo, emit_json, one_line_errors, wiring

if TYPE_CHECKING:   # rich is imported only to style highlights for a terminal (docs/benchmarks.md)
    from rich.text import Text

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
version_option = click.option("--expect-version", "expected", type=ranges.VERSION,
                              help="Fail with a conflict unless the article is still at this version.")


def _svc():
    w = wiring()
    svc = knowledge_service(w.open_store(), w.config_dir)
    return svc, svc.access.user(w.as_user)


def _styled_stdout() -> bool:
    """Whether rich would style what it prints to stdout, by rich's own rules: TTY_COMPATIBLE
    (0/1), else FORCE_COLOR (set and non-empty), else ``isatty()``; under IPython always (rich
    renders for the notebook there). When it would not, rich prints the plain text, so the
    highlights are printed without importing it (~30-50 ms of a process start)."""
    if "IPython" in sys.modules:
        return True
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    out = getattr(sys.stdout, "rich_proxied_file", sys.stdout)
    try:
        return bool(out.isatty())
    except (AttributeError, ValueError):     # no isatty, or closed: rich says "not a terminal"
        return False


def _hit_lines(h) -> list[list[tuple[str, list[tuple[int, int]]]]]:
    """The two lines printed for a hit, each a list of (text, highlight spans in that text);
    every text is terminal_safe, its highlight spans moved with it to the same characters."""
    def marked(text: str, spans) -> tuple[str, list[tuple[int, int]]]:
        return terminal_safe_spans(text, spans)

    return [[(f"{h.rank:>2}. #{h.id} ", []), marked(h.title, h.title_spans),
             (f"  {h.score:.3f}" + ("" if h.status == "published" else f"  [{h.status}]"), [])],
            [("    ", []), marked(h.snippet, h.snippet_spans)]]


def _marked(safe: str, spans) -> Text:
    # Data becomes a Text object (never markup).
    from rich.text import Text

    t = Text(safe)
    for a, b in spans:
        t.stylize("bold yellow", a, b)
    return t


def _article_json(a) -> dict:
    return a.snapshot()


@click.group()
def kb():
    """Knowledge base (知识库): search, articles, unanswered questions."""


@kb.command("search")
@click.argument("query")
@click.option("--limit", type=ranges.SEARCH_LIMIT, default=10, show_default=True)
@click.option("--drafts", is_flag=True, help="Include drafts and retired articles (editors).")
@json_option
@as_option
@one_line_errors
def search(query, limit, drafts, as_json):
    """Find articles: Chinese, pinyin (shebao), initials (sb), typos, synonyms."""
    svc, u = _svc()
    hits = svc.search(u, query, limit=limit, include_drafts=drafts)
    if as_json:
        emit_json([h.as_json() for h in hits])
        return
    if not hits:
        echo("no article found (recorded as an unanswered question)")
        return
    lines = [line for h in hits for line in _hit_lines(h)]
    if not _styled_stdout():
        for line in lines:       # what rich prints here: the text, no escapes, no wrapping
            click.echo("".join(text for text, _ in line))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*(_marked(text, spans) for text, spans in line)))


@kb.command("show")
@click.argument("article_id", type=ranges.ROW_ID)
@json_option
@as_option
@one_line_errors
def show(article_id, as_json):
    """One article."""
    svc, u = _svc()
    a = svc.get(u, article_id)
    if as_json:
        emit_json(_article_json(a))
        return
    for key in ("id", "title", "status", "department", "category", "valid_from", "valid_to", "version",
                "updated_at", "updated_by"):
        echo(f"{key:>11}: {terminal_safe(getattr(a, key))}")
    echo(f"{'tags':>11}: {terminal_safe(', '.join(a.tags))}")
    if a.source_key:
        echo(f"{'source key':>11}: {terminal_safe(a.source_key)}")
    for i, q in enumerate(a.questions):
        echo(f"{'asked as' if i == 0 else '':>11}: {terminal_safe(q)}")
    echo("")
    echo(terminal_safe(a.body, keep_newlines=True))


def _fields(title, body, body_file, department, category, tags, valid_from, valid_to) -> dict:
    f = {}
    if body_file:
        body = click.open_file(body_file, encoding="utf-8").read()
    for k, v in (("title", title), ("body", body), ("department", department), ("category", category),
                 ("valid_from", valid_from), ("valid_to", valid_to)):
        if v is not None:
            f[k] = v
    if tags is not None:
        f["tags"] = tags
    return f


def _field_options(fn):
    for opt in reversed([
        click.option("--title"), click.option("--body", help="Markdown text."),
        click.option("--body-file", type=click.Path(dir_okay=False, allow_dash=True), help="Read the body from a file (- for stdin)."),
        click.option("--department"), click.option("--category"),
        click.option("--tags", help="Words separated by spaces or commas."),
        click.option("--valid-from", help="YYYY-MM-DD"), click.option("--valid-to", help="YYYY-MM-DD"),
    ]):
        fn = opt(fn)
    return fn


def _print_article(a, as_json: bool) -> None:
    if as_json:
        emit_json(_article_json(a))
    else:
        echo(f"#{a.id} v{a.version} {a.status}: {terminal_safe(a.title)}")


@kb.command("add")
@_field_options
@json_option
@as_option
@one_line_errors
def add(title, body, body_file, department, category, tags, valid_from, valid_to, as_json):
    """Write a new article (a draft until published)."""
    svc, u = _svc()
    _print_article(svc.add(u, **_fields(title, body, body_file, department, category, tags, valid_from, valid_to)), as_json)


@kb.command("edit")
@click.argument("article_id", type=ranges.ROW_ID)
@_field_options
@version_option
@json_option
@as_option
@one_line_errors
def edit(article_id, title, body, body_file, department, category, tags, valid_from, valid_to, expected, as_json):
    """Change an article's fields (a new version; the old one stays in the history)."""
    svc, u = _svc()
    f = _fields(title, body, body_file, department, category, tags, valid_from, valid_to)
    if not f:
        raise click.UsageError("nothing to change: give at least one of --title, --body, --tags, …")
    _print_article(svc.edit(u, article_id, expected, **f), as_json)


@kb.command("publish")
@click.argument("article_id", type=ranges.ROW_ID)
@version_option
@json_option
@as_option
@one_line_errors
def publish(article_id, expected, as_json):
    """Publish a draft (or bring back a retired article)."""
    svc, u = _svc()
    _print_article(svc.publish(u, article_id, expected), as_json)


@kb.command("retire")
@click.argument("article_id", type=ranges.ROW_ID)
@version_option
@json_option
@as_option
@one_line_errors
def retire(article_id, expected, as_json):
    """Retire an article: kept with its history, no longer found by agents."""
    svc, u = _svc()
    _print_article(svc.retire(u, article_id, expected), as_json)


@kb.command("history")
@click.argument("article_id", type=ranges.ROW_ID)
@json_option
@as_option
@one_line_errors
def history(article_id, as_json):
    """Every saved version of an article."""
    svc, u = _svc()
    versions = svc.history(u, article_id)
    if as_json:
        emit_json([{"version": v.version, "action": v.action, "at": v.at, "actor": v.actor,
                    "article": v.article.snapshot()} for v in versions])
        return
    for v in versions:
        echo(f"v{v.version:<3} {v.at:%Y-%m-%d %H:%M} {v.actor:<10} {v.action:<8} {v.article.status:<9} "
                   f"{terminal_safe(v.article.title)}")


@kb.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--publish", is_flag=True, help="Publish what is added (needs kb.publish).")
@click.option("--skip-bad", is_flag=True, help="Leave out bad items (one line each on stderr) and import the rest.")
@json_option
@as_option
@one_line_errors
def import_(path, publish, skip_bad, as_json):
    """Import a folder of Markdown files (YAML front matter), a .csv or a .json file. Items with
    an id update that article. One bad item and nothing is imported (unless --skip-bad)."""
    svc, u = _svc()
    counts = svc.import_items(u, read_items(path), publish=publish, skip_bad=skip_bad)
    for line in counts.get("refused", ()):
        echo(f"refused: {line}", err=True)
    if as_json:
        emit_json(counts)
    else:
        refused = f", refused {len(counts['refused'])}" if skip_bad else ""
        echo(f"added {counts['added']}, updated {counts['updated']}, unchanged {counts['unchanged']}{refused}")
    if counts.get("refused"):
        sys.exit(2)


@kb.command("reindex")
@json_option
@as_option
@one_line_errors
def reindex(as_json):
    """Rebuild the search index of every article from its text (once after an upgrade that
    changes indexing; one transaction)."""
    svc, u = _svc()
    n = svc.reindex(u)
    if as_json:
        emit_json({"articles": n})
    else:
        echo(f"re-indexed {n} articles")


@kb.command("export")
@click.argument("path", type=click.Path())
@as_option
@one_line_errors
def export(path):
    """Export every article to a folder of Markdown files, a .csv or a .json file."""
    svc, u = _svc()
    n = write_items(path, svc.export_items(u))
    echo(f"exported {n} articles to {path}")


@kb.command("unanswered")
@click.option("--status", type=click.Choice(["open", "answered", "dismissed", "all"]), default="open", show_default=True)
@click.option("--limit", type=ranges.LIMIT, default=200, show_default=True)
@json_option
@as_option
@one_line_errors
def unanswered(status, limit, as_json):
    """Questions the knowledge base could not answer (查无), most asked first."""
    svc, u = _svc()
    rows = svc.unanswered(u, None if status == "all" else status, limit)
    if as_json:
        emit_json([{"id": q.id, "text": q.text, "source": q.source, "asked_at": q.asked_at, "asked_by": q.asked_by,
                    "last_at": q.last_at, "count": q.count, "status": q.status, "article_id": q.article_id}
                   for q in rows])
        return
    for q in rows:
        extra = f" -> #{q.article_id}" if q.article_id else ""
        echo(f"{q.id:>5}  x{q.count:<3} {q.source:<6} {q.last_at:%m-%d %H:%M} {q.status:<9} {terminal_safe(q.text)}{extra}")


@kb.command("suggestions")
@click.option("--status", type=click.Choice(["open", "accepted", "rejected", "all"]), default="open", show_default=True)
@click.option("--limit", type=ranges.LIMIT, default=200, show_default=True)
@json_option
@as_option
@one_line_errors
def suggestions(status, limit, as_json):
    """Similar questions learnt from tickets answered on the spot (the citizen's words and the
    article the agent cited), for editors to accept or reject; reads what was answered since
    the last look first."""
    svc, u = _svc()
    rows = svc.suggestions(u, None if status == "all" else status, limit)
    if as_json:
        emit_json([{"id": x.id, "article_id": x.article_id, "text": x.text, "ticket": x.source, "found_at": x.found_at,
                    "status": x.status, "decided_by": x.decided_by, "decided_at": x.decided_at} for x in rows])
        return
    for x in rows:
        echo(f"{x.id:>5}  #{x.article_id:<6} {x.status:<9} {terminal_safe(x.source):<14} {terminal_safe(x.text)}")


@kb.command("accept")
@click.argument("suggestion_id", type=ranges.ROW_ID)
@as_option
@one_line_errors
def accept(suggestion_id):
    """Accept a suggested question: it becomes a similar question of its article."""
    svc, u = _svc()
    x = svc.decide(u, suggestion_id, accept=True)
    echo(f"suggestion #{x.id} accepted: article #{x.article_id} is also asked as {terminal_safe(x.text)!r}")


@kb.command("reject")
@click.argument("suggestion_id", type=ranges.ROW_ID)
@as_option
@one_line_errors
def reject(suggestion_id):
    """Reject a suggested question (it is not suggested again)."""
    svc, u = _svc()
    x = svc.decide(u, suggestion_id, accept=False)
    echo(f"suggestion #{x.id} rejected")


@kb.command("flag")
@click.argument("text")
@as_option
@one_line_errors
def flag(text):
    """Flag a question the knowledge base could not answer, for the editors."""
    svc, u = _svc()
    q = svc.flag(u, text)
    echo(f"flagged #{q.id} (asked {q.count}x)")


@kb.command("answer")
@click.argument("unanswered_id", type=ranges.ROW_ID)
@click.argument("article_id", type=ranges.ROW_ID)
@click.option("--as-question", is_flag=True,
              help="Also keep the question's words as a similar question (相似问法) of the article.")
@as_option
@one_line_errors
def answer(unanswered_id, article_id, as_question):
    """Mark an unanswered question answered by an article."""
    svc, u = _svc()
    svc.answer(u, unanswered_id, article_id, as_question=as_question)
    kept = " (kept as a similar question)" if as_question else ""
    echo(f"question #{unanswered_id} answered by article #{article_id}{kept}")


@kb.command("question")
@click.argument("article_id", type=ranges.ROW_ID)
@click.argument("text")
@version_option
@json_option
@as_option
@one_line_errors
def question(article_id, text, expected, as_json):
    """Add a similar question (相似问法): a way people ask for this article. Search matches it
    like the title; the same question again changes nothing."""
    svc, u = _svc()
    _print_article(svc.add_question(u, article_id, text, expected), as_json)


@kb.command("dismiss")
@click.argument("unanswered_id", type=ranges.ROW_ID)
@as_option
@one_line_errors
def dismiss(unanswered_id):
    """Dismiss an unanswered question (noise, not for the knowledge base)."""
    svc, u = _svc()
    svc.dismiss(u, unanswered_id)
    echo(f"question #{unanswered_id} dismissed")
