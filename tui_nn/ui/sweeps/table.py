"""The trials of a sweep as a table, best first. `s` sorts by the next column, `S` turns the
order round, a click on a header sorts by it (again: the other way); Enter picks the trial under
the cursor."""

from __future__ import annotations

import math
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui_nn.sweep.results import SweepResults, pruned

METRIC_KEYS = ("val_acc", "val_loss", "test_acc", "test_loss", "train_acc", "train_loss")


def cell_text(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if key.endswith("_acc"):
            return f"{100 * value:.1f}%"
        return f"{value:.4g}"
    return str(value)


def sort_key(value: Any) -> tuple[int, float, str]:
    """Numbers by value, then text; missing values last."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (2, 0.0, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def state_text(record: dict[str, Any]) -> str:
    """How a trial ended: "pruned@5" (at the epoch it reached), "kept 27/32" (early stopping
    kept an earlier epoch), "done", "diverged"."""
    stopped, epochs, epoch = record.get("stopped"), record.get("epochs"), record.get("epoch")
    if stopped == "pruned":
        return f"pruned@{epochs}"
    if stopped == "diverged":
        return "diverged"
    if isinstance(epoch, int) and isinstance(epochs, int) and 0 < epoch < epochs:
        return f"kept {epoch}/{epochs}"
    return "done"


def has_values(results: SweepResults, key: str) -> bool:
    """Some trial has a value for `key` (a sweep before validation sets has no val_*)."""
    return any(isinstance(r.get(key), int | float) for r in results.records)


class SweepTable(DataTable):
    """One row per trial (row key: the trial number)."""

    DEFAULT_CSS = """
    SweepTable {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("s", "sort_next", "Sort", tooltip="Sort by the next column"),
        Binding("S", "sort_reverse", "Reverse", show=False, tooltip="Reverse the order"),
        Binding("enter", "open_trial", "Open", tooltip="Open the trial's model as a run"),
    ]

    class TrialChosen(Message):
        """The user asked to open this trial (Enter)."""

        def __init__(self, record: dict[str, Any]) -> None:
            super().__init__()
            self.record = record

    class TrialHighlighted(Message):
        def __init__(self, record: dict[str, Any]) -> None:
            super().__init__()
            self.record = record

    def __init__(self, results: SweepResults, **kw: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self.results = results
        self.by_trial = {int(r["trial"]): r for r in results.records}
        metrics = [k for k in METRIC_KEYS if k == results.metric or has_values(results, k)]
        first = [k for k in metrics if k == results.metric]
        rest = [k for k in metrics if k != results.metric]
        self.columns_shown = (
            "trial",
            *results.varied,
            *first,
            "state",
            *rest,
            "epochs",
            "seconds",
            "worker",
        )
        best_first = results.direction == "max"
        self.sorted_by: tuple[str, bool] = (results.metric, best_first)  # (column, reverse)
        self.order = [int(r["trial"]) for r in results.sorted()]

    def on_mount(self) -> None:
        self._fill()

    def set_results(self, results: SweepResults) -> None:
        """New results (the sweep went on): the same sort, the cursor on the same trial."""
        self.results = results
        self.by_trial = {int(r["trial"]): r for r in results.records}
        self.sort_by(*self.sorted_by)

    def label(self, key: str) -> str:
        """The header: the metric starred, the sorted column with its arrow."""
        text = f"{key}★" if key == self.results.metric else key
        if self.sorted_by[0] == key:
            text += " ▼" if self.sorted_by[1] else " ▲"
        return text

    def value(self, record: dict[str, Any], key: str) -> Any:
        if key in self.results.varied:
            return record.get("params", {}).get(key)
        if key == "worker":
            return (record.get("worker") or {}).get("name")
        if key == "state":
            return state_text(record)
        return record.get(key)

    def _fill(self, keep: dict[str, Any] | None = None) -> None:
        """(Re)build the table in `order`; the cursor on trial `keep` (a record) if given."""
        self.clear(columns=True)
        for key in self.columns_shown:
            self.add_column(self.label(key), key=key)
        for trial in self.order:
            record = self.by_trial[trial]
            self.add_row(
                *(cell_text(k, self.value(record, k)) for k in self.columns_shown), key=str(trial)
            )
        if keep is not None:
            self.move_cursor(row=self.order.index(int(keep["trial"])))

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        """Rows by column `key`; the metric's best first when `reverse` is None on first use."""
        if reverse is None:
            if self.sorted_by[0] == key:
                reverse = not self.sorted_by[1]
            else:
                reverse = key == self.results.metric and self.results.direction == "max"
        current = self.current() if self.row_count else None  # the cursor stays on its trial
        records = list(self.by_trial.values())
        present = [r for r in records if sort_key(self.value(r, key))[0] < 2]
        missing = [r for r in records if sort_key(self.value(r, key))[0] == 2]
        present.sort(key=lambda r: (sort_key(self.value(r, key)), r["trial"]), reverse=reverse)
        if key == self.results.metric:  # ranked as the sweep ranks: pruned after complete
            present = [r for r in present if not pruned(r)] + [r for r in present if pruned(r)]
        self.order = [int(r["trial"]) for r in present + missing]
        self.sorted_by = (key, reverse)
        self._fill(keep=current)

    def action_sort_next(self) -> None:
        shown = self.columns_shown
        key = shown[(shown.index(self.sorted_by[0]) + 1) % len(shown)]
        self.sort_by(key, reverse=key == self.results.metric and self.results.direction == "max")

    def action_sort_reverse(self) -> None:
        self.sort_by(self.sorted_by[0], reverse=not self.sorted_by[1])

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    def current(self) -> dict[str, Any] | None:
        if not self.order or self.cursor_row < 0 or self.cursor_row >= len(self.order):
            return None
        return self.by_trial[self.order[self.cursor_row]]

    def action_open_trial(self) -> None:
        record = self.current()
        if record is not None:
            self.post_message(self.TrialChosen(record))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        record = self.current()
        if record is not None:
            self.post_message(self.TrialHighlighted(record))
