"""What the trainer computes for the UI to look at: data summary, decision grid, weights.

Every function returns fresh copies (never views of the engine's arrays), so a snapshot stays
valid however the training continues.
"""

from __future__ import annotations

import numpy as np

from tui_nn.data.features import input_names
from tui_nn.data.spec import Dataset
from tui_nn.session.protocol.messages import DataSummary, DecisionGrid, Inspection, SetView

MAX_POINTS_PER_SPLIT = 1000  # 2-D points sent per split: at most ~2000 in all
GRID_MARGIN = 0.05  # the grid extends the data's box by this share on every side
MAX_GRID = 1000  # columns or rows of a decision grid at most


def check_view(view: SetView) -> SetView:
    """The view as asked, or ValueError naming what cannot be drawn (nothing changes then)."""
    size = view.grid_size
    if not (
        isinstance(size, tuple)
        and len(size) == 2
        and all(isinstance(n, int) and 1 <= n <= MAX_GRID for n in size)
    ):
        raise ValueError(f"grid_size must be (columns, rows), each in 1..{MAX_GRID}, got {size!r}")
    for name in ("grid_interval", "weights_interval"):
        seconds = getattr(view, name)
        if not isinstance(seconds, int | float) or not 0 <= seconds < float("inf"):
            raise ValueError(f"{name} must be a number of seconds >= 0, got {seconds!r}")
    if not isinstance(view.sample, int):  # any whole number: it wraps around the set
        raise ValueError(f"sample must be a whole number, got {view.sample!r}")
    return view


def _subsample(n: int, limit: int) -> np.ndarray:
    """Indices of at most `limit` of n items, spread evenly and always the same (no rng)."""
    if n <= limit:
        return np.arange(n, dtype=np.int64)
    return np.linspace(0, n - 1, limit).round().astype(np.int64)


def _points(X: np.ndarray, scale: float) -> np.ndarray:
    return np.asarray(X, dtype=np.float32) * np.float32(scale)


def _labels(y: np.ndarray) -> np.ndarray:
    """Class indices as they are; regression targets: the first target column."""
    if y.ndim == 2:
        y = y[:, 0]
    return np.array(y, copy=True)


def data_bounds(dataset: Dataset) -> tuple[float, float, float, float]:
    """x_min, x_max, y_min, y_max of all the points on the plane (train and test), with a small
    margin."""
    plane = dataset.plane
    assert plane is not None, "data_bounds needs a plane"
    both = np.concatenate([plane.train, plane.test]).astype(np.float32)
    lo, hi = both.min(axis=0), both.max(axis=0)
    pad = np.maximum(hi - lo, np.float32(1e-3)) * GRID_MARGIN
    lo, hi = lo - pad, hi + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def data_summary(dataset: Dataset) -> DataSummary:
    """Sizes and names of the data; for 2-D data also up to ~2000 points to draw."""
    points = labels = test_points = test_labels = bounds = None
    plane = dataset.plane
    if plane is not None:
        tr = _subsample(len(plane.train), MAX_POINTS_PER_SPLIT)
        te = _subsample(len(plane.test), MAX_POINTS_PER_SPLIT)
        points = np.array(plane.train[tr], dtype=np.float32)
        labels = _labels(dataset.y_train[tr])
        test_points = np.array(plane.test[te], dtype=np.float32)
        test_labels = _labels(dataset.y_test[te])
        bounds = data_bounds(dataset)
    elif dataset.task == "regression" and dataset.n_inputs == 1:  # the fit plot's points
        points, labels = _curve_points(dataset, dataset.X_train, dataset.y_train)
        test_points, test_labels = _curve_points(dataset, dataset.X_test, dataset.y_test)
    return DataSummary(
        name=dataset.name,
        task=dataset.task,
        n_inputs=dataset.n_inputs,
        n_outputs=dataset.n_outputs,
        n_classes=dataset.n_classes,
        n_train=len(dataset.X_train),
        n_test=len(dataset.X_test),
        class_names=dataset.class_names,
        points_train=points,
        labels_train=labels,
        points_test=test_points,
        labels_test=test_labels,
        bounds=bounds,
        notes=dataset.notes,
        plane=plane.axes if plane is not None else None,
        held=plane.held if plane is not None else 0,
        features=dataset.features,
        input_names=input_names(dataset),
    )





def _curve_points(dataset: Dataset, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, 2) points (x, target) of 1-D regression data, and the targets."""
    pick = _subsample(len(X), MAX_POINTS_PER_SPLIT)
    x = _points(X[pick], dataset.input_scale)[:, 0]
    target = np.asarray(_labels(y[pick]), dtype=np.float32)
    return np.stack([x, target], axis=1), target


def grid_points(
    bounds: tuple[float, float, float, float], size: tuple[int, int], dtype: str
) -> np.ndarray:
    """(rows * cols, 2) sample points, row-major, row 0 at y_max (the top of the picture)."""
    cols, rows = size
    x_min, x_max, y_min, y_max = bounds
    xs = np.linspace(x_min, x_max, cols, dtype=dtype)
    ys = np.linspace(y_max, y_min, rows, dtype=dtype)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def decision_grid(
    net,
    dataset: Dataset,
    bounds: tuple[float, float, float, float],
    size: tuple[int, int],
    epoch: int | None = None,
) -> DecisionGrid:
    """The network's output over a grid covering the plane (2-D data, or two columns).

    Binary classification gives P(class 1), k classes give the winning class index (and its
    probability, the shade), and regression gives the (first) predicted value. `epoch`: the
    replayed epoch `net` is from (None: the live network).
    """
    cols, rows = size
    out = np.asarray(net.forward(plane_inputs(net, dataset, bounds, size), input_scale=1.0))
    probabilities = None
    if dataset.task == "classification" and out.shape[1] > 1:
        values, kind = out.argmax(axis=1), "class"
        probabilities = out.max(axis=1).astype(np.float32).reshape(rows, cols).copy()
    elif dataset.task == "classification":
        values, kind = out[:, 0], "probability"
    else:
        values, kind = out[:, 0], "value"
    values = np.asarray(values, dtype=np.float32).reshape(rows, cols).copy()
    return DecisionGrid(values=values, bounds=bounds, kind=kind, epoch=epoch,
                        probabilities=probabilities)  # fmt: skip


def plane_inputs(
    net, dataset: Dataset, bounds: tuple[float, float, float, float], size: tuple[int, int]
) -> np.ndarray:
    """The network's input rows for the grid over the plane (features computed, the other
    columns of a wider CSV at their training mean)."""
    points = grid_points(bounds, size, net.spec.dtype)
    plane = dataset.plane
    return points if plane is None else plane.inputs(points, net.spec.dtype)


def copy_weights(net) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """((W, b), ...) per layer, copied: W is (n_out, n_in), b is (n_out,)."""
    params = list(net.get_params())
    if params and isinstance(params[0], np.ndarray):  # a flat [W0, b0, W1, b1, ...] list
        params = list(zip(params[0::2], params[1::2]))
    return tuple((np.array(W, copy=True), np.array(b, copy=True)) for W, b in params)


def inspect_sample(net, dataset: Dataset, index: int, split: str) -> Inspection:
    """The forward pass of one sample, layer by layer: `a = f(W @ x + b)` for every layer.

    Computed here from the parameters, so the engine's caches of the last training step (which
    the neuron statistics read) are left alone.
    """
    from tui_nn.engine.activations import ACTIVATIONS

    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    X, y = (
        (dataset.X_train, dataset.y_train) if split == "train" else (dataset.X_test, dataset.y_test)
    )
    if not 0 <= index < len(X):
        raise ValueError(f"sample index {index} is out of range: the {split} set has {len(X)}")
    dtype = np.dtype(net.spec.dtype)
    x = np.asarray(X[index], dtype=dtype) * dtype.type(dataset.input_scale)
    a = x[None, :]
    activations = []
    for (W, b), layer in zip(copy_weights(net), net.spec.layers):
        z = a @ W.T + b
        out, tmp = np.empty_like(z), np.empty_like(z)
        ACTIVATIONS[layer.activation].forward(z, out, tmp)
        a = out
        activations.append(a[0].copy())
    target = y[index]
    target = (
        int(target)
        if np.ndim(target) == 0 and dataset.task == "classification"
        else np.array(target)
    )
    return Inspection(index, split, x.copy(), target, tuple(activations), activations[-1].copy())
