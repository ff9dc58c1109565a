"""Checks of option values: each takes a command-line string or a TOML value and returns the
value, or raises UsageError with the reason (the caller adds which option it was).

Names (datasets, activations, losses, ...) are read from the registries when a value is
checked, so the engine and the data layer are imported lazily.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from tui_nn.engine.spec import MAX_HIDDEN_LAYERS, MAX_UNITS


class UsageError(ValueError):
    """A bad option value: the message is one line naming the option and the allowed values."""


# ---- value checks (each takes a command-line string or a TOML value) ----------------------


def as_text(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, str | int | float):
        raise UsageError(f"expected text, got {v!r}")
    return str(v).strip()


def _number(v: Any, what: str) -> float:
    if isinstance(v, bool):
        raise UsageError(f"must be {what}, got {v!r}")
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise UsageError(f"must be {what}, got {v!r}") from None
    if not math.isfinite(x):
        raise UsageError(f"must be {what}, got {v!r}")
    return x


def _integer(v: Any, what: str) -> int:
    if isinstance(v, bool):
        raise UsageError(f"must be {what}, got {v!r}")
    if isinstance(v, int):
        return v
    try:
        return int(str(v).strip())
    except ValueError:
        raise UsageError(f"must be {what}, got {v!r}") from None


def positive_float(v: Any) -> float:
    x = _number(v, "a number > 0")
    if x <= 0:
        raise UsageError(f"must be a number > 0, got {v!r}")
    return x


def non_negative_float(v: Any) -> float:
    x = _number(v, "a number >= 0")
    if x < 0:
        raise UsageError(f"must be a number >= 0, got {v!r}")
    return x


def _limited(key: str, what: str) -> Callable[[Any], float]:
    """A number within the limit the app's field has too (`tui_nn.config.LIMITS`)."""
    from tui_nn.config import LIMITS

    lo, hi = LIMITS[key]

    def check(v: Any) -> float:
        allowed = f"{what} ({lo:g}..{hi:g})"
        x = _number(v, allowed)
        if not lo <= x <= hi:
            raise UsageError(f"must be {allowed}, got {v!r}")
        return x

    return check


fraction = _limited("test_fraction", "a share of the samples, 0 for none")
learning_rate = _limited("lr", "a learning rate")
noise = _limited("noise", "a noise level")


def momentum(v: Any) -> float:
    x = _number(v, "a number in [0, 1)")
    if not 0 <= x < 1:
        raise UsageError(f"must be a number in [0, 1), got {v!r}")
    return x


def gamma(v: Any) -> float:
    x = _number(v, "a factor in (0, 1]")
    if not 0 < x <= 1:
        raise UsageError(f"must be a factor in (0, 1], got {v!r}")
    return x


def positive_int(v: Any) -> int:
    n = _integer(v, "a whole number >= 1")
    if n < 1:
        raise UsageError(f"must be a whole number >= 1, got {v!r}")
    return n


def seed(v: Any) -> int:
    n = _integer(v, "a whole number >= 0")
    if n < 0:
        raise UsageError(f"must be a whole number >= 0, got {v!r}")
    return n


def batch_size(v: Any) -> int | None:
    """A positive integer, or "full" (None: the whole training set per step)."""
    if isinstance(v, str) and v.strip().lower() == "full":
        return None
    n = _integer(v, "a whole number >= 1 or 'full'")
    if n < 1:
        raise UsageError(f"must be a whole number >= 1 or 'full', got {v!r}")
    return n


def hidden(v: Any) -> tuple[int, ...]:
    """ "8,8" (or a TOML list [8, 8]); empty for no hidden layer."""
    if isinstance(v, list | tuple):
        items = list(v)
    else:
        text = as_text(v)
        items = [p for p in text.replace(" ", ",").split(",") if p] if text else []
    allowed = f"comma-separated layer sizes in 1..{MAX_UNITS}, e.g. 8,8 (empty for none)"
    sizes = []
    for item in items:
        try:
            n = _integer(item, allowed)
        except UsageError:
            raise UsageError(f"must be {allowed}, got {v!r}") from None
        if not 1 <= n <= MAX_UNITS:
            raise UsageError(f"must be {allowed}, got {v!r}")
        sizes.append(n)
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise UsageError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(sizes)}")
    return tuple(sizes)


def choice(names: Callable[[], tuple[str, ...]], auto: bool = False) -> Callable[[Any], str]:
    """A name from a registry (read when checked, so the engine is imported lazily)."""

    def check(v: Any) -> str:
        allowed = (*names(), *(("auto",) if auto else ()))
        text = as_text(v).lower()
        if text not in allowed:
            raise UsageError(f"unknown value {v!r}; choose one of: {', '.join(allowed)}")
        return text

    check.allowed = lambda: (*names(), *(("auto",) if auto else ()))  # type: ignore[attr-defined]
    return check


def path_text(v: Any) -> str:
    if not isinstance(v, str):
        raise UsageError(f"must be a path (text), got {v!r}")
    text = v.strip()
    if not text:
        raise UsageError("must be a path, got an empty value")
    return text


# ---- the registries, imported lazily ------------------------------------------------------


def dataset_names() -> tuple[str, ...]:
    from tui_nn.data import DATASET_NAMES

    return (*DATASET_NAMES, "csv")


def activation_names() -> tuple[str, ...]:
    from tui_nn.engine.activations import ACTIVATIONS

    return tuple(name for name, act in ACTIVATIONS.items() if not act.output_only)


def output_names() -> tuple[str, ...]:
    from tui_nn.engine.activations import ACTIVATIONS

    return tuple(ACTIVATIONS)


def loss_names() -> tuple[str, ...]:
    from tui_nn.engine.losses import LOSSES

    return tuple(LOSSES)


def optimizer_names() -> tuple[str, ...]:
    from tui_nn.engine.types import OPTIMIZERS

    return tuple(OPTIMIZERS)


def schedule_names() -> tuple[str, ...]:
    from tui_nn.engine.schedules import SCHEDULES

    return tuple(SCHEDULES)


def init_names() -> tuple[str, ...]:
    from tui_nn.engine.initializers import INITIALIZERS

    return tuple(name for name in INITIALIZERS if name != "auto")


def dataset_name(v: Any) -> str:
    from tui_nn.data.registry import canonical_name

    name = canonical_name(as_text(v))
    allowed = dataset_names()
    if name not in allowed:
        raise UsageError(f"unknown dataset {v!r}; choose one of: {', '.join(allowed)}")
    return name
