"""What `tui-nn sweep` shows: a live rich progress line (trials done/total, best so far, ETA)
on a terminal, one plain line per finished (or pruned) trial always, and the final table sorted
by the metric, with the parameters' importances."""

from __future__ import annotations

import sys
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from tui_nn.sweep.plan import Sweep
from tui_nn.sweep.results import SweepResults, pruned


def value_text(metric: str, value: Any) -> str:
    if not isinstance(value, int | float):
        return "-"
    return f"{100 * value:.1f}%" if metric.endswith("_acc") else f"{value:.4g}"


def param_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def params_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={param_text(v)}" for k, v in params.items())


def worker_text(worker: Any) -> str:
    if not isinstance(worker, dict):
        return "-"
    name, address = worker.get("name"), worker.get("address")
    if name is None and address is None:
        return "-"
    return f"{name} ({address})" if address else str(name)


class SweepDisplay:
    """The progress of one sweep; `trial_done` after each finished trial."""

    def __init__(
        self, sweep: Sweep, out: Any = None, live: bool | None = None, done: int = 0
    ) -> None:
        self.sweep = sweep
        self.out = out if out is not None else sys.stdout
        self.live = self.out.isatty() if live is None else live
        self.console = Console(file=self.out, highlight=False, soft_wrap=True)
        self.total = sweep.total
        self.done = done  # a resumed sweep starts with the trials it finished before
        self.best: dict[str, Any] | None = None
        self.start = time.perf_counter()
        self.progress: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> SweepDisplay:
        if self.live:
            self.progress = Progress(
                TextColumn("trials"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[best]}"),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=self.console,  # the lines print above the bar
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(
                "sweep", total=self.total, completed=self.done, best="best: -"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def say(self, line: str) -> None:
        self.console.print(line, markup=False)
        self.out.flush()

    def trial_done(self, record: dict[str, Any]) -> None:
        self.done += 1
        metric = self.sweep.metric
        value = record.get(metric)
        cut = pruned(record)
        if not cut and (self.best is None or self.sweep.better(value, self.best.get(metric))):
            self.best = record
        width = len(str(self.total))
        what = f"pruned at epoch {record['epochs']}" if cut else "done"
        self.say(
            f"trial {record['trial']:>{width}} {what} ({self.done}/{self.total}): "
            f"{metric} {value_text(metric, value)}  {params_text(record['params'])}  "
            f"{epochs_text(record)}, {record['seconds']:.2f} s on "
            f"{worker_text(record['worker'])}"
        )
        if self.progress is not None:
            best = self.best
            text = (
                f"best: {value_text(metric, best.get(metric))} (trial {best['trial']})"
                if best is not None
                else "best: -"
            )
            self.progress.update(self.task, completed=self.done, best=text)

    def trial_failed(self, index: int, reason: str) -> None:
        self.done += 1
        self.say(f"trial {index} failed: {reason}")
        if self.progress is not None:
            self.progress.update(self.task, completed=self.done)


def epochs_text(record: dict[str, Any]) -> str:
    """"30 epochs", "kept epoch 27 of 32" (early stopping), "3 epochs" (pruned)."""
    epochs, epoch = record.get("epochs"), record.get("epoch")
    if isinstance(epoch, int) and isinstance(epochs, int) and epoch != epochs and epoch:
        return f"kept epoch {epoch} of {epochs}"
    return f"{epochs} epochs"


def epochs_cell(record: dict[str, Any]) -> str:
    epochs, epoch = record.get("epochs", "-"), record.get("epoch")
    if pruned(record):
        return f"{epochs} pruned"
    if isinstance(epoch, int) and epoch and epoch != epochs:
        return f"{epoch}/{epochs}"
    return str(epochs)


def metric_columns(results: SweepResults) -> tuple[str, ...]:
    """The metric first, then the validation, test and training ones the records have."""
    keys = ("val_acc", "val_loss", "test_acc", "test_loss", "train_acc", "train_loss")
    present = [k for k in keys if any(isinstance(r.get(k), int | float) for r in results.records)]
    return (results.metric, *(k for k in present if k != results.metric))


def results_table(results: SweepResults, limit: int | None = None) -> Table:
    """The trials, best first (pruned ones after the complete ones)."""
    metric = results.metric
    arrow = "↑" if results.direction == "max" else "↓"
    cut = f", {results.n_pruned} pruned" if results.n_pruned else ""
    table = Table(title=f"sweep: {len(results.records)} trials{cut}, by {metric} {arrow}")
    table.add_column("#", justify="right")
    table.add_column("trial", justify="right")
    for key in results.varied:
        table.add_column(key, justify="right")
    columns = metric_columns(results)
    for key in columns:
        table.add_column(key, justify="right", style="bold" if key == metric else None)
    table.add_column("epochs", justify="right")
    table.add_column("s", justify="right")
    table.add_column("worker")
    rows = results.sorted()
    for rank, r in enumerate(rows[:limit] if limit else rows, start=1):
        params = r.get("params", {})
        table.add_row(
            str(rank),
            str(r["trial"]),
            *(param_text(params.get(k, "-")) for k in results.varied),
            *(value_text(k, r.get(k)) for k in columns),
            epochs_cell(r),
            f"{r.get('seconds', 0):.2f}",
            str((r.get("worker") or {}).get("name") or "-"),
        )
    return table


def importances_text(results: SweepResults) -> str | None:
    if not results.importances:
        return None
    parts = ", ".join(f"{k} {v:.2f}" for k, v in results.importances.items())
    return f"parameter importances (Optuna's PED-ANOVA, on {results.metric}): {parts}"


def print_table(results: SweepResults, out: Any = None) -> None:
    out = out if out is not None else sys.stdout
    width = None if out.isatty() else 160
    console = Console(file=out, highlight=False, width=width)
    console.print(results_table(results))
    text = importances_text(results)
    if text is not None:
        console.print(text, markup=False)
