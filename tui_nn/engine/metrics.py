"""Accuracy and the per-neuron statistics the app draws.

Per neuron, for the batch of the last training step:
- mean |delta|: the error backpropagation blames on the neuron. `delta` is taken per sample
  (`n * dL/dz` for a batch of n, i.e. the gradient of that sample's own loss), so the number
  does not shrink when the batch grows.
- mean activation `a`;
- dead fraction (relu, leaky_relu, elu): share of samples with `z <= 0`, where the ReLU passes
  no gradient;
- saturated fraction (sigmoid: `a < 0.01` or `a > 0.99`; tanh: `|a| > 0.99`): share of samples
  where the derivative is almost zero, so the neuron learns slowly.
Per layer: `||dW||` and `||W||` (Frobenius norms).
"""

from __future__ import annotations

import numpy as np

from tui_nn.engine.network import Dense
from tui_nn.engine.types import LayerStats

Array = np.ndarray
SATURATION = 0.99


def accuracy(output: Array, y: Array) -> float:
    """Share of samples classified right. `y`: class indices `(n,)` (or one-hot rows).

    Several outputs: the prediction is the largest output; one output: `output > 0.5`.
    """
    output = np.asarray(output)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    if y.size == 0:
        return float("nan")
    if output.ndim == 1 or output.shape[1] == 1:
        pred = (output.reshape(-1) > 0.5).astype(np.int64)
    else:
        pred = output.argmax(axis=1)
    return float(np.mean(pred == y))


def layer_stats(layer: Dense, z: Array, a: Array, delta: Array) -> LayerStats:
    """Statistics of one layer from the arrays of its last training step."""
    n = z.shape[0]
    dtype = layer.W.dtype
    kind = layer.act.kind
    units = layer.n_out
    dead = np.zeros(units, dtype=dtype)
    saturated = np.zeros(units, dtype=dtype)
    if kind == "relu":
        dead = np.count_nonzero(z <= 0, axis=0).astype(dtype) / dtype.type(n)
    elif kind == "sigmoid":
        saturated = np.count_nonzero(np.abs(a - 0.5) > SATURATION - 0.5, axis=0).astype(dtype)
        saturated /= dtype.type(n)
    elif kind == "tanh":
        saturated = np.count_nonzero(np.abs(a) > SATURATION, axis=0).astype(dtype)
        saturated /= dtype.type(n)
    return LayerStats(
        mean_abs_delta=np.abs(delta).sum(axis=0, dtype=dtype),  # mean over n of |n * delta|
        mean_activation=a.mean(axis=0, dtype=dtype),
        dead_fraction=dead,
        saturated_fraction=saturated,
        grad_norm=float(np.sqrt(np.vdot(layer.dW, layer.dW))),
        weight_norm=float(np.sqrt(np.vdot(layer.W, layer.W))),
        activation=layer.activation,
    )


def regression_metrics(predicted: Array, y: Array) -> dict[str, float]:
    """MSE, RMSE, MAE and R² of predictions against targets (both `(n, k)`, same units).

    MSE and MAE are means over samples and outputs (as the `mse` loss); R² is
    `1 - SS_res / SS_tot` summed over outputs (1 is perfect, 0 is predicting the mean).
    """
    p = np.asarray(predicted, dtype=np.float64).reshape(len(predicted), -1)
    t = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    err = p - t
    mse = float(np.mean(np.square(err)))
    ss_res = float(np.sum(np.square(err)))
    ss_tot = float(np.sum(np.square(t - t.mean(axis=0))))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "mae": float(np.mean(np.abs(err))), "r2": r2}
