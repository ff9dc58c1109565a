"""The footer has its keys in the app's first frame (issue 23: start to first frame), not two
refreshes later as Textual's own footer fills itself."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui_nn.ui.app import ready_footer


def keys_when_mounted(make_footer) -> list[str]:  # noqa: ANN001
    """The footer's keys when the app's on_mount runs: before its first frame is drawn."""
    seen: list[str] = []

    class Small(App):
        BINDINGS = [Binding("space", "toggle", "Run/Pause")]

        def compose(self) -> ComposeResult:
            yield make_footer()

        def on_mount(self) -> None:
            seen.extend(key.description for key in self.query(FooterKey))
            self.exit()

    Small().run(headless=True)
    return seen


def test_the_footer_has_the_apps_keys_before_the_first_frame():
    assert "Run/Pause" in keys_when_mounted(ready_footer)


def test_textuals_own_footer_is_empty_then():  # why ready_footer exists
    assert keys_when_mounted(lambda: Footer(compact=True)) == []
