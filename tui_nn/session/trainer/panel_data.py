"""What the lower-right panel draws when there is no plane to draw: computed in the trainer,
sent as copies in `Snapshot.panel` (at most every `SetView.grid_interval` while training).

- 1-D regression: the network's curve y(x) over the data's x range (the fit plot; the points
  themselves come once, in the data summary).
- classification with more than two inputs: the confusion matrix of the whole test set (rows
  true, columns predicted), and for image sets a fixed strip of test images with their
  predicted classes.
"""

from __future__ import annotations

import math

import numpy as np

from tui_nn.data.spec import Dataset
from tui_nn.session.protocol.messages import IMAGE_NAMES, PanelData

FIT_SAMPLES = 200  # points of the network's curve
STRIP_SAMPLES = 48  # test images in the strip (the widget draws as many as fit)
STRIP_SIDE = 14  # pixels per side at most (MNIST's 28 are halved)


def image_side(dataset: Dataset) -> int | None:
    side = math.isqrt(dataset.n_inputs)
    return side if dataset.name in IMAGE_NAMES and side * side == dataset.n_inputs else None


def applies(dataset: Dataset) -> bool:
    """Is there anything here for this data? (2-D data has the decision grid instead.)"""
    if dataset.is_2d:
        return False
    fit = dataset.task == "regression" and dataset.n_inputs == 1
    return fit or dataset.task == "classification"


def _predict(net, X: np.ndarray, scale: float) -> np.ndarray:
    out = np.asarray(net.forward(np.asarray(X, dtype=net.spec.dtype), input_scale=scale))
    return (out[:, 0] > 0.5).astype(np.int64) if out.shape[1] == 1 else out.argmax(axis=1)


def panel_data(net, dataset: Dataset) -> PanelData | None:
    if not applies(dataset):
        return None
    scale = dataset.input_scale
    if dataset.task == "regression":
        xs = np.concatenate([dataset.X_train[:, 0], dataset.X_test[:, 0]]) * scale
        x = np.linspace(float(xs.min()), float(xs.max()), FIT_SAMPLES)
        out = np.asarray(net.forward(x[:, None].astype(net.spec.dtype), input_scale=1.0))
        return PanelData(fit_x=x.astype(np.float32), fit_y=out[:, 0].astype(np.float32).copy())
    k = max(2, dataset.n_classes or 2)
    true = np.asarray(dataset.y_test, dtype=np.int64).ravel()
    predicted = _predict(net, dataset.X_test, scale)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (true.clip(0, k - 1), predicted.clip(0, k - 1)), 1)
    side = image_side(dataset)
    if side is None or len(true) == 0:
        return PanelData(confusion=confusion)
    pick = np.linspace(0, len(true) - 1, min(STRIP_SAMPLES, len(true))).round().astype(np.int64)
    return PanelData(
        confusion=confusion,
        images=_small_images(dataset.X_test[pick], side),
        image_true=true[pick].copy(),
        image_predicted=predicted[pick].copy(),
    )


def _small_images(X: np.ndarray, side: int) -> np.ndarray:
    """(m, s, s) uint8, each image stretched to 0..255 and halved while above STRIP_SIDE."""
    images = np.asarray(X, dtype=np.float32).reshape(len(X), side, side)
    while images.shape[1] > STRIP_SIDE and images.shape[1] % 2 == 0:
        n, s, _ = images.shape
        images = images.reshape(n, s // 2, 2, s // 2, 2).mean(axis=(2, 4))
    lo = images.min(axis=(1, 2), keepdims=True)
    hi = images.max(axis=(1, 2), keepdims=True)
    scaled = (images - lo) / np.maximum(hi - lo, 1e-6)
    return (scaled * 255).round().astype(np.uint8)
