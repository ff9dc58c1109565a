"""The trainer's side of trace mode: what TraceSample and ApplyTraceStep compute.

Both run in the trainer process, between steps, on the run's own network and data, through the
engine (`tui_nn.engine.trace`): the app only ever sees the TraceResult, a frozen message of
copies. `trace` and `apply_step` take what they need (network, data, the run's trainer, whose
optimizer and L1/L2 take the step shown or applied, learning rate) and return the result, so a
test double can run the same code; handlers.py answers the commands with them.
A request that cannot be answered (no such sample or split) gets a result with `refused`.
"""

from __future__ import annotations

import numpy as np

from tui_nn.data.features import input_names
from tui_nn.engine.trace import next_training_index, trace_sample
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
    """The sample of `split` nearest to `point` (data with a plane, in the plane's units)."""
    X, _ = split_arrays(dataset, split)
    if dataset.plane is None:
        raise ValueError("a sample is chosen by a point only on 2-D data")
    if len(X) == 0:
        raise ValueError(f"the {split} set is empty: nothing to trace")
    plane = dataset.plane.train if split == "train" else dataset.plane.test
    points = np.asarray(plane, dtype=np.float64)
    d = ((points - np.asarray(point, dtype=np.float64)) ** 2).sum(axis=1)
    return int(np.argmin(d))


def lr_for(trainer, hyper, lr: float | None) -> float:  # noqa: ANN001
    """The rate asked for, else the one the run trains with now (its schedule's; the
    settings' before there is a trainer)."""
    if lr is not None:
        return float(lr)
    return float(trainer.lr if trainer is not None else hyper.lr)


def plane_point(dataset, split: str, index: int) -> tuple[float, float] | None:  # noqa: ANN001
    """Where sample `index` of `split` is drawn on the plane (None without one)."""
    plane = dataset.plane
    if plane is None:
        return None
    points = plane.train if split == "train" else plane.test
    return (float(points[index, 0]), float(points[index, 1])) if index < len(points) else None


def target_units(dataset) -> dict | None:  # noqa: ANN001
    """A regression's target scaling and name: the trace gives its cost in those units too."""
    norm = dataset.target_normalization
    if norm is None or dataset.task != "regression":
        return None
    return {"shift": list(norm["shift"]), "scale": list(norm["scale"]),
            "name": dataset.target_name or "target"}  # fmt: skip


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
    trainer=None,  # noqa: ANN001 - the run's Trainer: its optimizer and L1/L2 take the step
) -> TraceResult:
    """The trace of sample `index` of `split` through `net` as a message (nothing changes).
    The step shown is the run's optimizer's (with `trainer`), else plain SGD."""
    check_index(dataset, split, index)
    x, y = _sample(dataset, split, index)
    classification = dataset.task == "classification"
    optimizer = trainer.optimizer if trainer is not None else None
    l1, l2 = (trainer.hyper.l1, trainer.hyper.l2) if trainer is not None else (0.0, 0.0)
    trace = trace_sample(net, x, y, lr, dataset.input_scale, classification, optimizer, l1, l2)
    names = dataset.class_names
    name = None
    if trace.label is not None and names and 0 <= trace.label < len(names):
        name = str(names[trace.label])
    n = len(split_arrays(dataset, split)[0])
    return freeze_trace(
        TraceResult(index, split, n, trace, name, chosen, applied, loss_before,
                    target=target_units(dataset), point=plane_point(dataset, split, index),
                    input_names=input_names(dataset)),  # fmt: skip
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
        return result(net, dataset, index, split, lr, chosen, trainer=trainer)
    except ValueError as exc:  # also the engine's SpecError: bad input, not a crash
        return refusal(dataset, cmd, str(exc))


def apply_step(net, dataset, trainer, lr: float, cmd: ApplyTraceStep) -> TraceResult:
    """One step of the run's optimizer on the sample (`trainer.sample_step`: its state moves
    on, counted as a training step; the network changes), then its trace on the new weights;
    `refused` (and nothing changed) when there is no such sample."""
    split = cmd.split
    try:
        check_index(dataset, split, cmd.index)
        x, y = _sample(dataset, split, cmd.index)
        before = trainer.sample_step(x, y, lr)
    except ValueError as exc:
        return refusal(dataset, cmd, str(exc))
    return result(
        net, dataset, cmd.index, split, lr, "index", applied=True, loss_before=before.loss,
        trainer=trainer,
    )  # fmt: skip


def describe_step(res: TraceResult, step: int | None = None) -> str:
    """The message for people after an applied step (`step`: the run's step count now)."""
    optimizer = res.trace.optimizer if res.trace is not None else None
    name = optimizer.name if optimizer is not None else "sgd"
    counted = f" (step {step})" if step is not None else ""
    return (
        f"one {name} step on {res.split} sample {res.index}{counted}: its cost went from "
        f"{res.loss_before:.4g} to {res.trace.loss:.4g}"
    )
