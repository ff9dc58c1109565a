"""Feature inputs of 2-D data, as TensorFlow Playground offers them: x1, x2, x1², x2², x1·x2,
sin(x1), sin(x2), any subset.

The network then sees one input per chosen feature, each computed from the two inputs as the
network would otherwise see them (after the data's normalisation: for the generated sets, the
raw x1 and x2). `circle` needs no hidden layer once x1² and x2² are inputs: the boundary
`w1 x1² + w2 x2² + b = 0` is a circle.

A feature has a canonical name (what files, TOML and `--features` use: `x1^2`), a name for
screens (`x1²`) and other spellings people type (`x1sq`, `x1**2`). The `features` rule
(`data/rules.py`) checks a choice: each at most once, kept in the canonical order below
whatever order it was given in.
The model file stores the canonical names, so `predict`, `eval` and the exported script take the
raw x1, x2 and compute the features themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from tui_nn.data.spec import DataError

Array = np.ndarray


@dataclass(frozen=True)
class Feature:
    """One input computed from (x1, x2)."""

    name: str  # canonical: "x1^2"
    shown: str  # on screens: "x1²"
    compute: Callable[[Array, Array], Array]
    torch: str  # the same in PyTorch, of tensors x1 and x2 (the exported script)


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("x1", "x1", lambda x1, x2: x1, "x1"),
        Feature("x2", "x2", lambda x1, x2: x2, "x2"),
        Feature("x1^2", "x1²", lambda x1, x2: x1 * x1, "x1 * x1"),
        Feature("x2^2", "x2²", lambda x1, x2: x2 * x2, "x2 * x2"),
        Feature("x1*x2", "x1·x2", lambda x1, x2: x1 * x2, "x1 * x2"),
        Feature("sin(x1)", "sin(x1)", lambda x1, x2: np.sin(x1), "torch.sin(x1)"),
        Feature("sin(x2)", "sin(x2)", lambda x1, x2: np.sin(x2), "torch.sin(x2)"),
    )
}
"""Every feature by canonical name, in the order a network's inputs take them."""

ALIASES: dict[str, str] = {
    **{f.shown.lower(): f.name for f in FEATURES.values()},
    "x1sq": "x1^2",
    "x2sq": "x2^2",
    "x1**2": "x1^2",
    "x2**2": "x2^2",
    "x1x2": "x1*x2",
    "x2x1": "x1*x2",
    "x2*x1": "x1*x2",
    "x1.x2": "x1*x2",
    "sinx1": "sin(x1)",
    "sinx2": "sin(x2)",
}
"""Other spellings (ASCII for a shell, the screen's own) -> the canonical name."""

RAW = ("x1", "x2")
"""The features of a network without feature inputs: the two inputs themselves."""


def input_names(dataset) -> tuple[str, ...] | None:  # noqa: ANN001 - a Dataset
    """A dataset's network inputs by name, as screens show them: its feature inputs (x1²) or
    its own columns (None when it does not name them)."""
    if dataset.features is not None:
        return shown(dataset.features)
    return dataset.feature_names


def shown(features: Iterable[str]) -> tuple[str, ...]:
    """The names screens show (`x1²`), for canonical names."""
    return tuple(FEATURES[name].shown for name in features)


def expand(X: Array, features: tuple[str, ...] | None) -> Array:
    """Rows of (x1, x2) -> rows of the chosen features (float32, or X's float64); None keeps X."""
    if features is None:
        return X
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise DataError(f"feature inputs need rows of two values (x1, x2), got shape {X.shape}")
    dtype = np.float64 if X.dtype == np.float64 else np.float32
    x1, x2 = X[:, 0].astype(dtype), X[:, 1].astype(dtype)
    out = np.empty((X.shape[0], len(features)), dtype=dtype)
    for j, name in enumerate(features):
        out[:, j] = FEATURES[name].compute(x1, x2)
    return out
