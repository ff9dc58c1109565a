"""Optimizers, found by name in `OPTIMIZERS`. Each owns its state (velocities, moments).

An optimizer sees the parameters as a flat list `[W1, b1, W2, b2, ...]` and keeps, per
parameter, a dict of state arrays of the same shape (`state[i]`, None until first used). The
learning rate is passed on every step, so it (and the penalties, which the trainer adds to the
gradient) can change between steps without losing that state. Live surgery edits `state` the
same way it edits the weights (see `surgery.py`).

Update rules (PyTorch conventions, g the gradient, lr the learning rate, mu the momentum):
- sgd:       p <- p - lr g
- momentum:  v <- mu v + g;  p <- p - lr v
- nesterov:  v <- mu v + g;  p <- p - lr (g + mu v)
- adam:      m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
             p <- p - lr m_hat / (sqrt(v_hat) + eps), with bias-corrected m_hat, v_hat
             (b1 = 0.9, b2 = 0.999, eps = 1e-8)
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


class Optimizer:
    """Base class: `step(params, grads, lr)` updates each parameter array in place."""

    name = "sgd"
    slots: tuple[str, ...] = ()  # names of the per-parameter state arrays

    def __init__(self, momentum: float = 0.9) -> None:
        self.momentum = momentum
        self.state: list[dict[str, Array] | None] = []
        self.t = 0  # steps taken
        self._tmp: dict[tuple[tuple[int, ...], str], Array] = {}

    def reset(self) -> None:
        self.state = []
        self.t = 0

    def step(self, params: list[Array], grads: list[Array], lr: float) -> None:
        self.t += 1
        if len(self.state) != len(params):
            self.state = (self.state + [None] * len(params))[: len(params)]
        for i, (p, g) in enumerate(zip(params, grads)):
            st = self.state[i]
            if st is None or next(iter(st.values()), p).shape != p.shape:
                st = self.state[i] = {s: np.zeros_like(p) for s in self.slots}
            self.update(p, g, st, self.scratch(p), lr)

    def scratch(self, p: Array) -> Array:
        """A reusable temporary of p's shape and dtype (no allocation per step)."""
        key = (p.shape, p.dtype.str)
        tmp = self._tmp.get(key)
        if tmp is None:
            tmp = self._tmp[key] = np.empty_like(p)
        return tmp

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        np.multiply(g, lr, out=tmp)
        np.subtract(p, tmp, out=p)


class Momentum(Optimizer):
    name = "momentum"
    slots = ("v",)

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        v = st["v"]
        np.multiply(v, self.momentum, out=v)
        np.add(v, g, out=v)
        np.multiply(v, lr, out=tmp)
        np.subtract(p, tmp, out=p)


class Nesterov(Optimizer):
    name = "nesterov"
    slots = ("v",)

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        v = st["v"]
        np.multiply(v, self.momentum, out=v)
        np.add(v, g, out=v)
        np.multiply(v, self.momentum, out=tmp)
        np.add(tmp, g, out=tmp)
        np.multiply(tmp, lr, out=tmp)
        np.subtract(p, tmp, out=p)


class Adam(Optimizer):
    name = "adam"
    slots = ("m", "v")
    beta1 = 0.9
    beta2 = 0.999
    eps = 1e-8

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        m, v = st["m"], st["v"]
        np.multiply(m, self.beta1, out=m)
        np.multiply(g, 1.0 - self.beta1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(v, self.beta2, out=v)
        np.multiply(g, g, out=tmp)
        np.multiply(tmp, 1.0 - self.beta2, out=tmp)
        np.add(v, tmp, out=v)
        bias1 = 1.0 - self.beta1**self.t
        bias2 = 1.0 - self.beta2**self.t
        np.sqrt(v, out=tmp)
        np.multiply(tmp, 1.0 / np.sqrt(bias2), out=tmp)
        np.add(tmp, self.eps, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, lr / bias1, out=tmp)
        np.subtract(p, tmp, out=p)


def add_penalties(layers, l1: float, l2: float, scratch) -> None:  # noqa: ANN001
    """Add the penalties' gradients to the weights' (never the biases'): `l2 W` for
    `(l2/2) ||W||^2` and `l1 sign(W)` for `l1 sum |W|`. `layers` have W and dW (in place);
    `scratch(W)` gives a temporary of W's shape."""
    if not (l1 or l2):
        return
    for layer in layers:
        tmp = scratch(layer.W)
        if l2:
            np.multiply(layer.W, l2, out=tmp)
            np.add(layer.dW, tmp, out=layer.dW)
        if l1:
            np.sign(layer.W, out=tmp)
            np.multiply(tmp, l1, out=tmp)
            np.add(layer.dW, tmp, out=layer.dW)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": Optimizer,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adam": Adam,
}
