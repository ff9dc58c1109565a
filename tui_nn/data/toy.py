"""Toy data sets drawn at random: the 2-D sets of the TensorFlow playground and a few more.

Every generator takes `(n, noise, rng)` and returns `(X, y)` with X float32 of shape (n, d).
Classification sets return y as int64 class indices 0/1 (the playground's -1 is class 0,
its +1 is class 1); regression sets return y as float32 of shape (n, 1). The sets of
`MULTICLASS` also take `classes=k` (2..8): k spiral arms, k Gaussians around a circle, k blobs;
with k = 2 spiral and gauss give exactly the playground's two classes.

The geometry follows the playground's `dataset.ts` so that pictures look the same: points lie
in about [-6, 6]², and `noise` is the playground's noise slider as a fraction (0 to 0.5).
For circle, xor and plane the noise moves the point used to compute the *label*, so noisy
sets have labels that are wrong near the boundary, as in the playground.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tui_nn.kinds import Task

Generator = Callable[..., tuple[np.ndarray, np.ndarray]]
MAX_CLASSES = 8


def _halves(n: int) -> tuple[int, int]:
    """Sizes of the two classes: n // 2 for class 1 and the rest for class 0."""
    return n - n // 2, n // 2


def _shares(n: int, k: int) -> list[int]:
    """Sizes of k classes: as equal as can be, the first classes one larger (k = 2: _halves)."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def _turn(j: int, k: int, start: float) -> float:
    """The angle of class j of k, a share `start` of a turn past the first (exact at k = 2)."""
    return 2.0 * np.pi * ((start + j / k) % 1.0)


def _xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.stack([x, y], axis=1).astype(np.float32)


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside a disc of radius 2.5, class 0 on a ring from 3.5 to 5."""
    radius = 5.0
    n_neg, n_pos = _halves(n)
    r = np.concatenate(
        [rng.uniform(0.0, radius * 0.5, n_pos), rng.uniform(radius * 0.7, radius, n_neg)]
    )
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = _xy(r * np.sin(angle), r * np.cos(angle))
    moved = X + rng.uniform(-radius, radius, (n, 2)) * noise
    y = (np.hypot(moved[:, 0], moved[:, 1]) < radius * 0.5).astype(np.int64)
    return X, y


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where x and y have the same sign (first and third quadrants)."""
    padding = 0.3
    P = rng.uniform(-5.0, 5.0, (n, 2))
    P += np.where(P > 0, padding, -padding)
    moved = P + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    y = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)
    return P.astype(np.float32), y


def gauss(
    n: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: two at (2, 2) (class 1) and (-2, -2) (class 0), or k around a circle of
    radius 3.5; noise widens them."""
    variance = 0.5 + noise * (4.0 - 0.5) / 0.5  # the playground maps noise 0..0.5 to 0.5..4
    sizes = _shares(n, classes)
    if classes == 2:
        centre = np.array([[-2.0, -2.0], [2.0, 2.0]])
    else:
        angles = [_turn(j, classes, 0.625) for j in range(classes)]
        centre = 3.5 * np.array([[np.cos(t), np.sin(t)] for t in angles])
    labels = np.concatenate(
        [np.full(sizes[j], j, dtype=np.int64) for j in range(classes - 1, -1, -1)]
    )
    X = centre[labels] + rng.normal(0.0, np.sqrt(variance), (n, 2))
    return X.astype(np.float32), labels


def spiral(
    n: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spirals (two, or k arms) of 1.75 turns out to radius 5."""
    parts_X, parts_y = [], []
    sizes = _shares(n, classes)
    for label in range(classes - 1, -1, -1):
        size, delta = sizes[label], _turn(label, classes, 0.5)
        i = np.arange(size, dtype=np.float64) / max(size, 1)
        r = i * 5.0
        t = 1.75 * i * 2.0 * np.pi + delta
        jitter = rng.uniform(-1.0, 1.0, (size, 2)) * noise
        parts_X.append(_xy(r * np.sin(t) + jitter[:, 0], r * np.cos(t) + jitter[:, 1]))
        parts_y.append(np.full(size, label, dtype=np.int64))
    return np.concatenate(parts_X), np.concatenate(parts_y)


def blobs(
    n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """k compact round blobs (as scikit-learn's make_blobs) at random centres in [-3, 3]², at
    least 2.5 apart where they can be; noise 0 gives a spread of 0.6, each 0.1 of noise 0.24
    more."""
    centres: list[np.ndarray] = []
    for _ in range(classes):
        for _try in range(200):
            c = rng.uniform(-3.0, 3.0, 2)
            if all(np.hypot(*(c - other)) >= 2.5 for other in centres):
                break
        centres.append(c)
    sizes = _shares(n, classes)
    labels = np.concatenate([np.full(sizes[j], j, dtype=np.int64) for j in range(classes)])
    spread = 0.6 * (1.0 + 4.0 * noise)
    X = np.asarray(centres)[labels] + rng.normal(0.0, spread, (n, 2))
    return X.astype(np.float32), labels


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's make_moons), scaled by 3 to fill
    about [-4.5, 4.5] x [-2.5, 2.5]. Noise is the standard deviation of Gaussian jitter in
    units of the moon's radius (before scaling)."""
    n_neg, n_pos = _halves(n)
    t_out = rng.uniform(0.0, np.pi, n_neg)
    t_in = rng.uniform(0.0, np.pi, n_pos)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)
    P = np.concatenate([outer, inner]) + rng.normal(0.0, 1.0, (n, 2)) * noise
    X = (P - np.array([0.5, 0.25])) * 3.0
    y = np.concatenate([np.zeros(n_neg, dtype=np.int64), np.ones(n_pos, dtype=np.int64)])
    return X.astype(np.float32), y


def plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression on a tilted plane: target (x + y) / 10, in [-1.2, 1.2]."""
    P = rng.uniform(-6.0, 6.0, (n, 2))
    moved = P + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    target = (moved[:, 0] + moved[:, 1]) / 10.0
    return P.astype(np.float32), target[:, None].astype(np.float32)


_GAUSSIANS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


def multigauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression on six bumps of height +1 or -1; the target is the strongest bump's value."""
    P = rng.uniform(-6.0, 6.0, (n, 2))
    moved = P + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    d = np.hypot(moved[:, None, 0] - _GAUSSIANS[:, 0], moved[:, None, 1] - _GAUSSIANS[:, 1])
    values = _GAUSSIANS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)  # (n, 6)
    strongest = np.abs(values).argmax(axis=1)
    target = values[np.arange(n), strongest]
    return P.astype(np.float32), target[:, None].astype(np.float32)


def quadratic(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One input x in [-2, 2], target x² plus Gaussian noise of standard deviation `noise`.
    With few samples a big network overfits (train loss low, test loss high) and a network
    with no hidden layer underfits (a straight line through a parabola)."""
    x = rng.uniform(-2.0, 2.0, n)
    target = x * x + rng.normal(0.0, 1.0, n) * noise
    return x[:, None].astype(np.float32), target[:, None].astype(np.float32)


def sine(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One input x in [-6, 6] (about two periods), target sin(x) plus Gaussian noise."""
    x = rng.uniform(-6.0, 6.0, n)
    target = np.sin(x) + rng.normal(0.0, 1.0, n) * noise
    return x[:, None].astype(np.float32), target[:, None].astype(np.float32)


@dataclass(frozen=True)
class ToySet:
    """A registered generator with its defaults."""

    generate: Generator
    task: Task
    n_inputs: int
    samples: int = 500
    noise: float = 0.0
    description: str = ""
    classes: int | None = None  # classification: the default number of classes (None: 2)
    multiclass: bool = False  # takes `classes=k` (2..MAX_CLASSES)


TOY_SETS: dict[str, ToySet] = {
    "circle": ToySet(circle, "classification", 2, description="disc inside a ring"),
    "xor": ToySet(xor, "classification", 2, description="quadrants with equal signs"),
    "gauss": ToySet(gauss, "classification", 2, description="Gaussian blobs", multiclass=True),
    "spiral": ToySet(spiral, "classification", 2, description="interleaved spirals",
                     multiclass=True),
    "blobs": ToySet(blobs, "classification", 2, description="compact blobs", classes=3,
                    multiclass=True),
    "moons": ToySet(moons, "classification", 2, noise=0.1, description="two half moons"),
    "plane": ToySet(plane, "regression", 2, description="y = (x1 + x2) / 10"),
    "multigauss": ToySet(multigauss, "regression", 2, description="six bumps of +1 and -1"),
    "quadratic": ToySet(
        quadratic, "regression", 1, samples=40, noise=0.5, description="y = x² + noise"
    ),
    "sine": ToySet(sine, "regression", 1, noise=0.1, description="y = sin(x) + noise"),
}

MULTICLASS: tuple[str, ...] = tuple(name for name, toy in TOY_SETS.items() if toy.multiclass)
"""The generated sets that take `--classes K`."""
