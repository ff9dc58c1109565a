"""Kinds of things every layer names: the task a dataset poses (the engine trains for it, the
data layer detects it, files store it). Plain Python, below every other layer."""

from __future__ import annotations

from typing import Literal

Task = Literal["classification", "regression"]
