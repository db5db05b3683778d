"""The knowledge-base search panel: one widget for the knowledge screen and the agent desk.

Search as you type (Chinese, pinyin, initials, typos, synonyms), matched words highlighted,
the article beside the results. Typing never records anything; Enter on a search that found
nothing useful records it as an unanswered question (查无) for the editors, and ``f`` flags the
current question explicitly. Escape leaves the search box so the screen keys work again.
Every call to the knowledge service runs in a worker thread (it blocks on the store).
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from hotline_tui.errors import PermissionDenied
from hotline_tui.text import terminal_safe, terminal_safe_spans

from .context import ScreenContext
from .work import run_call


def highlighted(snippet: str, spans, style: str = "bold black on yellow") -> Text:
    """``snippet`` as plain text (never markup) with ``spans`` — [start, end) offsets — styled."""
    safe, moved = terminal_safe_spans(snippet, spans)      # the spans follow escapes that lengthen text
    t = Text(safe)
    for a, b in moved:
        t.stylize(style, a, b)
    return t


class KbPanel(Vertical):
    class ArticleShown(Message):
        """An article is on screen (the desk suggests its department and inserts its answer)."""

        def __init__(self, article: Any) -> None:
            super().__init__()
            self.article = article

    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("escape", "leave_search", "Results", show=False),
        Binding("f", "flag", "Flag unanswered"),
    ]
    DEFAULT_CSS = """
    KbPanel { height: 1fr; }
    KbPanel #kb-q { height: 3; }
    KbPanel #kb-status { height: 1; padding: 0 1; color: $text-muted; }
    KbPanel #kb-body { height: 1fr; }
    KbPanel #kb-results { width: 2fr; }
    KbPanel #kb-article { width: 3fr; border: round $primary; }
    KbPanel.stacked #kb-body { layout: vertical; }
    KbPanel.stacked #kb-results { width: 1fr; height: 2fr; }
    KbPanel.stacked #kb-article { width: 1fr; height: 3fr; }
    """

    def __init__(self, ctx: ScreenContext, **kw):
        super().__init__(**kw)
        self.ctx = ctx
        self.hits: list[Any] = []
        self.article = None          # the article shown, once loaded
        self.query_text = ""
        self.searches = 0            # completed searches (tests wait on this)

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.tr("search_kb"), id="kb-q")
        yield Static("", id="kb-status")
        with Horizontal(id="kb-body"):
            yield OptionList(id="kb-results")
            with VerticalScroll(id="kb-article"):
                yield Markdown(id="kb-md")

    def on_mount(self) -> None:
        if self.services.kb is None:
            self._status(Text(self.tr("kb_unavailable"), style="bold red"))
        else:
            self._count_unanswered()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "flag":
            return self.services.kb is not None and self.services.can("kb.flag")
        return True

    @property
    def services(self):
        return self.ctx.services

    def tr(self, key: str, **kw: object) -> str:
        return self.ctx.tr(key, **kw)

    # -- keys ------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#kb-q", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one("#kb-results", OptionList).focus()

    def action_flag(self) -> None:
        text = self.query_text.strip()
        if not text:
            self.action_focus_search()
            return
        self._flag(text)

    def show(self, article) -> None:
        """Show ``article`` (just saved: its new version) beside the results."""
        self._open(article.id)

    def search_for(self, text: str) -> None:
        """Put ``text`` in the search box and search (as if typed)."""
        self.query_one("#kb-q", Input).value = text

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "kb-q":
            event.stop()
            self.query_text = event.value
            self._search(event.value, record=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "kb-q":
            event.stop()
            # Enter is the agent saying "this is my question": a fruitless one is recorded (查无).
            # (a read-only console records nothing: the same search, not written down)
            self._search(event.value, record=not self.services.readonly)
            self.query_one("#kb-results", OptionList).focus()

    # -- work off the UI loop ----------------------------------------------------------------
    def _search(self, query: str, record: bool) -> None:
        s = self.services
        if s.kb is None:
            return
        if not query.strip():
            self.workers.cancel_group(self, "kb")      # an older keystroke's search must not land
            self._fill([], query, None, False)
            return

        def search():       # blocks: the store
            t0 = time.perf_counter()
            hits = s.kb.search(s.user, query, limit=20, record=record)
            cancelled = get_current_worker().is_cancelled      # a newer keystroke's search runs
            return None if cancelled else (hits, (time.perf_counter() - t0) * 1000)
        run_call(self, search, then=lambda r: r is not None and self._fill(r[0], query, r[1], record),
                 group="kb", exclusive=True)

    def _flag(self, text: str) -> None:
        s = self.services
        run_call(self, lambda: s.kb.flag(s.user, text), group="kb-flag", exclusive=True,
                 then=lambda q: self.ctx.notify(self.tr("kb_flagged", n=q.count, text=terminal_safe(q.text))))

    def _count_unanswered(self) -> None:
        s = self.services
        if not s.user.can("kb.edit"):
            return
        # the count is a hint for editors: no count for a role that may not read it; a store
        # that fails is reported like every other
        run_call(self, lambda: len(s.kb.unanswered(s.user)), on_error=lambda exc: None, catch=PermissionDenied,
                 group="kb-count", exclusive=True, then=lambda n: self._status(Text(self.tr("kb_unanswered_n", n=n))))

    def _open(self, article_id: int) -> None:
        s = self.services

        def load():         # blocks: the store
            a = s.kb.get(s.user, article_id)
            dept = s.tickets.departments().get(a.department, a.department) if s.tickets is not None else a.department
            meta = " · ".join(x for x in (dept, ", ".join(a.tags),
                                          self.tr("kb_valid_to", date=a.valid_to.isoformat()) if a.valid_to else "")
                              if x)
            return a, terminal_safe(f"# {a.title}\n\n*{meta}*\n\n{a.body}", keep_newlines=True)
        run_call(self, load, then=lambda r: self._show_article(*r), group="kb-article", exclusive=True)

    # -- painting ---------------------------------------------------------------------------
    def _show_article(self, article, md: str) -> None:
        self.article = article
        self.query_one("#kb-md", Markdown).update(md)
        self.post_message(self.ArticleShown(article))

    def _status(self, text: Text) -> None:
        self.query_one("#kb-status", Static).update(text)

    def _fill(self, hits, query: str, ms: float | None, recorded: bool) -> None:
        if query != self.query_text and not recorded:
            return        # an older keystroke's answer arriving late
        self.hits = hits
        self.searches += 1
        ol = self.query_one("#kb-results", OptionList)
        ol.clear_options()
        if not hits and query.strip():
            ol.add_option(Option(Text(self.tr("no_results_recorded" if recorded else "no_results"), style="dim"),
                                 disabled=True))
        for h in hits:
            title = highlighted(h.title, h.title_spans)
            label = Text.assemble(title, "\n", highlighted(h.snippet, h.snippet_spans, "bold yellow"))
            label.stylize("bold", 0, len(title))
            ol.add_option(Option(label, id=str(h.id)))
        if ms is not None:
            self._status(Text(self.tr("kb_hits", n=len(hits), ms=f"{ms:.0f}")))
        if hits:
            ol.highlighted = 0
            self._open(hits[0].id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self._open(int(event.option.id))
