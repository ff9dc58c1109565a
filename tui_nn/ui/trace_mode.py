"""Trace mode (a mixin of TuiNNApp): `T` or the palette's "Trace a sample".

Entering pauses training (it resumes on leaving if it was running), hides the editor and the
heatmap, and shows the trace panel beside the decision boundary. The panel's requests become
session commands (TraceSample, ApplyTraceStep); the trainer computes the trace and its answer
comes back on a snapshot, which `show_trace` hands to the panel. The UI never computes one.
"""

from __future__ import annotations

from tui_nn.session.messages import ApplyTraceStep, Pause, Snapshot, Start, TraceSample
from tui_nn.ui.bridge import Update
from tui_nn.ui.panels.trace import TracePanel


class TraceMode:
    tracing = False  # trace mode is on
    _resume_after_trace = False  # training was running when trace mode began
    _trace_message = ""  # the trainer's message when the last trace was asked for

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

    def _ask_trace(self, command: object, what: str) -> None:
        self._trace_message = self.last.message if self.last is not None else ""
        self.query_one(TracePanel).waiting(what)
        self.send(command)

    def on_trace_panel_sample_requested(self, event: TracePanel.SampleRequested) -> None:
        self._ask_trace(TraceSample(index=event.index, split=event.split), "")

    def on_trace_panel_apply_requested(self, event: TracePanel.ApplyRequested) -> None:
        self._trace_message = self.last.message if self.last is not None else ""
        self.send(ApplyTraceStep(index=event.index, split=event.split))

    def on_trace_panel_close_requested(self, event: TracePanel.CloseRequested) -> None:
        self.leave_trace()

    def show_trace(self, update: Update) -> None:
        """The trainer's answer to the panel, or its reason for not answering."""
        panel = self.query_one(TracePanel)
        if update.data is not None:
            panel.set_sizes(update.data.n_train, update.data.n_test)
        snap: Snapshot = update.snapshot
        if update.trace is not None:
            panel.show_result(update.trace)
        elif panel.pending and snap.message and snap.message != self._trace_message:
            panel.show_note(snap.message)  # e.g. a refused index
