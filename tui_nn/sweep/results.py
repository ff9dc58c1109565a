"""A sweep's results folder, written as trials finish and read back by the app (no Dask here).

    DIR/sweep.json      what was swept: the file, metric and direction, the varied keys, trials
    DIR/results.jsonl   one JSON object per finished trial, appended (one write, flushed)
    DIR/trial-N.npz     each trial's model (the tui-nn model file), written atomically
    DIR/best.npz        a copy of the best trial's model so far

A results line:

    {"trial": 3, "params": {"lr": 0.03, "hidden": "8,8"}, "seed": 1234, "test_acc": 0.97,
     "test_loss": 0.08, "train_acc": 0.98, "train_loss": 0.06, "epochs": 100,
     "stopped": "budget", "seconds": 1.9, "worker": {"name": "w1", "address": "tcp://..."},
     "model": "trial-3.npz"}
"""

from __future__ import annotations

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


class ResultsError(ConfigError):
    """A results folder that cannot be written or read; one line naming the path."""


@dataclass(frozen=True)
class SweepResults:
    folder: Path
    metric: str
    direction: str
    varied: tuple[str, ...]
    total: int | None  # trials the sweep planned (None: unknown)
    records: tuple[dict[str, Any], ...]

    def value(self, record: dict[str, Any]) -> float | None:
        v = record.get(self.metric)
        return v if isinstance(v, int | float) and math.isfinite(v) else None

    def sorted(self) -> list[dict[str, Any]]:
        """Best first; trials without a value last."""
        sign = -1.0 if self.direction == "max" else 1.0

        def key(r: dict[str, Any]) -> tuple[int, float, int]:
            v = self.value(r)
            return (v is None, sign * v if v is not None else 0.0, int(r.get("trial", 0)))

        return sorted(self.records, key=key)

    def best(self) -> dict[str, Any] | None:
        ranked = self.sorted()
        return ranked[0] if ranked and self.value(ranked[0]) is not None else None

    def model_path(self, record: dict[str, Any]) -> Path:
        return self.folder / str(record.get("model", f"trial-{record.get('trial')}.npz"))


def check_results_folder(folder: Path) -> None:
    """Refuse, before anything runs, a folder that holds another sweep's results (an empty
    results.jsonl, of a sweep stopped before any trial finished, may be reused) or files that
    are not regular files where results go."""
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"--results: {folder} exists and is not a folder")
    results = folder / RESULTS
    if results.is_symlink() or (results.exists() and not results.is_file()):
        raise ResultsError(f"--results: {results} is not a regular file")
    if results.is_file() and results.stat().st_size > 0:
        raise ResultsError(
            f"--results: {folder} already holds a sweep's results; give another --results "
            "folder or remove it"
        )
    for name in (HEADER, BEST):
        p = folder / name
        if p.is_symlink() or (p.exists() and not p.is_file()):
            raise ResultsError(f"--results: {p} is not a regular file")


class ResultsWriter:
    """Owns DIR while a sweep runs. Refuses a folder that already holds results."""

    def __init__(self, folder: str | Path, header: dict[str, Any], better: Any) -> None:
        self.folder = Path(folder)
        self.better = better  # (a, b) -> a is a better metric value than b
        self.metric = header["metric"]
        self.best_value: float | None = None
        self.best_trial: int | None = None
        check_results_folder(self.folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ResultsError(f"--results: cannot create {self.folder}: {exc.strerror}") from None
        with atomic_write(self.folder / HEADER, "w") as f:
            json.dump(header, f, indent=1)
            f.write("\n")
        self._file: IO[str] | None = open(self.folder / RESULTS, "w", encoding="utf-8")  # noqa: SIM115

    def add(self, trial: Any, outcome: Any) -> dict[str, Any]:
        """Save the trial's model, append its line, keep best.npz; returns the line's record."""
        from tui_nn.engine.network import Network

        assert self._file is not None, "ResultsWriter is closed"
        model = f"trial-{trial.index}.npz"
        net = Network.from_params(outcome.spec, outcome.params)
        config = trial.config
        save_model(self.folder / model, net, config, outcome.dataset, outcome.history)
        record = {
            "trial": trial.index,
            "params": trial.params,
            "seed": trial.seed,
            **outcome.metrics,
            "epochs": outcome.epochs,
            "stopped": outcome.stopped,
            "seconds": round(outcome.seconds, 4),
            "worker": outcome.worker,
            "model": model,
        }
        if outcome.message:
            record["message"] = outcome.message
        value = outcome.metrics.get(self.metric)
        if self.best_trial is None or self.better(value, self.best_value):
            with open(self.folder / model, "rb") as src, atomic_write(self.folder / BEST) as dst:
                shutil.copyfileobj(src, dst)
            self.best_value, self.best_trial = value, trial.index
        # the line last: a trial in results.jsonl has its model (and best.npz) on disk
        self._file.write(json.dumps(record, allow_nan=False) + "\n")
        self._file.flush()
        return record

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def sweep_header(sweep: Any) -> dict[str, Any]:
    return {
        "sweep": str(sweep.path),
        "metric": sweep.metric,
        "direction": sweep.direction,
        "varied": list(sweep.varied),
        "trials": len(sweep.trials),
        "seed": sweep.seed,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def read_results(folder: str | Path) -> SweepResults:
    """Read a results folder (a finished or an interrupted sweep). A last line cut short by a
    crash is skipped; any other bad line is a ResultsError naming it."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ResultsError(f"--sweep: {folder} is not a folder")
    results = folder / RESULTS
    if not results.is_file():
        raise ResultsError(f"--sweep: {folder} holds no {RESULTS} (not a sweep's results)")
    header: dict[str, Any] = {}
    if (folder / HEADER).is_file():
        try:
            header = json.loads((folder / HEADER).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ResultsError(f"--sweep: {folder / HEADER}: not valid JSON ({exc})") from None
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
    )


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
