"""The words of the network diagram: node names, the readout of a neuron or a weight, legends.

Pure functions of plain data (sizes, the snapshot's weight copies, its NetworkView and neuron
statistics), in the textbook's notation: layer l counts from 1 at the first hidden layer,
`W2[1,3]` is the weight into neuron 1 of layer 2 from neuron 3 of layer 1, `b2[1]` its bias,
`z = Σ wᵢaᵢ + b`, `a = f(z)`. Every readout comes in a long and a short form; the app shows the
long one when it fits and lets the short one wrap, so that nothing is ever cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui_nn.engine.types import LayerStats
from tui_nn.session.protocol.messages import NetworkView
from tui_nn.textbook.notation import Address

MARK_THRESHOLD = 0.9  # as the heatmap: dead/saturated when this share of the batch is


@dataclass(frozen=True)
class Reading:
    """What the diagram shows about its selection: two forms of the text, and the parameter
    that Enter would edit (None when there is none, e.g. an input or a folded node)."""

    long: str
    short: str
    address: Address | None = None
    value: float | None = None


def layer_name(layer: int, n_layers: int) -> str:
    """'h1', 'h2', ... or 'out' for a layer index (0 = first hidden layer)."""
    return "out" if layer == n_layers - 1 else f"h{layer + 1}"


def num(value: float) -> str:
    return f"{value:.4g}"


def _marks(stats: LayerStats | None, j: int) -> str:
    if stats is None:
        return ""
    dead, sat = float(stats.dead_fraction[j]), float(stats.saturated_fraction[j])
    if dead >= MARK_THRESHOLD:
        return f"  dead ({dead:.0%} of the batch has z ≤ 0)"
    if sat >= MARK_THRESHOLD:
        return f"  saturated ({sat:.0%})"
    return f"  dead {dead:.0%}" if stats.activation in ("relu", "leaky_relu", "elu") else ""


def sample_words(view: NetworkView | None) -> str:
    if view is None:
        return ""
    label = f", label {view.label}" if view.label else ""
    return f"{view.split} sample #{view.sample + 1}{label}"


def input_name(i: int, names: Sequence[str] | None = None) -> str:
    """Input i by name: its feature or column name when the data gives one, else x1, x2, ..."""
    return str(names[i]) if names is not None and i < len(names) else f"x{i + 1}"


def input_reading(
    i: int, n_inputs: int, view: NetworkView | None, names: Sequence[str] | None = None
) -> Reading:
    name = input_name(i, names if view is None or view.image_shape is None else None)
    if view is None:
        return Reading(f"input {name} ({i + 1} of {n_inputs})", name)
    x = float(view.x[i])
    if view.image_shape is not None:
        r, c = divmod(i, view.image_shape[1])
        where = f"pixel ({r + 1},{c + 1})"
        return Reading(
            f"x{i + 1} = {num(x)}: {where} of {sample_words(view)}", f"x{i + 1}={num(x)}"
        )
    return Reading(
        f"{name} = {num(x)}: input {i + 1} of {sample_words(view)}", f"{name}={num(x)}"
    )


def neuron_reading(
    layer: int,
    j: int,
    n_layers: int,
    weights: Sequence[tuple[np.ndarray, np.ndarray]] | None,
    view: NetworkView | None,
    stats: Sequence[LayerStats],
    activation: str,
) -> Reading:
    """Layer, index, b, z = Σ wᵢaᵢ + b and a = f(z) for the sample, mean |δ|, dead/saturated."""
    name = f"{layer_name(layer, n_layers)} #{j + 1}"
    where = f"layer {layer + 1}, neuron {j + 1}"
    st = stats[layer] if layer < len(stats) else None
    delta = f"  mean|δ| {num(float(st.mean_abs_delta[j]))}" if st is not None else ""
    marks = _marks(st, j)
    if weights is None or layer >= len(weights):
        text = f"{name} ({where}){delta}{marks}"
        return Reading(text, f"{name}{delta}{marks}")
    b = float(weights[layer][1][j])
    address = Address(layer, j)
    if view is None or layer >= len(view.z):
        text = f"{name} ({where}): b = {num(b)}{delta}{marks}"
        return Reading(text, f"{name} b={num(b)}{delta}{marks}", address, b)
    z, a = float(view.z[layer][j]), float(view.a[layer][j])
    long = (
        f"{name} ({where}, {activation}): b = {num(b)}  z = Σwᵢaᵢ + b = {num(z - b)} "
        f"{'+' if b >= 0 else '−'} {num(abs(b))} = {num(z)}  a = {activation}(z) = {num(a)}  "
        f"({sample_words(view)}){delta}{marks}"
    )
    short = f"{name} b={num(b)} z={num(z)} a={num(a)}{delta}{marks}"
    return Reading(long, short, address, b)


def source_name(
    layer: int, i: int, n_layers: int, view: NetworkView | None, names: Sequence[str] | None = None
) -> str:
    """The neuron a weight of `layer` comes from: 'x3' (or its name, 'x1²'), 'pixel (2,5)' or
    'h1 #3'."""
    if layer == 0:
        if view is not None and view.image_shape is not None:
            r, c = divmod(i, view.image_shape[1])
            return f"x{i + 1} (pixel {r + 1},{c + 1})"
        return input_name(i, names)
    return f"{layer_name(layer - 1, n_layers)} #{i + 1}"


def weight_reading(
    layer: int,
    j: int,
    i: int,
    n_layers: int,
    weights: Sequence[tuple[np.ndarray, np.ndarray]] | None,
    view: NetworkView | None,
    names: Sequence[str] | None = None,
) -> Reading:
    """w, ∂C/∂w of the last step, and where the line comes from and goes to."""
    address = Address(layer, j, i)
    source = source_name(layer, i, n_layers, view, names)
    target = f"{layer_name(layer, n_layers)} #{j + 1}"
    if weights is None or layer >= len(weights):
        text = f"{address.text()}: from {source} to {target}"
        return Reading(text, text, address, None)
    w = float(weights[layer][0][j, i])
    grad = ""
    if view is not None and layer < len(view.grads):
        g = float(view.grads[layer][0][j, i])
        grad = f"  ∂C/∂w = {num(g)}" + ("" if view.stepped else " (no step yet)")
    came = ""
    if view is not None:
        a_in = float(view.x[i]) if layer == 0 else float(view.a[layer - 1][i])
        came = f"  w·a = {num(w * a_in)}"
    long = f"{address.text()} = {num(w)}{grad}  from {source} to {target}{came}"
    short = f"{address.text()}={num(w)}{grad.replace(' = ', '=')}  {source}→{target}"
    return Reading(long, short, address, w)


def fit(reading: Reading, width: int, lines: int = 2) -> str:
    """The long form if it fits in `lines` lines of `width`, else the short one (which may
    wrap too: the readout grows, it is never cut)."""
    return reading.long if len(reading.long) <= width * lines - 4 else reading.short
