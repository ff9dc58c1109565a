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

Speed, where the arithmetic does not change:
- Adam keeps its moments scaled, `m/(1-b1)` and `v/(1-b2)` (sums of g and g^2, decayed by b1
  and b2), and folds the constants into two scalars: ten passes over the parameters per step
  instead of thirteen. On MNIST's 235k weights the optimizer is as large a part of a step as the
  forward pass (`benchmarks/mnist_torch.py --profile`).
- Every scalar is a Python float: a NumPy float64 scalar would make NumPy compute a float32
  array in float64 and cast it back, five times slower.
- Every `FLUSH_EVERY` steps, state values smaller than `TINY` in size are set to zero. A weight
  whose gradient is always 0 (an MNIST border pixel's) has its moments decay by b1 every step
  into subnormal numbers, on which the processor is ~100x slower: after an epoch of MNIST that
  made Adam 40 % slower. A value below 1e-30 moves no weight by more than ~1e-21.
"""

from __future__ import annotations

import math

import numpy as np

Array = np.ndarray
FLUSH_EVERY = 32  # steps between two flushes of tiny state values to zero
TINY = 1e-30  # ... those smaller than this (decaying by 0.9 a step, they reach the subnormal
# range, below 1.2e-38, after 175 steps: a flush every 32 comes first)


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
        flush = self.t % FLUSH_EVERY == 0
        for i, (p, g) in enumerate(zip(params, grads)):
            st = self.state[i]
            if st is None or next(iter(st.values()), p).shape != p.shape:
                st = self.state[i] = {s: np.zeros_like(p) for s in self.slots}
            self.update(p, g, st, self.scratch(p), float(lr))
            if flush:
                for values in st.values():
                    values[np.abs(values) < TINY] = 0.0

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

    def moments(self, st: dict[str, Array]) -> dict[str, Array]:
        """One parameter's state as the textbook (and torch.optim) writes it, as new arrays:
        momentum's v, Adam's m and v (the trace shows these; the state may keep them scaled)."""
        return {s: st[s].copy() for s in self.slots}

    def set_moments(self, st: dict[str, Array], moments: dict[str, Array]) -> None:
        """Set one parameter's state, in place, from textbook values (as `moments` gives)."""
        for s in self.slots:
            st[s][...] = moments[s]


class Momentum(Optimizer):
    name = "momentum"
    slots = ("v",)

    def velocity(self, g: Array, st: dict[str, Array]) -> Array:
        """v <- mu v + g, in place (torch.optim.SGD's momentum buffer)."""
        v = st["v"]
        np.multiply(v, self.momentum, out=v)
        np.add(v, g, out=v)
        return v

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        v = self.velocity(g, st)
        np.multiply(v, lr, out=tmp)
        np.subtract(p, tmp, out=p)


class Nesterov(Momentum):
    """Momentum's velocity, and a step that looks ahead along it: p <- p - lr (g + mu v)."""

    name = "nesterov"

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        v = self.velocity(g, st)
        np.multiply(v, self.momentum, out=tmp)
        np.add(tmp, g, out=tmp)
        np.multiply(tmp, lr, out=tmp)
        np.subtract(p, tmp, out=p)


class Adam(Optimizer):
    """Adam, its state scaled: `st["m"]` holds m/(1-b1) and `st["v"]` holds v/(1-b2).

    With m = (1-b1) m' and v = (1-b2) v', the update m_hat / (sqrt(v_hat) + eps) is
    c (1-b1)/(1-b1^t) m' / (sqrt(v') + c eps) with c = sqrt((1-b2^t) / (1-b2)).
    """

    name = "adam"
    slots = ("m", "v")
    beta1 = 0.9
    beta2 = 0.999
    eps = 1e-8

    def update(self, p: Array, g: Array, st: dict[str, Array], tmp: Array, lr: float) -> None:
        m, v = st["m"], st["v"]
        np.multiply(m, self.beta1, out=m)  # m' <- b1 m' + g
        np.add(m, g, out=m)
        np.multiply(v, self.beta2, out=v)  # v' <- b2 v' + g^2
        np.multiply(g, g, out=tmp)
        np.add(v, tmp, out=v)
        c = math.sqrt((1.0 - self.beta2**self.t) / (1.0 - self.beta2))
        np.sqrt(v, out=tmp)
        np.add(tmp, self.eps * c, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, lr * c * (1.0 - self.beta1) / (1.0 - self.beta1**self.t), out=tmp)
        np.subtract(p, tmp, out=p)

    def moments(self, st: dict[str, Array]) -> dict[str, Array]:
        """The textbook m and v: the state keeps m/(1-b1) and v/(1-b2)."""
        return {"m": st["m"] * (1.0 - self.beta1), "v": st["v"] * (1.0 - self.beta2)}

    def set_moments(self, st: dict[str, Array], moments: dict[str, Array]) -> None:
        st["m"][...] = np.asarray(moments["m"]) / (1.0 - self.beta1)
        st["v"][...] = np.asarray(moments["v"]) / (1.0 - self.beta2)


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
