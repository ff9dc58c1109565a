"""A sweep's results in the app: `tui-nn --sweep DIR`, or "Sweep results" in the command palette.

The trials as a sortable table (how each ended: done, kept at an earlier epoch by early
stopping, pruned at the epoch it reached) under Optuna's parameter importances, and the metric
plotted against one varied parameter (`p` picks the next one); `r` reads the folder again, for
a sweep still running. Enter opens the trial's
model as a resumable run, by the `--resume` path: from `--sweep` the CLI starts the app on it
(`choose_trial` returns it); from the palette the current run is saved as on quit, then the app
opens again on the trial (`run_app` reads `next_model`). `b`, from the palette, opens the
trial as run B of a comparison against the current run A (trial_compare.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tui_nn.sweep.results import ResultsError, SweepResults, read_results
from tui_nn.ui.compare.trial import TrialRefused
from tui_nn.ui.sweeps.plot import SweepPlot
from tui_nn.ui.sweeps.table import SweepTable, cell_text
from tui_nn.ui.widgets.dialog import Dialog
from tui_nn.ui.widgets.field_input import FieldInput


def summary_text(results: SweepResults) -> str:
    done = len(results.records)
    total = f"/{results.total}" if results.total is not None else ""
    arrow = "higher is better" if results.direction == "max" else "lower is better"
    cut = f" ({results.n_pruned} pruned)" if results.n_pruned else ""
    text = f"{results.folder.name}: {done}{total} trials{cut} · {results.metric} ({arrow})"
    best = results.best()
    if best is not None:
        text += f" · best: trial {best['trial']}, {cell_text(results.metric, results.value(best))}"
    return text


def importances_text(results: SweepResults, width: int = 12) -> str:
    """Optuna's parameter importances as bars, largest first ("" before there are any)."""
    if not results.importances:
        return ""
    parts = []
    for key, value in results.importances.items():
        bar = "█" * max(1, round(value * width)) if value > 0 else "·"
        parts.append(f"{key} {bar} {value:.2f}")
    return "importance (Optuna): " + "  ".join(parts)


@dataclass(frozen=True)
class CompareTrial:
    """`b`: the trial's model as run B, with the configuration it was trained with."""

    path: str
    config: object  # a RunConfig


class SweepScreen(Screen[str | CompareTrial | None]):
    """Dismissed with the model file of the trial to open, a CompareTrial, or None.
    `compare_check(path)`: the RunConfig run B would start with, or TrialRefused; None where
    there is no run A (`tui-nn --sweep DIR`)."""

    DEFAULT_CSS = """
    SweepScreen #sweep-summary { height: 1; padding: 0 1; background: $panel; }
    SweepScreen #sweep-importances { height: 1; padding: 0 1; background: $panel; }
    SweepScreen #sweep-importances.-empty { display: none; }
    SweepScreen #sweep-body { layout: horizontal; height: 1fr; }
    SweepScreen SweepTable { width: 3fr; }
    SweepScreen SweepPlot { width: 2fr; }
    SweepScreen.-narrow #sweep-body { layout: vertical; }
    SweepScreen.-narrow SweepTable { width: 1fr; height: 1fr; }
    SweepScreen.-narrow SweepPlot { width: 1fr; height: 1fr; }
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        Binding(
            "p",
            "next_param",
            "Plot next parameter",
            tooltip="Plot the metric by the next varied parameter",
        ),
        Binding("r", "reload", "Reload", tooltip="Read the results again (a sweep still running)"),
        Binding(
            "b",
            "compare_trial",
            "Compare as B",
            tooltip="Open the trial as run B of a comparison with the current run A",
        ),
        Binding("escape,q", "close", "Close", tooltip="Close the results"),
    ]

    def __init__(
        self, results: SweepResults, compare_check: Callable[[str], object] | None = None
    ) -> None:
        super().__init__()
        self.results = results
        self.compare_check = compare_check
        self.answered = False

    def compose(self) -> ComposeResult:
        yield Static(summary_text(self.results), id="sweep-summary")
        importances = importances_text(self.results)
        yield Static(importances, id="sweep-importances", classes="" if importances else "-empty")
        with Container(id="sweep-body"):
            yield SweepTable(self.results, id="sweep-table")
            yield SweepPlot(self.results, id="sweep-plot")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(SweepTable).focus()

    def action_next_param(self) -> None:
        self.query_one(SweepPlot).next_param()

    def action_reload(self) -> None:
        try:
            results = read_results(self.results.folder)
        except ResultsError as exc:
            self.notify(str(exc).removeprefix("--sweep: "), severity="error")
            return
        self.results = results
        self.query_one("#sweep-summary", Static).update(summary_text(results))
        importances = self.query_one("#sweep-importances", Static)
        importances.update(importances_text(results))
        importances.set_class(not importances_text(results), "-empty")
        self.query_one(SweepTable).set_results(results)
        self.query_one(SweepPlot).set_results(results)

    def action_close(self) -> None:
        self.answer(None)

    def answer(self, result: str | CompareTrial | None) -> None:
        """Close with `result`, once (keys typed behind the first answer are dropped)."""
        if not self.answered and self is self.app.screen:
            self.answered = True
            self.dismiss(result)

    @on(SweepTable.TrialHighlighted)
    def _highlighted(self, event: SweepTable.TrialHighlighted) -> None:
        self.query_one(SweepPlot).select(int(event.record["trial"]))

    @on(SweepTable.TrialChosen)
    def _chosen(self, event: SweepTable.TrialChosen) -> None:
        path = self._model_of(event.record)
        if path is not None:
            self.answer(str(path))

    def action_compare_trial(self) -> None:
        record = self.query_one(SweepTable).current()
        if record is None:
            return
        if self.compare_check is None:
            self.notify(
                "no run A to compare with here: open the results from a run's command palette "
                "(Sweep results), then press b",
                severity="warning",
            )
            return
        path = self._model_of(record)
        if path is None:
            return
        try:
            config = self.compare_check(str(path))
        except TrialRefused as exc:
            self.notify(f"trial {record['trial']}: {exc}", severity="error", timeout=8)
            return
        self.answer(CompareTrial(str(path), config))

    def _model_of(self, record: dict) -> Path | None:
        path = self.results.model_path(record)
        if not path.is_file():
            self.notify(f"trial {record['trial']}: no model file {path.name}", severity="error")
            return None
        return path


class SweepFolderPrompt(Dialog[str | None]):
    """Asks for a results folder (what `tui-nn sweep --results` wrote)."""

    DEFAULT_CSS = """
    SweepFolderPrompt { align: center middle; }
    SweepFolderPrompt > Vertical {
        width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Sweep results — enter to open, esc to cancel"
            yield Static("The folder `tui-nn sweep --results DIR` wrote:")
            yield FieldInput(placeholder="e.g. spiral-sweep-results", id="sweep-folder")

    def action_cancel(self) -> None:
        self.answer(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.answer(event.value.strip() or None)


class SweepApp(App[str | None]):
    """`tui-nn --sweep DIR`: the results screen alone; exits with the model to open."""

    TITLE = "tui-nn sweep"

    def __init__(self, results: SweepResults) -> None:
        super().__init__()
        self.results = results

    def on_mount(self) -> None:
        self.push_screen(SweepScreen(self.results), self.exit)


def choose_trial(folder: str | Path) -> str | None:
    """`tui-nn --sweep DIR`: show the results; the model file of the trial chosen with Enter
    (the CLI then opens it as `--resume MODEL` would), or None. ResultsError for a folder
    that holds no results."""
    return SweepApp(read_results(folder)).run()
