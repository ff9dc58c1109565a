"""One trial, as a worker runs it: load the data, train with the engine's Trainer headless (the
loop of `tui-nn train`), return the metrics of the weights it keeps and the model's arrays.

Each epoch's metric goes to the client as a Dask event (`Watch`): the client's study decides
whether the trial is hopeless and, if so, marks it pruned on this worker (`mark_pruned`, run
by the client on the worker); the trial stops after its current epoch. Early stopping keeps the
best epoch's weights, so a trial reports that epoch's metrics, not its last's.

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


METRIC_KEYS = ("val_acc", "val_loss", "test_acc", "test_loss", "train_acc", "train_loss")


@dataclass(frozen=True)
class TrialOutcome:
    """What a trial sends back: its metrics, its model (spec + arrays), where it ran."""

    index: int
    metrics: dict[str, float | None]  # METRIC_KEYS, of the weights kept (`epoch`)
    epochs: int  # epochs trained
    stopped: str  # "budget", "early stopping", "pruned", "diverged"
    seconds: float
    spec: Any  # NetworkSpec
    params: list[tuple[np.ndarray, np.ndarray]]
    history: tuple[EpochRecord, ...]  # up to the kept epoch: what the model file holds
    dataset: DatasetMeta
    worker: dict[str, str | None]
    message: str = ""
    epoch: int = 0  # the epoch whose weights and metrics these are (early stopping: the best)
    curve: tuple[float | None, ...] = ()  # the watched metric, epoch by epoch


@dataclass(frozen=True)
class Watch:
    """How a trial on a Dask worker reports each epoch: the event topic, its key (also the
    name the client marks it pruned by) and the metric."""

    topic: str
    key: str
    metric: str


_PRUNED: set[str] = set()


async def mark_pruned(key: str) -> None:
    """Run on a worker by the client (`Client.run`, on the worker's event loop, without the
    client waiting: hence a coroutine): the trial `key` stops after its epoch."""
    _PRUNED.add(key)


def run_trial(
    index: int, config: RunConfig, csv: CsvContents | None = None, watch: Watch | None = None
) -> TrialOutcome:
    """Train trial `index` with `config` to its epoch budget, early stop or pruning."""
    from tui_nn.engine.network import Network
    from tui_nn.engine.trainer import Trainer

    one_blas_thread()
    start = time.perf_counter()
    dataset = worker_dataset(config.dataset, csv)
    net = Network.from_spec(config.network_spec(dataset))
    trainer = Trainer(net, train_data(dataset), config.hyper, seed=config.seed)
    epochs = config.hyper.epochs or 1
    stopped, message = "budget", ""
    curve: list[float | None] = []
    reporter = Reporter(watch) if watch is not None else None
    try:
        while not trainer.finished and trainer.epoch < epochs:
            result = trainer.step()
            if result.diverged:
                stopped, message = "diverged", result.diverged
                break
            if result.record is not None:
                value = _finite(getattr(result.record, watch.metric if watch else "val_loss"))
                curve.append(value)
                if reporter is not None and reporter.report(result.record.epoch, value):
                    stopped = "pruned"
                    break
    finally:
        if watch is not None:
            _PRUNED.discard(watch.key)
    if stopped == "budget" and trainer.finished and trainer.epoch < epochs:
        stopped = "early stopping"
    kept = trainer.best_record if trainer.kept_epoch is not None else None
    last = kept or (trainer.history[-1] if trainer.history else None)
    history = tuple(r for r in trainer.history if kept is None or r.epoch <= kept.epoch)
    return TrialOutcome(
        index=index,
        metrics=_metrics(last),
        epochs=trainer.epoch,
        stopped=stopped,
        seconds=time.perf_counter() - start,
        spec=net.spec,
        params=net.get_params(),
        history=history,
        epoch=last.epoch if last is not None else 0,
        curve=tuple(curve),
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


class Reporter:
    """Each epoch's metric to the client (a Dask event, sent without waiting), and whether the
    client has marked this trial pruned."""

    def __init__(self, watch: Watch) -> None:
        self.watch = watch
        self.worker = _current_worker()

    def report(self, epoch: int, value: float | None) -> bool:
        """Send the epoch's value; True when the trial was marked pruned (by an earlier
        report's answer, which arrives while the next epoch trains)."""
        if self.worker is not None:
            message = {"key": self.watch.key, "epoch": epoch, "value": value}
            message["worker"] = str(self.worker.address)
            self.worker.log_event(self.watch.topic, message)
        return self.watch.key in _PRUNED


def _current_worker() -> Any:
    distributed = sys.modules.get("distributed")  # a Dask worker has it; plain Python not
    try:
        return distributed.get_worker() if distributed is not None else None
    except ValueError:  # imported, but not running in a worker
        return None


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _metrics(record: EpochRecord | None) -> dict[str, float | None]:
    if record is None:
        return dict.fromkeys(METRIC_KEYS)
    return {key: _finite(getattr(record, key)) for key in METRIC_KEYS}


_limited = False


def one_blas_thread() -> None:
    """One BLAS thread in this process (once): a worker is one core."""
    global _limited
    if not _limited:
        from tui_nn.blas import use_threads

        use_threads(1)
        _limited = True


def worker_identity() -> dict[str, str | None]:
    """The Dask worker running this task: its `--name` and address (None outside Dask)."""
    worker = _current_worker()
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
