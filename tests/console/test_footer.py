"""KeyFooter: the same keys are not rebuilt on every bindings refresh; changed keys are."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from screens.footer import KeyFooter


class Host(App):
    BINDINGS = [Binding("a", "alpha", "Alpha"), Binding("b", "beta", "Beta")]
    beta_on = True

    def compose(self) -> ComposeResult:
        yield Static("x")
        yield KeyFooter()

    def check_action(self, action: str, parameters) -> bool | None:
        return None if action == "beta" and not self.beta_on else True

    def action_alpha(self) -> None:
        pass

    def action_beta(self) -> None:
        pass


def keys(app: App) -> list[FooterKey]:
    """The keys the footer shows (those not hidden)."""
    return [k for k in app.screen.query(FooterKey) if k.display]


async def test_a_bindings_refresh_that_changes_nothing_keeps_the_footer_keys():
    app = Host()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        before = keys(app)
        assert [k.description for k in before][:2] == ["Alpha", "Beta"]
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert keys(app) == before                       # the very same widgets: nothing rebuilt


async def test_a_key_that_becomes_disabled_is_redrawn_disabled():
    app = Host()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        before = keys(app)
        app.beta_on = False
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        after = keys(app)
        assert after == before                           # changed in place, not rebuilt (issue 21)
        beta = next(k for k in after if k.description == "Beta")
        assert beta.has_class("-disabled")


class WithBox(App):
    """A screen key, and a text box whose focus hides it (its own binding takes the key)."""

    BINDINGS = [Binding("a", "alpha", "Alpha"), Binding("b", "beta", "Beta")]

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield Input(id="box")
        yield Static("x", id="plain")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#plain", Static).can_focus = True
        self.query_one("#plain", Static).focus()

    def action_alpha(self) -> None:
        pass

    def action_beta(self) -> None:
        pass


async def test_keys_that_change_with_the_focus_are_shown_without_rebuilding_the_footer():
    """Focus into a text box and back (the agents filter's / and Esc): the footer shows what
    is active each time, by changing the keys it has rather than building them all again."""
    from textual.widgets import Input

    app = WithBox()
    async with app.run_test(size=(100, 8)) as pilot:
        await pilot.pause()
        first = keys(app)
        shown = [(k.key_display, k.description) for k in first]
        footer = app.screen.query_one(KeyFooter)
        layout = [(r[1], r[2]) for r in footer.layout_keys()]
        assert shown == layout
        app.query_one("#box", Input).focus()
        await pilot.pause()
        await pilot.pause()
        assert [(k.key_display, k.description) for k in keys(app)] == [(r[1], r[2]) for r in footer.layout_keys()]
        app.query_one("#plain", Static).focus()
        await pilot.pause()
        await pilot.pause()
        again = keys(app)
        assert [(k.key_display, k.description) for k in again] == shown
        assert again == first                            # the same widgets, changed in place
