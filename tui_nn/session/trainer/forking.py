"""Forking a run (A/B comparison): run B continues exactly where run A is.

`Fork(path)` makes the trainer write two files: the model file (`save_model`: weights, the
configuration, the history) and, beside it, `<path>.trainer.npz` with the rest of the training
state a resumed model lacks: the optimizer's state arrays and step count, the shuffling RNG's
state, the current epoch's sample order and position, the counters, the divergence checkpoint
and early stopping's bookkeeping. A second trainer started with `initial_model=path` loads the
model (`Runner._resume`) and then `restore` puts that state back, so with the same settings its
steps are the very steps A would take: identical settings give bit-identical curves.

Nothing is pickled: arrays are stored as arrays, everything else as one JSON entry, and the
file is read with `allow_pickle=False`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.atomic import atomic_write
from tui_nn.engine.trainer import Trainer
from tui_nn.engine.types import EpochRecord
from tui_nn.files import save_model

STATE_VERSION = 1


def state_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".trainer.npz")


def capture(trainer: Trainer) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The trainer's state beyond weights and history: (arrays, JSON-able meta)."""
    opt = trainer.optimizer
    arrays: dict[str, np.ndarray] = {}
    for i, slots in enumerate(opt.state):
        for name, value in (slots or {}).items():
            arrays[f"optimizer.{i}.{name}"] = np.array(value)
    if trainer._order is not None:
        arrays["order"] = np.array(trainer._order)
    arrays["checkpoint"] = np.array(trainer._checkpoint[0])
    if trainer._best_params is not None:  # early stopping's best weights so far
        arrays["best_params"] = np.array(trainer._best_params)
    meta = {
        "version": STATE_VERSION,
        "optimizer": opt.name,
        "optimizer_t": opt.t,
        "optimizer_slots": len(opt.state),
        "rng": trainer.rng.bit_generator.state,
        "epoch": trainer.epoch,
        "step_count": trainer.step_count,
        "samples_seen": trainer.samples_seen,
        "elapsed": trainer.elapsed,
        "pos": trainer._pos,
        "best": None if math.isinf(trainer._best) else trainer._best,
        "wait": trainer._wait,
        "stop_reason": trainer.stop_reason,
        "best_record": None if trainer.best_record is None else trainer.best_record.to_dict(),
        "kept_epoch": trainer.kept_epoch,
        "checkpoint_step": trainer._checkpoint_step,
        "since_checkpoint": trainer._since_checkpoint,
    }
    return arrays, meta


def restore(trainer: Trainer, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Put a captured state into a trainer built from the same model file and settings."""
    opt = trainer.optimizer
    if meta.get("version") != STATE_VERSION or meta.get("optimizer") != opt.name:
        raise ValueError(
            f"fork state for optimizer {meta.get('optimizer')!r} (version "
            f"{meta.get('version')}) does not fit this run ({opt.name})"
        )
    state: list[dict[str, np.ndarray] | None] = []
    for i in range(int(meta["optimizer_slots"])):
        slots = {
            name: arrays[f"optimizer.{i}.{name}"].copy()
            for name in opt.slots
            if f"optimizer.{i}.{name}" in arrays
        }
        state.append(slots or None)
    opt.state, opt.t = state, int(meta["optimizer_t"])
    trainer.rng.bit_generator.state = meta["rng"]
    trainer._order = arrays["order"].copy() if "order" in arrays else None
    trainer._pos = int(meta["pos"])
    trainer.epoch = int(meta["epoch"])
    trainer.step_count = int(meta["step_count"])
    trainer.samples_seen = int(meta["samples_seen"])
    trainer.elapsed = float(meta["elapsed"])
    trainer._best = math.inf if meta["best"] is None else float(meta["best"])
    trainer._wait = int(meta["wait"])
    trainer.stop_reason = meta["stop_reason"]
    best = meta.get("best_record")
    trainer.best_record = None if best is None else EpochRecord(**best)
    trainer.kept_epoch = meta.get("kept_epoch")
    trainer._best_params = arrays["best_params"].copy() if "best_params" in arrays else None
    np.copyto(trainer._checkpoint[0], arrays["checkpoint"])
    trainer._checkpoint_step = int(meta["checkpoint_step"])
    trainer._since_checkpoint = int(meta["since_checkpoint"])


def write_state(path: str | Path, trainer: Trainer) -> Path:
    arrays, meta = capture(trainer)
    target = state_path(path)
    with atomic_write(target) as f:
        np.savez(f, meta=np.array(json.dumps(meta)), **arrays)
    return target


def read_state(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The state saved beside model file `path`, or None when there is none."""
    target = state_path(path)
    if not target.is_file():
        return None
    with np.load(target, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files if key != "meta"}
        meta = json.loads(str(data["meta"]))
    return arrays, meta


def restore_from(trainer: Trainer, path: str | Path) -> bool:
    """Restore the state saved beside `path` if there is one; True when restored."""
    saved = read_state(path)
    if saved is None:
        return False
    restore(trainer, *saved)
    return True


def fork(path: str, net, config, dataset, trainer: Trainer) -> str:
    """`Fork`: the model file and the training state beside it; the path."""
    save_model(path, net, config, dataset, list(trainer.history))
    write_state(path, trainer)
    return path
