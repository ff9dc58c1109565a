"""The network as a diagram reads it, and one weight or bias set by hand.

- `network_view` gives a snapshot, with the weights, the last step's gradients and one
  sample's forward pass (`z` and `a` per layer), copied; snapshots.py sends it when the view
  asks for weights, at the picture rate.
- `set_parameter` sets one weight or bias, between steps (paused or running). It refuses a bad
  address or a non-finite value with a message that names it and changes nothing; it returns
  the address, the old value and the value stored (handlers.py answers with a ParameterSet).
"""

from __future__ import annotations

import math

import numpy as np

from tui_nn.engine.activations import ACTIVATIONS
from tui_nn.session.protocol.messages import NetworkView, SetParameter
from tui_nn.textbook.notation import Address, NotationError, check_address

IMAGE_SETS = ("digits", "mnist", "fashion-mnist")  # their inputs are square pictures


def image_shape(name: str, n_inputs: int) -> tuple[int, int] | None:
    side = math.isqrt(n_inputs)
    return (side, side) if name in IMAGE_SETS and side * side == n_inputs else None


def network_view(net, dataset, trainer, sample: int) -> NetworkView:
    """Gradients of the last step and the forward pass of sample `sample` (of the test set,
    or of the training set when there is no test set; it wraps around), copied."""
    grads = tuple((layer.dW.copy(), layer.db.copy()) for layer in net.layers)
    split, X, y = "test", dataset.X_test, dataset.y_test
    if len(X) == 0:
        split, X, y = "train", dataset.X_train, dataset.y_train
    index = sample % len(X) if len(X) else 0
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


def set_parameter(net, cmd: SetParameter) -> tuple[Address, float, float]:
    """Set one weight or bias; (its address, the old value, the value stored). A bad address
    or value raises NotationError (a ValueError) naming it, and nothing changes."""
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
    return address, old, float(array[index])
