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
    return list(app.screen.query(FooterKey))


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
        assert after != before
        beta = next(k for k in after if k.description == "Beta")
        assert beta.has_class("-disabled")
