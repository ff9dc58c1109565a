"""The trainer's side of trace mode: what TraceSample and ApplyTraceStep compute.

Both run in the trainer process, between steps, on the run's own network and data, through the
engine (`tui_nn.engine.trace`): the app only ever sees the TraceResult, a frozen message of
copies. `trace` and `apply_step` take what they need (network, data, learning rate) and return
the result, so a test double can run the same code; handlers.py answers the commands with them.
A request that cannot be answered (no such sample or split) gets a result with `refused`.
"""

from __future__ import annotations

import numpy as np

from tui_nn.engine.trace import apply_sample_step, next_training_index, trace_sample
from tui_nn.session.protocol.frozen import freeze_trace
from tui_nn.session.protocol.messages import ApplyTraceStep, TraceResult, TraceSample

SPLITS = ("train", "test")


def split_arrays(dataset, split: str) -> tuple[np.ndarray, np.ndarray]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    if split == "train":
        return dataset.X_train, dataset.y_train
    return dataset.X_test, dataset.y_test


def check_index(dataset, split: str, index: int) -> None:
    X, _ = split_arrays(dataset, split)
    if len(X) == 0:
        raise ValueError(f"the {split} set is empty: nothing to trace")
    if not (isinstance(index, (int, np.integer)) and 0 <= index < len(X)):
        raise ValueError(
            f"sample {index} is out of range: the {split} set has {len(X)} samples "
            f"(0..{len(X) - 1})"
        )


def nearest(dataset, split: str, point: tuple[float, float]) -> int:
    """The sample of `split` nearest to `point` (2-D data, in the network's input units)."""
    X, _ = split_arrays(dataset, split)
    if dataset.n_inputs != 2:
        raise ValueError("a sample is chosen by a point only on 2-D data")
    if len(X) == 0:
        raise ValueError(f"the {split} set is empty: nothing to trace")
    points = np.asarray(X, dtype=np.float64) * dataset.input_scale
    d = ((points - np.asarray(point, dtype=np.float64)) ** 2).sum(axis=1)
    return int(np.argmin(d))


def _sample(dataset, split: str, index: int):
    X, y = split_arrays(dataset, split)
    return X[index], y[index]


def result(
    net,
    dataset,
    index: int,
    split: str,
    lr: float,
    chosen: str = "index",
    applied: bool = False,
    loss_before: float | None = None,
) -> TraceResult:
    """The trace of sample `index` of `split` through `net` as a message (nothing changes)."""
    check_index(dataset, split, index)
    x, y = _sample(dataset, split, index)
    classification = dataset.task == "classification"
    trace = trace_sample(net, x, y, lr, dataset.input_scale, classification)
    names = dataset.class_names
    name = None
    if trace.label is not None and names and 0 <= trace.label < len(names):
        name = str(names[trace.label])
    n = len(split_arrays(dataset, split)[0])
    return freeze_trace(
        TraceResult(index, split, n, trace, name, chosen, applied, loss_before),
    )


def refusal(dataset, cmd: TraceSample | ApplyTraceStep, reason: str) -> TraceResult:
    """The answer to a request that cannot be traced: no trace, and why."""
    split = cmd.split if cmd.split in SPLITS else "train"
    n = len(split_arrays(dataset, split)[0])
    return TraceResult(cmd.index, cmd.split, n, None, refused=reason)


def trace(net, dataset, trainer, lr: float, cmd: TraceSample) -> TraceResult:
    """The trace TraceSample asks for (nothing changes); `refused` when there is no such
    sample. `lr`: the step's learning rate (the command's, else the run's)."""
    try:
        split = cmd.split
        split_arrays(dataset, split)
        if cmd.point is not None:
            index, chosen = nearest(dataset, split, cmd.point), "point"
        elif cmd.index is None:
            split, index, chosen = "train", next_training_index(trainer), "next"
        else:
            index, chosen = int(cmd.index), "index"
        return result(net, dataset, index, split, lr, chosen)
    except ValueError as exc:  # also the engine's SpecError: bad input, not a crash
        return refusal(dataset, cmd, str(exc))


def apply_step(net, dataset, lr: float, cmd: ApplyTraceStep) -> TraceResult:
    """One plain SGD step on the sample (the network changes), then its trace on the new
    weights; `refused` (and nothing changed) when there is no such sample."""
    split = cmd.split
    try:
        check_index(dataset, split, cmd.index)
        x, y = _sample(dataset, split, cmd.index)
        classification = dataset.task == "classification"
        before = apply_sample_step(net, x, y, lr, dataset.input_scale, classification)
    except ValueError as exc:
        return refusal(dataset, cmd, str(exc))
    return result(net, dataset, cmd.index, split, lr, "index", applied=True, loss_before=before.loss)


def describe_step(res: TraceResult) -> str:
    """The message for people after an applied step."""
    return (
        f"one gradient step on {res.split} sample {res.index}: its cost went from "
        f"{res.loss_before:.4g} to {res.trace.loss:.4g}"
    )
