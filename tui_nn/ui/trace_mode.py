"""Trace mode (a mixin of TuiNNApp): `T` or the palette's "Trace a sample".

A click on the decision boundary traces the training sample nearest that point. Entering
pauses training (it resumes on leaving if it was running), hides the editor and the
heatmap, and shows the trace panel beside the decision boundary. The panel's requests become
session commands (TraceSample, ApplyTraceStep); the trainer computes the trace and its answer
comes back on a snapshot, which `show_trace` hands to the panel. The UI never computes one.
"""

from __future__ import annotations

from textual import events

from tui_nn.session.messages import ApplyTraceStep, Pause, Start, TraceSample
from tui_nn.ui.bridge import Update
from tui_nn.ui.panels.trace import TracePanel
from tui_nn.ui.widgets import DecisionBoundary


def point_at(boundary: DecisionBoundary, col: int, row: int) -> tuple[float, float] | None:
    """The data point under cell (col, row) of the decision boundary (None off the picture or
    without 2-D data): the centre of the cell's two pixels, as the picture maps them."""
    summary = boundary.summary
    bounds = boundary.grid.bounds if boundary.grid is not None else None
    bounds = bounds or (summary.bounds if summary is not None else None)
    cols, rows = boundary.grid_size
    if not boundary.is_2d or bounds is None or not (0 <= col < cols and 0 <= 2 * row < rows):
        return None
    x_min, x_max, y_min, y_max = bounds
    x = x_min + (col + 0.5) / cols * (x_max - x_min)
    y = y_max - (2 * row + 1) / rows * (y_max - y_min)
    return float(x), float(y)


class TraceMode:
    tracing = False  # trace mode is on
    _resume_after_trace = False  # training was running when trace mode began

    def action_trace(self) -> None:
        if self.tracing:
            self.leave_trace()
            return
        self.tracing = True
        running = self.last is not None and self.last.state == "running"
        self._resume_after_trace = running
        if running:
            self.send(Pause())
        self.screen.add_class("-tracing")
        panel = self.query_one(TracePanel)
        panel.focus()
        self._ask_trace(TraceSample(), "the next training sample")

    def leave_trace(self) -> None:
        self.tracing = False
        self.screen.remove_class("-tracing")
        if self._resume_after_trace:
            self._resume_after_trace = False
            self.send(Start())
        self.query_one("#layer-list").focus()

    def _ask_trace(self, command: object, what: str | None) -> None:
        """Send a trace command; `what` (if given) is what the panel says it is waiting for."""
        if what is not None:
            self.query_one(TracePanel).waiting(what)
        self.send(command)

    def on_trace_panel_sample_requested(self, event: TracePanel.SampleRequested) -> None:
        self._ask_trace(TraceSample(index=event.index, split=event.split), None)

    def on_click(self, event: events.Click) -> None:
        """In trace mode a click on the decision boundary traces the nearest training sample."""
        if not self.tracing or not isinstance(event.widget, DecisionBoundary):
            return
        boundary = event.widget
        region = boundary.region
        point = point_at(boundary, event.screen_x - region.x, event.screen_y - region.y)
        if point is not None:
            self._ask_trace(TraceSample(point=point), "the sample nearest the point")
            self.query_one(TracePanel).focus()

    def on_trace_panel_apply_requested(self, event: TracePanel.ApplyRequested) -> None:
        self._ask_trace(ApplyTraceStep(index=event.index, split=event.split), None)

    def on_trace_panel_close_requested(self, event: TracePanel.CloseRequested) -> None:
        self.leave_trace()

    def show_trace(self, update: Update) -> None:
        """The trainer's answer to the panel: a trace, or why there is none."""
        panel = self.query_one(TracePanel)
        if update.data is not None:
            panel.set_sizes(update.data.n_train, update.data.n_test)
        result = update.trace
        if result is not None and result.refused is not None:
            panel.show_note(result.refused)
        elif result is not None:
            panel.show_result(result)
