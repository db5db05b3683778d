"""LiveTable: the agents screen's table. Rows by key, cursor kept on its key, only changed rows
on screen repainted, CJK measured in cells, text from the switch shown as text."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from screens.live_table import LiveTable


class Host(App):
    def compose(self) -> ComposeResult:
        yield LiveTable(id="t")

    def on_mount(self) -> None:
        t = self.query_one(LiveTable)
        for key, label in (("id", "Agent"), ("name", "Name"), ("n", "Calls")):
            t.add_column(label, key=key, max_width=8)
        t.focus()


def rows(n: int, calls: int = 0) -> dict[str, tuple]:
    return {f"{1000 + i}": ((f"{1000 + i}", "", "left"), (f"坐席{i}", "", "left"), (str(calls), "", "right"))
            for i in range(n)}


def screen_lines(app: App) -> list[str]:
    t = app.query_one(LiveTable)
    return ["".join(seg.text for seg in t.render_line(y)) for y in range(t.scrollable_content_region.height)]


async def test_rows_show_in_order_with_the_header_on_top():
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        r = rows(3)
        t.sync(r, ["1002", "1000", "1001"])
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[0].split() == ["Agent", "Name", "Calls"]
        assert [ln.split()[0] for ln in lines[1:4]] == ["1002", "1000", "1001"]
        assert t.row_texts("1000") == ["1000", "坐席0", "0"]


async def test_cjk_cells_line_up_and_long_text_is_cut_with_an_ellipsis():
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        t.sync({"a": (("a", "", "left"), ("王小明", "", "left"), ("1", "", "right")),
                "b": (("b", "", "left"), ("Li", "", "left"), ("22", "", "right")),
                "c": (("c", "", "left"), ("欧阳娜娜娜娜娜娜", "", "left"), ("3", "", "right"))})
        await pilot.pause()
        lines = screen_lines(app)[:4]
        # Every line has the same width in terminal cells, and the calls column ends in the same cell.
        assert len({cell_len(ln) for ln in lines}) == 1
        ends = {cell_len(ln.rstrip()) for ln in lines[1:]}
        assert len(ends) == 1
        assert "欧阳娜…" in lines[3] and "欧阳娜娜娜娜娜娜" not in lines[3]   # 8 cells: 3 wide chars + …


async def test_the_cursor_stays_on_its_key_when_rows_move_and_goes_on_when_its_row_leaves():
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        r = rows(5)
        t.sync(r)
        await pilot.press("down", "down")
        assert t.cursor_key == "1002"
        t.sync(r, ["1004", "1003", "1002", "1001", "1000"])
        assert (t.cursor_key, t.cursor_row) == ("1002", 2)
        del r["1002"]
        t.sync(r, ["1004", "1003", "1001", "1000"])
        assert t.cursor_key == "1001"                       # the row now under the cursor
        t.clear()
        assert t.cursor_key is None and t.row_count == 0


async def test_paging_keeps_the_cursor_on_screen():
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        t.sync(rows(100))
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        body = [ln.split()[0] for ln in screen_lines(app)[1:]]
        assert t.cursor_key in body
        await pilot.press("end")
        await pilot.pause()
        assert t.cursor_key == "1099" and screen_lines(app)[-1].split()[0] == "1099"
        await pilot.press("home")
        await pilot.pause()
        assert t.cursor_key == "1000" and screen_lines(app)[1].split()[0] == "1000"


async def test_only_changed_rows_are_redrawn():
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        r = rows(50)
        t.sync(r)
        await pilot.pause()
        screen_lines(app)
        before = {k: v[1] for k, v in t._lines.items()}
        r["1003"] = r["1003"][:2] + (("9", "", "right"),)
        assert t.sync(dict(r)) == 1                         # one row changed, order kept
        assert t.sync(dict(r)) == 0
        await pilot.pause()
        screen_lines(app)
        redrawn = {k for k, v in t._lines.items() if before.get(k) is not v[1]}
        assert redrawn == {"1003"}
        assert t.row_texts("1003")[2] == "9"


async def test_text_from_the_switch_is_shown_as_text():
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        t = app.query_one(LiveTable)
        t.sync({"x": (("x", "", "left"), ("\x1b[2J[bold]李", "", "left"), ("1", "", "right"))})
        await pilot.pause()
        line = screen_lines(app)[1]
        assert "\x1b" not in line and "\\x1b[2J" in line          # shown escaped, never sent
        assert t.row_texts("x")[1].endswith("[bold]李")                # markup stays literal text


async def test_rows_a_filter_hid_come_back_as_they_were():
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        r = rows(20)
        t.sync(r)
        t.sync({"1007": r["1007"]})
        try:
            t.row_texts("1003")
            raise AssertionError("a hidden row has no texts")
        except KeyError:
            pass
        assert t.sync(r) == 19 and t.row_count == 20
        assert t.row_texts("1003") == ["1003", "坐席3", "0"]
        await pilot.pause()
        assert [ln.split()[0] for ln in screen_lines(app)[1:4]] == ["1000", "1001", "1002"]
        t.sync({f"x{i}": r["1000"] for i in range(5000)})   # many keys come and go: the cache stays bounded
        t.sync(r)
        assert len(t._safe) <= 2 * 20 + 2000


async def test_a_click_moves_the_cursor_and_a_click_on_the_cursor_row_selects_it():
    picked: list[str] = []

    class Picking(Host):
        def on_live_table_selected(self, event: LiveTable.Selected) -> None:
            picked.append(event.key)

    app = Picking()
    async with app.run_test(size=(40, 10)) as pilot:
        t = app.query_one(LiveTable)
        t.sync(rows(5))
        await pilot.pause()
        await pilot.click(LiveTable, offset=(2, 3))        # line 3 = the third row (1002)
        await pilot.pause()
        assert t.cursor_key == "1002" and picked == []
        await pilot.click(LiveTable, offset=(2, 3))
        await pilot.pause()
        assert picked == ["1002"]
        await pilot.click(LiveTable, offset=(2, 0))        # the header selects nothing
        await pilot.pause()
        assert picked == ["1002"] and t.cursor_key == "1002"


async def test_a_changed_cell_is_made_safe_again_and_the_others_stay():
    app = Host()
    async with app.run_test(size=(60, 10)) as pilot:
        t = app.query_one(LiveTable)
        t.sync({"x": (("x", "", "left"), ("李\u200b", "", "left"), ("1", "", "right"))})
        first = t.row_texts("x")
        t.sync({"x": (("x", "", "left"), ("李\u200b", "", "left"), ("\x1b[2J7", "", "right"))})   # one cell changes
        texts = t.row_texts("x")
        assert texts[:2] == first[:2] and "\u200b" not in texts[1]
        assert texts[2] == "\\x1b[2J7"                        # the new text made safe too
        t.sync({"x": (("x", "", "left"), ("李\u200b", "", "left"), ("a much longer count", "", "right"))})
        await pilot.pause()
        assert "a much" in screen_lines(app)[1]               # the column widened for the changed cell
