"""Knowledge: search as you type (Chinese, pinyin, initials, typos), matched words
highlighted, the article beside the results."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Markdown, OptionList
from textual.widgets.option_list import Option

from hotline_tui.errors import HotlineError
from hotline_tui.text import terminal_safe

from .base import LiveScreen


def highlighted(snippet: str, spans) -> Text:
    t = Text(terminal_safe(snippet))
    for a, b in spans:
        t.stylize("bold black on yellow", a, b)
    return t


class KnowledgeScreen(LiveScreen):
    TITLE_KEY = "knowledge"
    BINDINGS = [Binding("slash", "focus_search", "Search"), Binding("escape", "focus_search", "Search", show=False)]
    DEFAULT_CSS = """
    #kb-q { height: 3; }
    #kb-body { height: 1fr; }
    #kb-results { width: 2fr; }
    #kb-article { width: 3fr; border: round $primary; }
    """

    def __init__(self):
        super().__init__()
        self.hits = []

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield Input(placeholder=self.hot.tr("search_kb"), id="kb-q")
        with Horizontal(id="kb-body"):
            yield OptionList(id="kb-results")
            with VerticalScroll(id="kb-article"):
                yield Markdown(id="kb-md")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#kb-q", Input).focus()

    def action_focus_search(self) -> None:
        self.query_one("#kb-q", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "kb-q":
            self._search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#kb-results", OptionList).focus()

    @work(thread=True, exclusive=True, group="kb")
    def _search(self, query: str) -> None:
        s = self.services
        if s.kb is None or not query.strip():
            self.app.call_from_thread(self._fill, [], query)
            return
        try:
            hits = s.kb.search(s.user, query, limit=20)
        except HotlineError as exc:
            self.app.call_from_thread(self.hot.report, str(exc))
            return
        self.app.call_from_thread(self._fill, hits, query)

    def _fill(self, hits, query: str) -> None:
        self.hits = hits
        ol = self.query_one("#kb-results", OptionList)
        ol.clear_options()
        if not hits and query.strip():
            ol.add_option(Option(Text(self.tr("no_results"), style="dim"), disabled=True))
        for h in hits:
            label = Text.assemble(highlighted(h.title, h.title_spans), "\n", highlighted(h.snippet, h.snippet_spans))
            label.stylize("bold", 0, len(h.title))
            ol.add_option(Option(label, id=str(h.id)))
        if hits:
            ol.highlighted = 0
            self._open(hits[0].id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._open(int(event.option.id))

    @work(thread=True, exclusive=True, group="kb-article")
    def _open(self, article_id: int) -> None:
        s = self.services
        try:
            a = s.kb.get(s.user, article_id)
        except HotlineError as exc:
            self.app.call_from_thread(self.hot.report, str(exc))
            return
        md = terminal_safe(f"# {a.title}\n\n*{a.department} · {a.category} · {', '.join(a.tags)}*\n\n{a.body}", keep_newlines=True)
        self.app.call_from_thread(self.query_one("#kb-md", Markdown).update, md)
