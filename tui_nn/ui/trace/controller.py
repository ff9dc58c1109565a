"""Trace mode: `T` or the palette's "Trace a sample".

A click on the decision boundary traces the training sample nearest that point. Entering
pauses training (it resumes on leaving if it was running), hides the editor and the
heatmap, and shows the trace panel beside the decision boundary. The panel's requests become
session commands (TraceSample, ApplyTraceStep); the trainer computes the trace and its answer
comes back on a snapshot, which `show_trace` hands to the panel. The UI never computes one.

With the network diagram on (`n` before, or `v` in the panel) the diagram sits beside the panel
and shows the traced sample: its weights, inputs, z and a, |δ| and the sample's gradients (the
trace's own arrays, `trace_look`), with the layer and neuron of the step highlighted. On 2-D
data the decision boundary marks the traced sample (◆), and `c` picks a point with the keys:
a cursor (╋) that the arrows move, Enter traces the training sample nearest it, Esc cancels.
"""

from __future__ import annotations

import numpy as np
from textual import events

from tui_nn.engine.types import LayerStats
from tui_nn.session.protocol.answers import Answer
from tui_nn.session.protocol.messages import (
    ApplyTraceStep,
    NetworkView,
    Pause,
    Start,
    TraceResult,
    TraceSample,
)
from tui_nn.ui.diagram.controller import DiagramController
from tui_nn.ui.diagram.draw import TraceLook
from tui_nn.ui.diagram.widget import NetworkDiagram
from tui_nn.ui.host import Host
from tui_nn.ui.link.bridge import Update
from tui_nn.ui.trace.panel import TracePanel
from tui_nn.ui.views.boundary import DecisionBoundary

RELU_FAMILY = ("relu", "leaky_relu", "elu")  # "dead" where z <= 0 (as the neuron statistics)


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


def trace_look(res: TraceResult, image_shape: tuple[int, int] | None) -> TraceLook:
    """What the diagram draws of a traced sample: the trace's weights, its forward pass and
    gradients as a NetworkView, and its |δ| and a as the node statistics of a batch of one."""
    trace = res.trace
    layers = trace.layers
    if trace.label is not None:
        label = res.class_name or str(trace.label)
    else:
        label = ", ".join(f"{float(v):.4g}" for v in np.ravel(trace.y))
    view = NetworkView(
        grads=tuple((t.dW, t.db) for t in layers),
        stepped=True,
        sample=int(res.index),
        split=res.split,
        x=trace.x,
        z=tuple(t.z for t in layers),
        a=tuple(t.a for t in layers),
        image_shape=image_shape,
        label=label,
    )
    stats = tuple(
        LayerStats(
            mean_abs_delta=np.abs(t.delta),
            mean_activation=np.asarray(t.a),
            dead_fraction=(t.z <= 0).astype(np.float32)
            if t.activation in RELU_FAMILY
            else np.zeros(t.n_out, dtype=np.float32),
            saturated_fraction=np.zeros(t.n_out, dtype=np.float32),
            grad_norm=float(np.linalg.norm(t.dW)),
            weight_norm=float(np.linalg.norm(t.W)),
            activation=t.activation,
        )
        for t in layers
    )
    return TraceLook(tuple((t.W, t.b) for t in layers), view, stats)


class TraceMode:
    """`on`: trace mode is on; the panel's requests become trainer commands, its answers come
    back in `show`."""

    def __init__(self, host: Host, diagram: DiagramController) -> None:
        self.host = host
        self.diagram = diagram
        self.on = False
        self.pick_cell: tuple[int, int] | None = None  # picking: the cursor's cell
        self._resume_after = False  # training was running when trace mode began

    @property
    def panel(self) -> TracePanel:
        return self.host.query_one(TracePanel)

    @property
    def boundary(self) -> DecisionBoundary:
        return self.host.query_one(DecisionBoundary)

    def open_sample(self, index: int, split: str) -> None:
        """Trace mode on this sample (a confusion-matrix cell's, say)."""
        if not self.on:
            self._enter()
        self._ask(TraceSample(index=index, split=split), f"{split} sample {index}")

    def toggle(self) -> None:
        if self.on:
            self.leave()
            return
        self._enter()
        self._ask(TraceSample(), "the next training sample")

    def _enter(self) -> None:
        host = self.host
        self.on = True
        self.boundary.editable = False  # a click picks a sample to trace, not a new point
        running = host.last is not None and host.last.state == "running"
        self._resume_after = running
        if running:
            host.send(Pause())
        host.screen.add_class("-tracing")
        self.panel.focus()

    def leave(self) -> None:
        host = self.host
        self.on = False
        self.boundary.editable = True
        self._end_picking()
        host.query_one(NetworkDiagram).show_trace(None)
        self.boundary.mark_sample(None)
        host.screen.remove_class("-tracing")
        if self._resume_after:
            self._resume_after = False
            host.send(Start())
        host.query_one("#layer-list").focus()

    def _ask(self, command: object, what: str | None) -> None:
        """Send a trace command; `what` (if given) is what the panel says it is waiting for.
        The answer is the trace (or why there is none)."""
        if what is not None:
            self.panel.waiting(what)
        self.host.send(command, then=self._traced)

    def sample_requested(self, event: TracePanel.SampleRequested) -> None:
        self._ask(TraceSample(index=event.index, split=event.split), None)

    def apply_requested(self, event: TracePanel.ApplyRequested) -> None:
        self._ask(ApplyTraceStep(index=event.index, split=event.split), None)

    def click(self, event: events.Click) -> None:
        """In trace mode a click on the decision boundary traces the nearest training sample."""
        if not self.on or not isinstance(event.widget, DecisionBoundary):
            return
        boundary = event.widget
        region = boundary.region
        point = point_at(boundary, event.screen_x - region.x, event.screen_y - region.y)
        if point is not None:
            self._end_picking()  # a click also ends picking with the keys
            self._ask(TraceSample(point=point), "the sample nearest the point")
            self.panel.focus()

    def parameter_set(self) -> None:
        """A weight was set by hand (and answered): trace the sample again on the new weights."""
        shown = self.panel.result
        if self.on and shown is not None and shown.trace is not None:
            self._ask(TraceSample(index=shown.index, split=shown.split), None)

    # ---- the diagram beside the panel -----------------------------------------------------

    def diagram_requested(self) -> None:
        self.diagram.toggle()
        panel = self.panel
        panel.focus()  # the keys stay the trace's
        if self.diagram.shown and panel.result is not None:
            self._into_diagram(panel.result)
            layer, neuron = panel.shown_at or (None, None)
            self.diagram.widget.trace_at(layer, neuron)

    def step_shown(self, event: TracePanel.StepShown) -> None:
        if self.on:
            self.diagram.widget.trace_at(event.layer, event.neuron)

    def _into_diagram(self, res: TraceResult) -> None:
        diagram = self.diagram.widget
        image = diagram.view.image_shape if diagram.view is not None else None
        diagram.show_trace(trace_look(res, image))

    # ---- picking a point with the keys ----------------------------------------------------

    def pick_requested(self, event: TracePanel.PickRequested) -> None:
        boundary, panel = self.boundary, self.panel
        cols, rows = boundary.grid_size[0], boundary.grid_size[1] // 2
        if event.start:
            if not boundary.is_2d or not boundary.display or cols <= 0 or rows <= 0:
                panel.show_note("a point is picked on the decision boundary: 2-D data only")
                return
            mark = boundary.sample_mark
            self.pick_cell = (boundary.cell_of(mark) if mark is not None else None) or (
                cols // 2,
                rows // 2,
            )
            panel.set_picking(True)
        elif self.pick_cell is None:
            return
        elif event.done is None:
            col, row = self.pick_cell
            self.pick_cell = (
                min(max(col + event.dx, 0), cols - 1),
                min(max(row + event.dy, 0), rows - 1),
            )
        else:
            point = point_at(boundary, *self.pick_cell) if event.done else None
            self._end_picking()
            if point is not None:
                self._ask(TraceSample(point=point), "the sample nearest the point")
            return
        boundary.set_cursor(self.pick_cell)

    def _end_picking(self) -> None:
        self.pick_cell = None
        self.boundary.set_cursor(None)
        self.panel.set_picking(False)

    # ---- answers ------------------------------------------------------------------------------

    def show(self, update: Update) -> None:
        """Every update: the data's sizes, and the diagram's first view (its image shape)."""
        panel = self.panel
        if update.data is not None:
            panel.set_sizes(update.data.n_train, update.data.n_test)
        shown = panel.result
        if update.network_view is not None and shown is not None and shown.trace is not None:
            if self.on and self.diagram.shown:
                self._into_diagram(shown)

    def _traced(self, answer: Answer) -> None:
        """The trainer's answer to TraceSample or ApplyTraceStep: a trace, or why there is
        none."""
        panel, result = self.panel, answer.value
        if answer.outcome != "accepted" or not isinstance(result, TraceResult):
            panel.show_note(answer.reason or f"no trace ({answer.outcome})")
            return
        panel.show_result(result)
        if self.on and self.diagram.shown:
            self._into_diagram(result)
        boundary = self.boundary
        if self.on and boundary.is_2d and result.point is not None:
            boundary.mark_sample(result.point)
        elif self.on and boundary.is_2d and len(result.trace.x) == 2:
            boundary.mark_sample((float(result.trace.x[0]), float(result.trace.x[1])))
