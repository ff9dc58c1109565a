"""Learning-rate schedules: the rate for each epoch, from the base rate in `HyperParams.lr`.

A schedule is a function `(lr, epoch, hyper) -> lr` found by name in `SCHEDULES`; `epoch` counts
the epochs finished before the one being trained (0 for the first). The rate changes between
epochs, as `torch.optim.lr_scheduler` does when `scheduler.step()` is called once per epoch.

| name | rate in epoch e (0-based) | parameters |
|---|---|---|
| `constant` | `lr` | — |
| `step` | `lr · gamma^floor(e / step)` | `lr_step` (epochs, 10), `lr_gamma` (0.1) — PyTorch `StepLR` |
| `cosine` | `lr_min + (lr − lr_min)·(1 + cos(π·e/T))/2`, then `lr_min` once e ≥ T | `T` = the epoch budget (`epochs`), else `lr_step`; `lr_min` (0) — `CosineAnnealingLR` |
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Schedule = Callable[[float, int, Any], float]


def constant(lr: float, epoch: int, hyper: Any) -> float:
    return lr


def step(lr: float, epoch: int, hyper: Any) -> float:
    return lr * hyper.lr_gamma ** (epoch // hyper.lr_step)


def cosine(lr: float, epoch: int, hyper: Any) -> float:
    period = hyper.epochs or hyper.lr_step
    if epoch >= period:
        return hyper.lr_min
    return hyper.lr_min + (lr - hyper.lr_min) * (1 + math.cos(math.pi * epoch / period)) / 2


SCHEDULES: dict[str, Schedule] = {"constant": constant, "step": step, "cosine": cosine}


def rate(hyper: Any, epoch: int) -> float:
    """The learning rate of epoch `epoch` (0-based) under `hyper.lr_schedule`."""
    return float(SCHEDULES[hyper.lr_schedule](hyper.lr, epoch, hyper))
