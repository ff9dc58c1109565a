"""A sweep's results folder, written as trials finish and read back by the app (no Dask, no
Optuna here).

    DIR/sweep.json        what was swept: the file (and its digest), method, pruner, metric and
                          direction, the varied keys, trials
    DIR/results.jsonl     one JSON object per finished trial (complete or pruned), appended
    DIR/trial-N.npz       each trial's model (the tui-nn model file), written atomically
    DIR/best.npz          a copy of the best complete trial's model so far
    DIR/study.journal     the Optuna study (sweep/study.py): what `--resume DIR` carries on
    DIR/importances.json  Optuna's parameter importances over the complete trials
    DIR/.lock             held while a sweep writes here: one writer at a time

A results line:

    {"trial": 3, "params": {"lr": 0.03, "hidden": "8,8"}, "seed": 1234, "data_seed": 0,
     "val_acc": 0.97, "val_loss": 0.08, "test_acc": 0.96, "test_loss": 0.1, "train_acc": 0.98,
     "train_loss": 0.06, "epoch": 41, "epochs": 46, "stopped": "early stopping",
     "curve": [0.5, 0.8, ...], "seconds": 1.9, "worker": {"name": "w1", "address": "tcp://..."},
     "model": "trial-3.npz", "command": "tui-nn train --dataset spiral ... --seed 1234"}

`epoch` is the epoch whose weights the model holds and whose metrics the line reports (the
best one when early stopping kept it); `epochs` how many it trained; `curve` the sweep's
metric epoch by epoch. A pruned trial has `"stopped": "pruned"` and reached `epochs`; it ranks
after every complete trial (its metric is of an earlier epoch) and is never the best. `command`
trains the same model, bit for bit (a pruned trial's trains it to its full budget).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tui_nn.atomic import atomic_write
from tui_nn.files import ConfigError, save_model

RESULTS = "results.jsonl"
HEADER = "sweep.json"
BEST = "best.npz"
IMPORTANCES = "importances.json"
LOCK = ".lock"
JOURNAL = "study.journal"  # sweep/study.py's (no Optuna here)


class ResultsError(ConfigError):
    """A results folder that cannot be written or read; one line naming the path."""


def pruned(record: dict[str, Any]) -> bool:
    return record.get("stopped") == "pruned"


@dataclass(frozen=True)
class SweepResults:
    folder: Path
    metric: str
    direction: str
    varied: tuple[str, ...]
    total: int | None  # trials the sweep planned (None: unknown)
    records: tuple[dict[str, Any], ...]
    header: dict[str, Any] | None = None
    importances: dict[str, float] | None = None  # parameter -> importance, largest first

    def value(self, record: dict[str, Any]) -> float | None:
        v = record.get(self.metric)
        return v if isinstance(v, int | float) and math.isfinite(v) else None

    def sorted(self) -> list[dict[str, Any]]:
        """Best first; pruned trials after the complete ones; trials without a value last."""
        sign = -1.0 if self.direction == "max" else 1.0

        def key(r: dict[str, Any]) -> tuple[bool, bool, float, int]:
            v = self.value(r)
            return (v is None, pruned(r), sign * v if v is not None else 0.0, int(r["trial"]))

        return sorted(self.records, key=key)

    def best(self) -> dict[str, Any] | None:
        ranked = [r for r in self.sorted() if not pruned(r)]
        return ranked[0] if ranked and self.value(ranked[0]) is not None else None

    def model_path(self, record: dict[str, Any]) -> Path:
        return self.folder / str(record.get("model", f"trial-{record.get('trial')}.npz"))

    @property
    def n_pruned(self) -> int:
        return sum(pruned(r) for r in self.records)


def check_results_folder(
    folder: Path, resume: bool = False, reads: dict[str, Any] | None = None
) -> None:
    """Refuse, before anything runs, a folder a sweep must not write to (tui_nn.outputs: not a
    folder, not writable, one of the sweep's inputs), one that holds another sweep's results
    or study unless the sweep resumes it (an empty results.jsonl and no study, of a sweep
    stopped as it started, may be reused), or files a sweep would replace (models, a journal)
    or that are not regular files where results go."""
    from tui_nn.outputs import OutputError, check_output

    option = "--resume" if resume else "--results"
    try:
        check_output(option, folder, "folder", reads=reads)
    except OutputError as exc:
        raise ResultsError(str(exc)) from None
    for name in (RESULTS, HEADER, BEST, IMPORTANCES, JOURNAL):
        p = folder / name
        if p.is_symlink() or (p.exists() and not p.is_file()):
            raise ResultsError(f"{option}: {p} is not a regular file")
    if resume or not folder.is_dir():
        return
    results = folder / RESULTS
    if (results.is_file() and results.stat().st_size > 0) or (folder / JOURNAL).exists():
        raise ResultsError(
            f"--results: {folder} already holds a sweep's results; continue it with "
            f"tui-nn sweep --resume {folder}, or give another --results folder"
        )
    models = sorted(p.name for p in folder.glob("trial-*.npz")) + (
        [BEST] if (folder / BEST).exists() else []
    )
    if models:
        raise ResultsError(
            f"--results: {folder} holds model files a sweep would replace ({models[0]}"
            f"{', ...' if len(models) > 1 else ''}); give another --results folder"
        )


class ResultsWriter:
    """Owns DIR while a sweep runs (an exclusive lock on DIR/.lock). A new sweep writes the
    header; a resumed one keeps it and appends to the lines it finds (a line cut by a crash
    is dropped first)."""

    def __init__(
        self, folder: str | Path, header: dict[str, Any], better: Any, resume: bool = False
    ) -> None:
        self.folder = Path(folder)
        self.better = better  # (a, b) -> a is a better metric value than b
        self.metric = header["metric"]
        self.best_value: float | None = None
        self.best_trial: int | None = None
        check_results_folder(self.folder, resume=resume)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ResultsError(f"--results: cannot create {self.folder}: {exc.strerror}") from None
        self._lock = lock_folder(self.folder)
        try:
            if resume:
                self.records = clean_lines(self.folder / RESULTS)
                for record in self.records:
                    self._consider_best(record)
            else:
                self.records = []
                with atomic_write(self.folder / HEADER, "w") as f:
                    json.dump(header, f, indent=1)
                    f.write("\n")
            mode = "a" if resume else "w"
            self._file: IO[str] | None = open(self.folder / RESULTS, mode, encoding="utf-8")  # noqa: SIM115
        except BaseException:
            self._lock.close()
            raise

    def _consider_best(self, record: dict[str, Any]) -> bool:
        value = record.get(self.metric)
        if pruned(record) or not isinstance(value, int | float):
            return False
        if self.best_trial is None or self.better(value, self.best_value):
            self.best_value, self.best_trial = value, record["trial"]
            return True
        return False

    def add(self, trial: Any, outcome: Any, command: str) -> dict[str, Any]:
        """Save the trial's model, keep best.npz, append its line; returns the line's record.
        An OSError (a full disk) leaves what was written before it whole."""
        from tui_nn.engine.network import Network

        assert self._file is not None, "ResultsWriter is closed"
        model = f"trial-{trial.index}.npz"
        net = Network.from_params(outcome.spec, outcome.params)
        save_model(self.folder / model, net, trial.config, outcome.dataset, outcome.history)
        record = {
            "trial": trial.index,
            "params": trial.params,
            "seed": trial.seed,
            "data_seed": trial.config.dataset.seed,
            **outcome.metrics,
            "epoch": outcome.epoch,
            "epochs": outcome.epochs,
            "stopped": outcome.stopped,
            "curve": list(outcome.curve),
            "seconds": round(outcome.seconds, 4),
            "worker": outcome.worker,
            "model": model,
            "command": command,
        }
        if outcome.message:
            record["message"] = outcome.message
        if self._consider_best(record):
            with open(self.folder / model, "rb") as src, atomic_write(self.folder / BEST) as dst:
                shutil.copyfileobj(src, dst)
        # the line last: a trial in results.jsonl has its model (and best.npz) on disk
        self._append(json.dumps(record, allow_nan=False) + "\n")
        self.records.append(record)
        return record

    def _append(self, line: str) -> None:
        assert self._file is not None
        self._file.write(line)
        self._file.flush()

    def write_importances(self, importances: dict[str, Any] | None) -> None:
        if importances is None:
            return
        with atomic_write(self.folder / IMPORTANCES, "w") as f:
            json.dump(importances, f, indent=1)
            f.write("\n")

    def close(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):  # a full disk: what was flushed is kept
                self._file.close()
            self._file = None
        self._lock.close()


def lock_folder(folder: Path) -> IO[bytes]:
    """An exclusive lock on DIR/.lock for as long as the returned file is open (the system
    drops it when the process dies, however it dies)."""
    f = open(folder / LOCK, "ab")  # noqa: SIM115
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        raise ResultsError(
            f"--results: another tui-nn sweep is writing to {folder}; wait for it or stop it"
        ) from None
    return f


def clean_lines(path: Path) -> list[dict[str, Any]]:
    """The records of a results file, a last line cut by a crash removed from the file."""
    if not path.is_file():
        return []
    records = _read_lines(path)
    text = path.read_bytes()
    if text and not text.endswith(b"\n"):
        with open(path, "rb+") as f:
            f.truncate(text.rfind(b"\n") + 1)
    return records


def sweep_header(sweep: Any) -> dict[str, Any]:
    return {
        "sweep": str(Path(sweep.path).absolute()),
        "digest": sweep.digest,
        "method": sweep.method,
        "pruner": sweep.pruner,
        "prune_after": sweep.prune_after,
        "metric": sweep.metric,
        "direction": sweep.direction,
        "varied": list(sweep.varied),
        "trials": sweep.total,
        "epochs": sweep.epochs,
        "seed": sweep.seed,
        "data_seed": sweep.base.dataset.seed,
        "val_fraction": sweep.base.dataset.val_fraction,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def read_header(folder: Path) -> dict[str, Any]:
    path = folder / HEADER
    if not path.is_file():
        return {}
    try:
        header = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ResultsError(f"--sweep: {path}: not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ResultsError(f"--sweep: {path}: not a sweep header")
    return header


def read_results(folder: str | Path) -> SweepResults:
    """Read a results folder (a finished or an interrupted sweep). A last line cut short by a
    crash is skipped; any other bad line is a ResultsError naming it."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ResultsError(f"--sweep: {folder} is not a folder")
    results = folder / RESULTS
    if not results.is_file():
        raise ResultsError(f"--sweep: {folder} holds no {RESULTS} (not a sweep's results)")
    header = read_header(folder)
    records = _read_lines(results)
    metric = str(header.get("metric", "test_acc"))
    direction = str(header.get("direction", "max" if metric.endswith("_acc") else "min"))
    varied = header.get("varied")
    if not isinstance(varied, list):
        varied = sorted({k for r in records for k in r.get("params", {})})
    total = header.get("trials")
    return SweepResults(
        folder=folder,
        metric=metric,
        direction=direction,
        varied=tuple(str(v) for v in varied),
        total=total if isinstance(total, int) else None,
        records=tuple(records),
        header=header,
        importances=_read_importances(folder),
    )


def _read_importances(folder: Path) -> dict[str, float] | None:
    """The importances a sweep wrote, or None (none yet, or a file that does not parse)."""
    try:
        data = json.loads((folder / IMPORTANCES).read_text(encoding="utf-8"))
        found = data["importances"]
        return {str(k): float(v) for k, v in found.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _read_lines(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"--sweep: cannot read {path} ({exc})") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):  # cut short by a crash: the trial did not finish
                break
            raise ResultsError(f"--sweep: {path}, line {number}: not valid JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get("trial"), int):
            raise ResultsError(f"--sweep: {path}, line {number}: not a trial record")
        if not isinstance(record.get("params", {}), dict):
            raise ResultsError(f"--sweep: {path}, line {number}: 'params' is not an object")
        records.append(record)
    return records
