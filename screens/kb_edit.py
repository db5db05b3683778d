"""The editors' side of the knowledge screen: the article editor and the unanswered-questions
queue (查无), both modal. Each is handed the blocking service calls it makes and runs them in a
worker; a refused save (a stale version, a bad field) is shown in the dialog, which keeps
everything typed — nothing is lost to an edit conflict.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from hotline_tui.errors import HotlineError
from hotline_tui.text import terminal_safe

from .context import ScreenContext
from .footer import KeyFooter
from .work import run_call

#: (field, i18n key of its label) in the order the editor shows them
LINE_FIELDS = (("title", "kb_f_title"), ("department", "kb_f_department"), ("category", "kb_f_category"),
               ("tags", "kb_f_tags"))


def editor_fields(values: dict[str, Any]) -> dict[str, Any]:
    """What the editor's widgets hold, as service fields: tags split on spaces and commas,
    questions one per line (empty lines dropped), the body as typed. Never blocks."""
    out = {k: values.get(k, "") for k, _ in LINE_FIELDS if k != "tags"}
    out["tags"] = values.get("tags", "")
    out["questions"] = [q for q in str(values.get("questions", "")).splitlines() if q.strip()]
    out["body"] = values.get("body", "")
    return out


class ArticleEditor(ModalScreen[Any]):
    """New or edit: title, department, category, tags, similar questions (one per line), body.
    ``ctrl+s`` saves through ``save(fields)`` (blocking; it raises the service's typed errors);
    Esc cancels. Dismisses with what ``save`` returned."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ArticleEditor { align: center middle; }
    ArticleEditor > Vertical { width: 100%; max-width: 110; height: 100%; max-height: 44;
                               border: thick $accent; padding: 0 1; background: $surface; }
    ArticleEditor .kbe-row { height: 1; }
    ArticleEditor .kbe-row Label { width: 26; color: $text-muted; }
    ArticleEditor .kbe-row Input { height: 1; border: none; padding: 0 1; width: 1fr; }
    ArticleEditor #kbe-questions { height: 4; }
    ArticleEditor #kbe-body { height: 1fr; min-height: 5; }
    ArticleEditor #kbe-error { color: $error; height: auto; }
    """

    def __init__(self, ctx: ScreenContext, title: str, save: Callable[[dict[str, Any]], Any],
                 values: dict[str, Any] | None = None):
        super().__init__()
        self.ctx, self.heading, self.save = ctx, title, save
        self.values = values or {}
        self.saving = False
        self.error = ""             # the last refusal, shown in the dialog (tests read it)

    def compose(self) -> ComposeResult:
        tr = self.ctx.tr
        with Vertical():
            yield Label(Text(terminal_safe(self.heading), style="bold"))
            for name, key in LINE_FIELDS:        # one row each: 80x24 leaves the body room
                with Horizontal(classes="kbe-row"):
                    yield Label(Text(tr(key)))
                    yield Input(value=terminal_safe(str(self.values.get(name, ""))), id=f"kbe-{name}")
            yield Label(Text(tr("kb_f_questions"), style="dim"))
            yield TextArea(terminal_safe("\n".join(self.values.get("questions", ())), keep_newlines=True),
                           id="kbe-questions")
            yield Label(Text(tr("kb_f_body"), style="dim"))
            yield TextArea(terminal_safe(str(self.values.get("body", "")), keep_newlines=True), id="kbe-body")
            yield Static("", id="kbe-error")
        yield KeyFooter(self.ctx.key_label)

    def on_mount(self) -> None:
        self.query_one("#kbe-title", Input).focus()

    def typed(self) -> dict[str, Any]:
        got: dict[str, Any] = {name: self.query_one(f"#kbe-{name}", Input).value for name, _ in LINE_FIELDS}
        got["questions"] = self.query_one("#kbe-questions", TextArea).text
        got["body"] = self.query_one("#kbe-body", TextArea).text
        return editor_fields(got)

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        fields = self.typed()
        run_call(self, lambda: self.save(fields), then=self._saved, on_error=self._refused, group="kb-save",
                 exclusive=True)

    def _saved(self, result: Any) -> None:
        self.saving = False
        self.dismiss(result)

    def _refused(self, exc: Exception) -> None:
        self.saving = False
        self.error = str(exc) if isinstance(exc, HotlineError) else f"{type(exc).__name__}: {exc}"
        self.query_one("#kbe-error", Static).update(Text(terminal_safe(self.ctx.tr("kb_refused", why=self.error))))

    def action_cancel(self) -> None:
        self.dismiss(None)


class UnansweredScreen(ModalScreen[None]):
    """The queue of unanswered questions (查无), most asked first. On the highlighted one:
    ``l`` link it to the article shown behind (answered by it), ``k`` the same and keep the
    question's words as a similar question of that article, ``n`` write a new article for it,
    ``d`` dismiss it. Each calls the service through the callables it is given."""

    BINDINGS = [Binding("l", "link", "Link to article"), Binding("k", "keep", "Link + keep question"),
                Binding("n", "new", "New article"), Binding("d", "dismiss_q", "Dismiss"),
                Binding("escape,q", "close", "Close")]
    DEFAULT_CSS = """
    UnansweredScreen { align: center middle; }
    UnansweredScreen > Vertical { width: 100%; max-width: 100; height: 100%; max-height: 30;
                                  border: thick $accent; padding: 0 1; background: $surface; }
    UnansweredScreen #kbu-list { height: 1fr; }
    """

    def __init__(self, ctx: ScreenContext, load: Callable[[], list], article: Any,
                 answer: Callable[[int, bool], Any], dismiss_q: Callable[[int], Any],
                 new_article: Callable[[Any], None]):
        super().__init__()
        self.ctx, self.load, self.article = ctx, load, article
        self.answer, self.dismiss_question, self.new_article = answer, dismiss_q, new_article
        self.rows: list = []
        self.loads = 0               # completed loads (tests wait on this)

    def compose(self) -> ComposeResult:
        with Vertical():
            shown = (self.ctx.tr("kb_link_target", id=self.article.id, title=terminal_safe(self.article.title))
                     if self.article is not None else self.ctx.tr("kb_no_article_shown"))
            yield Label(Text(self.ctx.tr("kb_queue"), style="bold"))
            yield Label(Text(shown, style="dim"), id="kbu-target")
            yield OptionList(id="kbu-list")
        yield KeyFooter(self.ctx.key_label)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        run_call(self, self.load, then=self._fill, group="kbu", exclusive=True)

    def _fill(self, rows: list) -> None:
        self.rows = rows
        self.loads += 1
        ol = self.query_one("#kbu-list", OptionList)
        ol.clear_options()
        if not rows:
            ol.add_option(Option(Text(self.ctx.tr("kb_queue_empty"), style="dim"), disabled=True))
        for q in rows:
            ol.add_option(Option(Text.assemble((f"×{q.count:<3} ", "bold"), terminal_safe(q.text)), id=str(q.id)))
        if rows:
            ol.highlighted = 0
        ol.focus()

    def current(self):
        ol = self.query_one("#kbu-list", OptionList)
        if ol.highlighted is None or not self.rows or ol.highlighted >= len(self.rows):
            return None
        return self.rows[ol.highlighted]

    def _act(self, call: Callable[[], Any], done_key: str) -> None:
        q = self.current()
        if q is None:
            return

        def done(_: Any) -> None:
            self.ctx.notify(self.ctx.tr(done_key, text=terminal_safe(q.text)))
            self.reload()
        run_call(self, call, then=done, refused=True, group="kbu-act", exclusive=True)

    def _link(self, keep: bool) -> None:
        q = self.current()
        if q is None:
            return
        if self.article is None:
            self.ctx.notify(self.ctx.tr("kb_no_article_shown"), severity="warning")
            return
        self._act(lambda: self.answer(q.id, keep), "kb_linked_kept" if keep else "kb_linked")

    def action_link(self) -> None:
        self._link(False)

    def action_keep(self) -> None:
        self._link(True)

    def action_dismiss_q(self) -> None:
        q = self.current()
        if q is not None:
            self._act(lambda: self.dismiss_question(q.id), "kb_dismissed")

    def action_new(self) -> None:
        q = self.current()
        if q is not None:
            self.dismiss(None)
            self.new_article(q)

    def action_close(self) -> None:
        self.dismiss(None)
