"""The plane a 2-D picture is drawn on (the decision boundary, neuron maps, your own points).

For data with two inputs the plane is those two inputs; with feature inputs (`features.py`)
the network sees x1², sin(x1), ... but the picture stays over (x1, x2); for a wider CSV two of
its columns are the axes and every other input is held at its training mean. Either way a
point (u, v) of the plane becomes a row of network inputs through `Plane.inputs`, and the
samples are drawn at `Plane.train` / `Plane.test` (the network's units before features: the
raw x1, x2 for the generated sets, the normalised columns of a CSV).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tui_nn.data.features import expand

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Plane:
    """Two axes of the data and how a point on them becomes the network's inputs."""

    axes: tuple[str, str]  # what the picture's x and y are ("x1", "x2"; two CSV columns)
    columns: tuple[int, int]  # their columns among the inputs before features
    base: Array  # (d,) float32: the row every other input keeps (its training mean)
    features: tuple[str, ...] | None  # feature inputs computed from the two axes
    train: Array  # (n, 2) float32: the training samples on the plane
    test: Array  # (m, 2) float32

    @property
    def held(self) -> int:
        """How many inputs are held at their mean (0 unless the data is wider than the plane)."""
        return self.base.shape[0] - 2

    def inputs(self, points: Array, dtype: str | np.dtype = np.float32) -> Array:
        """(m, 2) points on the plane -> (m, n_inputs) rows of network inputs."""
        points = np.asarray(points)
        rows = np.repeat(self.base[None, :].astype(dtype), points.shape[0], axis=0)
        rows[:, self.columns[0]] = points[:, 0]
        rows[:, self.columns[1]] = points[:, 1]
        return expand(rows, self.features).astype(dtype, copy=False)

    def with_train(self, train: Array) -> Plane:
        return replace(self, train=np.asarray(train, dtype=np.float32))


def make_plane(
    X_train: Array,
    X_test: Array,
    names: tuple[str, ...] | None,
    columns: tuple[int, int] = (0, 1),
    features: tuple[str, ...] | None = None,
) -> Plane:
    """The plane over `columns` of X (the network's inputs before features), the others at
    their mean over the training rows."""
    X_train = np.asarray(X_train, dtype=np.float32)
    X_test = np.asarray(X_test, dtype=np.float32)
    d = X_train.shape[1]
    base = (
        X_train.astype(np.float64).mean(axis=0).astype(np.float32)
        if len(X_train)
        else np.zeros(d, dtype=np.float32)
    )
    i, j = columns
    axes = (names[i], names[j]) if names is not None else (f"x{i + 1}", f"x{j + 1}")
    return Plane(
        axes=axes,
        columns=(i, j),
        base=base,
        features=features,
        train=X_train[:, [i, j]].copy(),
        test=X_test[:, [i, j]].copy(),
    )
