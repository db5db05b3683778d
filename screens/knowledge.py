"""Knowledge: the whole screen given to the knowledge-base search panel (``kb_panel.py``), and
for knowledge editors the editing keys: new, edit (with the version check), publish, retire,
a similar question, and the unanswered-questions queue (``kb_edit.py``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from hotline_tui.text import terminal_safe

from .base import LiveScreen
from .dialogs import ConfirmScreen, PromptScreen
from .kb_edit import ArticleEditor, UnansweredScreen
from .kb_panel import KbPanel
from .work import run_call

#: action -> the permission it needs (the footer shows a key only to whom may use it)
EDIT_ACTIONS = {"new_article": "kb.edit", "edit_article": "kb.edit", "add_question": "kb.edit",
                "unanswered": "kb.edit", "publish_article": "kb.publish", "retire_article": "kb.publish"}


class KnowledgeScreen(LiveScreen):
    TITLE_KEY = "knowledge"
    BINDINGS = [
        Binding("n", "new_article", "New article"),
        Binding("e", "edit_article", "Edit article"),
        Binding("a", "add_question", "Add question"),
        Binding("P", "publish_article", "Publish"),
        Binding("X", "retire_article", "Retire"),
        Binding("u", "unanswered", "Unanswered"),
    ]

    @property
    def panel(self) -> KbPanel:
        return self.query_one(KbPanel)

    def compose(self) -> ComposeResult:
        yield from self.trust_line()
        yield KbPanel(self.ctx, id="kb")
        yield self.footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.panel.query_one("#kb-q", Input).focus()

    def check_action(self, action: str, parameters) -> bool | None:
        need = EDIT_ACTIONS.get(action)
        if need is not None:
            s = self.ctx.services
            return s.kb is not None and s.can(need)
        return super().check_action(action, parameters)

    # -- editing ----------------------------------------------------------------------------
    def _after_save(self, article) -> None:
        if article is None:
            return
        self.ctx.notify(self.ctx.tr("kb_saved", id=article.id, v=article.version, title=terminal_safe(article.title)))
        self.panel.search_for(self.panel.query_text or article.title)
        self.panel.show(article)

    def action_new_article(self, question=None) -> None:
        s = self.ctx.services
        values = {"title": question.text, "questions": [question.text]} if question is not None else {}

        def save(fields):          # blocks: the store
            a = s.kb.add(s.user, **fields)
            if question is not None:
                s.kb.answer(s.user, question.id, a.id)
            return a
        self.app.push_screen(ArticleEditor(self.ctx, self.ctx.tr("kb_new"), save, values), self._after_save)

    def action_edit_article(self) -> None:
        a = self.panel.article
        if a is None:
            self.ctx.notify(self.ctx.tr("kb_no_article_shown"), severity="warning")
            return
        s = self.ctx.services
        version = a.version

        def save(fields):          # blocks; ConflictError when someone saved in between
            return s.kb.edit(s.user, a.id, version, **fields)
        values = {"title": a.title, "department": a.department, "category": a.category, "tags": " ".join(a.tags),
                  "questions": a.questions, "body": a.body}
        self.app.push_screen(ArticleEditor(self.ctx, self.ctx.tr("kb_edit", id=a.id, v=version), save, values),
                             self._after_save)

    def action_add_question(self) -> None:
        a = self.panel.article
        if a is None:
            self.ctx.notify(self.ctx.tr("kb_no_article_shown"), severity="warning")
            return
        s = self.ctx.services

        def add(text: str | None) -> None:
            if text and text.strip():
                run_call(self, lambda: s.kb.add_question(s.user, a.id, text, a.version), then=self._after_save,
                         refused=True, group="kb-edit", exclusive=True)
        self.app.push_screen(PromptScreen(self.ctx.tr("kb_add_question", title=a.title)), add)

    def _transition(self, verb: str) -> None:
        a = self.panel.article
        if a is None:
            self.ctx.notify(self.ctx.tr("kb_no_article_shown"), severity="warning")
            return
        s = self.ctx.services
        call = s.kb.publish if verb == "publish" else s.kb.retire

        def go(yes: bool | None) -> None:
            if yes:
                run_call(self, lambda: call(s.user, a.id, a.version), then=self._after_save, refused=True,
                         group="kb-edit", exclusive=True)
        self.app.push_screen(ConfirmScreen(self.ctx.tr(f"kb_confirm_{verb}", id=a.id, title=a.title),
                                           "y / n"), go)

    def action_publish_article(self) -> None:
        self._transition("publish")

    def action_retire_article(self) -> None:
        self._transition("retire")

    def action_unanswered(self) -> None:
        s = self.ctx.services
        self.app.push_screen(UnansweredScreen(
            self.ctx, load=lambda: s.kb.unanswered(s.user), article=self.panel.article,
            answer=lambda qid, keep: s.kb.answer(s.user, qid, self.panel.article.id, as_question=keep),
            dismiss_q=lambda qid: s.kb.dismiss(s.user, qid),
            new_article=lambda q: self.action_new_article(q)))
