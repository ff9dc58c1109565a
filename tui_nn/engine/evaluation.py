"""Loss and accuracy of a network on whole arrays, in chunks, with their own work arrays (the
training state and the neuron statistics are untouched): what every epoch's record reports.
Also every layer's outputs on whole arrays (`layer_outputs`: the neuron maps).

Regression targets the data layer standardised (`TrainData.target_scale`) are trained on in
standard units, but the mse reported is in the original units: mean((a - y)^2 * scale^2),
the mean over samples and outputs of the squared error the user would measure.
"""

from __future__ import annotations

import math

import numpy as np

from tui_nn.engine.batches import Batches
from tui_nn.engine.metrics import accuracy
from tui_nn.engine.network import FORWARD_CHUNK, Network

Array = np.ndarray


def loss_units(net: Network, batches: Batches) -> Array | None:
    """Per-output factors (squared scales) back to the user's units, or None."""
    scale = batches.data.target_scale
    if scale is None or net.spec.loss != "mse" or batches.classification:
        return None
    return np.square(np.asarray(scale, dtype=np.float64))


def mse_in_units(a: Array, y: Array, units: Array) -> float:
    d = np.asarray(a, dtype=np.float64) - y
    return float(np.mean(np.square(d) * units))


def evaluate_in_chunks(
    net: Network, batches: Batches, X: Array, y: Array, Y: Array | None, scale: float
) -> tuple[float, float | None]:
    """(loss, accuracy or None) of `net` on X; `Y` the encoded targets (None: encode `y`)."""
    total_loss = 0.0
    correct = 0.0
    n = X.shape[0]
    units = loss_units(net, batches)
    if n == 0:
        return math.nan, None
    with np.errstate(all="ignore"):
        for start in range(0, n, FORWARD_CHUNK):
            stop = min(start + FORWARD_CHUNK, n)
            x = net.as_input(X[start:stop], scale, "eval")
            bufs = net.buffers("eval", stop - start)
            out = net.forward_into(x, bufs, keep=False)
            targets = batches.encode(y[start:stop], net) if Y is None else Y[start:stop]
            z, a, _, tmp = bufs[-1]
            if units is None:
                total_loss += net.loss.value(z, a, targets, tmp) * (stop - start)
            else:
                total_loss += mse_in_units(a, targets, units) * (stop - start)
            if batches.classification:
                correct += accuracy(out, y[start:stop]) * (stop - start)
    acc = correct / n if batches.classification else None
    return total_loss / n, acc


def layer_outputs(net: Network, X: Array, input_scale: float = 1.0) -> list[Array]:
    """Every layer's activations `a` for the rows of X, hidden layers first and the output
    last: a list of (n, units) arrays in the network dtype (new arrays, computed in chunks with
    the network's own forward pass; its training caches are left alone)."""
    X = np.asarray(X)
    n = X.shape[0]
    outs = [np.empty((n, layer.n_out), dtype=net.dtype) for layer in net.layers]
    with np.errstate(all="ignore"):
        for start in range(0, n, FORWARD_CHUNK):
            stop = min(start + FORWARD_CHUNK, n)
            x = net.as_input(X[start:stop], input_scale, "layers")
            bufs = net.buffers("layers", stop - start)
            net.forward_into(x, bufs, keep=False)
            for out, (_, a, _, _) in zip(outs, bufs):
                out[start:stop] = a
    return outs
