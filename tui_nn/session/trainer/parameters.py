"""The network as a diagram reads it, and one weight or bias set by hand.

- `weights_if_due` gives a snapshot the weights (copied) and a `NetworkView` (the last step's
  gradients, one sample's `z` and `a` per layer) when the view asks for weights, they changed,
  and, while training, at most every `weights_interval` seconds: the picture rate, not the
  snapshot rate. A new run, a SetView or a hand-set value sends them at once.
- `set_parameter` is the trainer's handler of `SetParameter`, applied between steps (paused or
  running). It refuses a bad address or a non-finite value with a message that names it and
  changes nothing; a taken value is answered (ParameterSet) with the value stored, the old
  value and the training cost now.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

import tui_nn.session.trainer.pictures as pictures
from tui_nn.engine.activations import ACTIVATIONS
from tui_nn.session.protocol.answers import ParameterSet
from tui_nn.session.protocol.messages import NetworkView, SetParameter
from tui_nn.textbook.notation import Address, NotationError, check_address

if TYPE_CHECKING:
    from tui_nn.session.trainer.runner import Runner

IMAGE_SETS = ("digits", "mnist", "fashion-mnist")  # their inputs are square pictures


def image_shape(name: str, n_inputs: int) -> tuple[int, int] | None:
    side = math.isqrt(n_inputs)
    return (side, side) if name in IMAGE_SETS and side * side == n_inputs else None


def force_weights(runner: Runner) -> None:
    """The next snapshot carries the weights (if the view wants them), however soon."""
    runner.weights_stale = True
    runner.last_weights_time = -math.inf


def weights_if_due(runner: Runner, now: float):
    """(weights, NetworkView) for the snapshot being built, or (None, None)."""
    view = runner.view
    if not (view.weights and runner.weights_stale):
        return None, None
    if runner.weights_run_id != runner.run_id:
        runner.weights_run_id, runner.last_weights_time = runner.run_id, -math.inf
    if runner.running and now - runner.last_weights_time < view.weights_interval:
        return None, None
    runner.weights_stale, runner.last_weights_time = False, now
    return pictures.copy_weights(runner.net), network_view(runner)


def network_view(runner: Runner) -> NetworkView:
    """Gradients of the last step and the forward pass of the view's sample, copied."""
    net, dataset, trainer = runner.net, runner.dataset, runner.trainer
    grads = tuple((layer.dW.copy(), layer.db.copy()) for layer in net.layers)
    split, X, y = "test", dataset.X_test, dataset.y_test
    if len(X) == 0:
        split, X, y = "train", dataset.X_train, dataset.y_train
    index = runner.view.sample % len(X) if len(X) else 0
    dtype = np.dtype(net.spec.dtype)
    x = np.asarray(X[index], dtype=dtype) * dtype.type(dataset.input_scale)
    a, zs, acts = x[None, :], [], []
    for layer in net.layers:
        z = a @ layer.W.T + layer.b
        out, tmp = np.empty_like(z), np.empty_like(z)
        ACTIVATIONS[layer.activation].forward(z, out, tmp)
        zs.append(z[0].copy())
        acts.append(out[0].copy())
        a = out
    return NetworkView(
        grads=grads,
        stepped=trainer.step_count > 0,
        sample=int(index),
        split=split,
        x=np.array(x, copy=True),
        z=tuple(zs),
        a=tuple(acts),
        image_shape=image_shape(dataset.name, dataset.n_inputs),
        label=_label(dataset, y[index]) if len(X) else "",
    )


def _label(dataset, target) -> str:
    if dataset.task == "classification":
        k = int(target)
        names = dataset.class_names
        return names[k] if names and 0 <= k < len(names) else str(k)
    values = np.atleast_1d(np.asarray(target, dtype=np.float64))
    return ", ".join(f"{v:.4g}" for v in values[:3])


def set_parameter(runner: Runner, cmd: SetParameter) -> ParameterSet:
    """Set one weight or bias between steps; a NotationError (a ValueError) refuses it."""
    net = runner.net
    address = Address(int(cmd.layer), int(cmd.row), None if cmd.col is None else int(cmd.col))
    try:
        check_address(address, net.spec.sizes)
    except NotationError as exc:
        raise NotationError(f"refused: {exc}") from None
    try:
        value = float(cmd.value)
    except (TypeError, ValueError):
        raise NotationError(
            f"refused {address.text()}: the value must be a number, got {cmd.value!r}"
        ) from None
    if not math.isfinite(value):
        raise NotationError(
            f"refused {address.text()} = {value}: the value must be a finite number"
        )
    layer = net.layers[address.layer]
    array, index = (
        (layer.b, (address.row,)) if address.is_bias else (layer.W, (address.row, address.col))
    )
    old = float(array[index])
    array[index] = value  # a view into the network's flat parameters: the optimizer sees it
    stored = float(array[index])
    force_weights(runner)
    runner.grid_stale, runner.last_grid_time = True, -math.inf
    b = runner.trainer.batches
    cost, _ = runner.trainer.evaluate(b.X, b.y)
    runner.message = (
        f"{address.text()} = {stored:.6g} (was {old:.6g}); training cost now {cost:.4f}"
    )
    return ParameterSet(address=address.text(), old=old, new=stored, cost=float(cost))
