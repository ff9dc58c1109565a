"""Weight initialisers, found by name in `INITIALIZERS`.

Each draws a weight matrix of shape `(n_out, n_in)` from a `numpy.random.Generator` (so the same
seed gives the same network). Biases always start at zero. Values are drawn in float64 and cast
to the network dtype, so a float32 and a float64 network built from one seed start from the same
numbers (up to rounding).

- he_normal: N(0, 2 / n_in); he_uniform: U(+-sqrt(6 / n_in))  (He et al. 2015, for ReLUs)
- xavier_normal: N(0, 2 / (n_in + n_out)); xavier_uniform: U(+-sqrt(6 / (n_in + n_out)))
  (Glorot & Bengio 2010, for sigmoid/tanh)
- uniform: U(+-0.5); zeros: all zero (every neuron then stays identical: a lesson, not a choice)
- auto: He for the ReLU family (relu, leaky_relu, elu, gelu, swish), Xavier otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tui_nn.engine.activations import ACTIVATIONS

Initializer = Callable[[np.random.Generator, int, int], np.ndarray]


def he_normal(rng: np.random.Generator, n_out: int, n_in: int) -> np.ndarray:
    return rng.standard_normal((n_out, n_in), dtype=np.float64) * np.sqrt(2.0 / n_in)


def he_uniform(rng: np.random.Generator, n_out: int, n_in: int) -> np.ndarray:
    limit = np.sqrt(6.0 / n_in)
    return rng.uniform(-limit, limit, size=(n_out, n_in))


def xavier_normal(rng: np.random.Generator, n_out: int, n_in: int) -> np.ndarray:
    return rng.standard_normal((n_out, n_in), dtype=np.float64) * np.sqrt(2.0 / (n_in + n_out))


def xavier_uniform(rng: np.random.Generator, n_out: int, n_in: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_out, n_in))


def uniform(rng: np.random.Generator, n_out: int, n_in: int) -> np.ndarray:
    return rng.uniform(-0.5, 0.5, size=(n_out, n_in))


def zeros(rng: np.random.Generator, n_out: int, n_in: int) -> np.ndarray:
    return np.zeros((n_out, n_in), dtype=np.float64)


INITIALIZERS: dict[str, Initializer | None] = {
    "auto": None,  # resolved per layer by `resolve_init`
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "uniform": uniform,
    "zeros": zeros,
}


def resolve_init(init: str, activation: str) -> Initializer:
    """The initialiser for one layer: `init`, or for "auto" the one its activation prefers."""
    name = ACTIVATIONS[activation].init if init == "auto" else init
    fn = INITIALIZERS[name]
    assert fn is not None
    return fn


def init_weights(
    rng: np.random.Generator, init: str, activation: str, n_out: int, n_in: int, dtype: np.dtype
) -> np.ndarray:
    return resolve_init(init, activation)(rng, n_out, n_in).astype(dtype)
