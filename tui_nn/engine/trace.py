"""One sample traced through the network: forward, cost, backward and update, with every number.

The numbers are the engine's own: `trace_sample` runs `Network.forward_into`,
`loss_and_output_delta` and `backward` on a copy of the network with a batch of one row, and
the update with the run's optimizer (`trace_step.py`: a copy of it, its state included, with
the L1/L2 terms; plain SGD when none is given), beside the plain SGD step for reference.
Nothing is computed a second way for display, so what the trace shows is what training
computes (the network itself, its caches and its optimizer are left alone; `apply_sample_step`
is the one that changes them).

The engine's conventions, and why a batch of one gives the true per-sample numbers:
- losses are means over the batch, so for a batch of one `delta = dL/dz` is exactly the
  derivative of this sample's cost (in a batch of n the engine's delta is that divided by n;
  the neuron statistics' mean |delta| multiply by n again);
- mse and bce are also means over the k outputs: `dC/da = 2 (a - y) / k` for mse and
  `delta = (a - y) / k` for sigmoid + bce (with one output, the famous `a - y`);
- softmax + cce gives `delta = a - y`, y the one-hot target.

Alongside z, a and delta each layer records what the textbook formulas are made of:
`upstream` is `dC/da` of that layer (`W_{l+1}^T delta_{l+1}` for a hidden layer; the loss's
derivative for an output that is not fused with its loss; None for a fused output) and
`fprime` is `f'(z)` (None for softmax, whose derivative is a Jacobian), so that
`delta = upstream * fprime` where both exist.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import numpy as np

from tui_nn.engine.activations import ACTIVATIONS
from tui_nn.engine.losses import encode_targets
from tui_nn.engine.network import Network
from tui_nn.engine.optimizers import Optimizer
from tui_nn.engine.spec import SpecError
from tui_nn.engine.trace_step import (
    OptimizerInfo,
    ParamStep,
    adopt_state,
    as_dict,
    optimizer_step,
)

Array = np.ndarray


@dataclass(frozen=True)
class LayerTrace:
    """One layer of the trace (every array a copy): `z = W a_in + b`, `a = f(z)`, `delta = dC/dz`,
    `dW = delta a_in^T`, `db = delta`, and the weights after one step of the run's optimizer
    (`W - lr dW` for plain SGD), with that step in detail (`step_W`, `step_b`)."""

    activation: str
    W: Array  # (n_out, n_in), before the update
    b: Array  # (n_out,)
    a_in: Array  # (n_in,): the previous layer's activations (the input x for the first layer)
    z: Array  # (n_out,)
    a: Array  # (n_out,)
    upstream: Array | None  # dC/da of this layer (see the module docstring)
    fprime: Array | None  # f'(z), None for softmax
    delta: Array  # (n_out,) dC/dz
    dW: Array  # (n_out, n_in)
    db: Array  # (n_out,)
    W_new: Array
    b_new: Array
    step_W: ParamStep | None = None
    step_b: ParamStep | None = None

    @property
    def n_in(self) -> int:
        return int(self.W.shape[1])

    @property
    def n_out(self) -> int:
        return int(self.W.shape[0])


@dataclass(frozen=True)
class Trace:
    """A sample's forward and backward pass and the run's optimizer's step on it.

    `x` is the input as the network sees it (after scaling), `y` the target as a vector
    (one-hot for a class, a 0/1 column for one sigmoid output), `label` the class index for
    classification. `loss` is this sample's cost, `loss_after` its cost after the step.
    """

    x: Array
    y: Array
    label: int | None
    loss: float
    loss_after: float
    loss_name: str
    fused: bool  # the output layer's delta is `a - y` (sigmoid + bce, softmax + cce)
    lr: float
    dtype: str
    layers: tuple[LayerTrace, ...]  # first hidden layer first, the output layer last
    optimizer: OptimizerInfo | None = None  # the step's optimizer (None: plain SGD, old traces)

    @property
    def output(self) -> Array:
        return self.layers[-1].a


def _one_row(net: Network, x: Array, input_scale: float) -> Array:
    X = np.asarray(x)
    if X.ndim == 2 and X.shape[0] == 1:
        X = X[0]
    if X.ndim != 1 or X.shape[0] != net.n_inputs:
        raise SpecError(f"a sample must have {net.n_inputs} inputs, got shape {np.shape(x)}")
    row = net.as_input(X.reshape(1, -1), input_scale)
    return np.array(row, dtype=net.dtype, copy=True)


def _targets(
    net: Network, y: object, classification: bool | None
) -> tuple[Array, Array, int | None]:
    """(y encoded for the loss as a batch of one, y as a vector, the class index or None)."""
    label = np.asarray(y)
    if classification is None:
        classification = np.issubdtype(label.dtype, np.integer)
    if label.ndim == 0:
        label = label.reshape(1)
    elif classification and label.ndim == 1 and label.shape[0] == 1:
        pass  # one class index
    else:
        label = label.reshape(1, -1)
    encoded = encode_targets(label, net.n_outputs, net.spec.loss, net.dtype, classification)
    index = None
    if encoded.ndim == 1:  # class indices (cce): the vector is the one-hot row
        index = int(encoded[0])
        vector = np.zeros(net.n_outputs, dtype=net.dtype)
        vector[index] = 1
    else:
        vector = np.array(encoded[0], copy=True)
        if classification and label.ndim == 1:
            index = int(label[0])
    return encoded, vector, index


def _fprime(activation: str, z: Array, a: Array) -> Array | None:
    """f'(z) by the activation's own backward (delta of ones times f'); None for softmax."""
    act = ACTIVATIONS[activation]
    if act.name == "softmax":
        return None
    out = np.ones_like(z)
    act.backward(z, a, out, np.empty_like(z))
    return out


def _sample_loss(net: Network, x: Array, targets: Array) -> float:
    bufs = net.buffers("trace", 1)
    net.forward_into(x, bufs, keep=False)
    z, a, _, tmp = bufs[-1]
    return float(net.loss.value(z, a, targets, tmp))


def trace_sample(
    net: Network,
    x: Array,
    y: object,
    lr: float,
    input_scale: float = 1.0,
    classification: bool | None = None,
    optimizer: Optimizer | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
) -> Trace:
    """Trace one sample (`x` a row of raw inputs, `y` its label or target) through `net`, and
    the step `optimizer` (with its state; None: plain SGD) and the penalties would take on it.

    `classification` None: integer labels are classes. Nothing is changed.
    """
    return _trace(net, x, y, lr, input_scale, classification, optimizer, l1, l2)[0]


def _trace(
    net: Network,
    x: Array,
    y: object,
    lr: float,
    input_scale: float,
    classification: bool | None,
    optimizer: Optimizer | None,
    l1: float,
    l2: float,
) -> tuple[Trace, Optimizer]:
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise SpecError(f"learning rate must be a positive number, got {lr!r}")
    work = net.copy()
    row = _one_row(work, x, input_scale)
    targets, y_vec, label = _targets(work, y, classification)
    bufs = work.buffers("trace", 1)
    with np.errstate(all="ignore"):
        work.forward_into(row, bufs, keep=True)
        loss = work.loss_and_output_delta(targets, bufs)
        work.backward(bufs)
    fused = work.loss.fused is not None
    layers = []
    for i, layer in enumerate(work.layers):
        z, a, delta = layer.z[0].copy(), layer.a[0].copy(), layer.delta[0].copy()
        if i + 1 < len(work.layers):
            nxt = work.layers[i + 1]
            upstream = np.dot(nxt.delta[0], nxt.W)  # W_{l+1}^T delta_{l+1}
        elif fused:
            upstream = None
        else:  # the loss's dC/da, from the loss's own code
            upstream = np.empty((1, layer.n_out), dtype=work.dtype)
            work.loss.delta(layer.z, layer.a, targets, upstream)
            upstream = upstream[0]
        layers.append(
            dict(
                activation=layer.act.name,
                W=layer.W.copy(),
                b=layer.b.copy(),
                a_in=layer.x[0].copy(),
                z=z,
                a=a,
                upstream=upstream,
                fprime=_fprime(layer.activation, z, a),
                delta=delta,
                dW=layer.dW.copy(),
                db=layer.db.copy(),
            )
        )
    with np.errstate(all="ignore"):
        steps, info, stepped = optimizer_step(work, optimizer, float(lr), l1, l2)
        loss_after = _sample_loss(work, row, targets)
    traced = tuple(
        LayerTrace(**parts, W_new=sw.new, b_new=sb.new, step_W=sw, step_b=sb)
        for parts, (sw, sb) in zip(layers, steps)
    )
    trace = Trace(
        x=row[0].copy(),
        y=y_vec,
        label=label,
        loss=float(loss),
        loss_after=loss_after,
        loss_name=work.spec.loss,
        fused=fused,
        lr=float(lr),
        dtype=work.dtype.name,
        layers=traced,
        optimizer=info,
    )
    return trace, stepped


def apply_sample_step(
    net: Network,
    x: Array,
    y: object,
    lr: float,
    input_scale: float = 1.0,
    classification: bool | None = None,
    optimizer: Optimizer | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
) -> Trace:
    """One step of `optimizer` (its state moves on, as after a training step of batch one;
    None: plain SGD `W <- W - lr dW`, no optimizer state touched) on this one sample.
    Returns the trace the step was taken from. SpecError if the step would leave a weight
    non-finite (nothing is changed then)."""
    trace, stepped = _trace(net, x, y, lr, input_scale, classification, optimizer, l1, l2)
    new = [(t.W_new, t.b_new) for t in trace.layers]
    if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in new):
        raise SpecError(
            f"this step (learning rate {lr:g}) would make weights non-finite; nothing changed"
        )
    net.set_params(new)
    if optimizer is not None:
        adopt_state(optimizer, stepped)
    return trace


def trace_to_dict(trace: Trace, sample: int | None = None) -> dict:
    """The trace as plain JSON-able data: `sample`, `x`, `y`, `loss`, `lr`, `layers` (W, b, z, a,
    delta, dW, db, and `step`: per W and b the optimizer's gradient, state before and after,
    Adam's m_hat and v_hat, the new value and plain SGD's), `updated` (W, b per layer after the
    run's optimizer) and `optimizer` (its name, settings and step count t)."""

    def plain(a: Array) -> list:
        a = np.asarray(a)
        if a.dtype == np.float32:  # the shortest decimal that reads back as the same float32
            short = [float(str(v)) for v in a.ravel()]  # str of a float32 scalar: shortest
            return np.array(short, dtype=np.float64).reshape(a.shape).tolist()
        return a.astype(float).tolist()

    def number(v: float) -> float:
        return float(str(np.float32(v))) if trace.dtype == "float32" else float(v)

    return {
        "sample": sample,
        "x": plain(trace.x),
        "y": plain(trace.y),
        "label": trace.label,
        "loss": number(trace.loss),
        "loss_after": number(trace.loss_after),
        "loss_function": trace.loss_name,
        "lr": trace.lr,
        "dtype": trace.dtype,
        "layers": [
            {
                "activation": t.activation,
                "W": plain(t.W),
                "b": plain(t.b),
                "z": plain(t.z),
                "a": plain(t.a),
                "delta": plain(t.delta),
                "dW": plain(t.dW),
                "db": plain(t.db),
                **(
                    {"step": {"W": as_dict(t.step_W, plain), "b": as_dict(t.step_b, plain)}}
                    if t.step_W is not None and t.step_b is not None
                    else {}
                ),
            }
            for t in trace.layers
        ],
        "updated": [{"W": plain(t.W_new), "b": plain(t.b_new)} for t in trace.layers],
        "optimizer": None if trace.optimizer is None else dataclasses.asdict(trace.optimizer),
    }


def next_training_index(trainer) -> int:
    """The index of the training sample `trainer.step()` would train on first, without
    changing anything (at the start of an epoch, from a copy of the trainer's random state)."""
    n = len(trainer.batches)
    order, pos = trainer._order, trainer._pos
    if order is None or pos == 0:
        order = copy.deepcopy(trainer.rng).permutation(n)
        pos = 0
    return int(order[pos])
