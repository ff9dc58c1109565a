"""Gradient check: backpropagation against central differences, in float64 (CS231n style).

For every weight and bias `p`, the numerical derivative is
`(L(p + h) - L(p - h)) / (2 h)` with `h = 1e-5`, and the analytic one is what `backward` gave.
Per parameter array the relative error is

    ||g_analytic - g_numeric|| / max(||g_analytic|| + ||g_numeric||, 1e-12)

and the check returns the worst of them. Around 1e-7 or below means backprop is right; above
1e-3 means a bug. Kinks (ReLU at exactly z = 0) can spoil single entries, which is why the error
is taken per array. Large arrays are sampled (`max_entries` random entries per array).
"""

from __future__ import annotations

import numpy as np

from tui_nn.engine.losses import encode_targets
from tui_nn.engine.network import Network

Array = np.ndarray
STEP = 1e-5


def _loss(net: Network, x: Array, y: Array) -> float:
    bufs = net.buffers("gradcheck", x.shape[0])
    net.forward_into(x, bufs, keep=True)
    z, a, _, tmp = bufs[-1]
    return net.loss.value(z, a, y, tmp)


def analytic_grads(net: Network, x: Array, y: Array) -> tuple[float, list[Array]]:
    """Loss and [dW1, db1, ...] from one forward and backward pass (copies)."""
    bufs = net.buffers("gradcheck", x.shape[0])
    net.forward_into(x, bufs, keep=True)
    loss = net.loss_and_output_delta(y, bufs)
    net.backward(bufs)
    return loss, [g.copy() for g in net.grad_arrays()]


def gradient_check(
    net: Network,
    X: Array,
    y: Array,
    input_scale: float = 1.0,
    max_entries: int = 200,
    seed: int = 0,
) -> float:
    """Worst relative error between backprop and central differences (on a float64 copy).

    `y` are labels as for training (class indices or targets). The network is not changed.
    """
    net64 = net.copy(dtype="float64")
    x = net64.as_input(np.asarray(X), input_scale)
    x = np.ascontiguousarray(x, dtype=np.float64)
    classification = np.issubdtype(np.asarray(y).dtype, np.integer)
    targets = encode_targets(y, net64.n_outputs, net64.spec.loss, np.float64, classification)
    _, grads = analytic_grads(net64, x, targets)
    rng = np.random.default_rng(seed)
    worst = 0.0
    for p, g in zip(net64.param_arrays(), grads):
        flat_p = p.reshape(-1)
        flat_g = g.reshape(-1)
        idx = np.arange(flat_p.size)
        if flat_p.size > max_entries:
            idx = rng.choice(flat_p.size, size=max_entries, replace=False)
        numeric = np.empty(idx.size, dtype=np.float64)
        for k, j in enumerate(idx):
            old = flat_p[j]
            flat_p[j] = old + STEP
            plus = _loss(net64, x, targets)
            flat_p[j] = old - STEP
            minus = _loss(net64, x, targets)
            flat_p[j] = old
            numeric[k] = (plus - minus) / (2 * STEP)
        analytic = flat_g[idx]
        denom = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), 1e-12)
        worst = max(worst, float(np.linalg.norm(analytic - numeric)) / denom)
    return worst
