"""The update step of a trace: what the run's optimizer does to every parameter on one sample's
gradient, with its state before and after, beside plain SGD for reference.

The step is the optimizer's own code (`Optimizer.step` on a copy of the optimizer and of the
parameters), so the trace shows exactly what training would do. Per parameter array:

    g = ∂C/∂p (+ l2 p + l1 sign(p) for weights)   the gradient the optimizer sees
    sgd:       p ← p − α g
    momentum:  v ← μ v + g;            p ← p − α v
    nesterov:  v ← μ v + g;            p ← p − α (g + μ v)
    adam:      m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  t ← t + 1
               m̂ = m / (1 − β1^t);    v̂ = v / (1 − β2^t);    p ← p − α m̂ / (√v̂ + ε)

and, for reference, `sgd = p − α ∂C/∂p` (no penalties, no state): the textbook's step.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from tui_nn.engine.network import Network
from tui_nn.engine.optimizers import Adam, Optimizer, add_penalties

Array = np.ndarray


@dataclass(frozen=True)
class OptimizerInfo:
    """The optimizer of the step and its settings."""

    name: str  # sgd, momentum, nesterov, adam
    lr: float
    t: int  # the step this one is (1 for the first step of a fresh optimizer)
    momentum: float | None = None  # momentum, nesterov
    beta1: float | None = None  # adam
    beta2: float | None = None
    eps: float | None = None
    l1: float = 0.0
    l2: float = 0.0
    fresh: bool = True  # the optimizer had no state yet (zeros before this step)


@dataclass(frozen=True)
class ParamStep:
    """One parameter array's update (every array shaped like the parameter, copies)."""

    grad: Array  # ∂C/∂p of this sample
    penalty: Array | None  # l2 p + l1 sign(p), for weights with L1/L2; None otherwise
    g: Array  # what the optimizer steps on: grad (+ penalty)
    before: dict[str, Array]  # the optimizer's state before: {"v"}, {"m", "v"} or {}
    after: dict[str, Array]  # ... and after the step
    m_hat: Array | None  # adam: the bias-corrected moments after the step
    v_hat: Array | None
    new: Array  # the parameter after the run's optimizer
    sgd: Array  # the parameter after plain SGD, p − α ∂C/∂p (the textbook's reference)


def info_of(optimizer: Optimizer, lr: float, l1: float, l2: float) -> OptimizerInfo:
    fresh = not optimizer.state or optimizer.state[0] is None
    extra: dict = {}
    if optimizer.slots == ("v",):
        extra["momentum"] = float(optimizer.momentum)
    if isinstance(optimizer, Adam):
        extra.update(beta1=optimizer.beta1, beta2=optimizer.beta2, eps=optimizer.eps)
    return OptimizerInfo(
        optimizer.name, float(lr), optimizer.t + 1, l1=float(l1), l2=float(l2), fresh=fresh,
        **extra,
    )


def optimizer_step(
    work: Network, optimizer: Optimizer | None, lr: float, l1: float = 0.0, l2: float = 0.0
) -> tuple[list[tuple[ParamStep, ParamStep]], OptimizerInfo, Optimizer]:
    """The step of `optimizer` (None: plain SGD) on `work`'s gradients (after a backward pass;
    its weights and gradients are changed: the weights become the stepped ones).

    Returns per layer the (W, b) steps, the optimizer's description, and the stepped copy of
    the optimizer (its state after the step, for `apply_sample_step`)."""
    opt = Optimizer() if optimizer is None else copy.deepcopy(optimizer)
    if optimizer is None:
        l1 = l2 = 0.0
    info = info_of(opt, lr, l1, l2)
    grads = work.split(work.flat_grads.copy())
    add_penalties(work.layers, l1, l2, opt.scratch)
    g = work.flat_grads.copy()
    old = work.flat_params.copy()
    before = _state(opt, old)
    sgd = old - np.asarray(lr, dtype=old.dtype) * np.concatenate([x.ravel() for x in grads])
    opt.step([work.flat_params], [work.flat_grads], lr)
    after = _state(opt, old)
    hats = _hats(opt, after)
    parts = [work.split(a) for a in (g, work.flat_params.copy(), sgd)]
    split_before = {k: work.split(v) for k, v in before.items()}
    split_after = {k: work.split(v) for k, v in after.items()}
    split_hats = {k: work.split(v) for k, v in hats.items()}
    penalized = bool(l1 or l2)
    steps = []
    for i in range(len(work.layers)):
        pair = []
        for j in (2 * i, 2 * i + 1):
            is_weight = j % 2 == 0
            pair.append(
                ParamStep(
                    grad=grads[j].copy(),
                    penalty=(parts[0][j] - grads[j]) if penalized and is_weight else None,
                    g=parts[0][j].copy(),
                    before={k: v[j].copy() for k, v in split_before.items()},
                    after={k: v[j].copy() for k, v in split_after.items()},
                    m_hat=split_hats["m"][j].copy() if hats else None,
                    v_hat=split_hats["v"][j].copy() if hats else None,
                    new=parts[1][j].copy(),
                    sgd=parts[2][j].copy(),
                )
            )
        steps.append((pair[0], pair[1]))
    return steps, info, opt


def _state(opt: Optimizer, like: Array) -> dict[str, Array]:
    """The optimizer's state as the textbook writes it (flat copies: `Optimizer.moments`, so
    Adam's m and v, not the scaled values it keeps), zeros where it has none yet."""
    st = opt.state[0] if opt.state else None
    if st is None or any(v.shape != like.shape for v in st.values()):
        return {s: np.zeros_like(like) for s in opt.slots}
    return opt.moments(st)


def _hats(opt: Optimizer, after: dict[str, Array]) -> dict[str, Array]:
    if not isinstance(opt, Adam):
        return {}
    return {
        "m": after["m"] / (1.0 - opt.beta1**opt.t),
        "v": after["v"] / (1.0 - opt.beta2**opt.t),
    }


def adopt_state(optimizer: Optimizer, stepped: Optimizer) -> None:
    """Give `optimizer` the state `stepped` (its copy that took one step) has now."""
    optimizer.state = stepped.state
    optimizer.t = stepped.t


def as_dict(step: ParamStep, plain) -> dict:  # noqa: ANN001 - plain: array -> nested lists
    """One parameter's step as JSON-able data."""
    out = {
        "grad": plain(step.grad),
        "g": plain(step.g),
        "before": {k: plain(v) for k, v in step.before.items()},
        "after": {k: plain(v) for k, v in step.after.items()},
        "new": plain(step.new),
        "sgd": plain(step.sgd),
    }
    if step.penalty is not None:
        out["penalty"] = plain(step.penalty)
    if step.m_hat is not None:
        out["m_hat"], out["v_hat"] = plain(step.m_hat), plain(step.v_hat)
    return out
