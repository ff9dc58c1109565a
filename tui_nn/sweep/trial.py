"""One trial, as a worker runs it: load the data, train with the engine's Trainer headless (the
loop of `tui-nn train`), return the final metrics and the model's arrays.

The data travel with the task: a generated set is its DatasetSpec (the worker generates it, with
the same seed, so the same samples), a CSV file its contents (`DataPayload.csv`, scattered to the
workers once), MNIST-style sets are read by the worker from its own data directory (the client's
`--data-dir` when that folder exists on the worker, else the worker's default). Nothing here
imports Dask, so a trial also runs in plain Python (the benchmark's one-after-another baseline).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tui_nn.config import RunConfig, train_data
from tui_nn.data import Dataset, DatasetSpec, load_dataset
from tui_nn.engine.types import EpochRecord


@dataclass(frozen=True)
class CsvContents:
    """A CSV file's name and bytes, so a worker without the client's disk can read it."""

    name: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


@dataclass(frozen=True)
class DatasetMeta:
    """What `tui_nn.files.save_model` reads from a dataset (the arrays stay on the worker)."""

    name: str
    task: str
    normalization: dict[str, Any] | None
    class_names: tuple[str, ...] | None
    feature_names: tuple[str, ...] | None
    input_scale: float


@dataclass(frozen=True)
class TrialOutcome:
    """What a trial sends back: its metrics, its model (spec + arrays), where it ran."""

    index: int
    metrics: dict[str, float | None]  # test_acc, test_loss, train_acc, train_loss
    epochs: int
    stopped: str  # "budget", "early stopping", "diverged"
    seconds: float
    spec: Any  # NetworkSpec
    params: list[tuple[np.ndarray, np.ndarray]]
    history: tuple[EpochRecord, ...]
    dataset: DatasetMeta
    worker: dict[str, str | None]
    message: str = ""


def run_trial(index: int, config: RunConfig, csv: CsvContents | None = None) -> TrialOutcome:
    """Train trial `index` with `config` to its epoch budget or early stop."""
    from tui_nn.engine.network import Network
    from tui_nn.engine.trainer import Trainer

    one_blas_thread()
    start = time.perf_counter()
    dataset = worker_dataset(config.dataset, csv)
    net = Network.from_spec(config.network_spec(dataset))
    trainer = Trainer(net, train_data(dataset), config.hyper, seed=config.seed)
    epochs = config.hyper.epochs or 1
    stopped, message = "budget", ""
    while not trainer.finished and trainer.epoch < epochs:
        result = trainer.step()
        if result.diverged:
            stopped, message = "diverged", result.diverged
            break
    if trainer.finished and trainer.epoch < epochs:
        stopped = "early stopping"
    last = trainer.history[-1] if trainer.history else None
    return TrialOutcome(
        index=index,
        metrics=_metrics(last),
        epochs=trainer.epoch,
        stopped=stopped,
        seconds=time.perf_counter() - start,
        spec=net.spec,
        params=net.get_params(),
        history=tuple(trainer.history),
        dataset=DatasetMeta(
            name=dataset.name,
            task=dataset.task,
            normalization=dataset.normalization,
            class_names=dataset.class_names,
            feature_names=dataset.feature_names,
            input_scale=float(dataset.input_scale),
        ),
        worker=worker_identity(),
        message=message,
    )


def _metrics(record: EpochRecord | None) -> dict[str, float | None]:
    keys = ("test_acc", "test_loss", "train_acc", "train_loss")
    if record is None:
        return dict.fromkeys(keys)
    out = {}
    for key in keys:
        value = getattr(record, key)
        out[key] = None if value is None or not np.isfinite(value) else float(value)
    return out


_limited = False


def one_blas_thread() -> None:
    """One BLAS thread in this process (once): a worker is one core."""
    global _limited
    if not _limited:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        _limited = True


def worker_identity() -> dict[str, str | None]:
    """The Dask worker running this task: its `--name` and address (None outside Dask)."""
    distributed = sys.modules.get("distributed")  # a Dask worker has it; plain Python not
    try:
        worker = distributed.get_worker() if distributed is not None else None
    except ValueError:  # imported, but not running in a worker
        worker = None
    if worker is None:
        return {"name": None, "address": None}
    return {"name": str(worker.name), "address": str(worker.address)}


def worker_dataset(spec: DatasetSpec, csv: CsvContents | None) -> Dataset:
    """The trial's data on this worker (cached: trials of one sweep share it)."""
    if csv is not None:
        spec = replace(spec, path=str(_csv_file(csv)))
    elif spec.data_dir and not Path(spec.data_dir).is_dir():
        spec = replace(spec, data_dir=None)  # the client's folder is not here: the worker's own
    return _cached_dataset(spec)


@lru_cache(maxsize=2)
def _cached_dataset(spec: DatasetSpec) -> Dataset:
    return load_dataset(spec)


def _csv_file(csv: CsvContents) -> Path:
    """The CSV contents as a file on this worker (same name, so the model records it), written
    once per contents, atomically."""
    folder = Path(tempfile.gettempdir()) / f"tui-nn-sweep-{os.getuid()}" / csv.digest
    target = folder / Path(csv.name).name
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".csv.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(csv.data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
