"""The desk's screen pop (来电弹屏): who is calling, before the agent says a word.

Three lines and a table: the caller's class as a badge with its name in words (reverse video,
so it stands out in 16 colours and in monochrome — never colour alone), their name and how many
earlier tickets; the class's note from desk.yaml (``caller_classes``) and the caller's own note;
the call — number (masked for roles without personal data: the snapshot is), queue, how long
they waited, the call id and the recording id. Below, the caller's last tickets.
Everything shown from callers and the switch goes through ``terminal_safe`` (data, not markup).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from hotline_tui.text import clip_line, terminal_safe

from .context import ScreenContext
from .fmt import fmt_duration
from .widgets import cell

#: a class's badge colour: an addition to its text and reverse video, never the only sign
CLASS_STYLE = {"vip": "bold reverse magenta", "elderly": "bold reverse cyan", "important": "bold reverse yellow",
               "blacklist": "bold reverse red"}


class DeskPop(Vertical):
    DEFAULT_CSS = """
    DeskPop { height: 1fr; }
    DeskPop #desk-caller, DeskPop #desk-note, DeskPop #desk-call { height: 1; padding: 0 1; }
    DeskPop #desk-history { height: 1fr; min-height: 3; }
    """

    def __init__(self, ctx: ScreenContext, **kw: Any):
        super().__init__(**kw)
        self.ctx = ctx
        self.caller = None           # the Caller last shown (tests read it)
        self.call_line = ""          # the call line's plain text (tests read it)

    def tr(self, key: str, **kw: object) -> str:
        return self.ctx.tr(key, **kw)

    def compose(self) -> ComposeResult:
        yield Static("", id="desk-caller")
        yield Static("", id="desk-note")
        yield Static("", id="desk-call")
        yield DataTable(id="desk-history", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        t = self.query_one("#desk-history", DataTable)
        for key in ("serial", "created", "ticket_state", "content"):
            t.add_column(self.tr(key), key=key)

    # -- the caller: class, name, note, last tickets ---------------------------------------------
    def badge(self, caller_class: str) -> Text:
        """The class as a badge: its name in words, bracketed, in reverse video."""
        return Text(f" {self.tr('desk_class_badge', cls=self.tr(caller_class))} ",
                    style=CLASS_STYLE.get(caller_class, "bold reverse"))

    def show_caller(self, caller, history, problem: str = "") -> None:
        info = self.query_one("#desk-caller", Static)
        note = self.query_one("#desk-note", Static)
        t = self.query_one("#desk-history", DataTable)
        t.clear()
        self.caller = caller
        if problem:
            info.update(Text(terminal_safe(problem), style="yellow"))
            note.update("")
            return
        if caller is None:
            info.update("")
            note.update("")
            return
        text = Text()
        if caller.caller_class:
            text.append_text(self.badge(caller.caller_class))
            text.append("  ")
        if caller.name:
            text.append(terminal_safe(caller.name), style="bold")
            text.append("  ")
        text.append(self.tr("desk_history") + f" {len(history)}" if history else self.tr("desk_no_history"),
                    style="dim")
        info.update(text)
        note.update(self._note(caller))
        for tk in history:
            t.add_row(cell(tk.serial), cell(tk.created_at.strftime("%m-%d")), cell(self.tr(f"ts_{tk.state}")),
                      cell(clip_line(tk.content, 60)), key=tk.serial)

    def _note(self, caller) -> Text:
        services = self.ctx.services
        cls = services.class_notes.get(caller.caller_class) if caller.caller_class else None
        parts = []
        if cls is not None:
            parts.append(terminal_safe(cls.zh if services.lang == "zh" else cls.en))
        if caller.note:
            parts.append(terminal_safe(caller.note))
        return Text(clip_line(" · ".join(parts), 200), style="bold") if parts else Text("")

    # -- the call: number, queue, wait, call id, recording ---------------------------------------
    def show_call(self, me, call) -> None:
        """``me``: my AgentView (None: not in the picture); ``call``: the CallView of my call, if
        the picture has it. The number is the snapshot's (masked for the role)."""
        line = Text()
        if me is None or not me.caller_number:
            self.call_line = ""
            self.query_one("#desk-call", Static).update("")
            return
        queue = call.queue if call is not None else ""
        names = self.ctx.services.queue_names
        waited = (call.answered_at - call.started_at) if call is not None and call.answered_at is not None else None
        line.append(terminal_safe(me.caller_number), style="bold")
        if queue:
            line.append(f"  {self.tr('desk_queue')} {terminal_safe(names.get(queue, queue))}")
        if waited is not None:
            line.append(f"  {self.tr('desk_waited', wait=fmt_duration(max(waited, 0.0)))}")
        line.append(f"  {self.tr('desk_call_id')} {terminal_safe(me.current_call or '—')}", style="dim")
        # mod_callcenter reports no recording in its events: the record keeps the switch's id when
        # it gives one (CallRecord.recording_id); until then the pop says there is none
        line.append(f"  {self.tr('desk_recording')} —", style="dim")
        self.call_line = line.plain
        self.query_one("#desk-call", Static).update(line)
