"""A list of options (Textual's `OptionList`) whose page keys survive a list with no height.

`OptionList` lays its lines out only when it has an area. A list hidden or squeezed to no
height (the editor hidden with `b`, a narrow terminal, a list about to be shown) still has a
highlighted option, and PageUp/PageDown read that option's line: `KeyError` ended the app. A
page key on a list with no area does nothing (there is nothing to page through). The command
palette's own list has the same guard (ui/palette.py).
"""

from __future__ import annotations

from textual.widgets import OptionList


class Options(OptionList):
    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()
