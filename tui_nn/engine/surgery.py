"""Live surgery: change a network between steps and keep what it has learned.

Every change is expressed as maps from new neurons to old ones. Layer `i`'s new weight matrix
takes row `r` from old row `rows_i[r]` and column `c` from old column `rows_{i-1}[c]` (the
neurons of the layer below); an index of -1 means "new". The same maps are applied to the
optimizer's state (velocities, Adam moments), so surviving weights keep their momentum.

- New neuron: fresh incoming weights (the layer's initialiser), bias 0, and **zero outgoing
  weights**, so the network's output is unchanged by the insertion. It starts learning at once:
  its outgoing weights get a gradient `delta_next * a_new`.
- Removed neuron: its row and its outgoing column disappear; every other weight is kept exactly.
- Changed unit count in `set_architecture(spec)`: layers are matched by position; the overlapping
  rows/columns are kept, neurons are added or dropped at the end.
- New hidden layer: starts as an **identity**: `W = I` (for `units > inputs` the extra neurons
  are new neurons as above), `b = 0`. The next layer keeps its weights for the passed-through
  neurons. The output is then exactly unchanged when the new layer's activation passes its
  inputs through: always for identity, and for relu/leaky_relu/elu when the inputs are >= 0 (e.g.
  after a relu, sigmoid or softplus layer); for other activations it starts as `f(x)` instead of
  `x`, close for tanh/gelu/swish near 0.
- Removed hidden layer: the layer above absorbs it linearly, `W' = W_next @ W_removed` and
  `b' = W_next @ b_removed + b_next` (exact if the removed activation was the identity). That
  layer's optimizer state starts from zero.
- Changed activation: the weights stay as they are.
- Changed dtype: weights and optimizer state are cast.
- Inputs switched on or off (feature inputs, `remap_inputs`): a new input gets zero weights, a
  dropped one loses its column; nothing else changes.

When `set_architecture` sees the hidden layers of the new spec equal to the old ones with one
layer inserted or removed, it does exactly that; otherwise it adds/removes hidden layers at the
end and then matches the rest by position.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tui_nn.engine.initializers import init_weights
from tui_nn.engine.network import Dense, Network, validate_spec
from tui_nn.engine.optimizers import Optimizer
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError

Array = np.ndarray


@dataclass
class _Layer:
    """A layer being edited: weights, activation and optimizer state (or None)."""

    W: Array
    b: Array
    activation: str
    state_W: dict[str, Array] | None  # the optimizer's state (velocities, moments) of W
    state_b: dict[str, Array] | None


def _editable_layers(net: Network, optimizer: Optimizer | None) -> list[_Layer]:
    """The layers as editable copies, with the optimizer state split per parameter."""
    state: list[dict[str, Array] | None] = []
    if optimizer is not None and optimizer.state:
        flat = optimizer.state[0]
        if len(optimizer.state) == 1 and flat is not None:  # one state for `flat_params`
            views = {k: net.split(v) for k, v in flat.items()}
            state = [{k: views[k][i].copy() for k in flat} for i in range(2 * len(net.layers))]
        else:
            state = list(optimizer.state)
    state += [None] * (2 * len(net.layers) - len(state))
    return [
        _Layer(layer.W, layer.b, layer.activation, state[2 * i], state[2 * i + 1])
        for i, layer in enumerate(net.layers)
    ]


def _install_layers(net: Network, optimizer: Optimizer | None, layers: list[_Layer], spec) -> None:
    net._set_structure(spec, [Dense(lay.W, lay.b, lay.activation) for lay in layers])
    if optimizer is None or not optimizer.slots:
        return
    per_param = [s for lay in layers for s in (lay.state_W, lay.state_b)]
    if all(s is None for s in per_param):
        optimizer.state = []
        return
    flat = {k: np.zeros_like(net.flat_params) for k in optimizer.slots}
    for k in optimizer.slots:
        for view, st in zip(net.split(flat[k]), per_param):
            if st is not None:
                view[...] = st[k]
    optimizer.state = [flat]


def _remap(arr: Array, rows: Array, cols: Array | None) -> Array:
    """arr[rows][:, cols] where the index is >= 0; zeros where it is -1 (new)."""
    n_cols = () if cols is None else (len(cols),)
    out = np.zeros((len(rows), *n_cols), dtype=arr.dtype)
    keep_r = rows >= 0
    if cols is None:
        out[keep_r] = arr[rows[keep_r]]
    else:
        keep_c = cols >= 0
        out[np.ix_(keep_r, keep_c)] = arr[np.ix_(rows[keep_r], cols[keep_c])]
    return out


def _remap_state(state: dict[str, Array] | None, rows: Array, cols: Array | None):
    if state is None:
        return None
    return {k: _remap(v, rows, cols) for k, v in state.items()}


def _apply_maps(
    layers: list[_Layer], maps: list[Array], init: str, rng: np.random.Generator
) -> list[_Layer]:
    """New layers from per-layer row maps (maps[i] for layer i; inputs are never remapped)."""
    out = []
    prev = np.arange(layers[0].W.shape[1])
    for lay, rows in zip(layers, maps):
        W = _remap(lay.W, rows, prev)
        new = rows < 0
        if new.any():
            W[new] = init_weights(rng, init, lay.activation, int(new.sum()), W.shape[1], W.dtype)
        out.append(
            _Layer(
                W,
                _remap(lay.b, rows, None),
                lay.activation,
                _remap_state(lay.state_W, rows, prev),
                _remap_state(lay.state_b, rows, None),
            )
        )
        prev = rows
    return out


def _resize_map(old: int, new: int) -> Array:
    rows = np.arange(new)
    rows[old:] = -1
    return rows


def _insert_layer(layers: list[_Layer], pos: int, spec: LayerSpec, init, rng) -> None:
    below = layers[pos].W.shape[1]
    m = spec.units
    dtype = layers[pos].W.dtype
    W = np.eye(m, below, dtype=dtype)
    if m > below:
        W[below:] = init_weights(rng, init, spec.activation, m - below, below, dtype)
    # The layer above now reads m neurons: the first min(m, below) are the old ones.
    above = layers[pos]
    cols = _resize_map(below, m)
    rows = np.arange(above.W.shape[0])
    layers[pos] = _Layer(
        _remap(above.W, rows, cols),
        above.b,
        above.activation,
        _remap_state(above.state_W, rows, cols),
        above.state_b,
    )
    layers.insert(pos, _Layer(W, np.zeros(m, dtype=dtype), spec.activation, None, None))


def _remove_layer(layers: list[_Layer], pos: int) -> None:
    gone, above = layers[pos], layers[pos + 1]
    layers[pos + 1] = _Layer(
        above.W @ gone.W, above.W @ gone.b + above.b, above.activation, None, None
    )
    del layers[pos]


def _one_edit(old: list[LayerSpec], new: list[LayerSpec]) -> tuple[str, int] | None:
    """("insert", i) or ("remove", i) if `new` is `old` with exactly one layer added/removed."""
    for kind, short, long in (("insert", old, new), ("remove", new, old)):
        if len(long) == len(short) + 1:
            i = next((j for j in range(len(short)) if short[j] != long[j]), len(short))
            if short[i:] == long[i + 1 :]:
                return kind, i
    return None


def _cast(layers: list[_Layer], dtype: np.dtype) -> None:
    for lay in layers:
        lay.W, lay.b = lay.W.astype(dtype), lay.b.astype(dtype)
        for attr in ("state_W", "state_b"):
            state = getattr(lay, attr)
            if state is not None:
                setattr(lay, attr, {k: v.astype(dtype) for k, v in state.items()})


def rebuild(
    net: Network, optimizer: Optimizer | None, spec: NetworkSpec, rng: np.random.Generator
) -> None:
    """Turn `net` (and the optimizer state) into `spec`, keeping the weights that survive."""
    validate_spec(spec)
    if spec.n_inputs != net.n_inputs:
        raise SpecError(f"n_inputs must stay {net.n_inputs}, got {spec.n_inputs}")
    layers = _editable_layers(net, optimizer)
    _cast(layers, np.dtype(spec.dtype))
    old_hidden = [LayerSpec(lay.W.shape[0], lay.activation) for lay in layers[:-1]]
    new_hidden = list(spec.hidden)
    edit = _one_edit(old_hidden, new_hidden)
    if edit is not None and edit[0] == "insert":
        _insert_layer(layers, edit[1], new_hidden[edit[1]], spec.init, rng)
    elif edit is not None:
        _remove_layer(layers, edit[1])
    else:
        while len(layers) - 1 > len(new_hidden):
            _remove_layer(layers, len(layers) - 2)
        while len(layers) - 1 < len(new_hidden):
            pos = len(layers) - 1
            _insert_layer(layers, pos, new_hidden[pos], spec.init, rng)
    for lay, target in zip(layers, spec.layers):
        lay.activation = target.activation
    maps = [_resize_map(lay.W.shape[0], target.units) for lay, target in zip(layers, spec.layers)]
    layers = _apply_maps(layers, maps, spec.init, rng)
    _install_layers(net, optimizer, layers, spec)


def insert_neuron(
    net: Network,
    optimizer: Optimizer | None,
    layer: int,
    index: int | None,
    rng: np.random.Generator,
) -> None:
    """Add a neuron to hidden layer `layer` (0-based) at `index` (default: at the end)."""
    _check_hidden(net, layer)
    n = net.layers[layer].n_out
    index = n if index is None else index
    if not 0 <= index <= n:
        raise SpecError(f"neuron index must be in 0..{n}, got {index}")
    rows = np.insert(np.arange(n), index, -1)
    _edit_rows(net, optimizer, layer, rows, rng)


def remove_neuron(net: Network, optimizer: Optimizer | None, layer: int, index: int) -> None:
    """Remove neuron `index` of hidden layer `layer` (0-based); every other weight is kept."""
    _check_hidden(net, layer)
    n = net.layers[layer].n_out
    if n == 1:
        raise SpecError("cannot remove the last neuron of a layer (remove the layer instead)")
    if not 0 <= index < n:
        raise SpecError(f"neuron index must be in 0..{n - 1}, got {index}")
    _edit_rows(net, optimizer, layer, np.delete(np.arange(n), index), None)


def _check_hidden(net: Network, layer: int) -> None:
    if not 0 <= layer < len(net.layers) - 1:
        raise SpecError(f"hidden layer must be in 0..{len(net.layers) - 2}, got {layer}")


def _edit_rows(net, optimizer, layer: int, rows: Array, rng) -> None:
    layers = _editable_layers(net, optimizer)
    maps = [np.arange(lay.W.shape[0]) for lay in layers]
    maps[layer] = rows
    spec = net.spec
    new_layers = _apply_maps(layers, maps, spec.init, rng)
    hidden = list(spec.hidden)
    hidden[layer] = LayerSpec(len(rows), hidden[layer].activation)
    _install_layers(net, optimizer, new_layers, spec.with_hidden(hidden))


def remap_inputs(net: Network, optimizer: Optimizer | None, columns: list[int]) -> None:
    """New inputs for the first layer (feature inputs switched on and off): input `c` of the new
    network is old input `columns[c]`, or new (-1): a new input gets zero weights, so the network
    computes what it did until it learns to use it; a dropped input's weights go. Every other
    weight, and the optimizer state of the weights kept, stays as it was."""
    cols = np.asarray(columns, dtype=np.int64)
    n_old = net.n_inputs
    if cols.ndim != 1 or len(cols) == 0 or (cols >= n_old).any() or (cols < -1).any():
        raise SpecError(f"input map {columns!r} does not fit a network of {n_old} inputs")
    layers = _editable_layers(net, optimizer)
    first = layers[0]
    rows = np.arange(first.W.shape[0])
    layers[0] = _Layer(
        _remap(first.W, rows, cols),
        first.b,
        first.activation,
        _remap_state(first.state_W, rows, cols),
        first.state_b,
    )
    _install_layers(net, optimizer, layers, replace(net.spec, n_inputs=len(cols)))
