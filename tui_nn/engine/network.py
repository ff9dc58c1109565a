"""Dense layers and the network: forward and backward propagation, in the textbook notation.

A layer of `n_out` neurons after a layer of `n_in` holds `W` with shape `(n_out, n_in)` and `b`
with shape `(n_out,)`: each neuron computes `z = w . x + b` and `a = f(z)`. A batch is a matrix
whose rows are samples, so the layer computes `Z = X @ W.T + b` and `A = f(Z)`.

Backpropagation (Nielsen's notation, `delta = dL/dz`, one row per sample):
- output layer: `delta_L = dL/da * f'(z_L)`, or simply `(p - y) / n` for the fused
  sigmoid + bce and softmax + cce;
- each earlier layer: `delta_l = (delta_{l+1} @ W_{l+1}) * f'(z_l)`;
- gradients: `dW_l = delta_l.T @ a_{l-1}` and `db_l = sum over samples of delta_l`.

Backward only computes gradients; the optimizer updates the weights afterwards, so the deltas
can be inspected in between. Work arrays (`z`, `a`, `delta` and a scratch array per layer) are
preallocated per batch size and reused, so a training step allocates almost nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

import numpy as np

from tui_nn.engine.activations import ACTIVATIONS
from tui_nn.engine.initializers import INITIALIZERS, init_weights
from tui_nn.engine.losses import LOSSES
from tui_nn.engine.spec import LayerSpec, NetworkSpec, SpecError

Array = np.ndarray
FORWARD_CHUNK = 1024  # rows per chunk when forwarding or evaluating a large array
MAX_BUFFER_SETS = 10  # batch sizes whose work arrays are kept


def _one_of(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names)


def validate_spec(spec: NetworkSpec) -> NetworkSpec:
    """Check sizes, names against the registries and the loss/output pairing; raise SpecError."""
    spec.validate()
    hidden_names = [n for n, a in ACTIVATIONS.items() if not a.output_only]
    for i, layer in enumerate(spec.hidden):
        if layer.activation not in ACTIVATIONS:
            raise SpecError(
                f"unknown activation {layer.activation!r} for hidden layer {i + 1}; "
                f"choose one of: {_one_of(hidden_names)}"
            )
        if ACTIVATIONS[layer.activation].output_only:
            raise SpecError(
                f"{layer.activation} is for the output layer only (hidden layer {i + 1}); "
                f"choose one of: {_one_of(hidden_names)}"
            )
    out = spec.output.activation
    if out not in ACTIVATIONS:
        raise SpecError(
            f"unknown output activation {out!r}; choose one of: {_one_of(list(ACTIVATIONS))}"
        )
    if spec.loss not in LOSSES:
        raise SpecError(f"unknown loss {spec.loss!r}; choose one of: {_one_of(list(LOSSES))}")
    if spec.init not in INITIALIZERS:
        raise SpecError(f"unknown init {spec.init!r}; choose one of: {_one_of(list(INITIALIZERS))}")
    canonical = ACTIVATIONS[out].name
    fused = LOSSES[spec.loss].fused
    if fused is not None and canonical != fused:
        raise SpecError(
            f"loss {spec.loss} needs a {fused} output layer, got {out} "
            f"(use bce with sigmoid, cce with softmax, or mse with any output)"
        )
    if canonical == "softmax" and spec.output.units < 2:
        raise SpecError("a softmax output needs at least 2 units (use sigmoid for one output)")
    return spec


PROBABILITY_OUTPUTS = ("sigmoid", "softmax")


def check_task_head(task: str, loss: str, output: str, target: str = "the target") -> None:
    """A regression target (real values) with a classification loss (bce, cce: they need class
    labels) or a probability output (sigmoid, softmax: values in 0..1, where the standardised
    target has any sign) would train on meaningless numbers: SpecError, one line naming both.
    `target` says which target (`column 'price' of houses.csv`)."""
    if task != "regression":
        return
    if loss in LOSSES and LOSSES[loss].fused is not None:
        raise SpecError(
            f"loss {loss} needs class labels, but {target} is real-valued (regression): "
            "use loss mse (or auto)"
        )
    if output in ACTIVATIONS and ACTIVATIONS[output].name in PROBABILITY_OUTPUTS:
        raise SpecError(
            f"a {ACTIVATIONS[output].name} output gives probabilities in 0..1, but {target} is "
            "real-valued (regression): use output identity (or auto)"
        )


class Dense:
    """A fully-connected layer. Owns its weights, its gradients and its forward caches.

    After a forward pass `x` (the inputs), `z` (weighted sums) and `a` (activations) hold the
    batch; after a backward pass `delta` (dL/dz per sample), `dW` and `db` hold the gradients.
    Inside a Network, `W`, `b`, `dW`, `db` are views into its flat arrays: change them in place
    (`layer.W[...] = ...`, or `Network.set_params`), never rebind them.
    """

    def __init__(self, W: Array, b: Array, activation: str) -> None:
        self.W = W
        self.b = b
        self.activation = activation
        self.act = ACTIVATIONS[activation]
        self.dW = np.zeros_like(W)
        self.db = np.zeros_like(b)
        self.x: Array | None = None
        self.z: Array | None = None
        self.a: Array | None = None
        self.delta: Array | None = None

    @property
    def n_in(self) -> int:
        return self.W.shape[1]

    @property
    def n_out(self) -> int:
        return self.W.shape[0]

    def __repr__(self) -> str:
        return f"Dense({self.n_in} -> {self.n_out}, {self.activation})"


class Network:
    """A stack of Dense layers built from a NetworkSpec. Build with `Network.from_spec(spec)`."""

    def __init__(self, spec: NetworkSpec, layers: list[Dense]) -> None:
        self._buffers: OrderedDict[tuple[str, int], list[tuple[Array, ...]]] = OrderedDict()
        self._set_structure(spec, layers)

    def _flatten(self) -> None:
        """Put every W and b (and dW, db) as views into one flat array each.

        The optimizer then updates all parameters with a handful of NumPy calls, however many
        layers there are: small networks are bound by per-call overhead, not arithmetic.
        """
        total = sum(layer.W.size + layer.b.size for layer in self.layers)
        self.flat_params = np.empty(total, dtype=self.dtype)
        self.flat_grads = np.zeros(total, dtype=self.dtype)
        offset = 0
        for layer in self.layers:
            for name, grad_name in (("W", "dW"), ("b", "db")):
                arr = getattr(layer, name)
                view = self.flat_params[offset : offset + arr.size].reshape(arr.shape)
                view[...] = arr
                setattr(layer, name, view)
                setattr(
                    layer, grad_name, self.flat_grads[offset : offset + arr.size].reshape(arr.shape)
                )
                offset += arr.size

    def split(self, flat: Array) -> list[Array]:
        """A flat array shaped like `flat_params` as views per parameter: [W1, b1, W2, ...]."""
        out, offset = [], 0
        for layer in self.layers:
            for shape in (layer.W.shape, layer.b.shape):
                size = int(np.prod(shape))
                out.append(flat[offset : offset + size].reshape(shape))
                offset += size
        return out

    # ---- construction ------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: NetworkSpec, rng: np.random.Generator | None = None) -> Network:
        """Fresh weights from `spec.init`, drawn from `default_rng(spec.seed)` (or `rng`)."""
        validate_spec(spec)
        rng = np.random.default_rng(spec.seed) if rng is None else rng
        dtype = np.dtype(spec.dtype)
        layers = []
        for n_in, layer in zip(spec.sizes[:-1], spec.layers):
            W = init_weights(rng, spec.init, layer.activation, layer.units, n_in, dtype)
            layers.append(Dense(W, np.zeros(layer.units, dtype=dtype), layer.activation))
        return cls(spec, layers)

    @classmethod
    def from_params(cls, spec: NetworkSpec, params: list[tuple[Array, Array]]) -> Network:
        """A network with the given weights (e.g. loaded from a file); shapes must fit `spec`."""
        validate_spec(spec)
        dtype = np.dtype(spec.dtype)
        layers = [
            Dense(
                np.zeros((layer.units, n_in), dtype=dtype),
                np.zeros(layer.units, dtype=dtype),
                layer.activation,
            )
            for n_in, layer in zip(spec.sizes[:-1], spec.layers)
        ]
        net = cls(spec, layers)
        net.set_params(params)
        return net

    def copy(self, dtype: str | None = None) -> Network:
        """An independent copy, optionally in another dtype (the gradient check uses float64)."""
        spec = self.spec if dtype is None else replace(self.spec, dtype=dtype)
        return Network.from_params(spec, self.get_params())

    # ---- structure -----------------------------------------------------------------------

    @property
    def spec(self) -> NetworkSpec:
        """The spec of the current structure (after any surgery)."""
        *hidden, out = (LayerSpec(layer.n_out, layer.activation) for layer in self.layers)
        return replace(self._spec, n_inputs=self.layers[0].n_in, hidden=tuple(hidden), output=out)

    def _set_structure(self, spec: NetworkSpec, layers: list[Dense]) -> None:
        """Adopt layers and spec (also used by surgery): flat storage, no stale work arrays."""
        self._spec = spec
        self.layers = layers
        self.dtype = np.dtype(spec.dtype)
        self.loss = LOSSES[spec.loss]
        self._buffers.clear()
        self._inputs: dict[tuple[str, int], Array] = {}
        self._ones_cache: dict[int, Array] = {}
        self._flatten()

    @property
    def n_inputs(self) -> int:
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_out

    @property
    def n_params(self) -> int:
        return sum(layer.W.size + layer.b.size for layer in self.layers)

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.spec.sizes)
        acts = ", ".join(layer.activation for layer in self.layers)
        return f"Network({sizes}; {acts}; loss={self._spec.loss}; {self.dtype.name})"

    # ---- parameters ----------------------------------------------------------------------

    def get_params(self) -> list[tuple[Array, Array]]:
        """Copies of (W, b) per layer."""
        return [(layer.W.copy(), layer.b.copy()) for layer in self.layers]

    def set_params(self, params: list[tuple[Array, Array]]) -> None:
        """Copy weights in (cast to the network dtype); SpecError if a shape does not fit."""
        params = list(params)
        if len(params) != len(self.layers):
            raise SpecError(f"expected weights for {len(self.layers)} layers, got {len(params)}")
        for i, (layer, (W, b)) in enumerate(zip(self.layers, params)):
            W, b = np.asarray(W), np.asarray(b)
            if W.shape != layer.W.shape or b.shape != layer.b.shape:
                raise SpecError(
                    f"layer {i + 1}: expected W {layer.W.shape} and b {layer.b.shape}, "
                    f"got {W.shape} and {b.shape}"
                )
        for layer, (W, b) in zip(self.layers, params):
            np.copyto(layer.W, W, casting="unsafe")
            np.copyto(layer.b, b, casting="unsafe")

    def param_arrays(self) -> list[Array]:
        """The live parameter arrays [W1, b1, W2, b2, ...] (views into `flat_params`)."""
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def grad_arrays(self) -> list[Array]:
        return [g for layer in self.layers for g in (layer.dW, layer.db)]

    # ---- work arrays ---------------------------------------------------------------------

    def buffers(self, tag: str, n: int) -> list[tuple[Array, ...]]:
        """Per layer (z, a, delta, tmp) for a batch of n rows, reused between calls."""
        key = (tag, n)
        bufs = self._buffers.get(key)
        if bufs is None:
            bufs = [
                tuple(np.empty((n, layer.n_out), dtype=self.dtype) for _ in range(4))
                for layer in self.layers
            ]
            self._buffers[key] = bufs
            if len(self._buffers) > MAX_BUFFER_SETS:
                self._buffers.popitem(last=False)
        else:
            self._buffers.move_to_end(key)
        return bufs

    def _ones(self, n: int) -> Array:
        """A vector of n ones: `ones @ delta` sums over the batch (one BLAS call, cheaper than
        `delta.sum(axis=0)` for small batches)."""
        ones = self._ones_cache.get(n)
        if ones is None:
            if len(self._ones_cache) >= MAX_BUFFER_SETS:
                self._ones_cache.clear()
            ones = self._ones_cache[n] = np.ones(n, dtype=self.dtype)
        return ones

    def as_input(self, X: Array, input_scale: float, tag: str | None = None) -> Array:
        """X (float or uint8 rows) as the network dtype, times `input_scale`.

        With a `tag`, the converted rows go into a reused array (overwritten by the next call
        with the same tag and row count); without, into a new one.
        """
        if X.dtype == self.dtype and input_scale == 1.0:
            return X
        if tag is None:
            out = np.empty(X.shape, dtype=self.dtype)
        else:
            key = (tag, X.shape[0])
            out = self._inputs.get(key)
            if out is None or out.shape != X.shape:
                if len(self._inputs) >= MAX_BUFFER_SETS:
                    self._inputs.clear()
                out = self._inputs[key] = np.empty(X.shape, dtype=self.dtype)
        np.multiply(X, input_scale, out=out, dtype=self.dtype, casting="unsafe")
        return out

    # ---- forward and backward ------------------------------------------------------------

    def forward_into(self, x: Array, bufs: list[tuple[Array, ...]], keep: bool = True) -> Array:
        """Forward a batch already in the network dtype; returns the output work array.

        With `keep`, every layer keeps `x`, `z`, `a` for the backward pass that follows.
        """
        for layer, (z, a, _, tmp) in zip(self.layers, bufs):
            np.dot(x, layer.W.T, out=z)
            np.add(z, layer.b, out=z)
            layer.act.forward(z, a, tmp)
            if keep:
                layer.x, layer.z, layer.a = x, z, a
            x = a
        return x

    def loss_and_output_delta(self, y: Array, bufs: list[tuple[Array, ...]]) -> float:
        """The batch loss, and the output layer's delta written into its work array.

        `y` is encoded as `losses.encode_targets` makes it. Call after `forward_into`.
        """
        z, a, delta, tmp = bufs[-1]
        value = self.loss.value(z, a, y, tmp)
        self.loss.delta(z, a, y, delta)
        if self.loss.fused is None:
            self.layers[-1].act.backward(z, a, delta, tmp)
        return value

    def backward(self, bufs: list[tuple[Array, ...]]) -> None:
        """Gradients of every layer from the output delta down (no weight update)."""
        layers = self.layers
        for i in range(len(layers) - 1, -1, -1):
            layer = layers[i]
            delta = bufs[i][2]
            layer.delta = delta
            if delta.shape[0] == 1:  # one sample: dW is an outer product, cheaper than a GEMM
                np.multiply(delta.T, layer.x, out=layer.dW)
                np.copyto(layer.db, delta[0])
            else:
                np.dot(delta.T, layer.x, out=layer.dW)
                np.dot(self._ones(delta.shape[0]), delta, out=layer.db)
            if i:
                prev = layers[i - 1]
                _, _, prev_delta, prev_tmp = bufs[i - 1]
                np.dot(delta, layer.W, out=prev_delta)
                prev.act.backward(prev.z, prev.a, prev_delta, prev_tmp)

    def forward(self, X: Array, input_scale: float = 1.0) -> Array:
        """The outputs `(n, n_outputs)` for inputs `(n, n_inputs)` (float or uint8 rows).

        A new array in the network dtype: probabilities for sigmoid/softmax outputs. Large
        inputs are processed in chunks; each layer keeps `x`, `z`, `a` of the last chunk.
        """
        X = np.asarray(X)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise SpecError(
                f"inputs must have shape (n, {self.n_inputs}), got {tuple(np.shape(X))}"
            )
        n = X.shape[0]
        result = np.empty((n, self.n_outputs), dtype=self.dtype)
        for start in range(0, n, FORWARD_CHUNK):
            chunk = X[start : start + FORWARD_CHUNK]
            x = self.as_input(chunk, input_scale, "forward")
            out = self.forward_into(x, self.buffers("forward", chunk.shape[0]))
            result[start : start + chunk.shape[0]] = out
        return result

    __call__ = forward
