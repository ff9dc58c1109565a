"""What the user may type into the editor, and the one-line reason when a value is refused.

Every editable number goes through one of these parsers; a refused value raises `Refused`
with a message that names the field and the allowed range, and the panel keeps the previous
value. Pure functions, no Textual: easy to test and to reuse.
"""

from __future__ import annotations

import math

from tui_nn.config import LIMITS
from tui_nn.engine.spec import MAX_HIDDEN_LAYERS, MAX_UNITS

NO_LIMIT_WORDS = ("", "none", "off", "inf", "∞", "-")
FULL_BATCH_WORDS = ("full", "all")

# Limits the app sets (the engine accepts more; these keep a live view responsive).
UNITS = (1, MAX_UNITS)
HIDDEN_LAYERS = MAX_HIDDEN_LAYERS
SAMPLES = (10, 200_000)
NOISE = LIMITS["noise"]  # the same rule as the command line's
TEST_FRACTION = LIMITS["test_fraction"]  # 0: train on everything
SEED = (0, 2**31 - 1)
LEARNING_RATE = LIMITS["lr"]
BATCH_SIZE = (1, 100_000)
PENALTY = (0.0, 1.0)
EPOCHS = (1, 1_000_000)


class Refused(ValueError):
    """A value the app will not use; str() is a one-line message for the user."""


def parse_int(text: str, name: str, limits: tuple[int, int]) -> int:
    lo, hi = limits
    cleaned = text.strip().replace("_", "").replace(",", "")
    try:
        value = int(cleaned)
    except ValueError:
        raise Refused(f"{name}: {text.strip()!r} is not a whole number") from None
    if not lo <= value <= hi:
        raise Refused(f"{name}: {value} is out of range ({lo}..{hi})")
    return value


def parse_float(text: str, name: str, limits: tuple[float, float]) -> float:
    lo, hi = limits
    try:
        value = float(text.strip())
    except ValueError:
        raise Refused(f"{name}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise Refused(f"{name}: {text.strip()} is out of range ({lo:g}..{hi:g})")
    return value


def parse_optional_int(text: str, name: str, limits: tuple[int, int]) -> int | None:
    """A whole number, or no limit ("", "none", "inf")."""
    if text.strip().lower() in NO_LIMIT_WORDS:
        return None
    return parse_int(text, name, limits)


def parse_batch(text: str) -> int | None:
    """A batch size, or None for the whole training set ("full")."""
    if text.strip().lower() in FULL_BATCH_WORDS:
        return None
    return parse_int(text, "batch size", BATCH_SIZE)


def show_optional(value: int | None, none_word: str) -> str:
    return none_word if value is None else str(value)


def show_float(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
