"""The presets that keys step through: the training speed limit (`<` `>`) and the plots'
smoothing (`w`)."""

from __future__ import annotations

SMOOTHING_STEPS = (0, 5, 20)  # epochs of the plots' moving average, cycled by a key
SPEEDS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)  # epochs per second, chosen with < and >; then max


def slower(speed: float | None) -> float:
    """The next preset below `speed` (None is as fast as possible); the slowest stays."""
    below = [s for s in SPEEDS if speed is None or s < speed]
    return below[-1] if below else SPEEDS[0]


def faster(speed: float | None) -> float | None:
    """The next preset above `speed`; past the fastest, no limit (None), which stays."""
    above = [s for s in SPEEDS if speed is not None and s > speed]
    return above[0] if above else None


def next_smoothing(current: int) -> int:
    steps = SMOOTHING_STEPS
    return steps[(steps.index(current) + 1) % len(steps)] if current in steps else steps[0]
