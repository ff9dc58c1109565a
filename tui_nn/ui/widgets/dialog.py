"""A dialog that answers once: the base of the app's modal screens (name and feature pickers, prompts,
the end of a comparison, help).

Keys arrive in bursts (SSH, pastes): `Enter Enter` reaches a picker as two selections before
the first has closed it, and a second `dismiss` of a screen no longer on top of the stack
ended the app with `ScreenStackError`. `answer(value)` dismisses the first time and ignores
every later call; while another screen lies above it (a key of the same burst opened help
over a picker, say) it does not answer at all, since `dismiss` pops the top screen.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    answered = False

    def answer(self, result: T | None = None) -> None:
        """Close with `result`, once; later answers (keys typed behind) are dropped, and so
        is an answer while another screen is above this one (Textual's `dismiss` would close
        that one instead)."""
        if self.answered or self is not self.app.screen:
            return
        self.answered = True
        self.dismiss(result)
