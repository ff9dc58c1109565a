"""Neuron maps: what each neuron of a layer computes over the plane (Playground's small map
in every neuron), or against x for 1-D data: the network's own forward pass
(`engine.evaluation.layer_outputs`) on the grid's input rows, computed on the picture schedule
beside the decision grid.
"""

from __future__ import annotations

import numpy as np

from tui_nn.data.spec import Dataset
from tui_nn.engine.evaluation import layer_outputs
from tui_nn.session.protocol.messages import NeuronMaps
from tui_nn.session.trainer.panel_data import FIT_SAMPLES
from tui_nn.session.trainer.pictures import plane_inputs

RANGES = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""Activations whose outputs have a fixed range: their maps share that colour scale."""


def applies(dataset: Dataset | None) -> bool:
    """Is there a plane, or an x axis, to draw maps over?"""
    if dataset is None:
        return False
    return dataset.plane is not None or (dataset.n_inputs == 1 and dataset.input_scale == 1.0)


def neuron_maps(
    net,
    dataset: Dataset,
    layer: int,
    bounds: tuple[float, float, float, float] | None,
    size: tuple[int, int],
    epoch: int | None = None,
) -> NeuronMaps | None:
    """Layer `layer`'s activations over the plane's grid (or against x); None if there is
    neither, or no such layer."""
    if not (applies(dataset) and 0 <= layer < len(net.layers)):
        return None
    activation = net.layers[layer].activation
    if dataset.plane is not None and bounds is not None:
        cols, rows = size
        out = layer_outputs(net, plane_inputs(net, dataset, bounds, size))[layer]
        values = out.T.reshape(-1, rows, cols).astype(np.float32)
        x = None
    else:
        xs = np.concatenate([dataset.X_train[:, 0], dataset.X_test[:, 0]]).astype(np.float64)
        x = np.linspace(float(xs.min()), float(xs.max()), FIT_SAMPLES)
        out = layer_outputs(net, x[:, None].astype(net.spec.dtype))[layer]
        values, bounds = out.T.astype(np.float32).copy(), None
        x = x.astype(np.float32)
    lo, hi = _range(activation, values)
    return NeuronMaps(layer, activation, values, bounds, x, lo, hi, epoch)


def _range(activation: str, values: np.ndarray) -> tuple[float, float]:
    if activation in RANGES:
        return RANGES[activation]
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    return lo, hi
