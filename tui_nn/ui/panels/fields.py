"""What the user may type into the editor, and the one-line reason when a value is refused.

Every editable value goes through `parse` with its option's rule (`tui_nn.config.RULES`, the
same rules the CLI and the engine check); a refused value raises `Refused` with a message
that names the field and what is allowed, and the panel keeps the previous value. Pure
functions, no Textual: easy to test and to reuse.
"""

from __future__ import annotations

from typing import Any

from tui_nn.config import RULES, UNITS
from tui_nn.rule import Rule, RuleError

__all__ = ["HIDDEN_LAYERS", "RULES", "UNITS", "Refused", "parse", "show_float", "show_optional"]

HIDDEN_LAYERS = RULES["hidden"].max_items


class Refused(ValueError):
    """A value the app will not use; str() is a one-line message for the user."""


def parse(rule: Rule, text: str, name: str | None = None) -> Any:
    """`text` checked by `rule` (and the narrower range the app offers, if any)."""
    try:
        return rule.check_editor(text)
    except RuleError as exc:
        raise Refused(f"{name or rule.title}: {exc}") from None


def show_optional(value: int | None, none_word: str) -> str:
    return none_word if value is None else str(value)


def show_float(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
