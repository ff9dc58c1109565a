"""The command palette (`ctrl+p`): Textual's, made to survive keys that arrive in one burst.

Textual's `CommandList` (an `OptionList`) lays its lines out only once it has a height; the
palette shows the list only when it has results. `ctrl+p 2 PageDown` typed together reached
`OptionList._move_page` before that, which read the line of an option not laid out yet and
ended the app with `KeyError: 0`. Here a page key on a list with no lines yet does nothing
(there is nothing to page through), and a key that reaches a palette not composed yet or
already closing (no list: `NoMatches: 'CommandList'`) is dropped.

Keys are also reordered in a burst: `ctrl+p` is a priority binding the app runs at once, the
keys typed before it are handed to the screen and run later, against the screen then on top.
`Esc ctrl+p` thus opened the palette and closed it before it was mounted, and its mount
(`screen_stack[-2]`, the screen below it) ended the app with `IndexError`. A palette closed
before it is mounted is never shown and needs no set-up. It closes once, and only itself
(`dismiss`). The app opens this palette for commands and for themes.
"""

from __future__ import annotations

from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.events import Mount
from textual.widgets import Input

PAGE_ACTIONS = ("page_up", "page_down")


class Palette(CommandPalette):
    closed = False  # dismissed once: whatever of the burst reaches it later is dropped

    def _command_list(self) -> CommandList | None:
        """The list, or None before the palette is composed and once it is closing (keys of
        the same burst that reach it then have nothing to move)."""
        found = self.query(CommandList)
        return found.first() if found else None

    def _action_command_list(self, action: str) -> None:
        command_list = self._command_list()
        if command_list is None:
            return
        if action in PAGE_ACTIONS and not command_list.scrollable_content_region:
            return  # not laid out yet (no height): nothing to page through
        super()._action_command_list(action)

    def _action_cursor_down(self) -> None:
        if self._command_list() is not None:
            super()._action_cursor_down()

    def _action_escape(self) -> None:
        if self is self.app.screen:  # else closed already: a second Esc must not close another
            super()._action_escape()

    def _on_mount(self, event: Mount) -> None:
        if self not in self.app.screen_stack:  # closed by a key of the same burst
            event.prevent_default()  # Textual's set-up reads the screen below it

    def dismiss(self, result: None = None) -> AwaitComplete:
        """Close, once, and only from the top of the stack: Textual's `dismiss` pops whatever
        screen is on top, and an `Enter` typed behind the one that chose a command closed the
        screen that command opened, or the app's own (`ScreenStackError`)."""
        if self.closed or self is not self.app.screen:
            return AwaitComplete.nothing()
        self.closed = True
        return super().dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.closed:  # an Enter behind the one that chose: do not run the command again
            event.prevent_default()
            event.stop()
