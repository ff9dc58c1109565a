"""Activation functions, each with its derivative, found by name in `ACTIVATIONS`.

An activation turns a layer's weighted sums `z` into its outputs `a = f(z)`. Backpropagation
needs `f'(z)`: a layer's error is `delta = dL/da * f'(z)`. Every function here works in place
on preallocated arrays (`out=`) so that a training step allocates (almost) nothing, and each is
written so that no value of `z` up to |z| = 1e4 overflows or produces NaN:

- sigmoid is computed as `0.5 * (1 + tanh(z / 2))` (tanh saturates, `exp` would overflow);
- softplus as `max(z, 0) + log1p(exp(-|z|))`;
- elu as `expm1(min(z, 0))` on the negative side;
- gelu uses the tanh approximation (as GPT-2 and PyTorch's `approximate="tanh"`), with the
  cubic term computed on `z` clipped to +-10 where tanh is already exactly +-1;
- softmax subtracts each row's maximum before `exp`.

Softmax is a whole-row function: its derivative is a Jacobian, so `backward` applies the
Jacobian-vector product. With cross-entropy the engine never calls it: the fused gradient is
simply `p - y` (see `losses.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01  # leaky_relu: f(z) = 0.01 z for z < 0
ELU_ALPHA = 1.0  # elu: f(z) = alpha (e^z - 1) for z < 0
GELU_C = float(np.sqrt(2.0 / np.pi))
GELU_K = 0.044715
GELU_CLIP = 10.0  # beyond +-10, tanh(c (z + k z^3)) == +-1 exactly in float32 and float64


@dataclass(frozen=True)
class Activation:
    """One activation: `forward(z, out, tmp)` writes f(z) into `out`;
    `backward(z, a, delta, tmp)` multiplies `delta` (holding dL/da) in place by f'(z).

    `tmp` is a scratch array of the same shape. `kind` says which neuron statistic applies:
    "relu" (dead when z <= 0), "sigmoid" (saturated near 0 or 1), "tanh" (saturated near +-1)
    or "" (none). `init` is the initialiser that `init="auto"` picks for it.
    """

    name: str
    forward: Callable[[Array, Array, Array], None]
    backward: Callable[[Array, Array, Array, Array], None]
    formula: str
    kind: str = ""
    init: str = "xavier_normal"
    output_only: bool = False


# ---- forward passes: write f(z) into `out` --------------------------------------------------


def _identity(z: Array, out: Array, tmp: Array) -> None:
    np.copyto(out, z)


def _sigmoid(z: Array, out: Array, tmp: Array) -> None:
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    np.multiply(out, 0.5, out=out)
    np.add(out, 0.5, out=out)


def _tanh(z: Array, out: Array, tmp: Array) -> None:
    np.tanh(z, out=out)


def _relu(z: Array, out: Array, tmp: Array) -> None:
    np.maximum(z, 0, out=out)


def _leaky_relu(z: Array, out: Array, tmp: Array) -> None:
    np.multiply(z, LEAKY_SLOPE, out=tmp)
    np.maximum(z, tmp, out=out)


def _elu(z: Array, out: Array, tmp: Array) -> None:
    np.minimum(z, 0, out=tmp)
    np.expm1(tmp, out=tmp)
    np.multiply(tmp, ELU_ALPHA, out=tmp)
    np.maximum(z, 0, out=out)
    np.add(out, tmp, out=out)


def _gelu_tanh(z: Array, tmp: Array) -> None:
    """tmp = tanh(c (zc + k zc^3)) with zc = clip(z, -10, 10)."""
    np.clip(z, -GELU_CLIP, GELU_CLIP, out=tmp)
    zc = tmp.copy()
    np.multiply(tmp, tmp, out=tmp)
    np.multiply(tmp, GELU_K, out=tmp)
    np.add(tmp, 1.0, out=tmp)
    np.multiply(tmp, zc, out=tmp)
    np.multiply(tmp, GELU_C, out=tmp)
    np.tanh(tmp, out=tmp)


def _gelu(z: Array, out: Array, tmp: Array) -> None:
    _gelu_tanh(z, tmp)
    np.add(tmp, 1.0, out=tmp)
    np.multiply(z, 0.5, out=out)
    np.multiply(out, tmp, out=out)


def _softplus(z: Array, out: Array, tmp: Array) -> None:
    np.abs(z, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    np.log1p(tmp, out=tmp)
    np.maximum(z, 0, out=out)
    np.add(out, tmp, out=out)


def _swish(z: Array, out: Array, tmp: Array) -> None:
    _sigmoid(z, tmp, tmp)
    np.multiply(z, tmp, out=out)


def _softmax(z: Array, out: Array, tmp: Array) -> None:
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    np.divide(out, out.sum(axis=1, keepdims=True), out=out)


# ---- backward passes: delta *= f'(z), in place -----------------------------------------------


def _d_identity(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    pass  # f'(z) = 1


def _d_sigmoid(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    np.subtract(1.0, a, out=tmp)  # f' = a (1 - a)
    np.multiply(tmp, a, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _d_tanh(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    np.multiply(a, a, out=tmp)  # f' = 1 - a^2
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _d_relu(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    np.sign(a, out=tmp)  # f' = 1 for z > 0 (a > 0), else 0 (also at z = 0, where a = 0)
    np.multiply(delta, tmp, out=delta)


def _d_leaky_relu(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    np.greater(z, 0, out=tmp)  # f' = 1 for z > 0, else the slope
    np.multiply(tmp, 1.0 - LEAKY_SLOPE, out=tmp)
    np.add(tmp, LEAKY_SLOPE, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _d_elu(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    np.minimum(a, 0, out=tmp)  # f' = 1 for z > 0, else alpha e^z = a + alpha
    np.add(tmp, ELU_ALPHA, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _d_gelu(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    # f = z/2 (1 + t), t = tanh(u), u = c (z + k z^3):
    # f' = (1 + t)/2 + z/2 (1 - t^2) c (1 + 3 k z^2)
    _gelu_tanh(z, tmp)
    zc = np.clip(z, -GELU_CLIP, GELU_CLIP)
    du = zc * zc
    du *= 3.0 * GELU_K
    du += 1.0
    du *= GELU_C
    one_minus_t2 = 1.0 - tmp * tmp
    du *= one_minus_t2
    du *= zc  # zero where |z| > 10, since 1 - t^2 == 0 there
    du *= 0.5
    np.add(tmp, 1.0, out=tmp)
    np.multiply(tmp, 0.5, out=tmp)
    np.add(tmp, du, out=tmp)
    np.multiply(delta, tmp, out=delta)


def _d_softplus(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    _sigmoid(z, tmp, tmp)  # f' = sigmoid(z)
    np.multiply(delta, tmp, out=delta)


def _d_swish(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    _sigmoid(z, tmp, tmp)  # s = sigmoid(z), a = z s, f' = s + a (1 - s) = s (1 - a) + a
    factor = 1.0 - a
    factor *= tmp
    factor += a
    np.multiply(delta, factor, out=delta)


def _d_softmax(z: Array, a: Array, delta: Array, tmp: Array) -> None:
    # Jacobian-vector product per row: dL/dz = a * (g - sum(g * a)), g = dL/da.
    np.multiply(delta, a, out=tmp)
    row = tmp.sum(axis=1, keepdims=True)
    np.subtract(delta, row, out=delta)
    np.multiply(delta, a, out=delta)


_ALL = (
    Activation("identity", _identity, _d_identity, "a = z"),
    Activation("sigmoid", _sigmoid, _d_sigmoid, "a = 1 / (1 + e^-z)", "sigmoid"),
    Activation("tanh", _tanh, _d_tanh, "a = tanh z", "tanh"),
    Activation("relu", _relu, _d_relu, "a = max(z, 0)", "relu", "he_normal"),
    Activation("leaky_relu", _leaky_relu, _d_leaky_relu, "a = max(z, 0.01 z)", "relu", "he_normal"),
    Activation("elu", _elu, _d_elu, "a = z if z > 0 else e^z - 1", "relu", "he_normal"),
    Activation("gelu", _gelu, _d_gelu, "a = z Phi(z) (tanh approximation)", "", "he_normal"),
    Activation("softplus", _softplus, _d_softplus, "a = log(1 + e^z)"),
    Activation("swish", _swish, _d_swish, "a = z sigmoid(z)", "", "he_normal"),
    Activation("softmax", _softmax, _d_softmax, "a_i = e^z_i / sum_j e^z_j", output_only=True),
)

ALIASES = {"linear": "identity", "silu": "swish"}

ACTIVATIONS: dict[str, Activation] = {act.name: act for act in _ALL}
ACTIVATIONS.update({alias: ACTIVATIONS[name] for alias, name in ALIASES.items()})

HIDDEN_ACTIVATIONS = tuple(act.name for act in _ALL if not act.output_only)
