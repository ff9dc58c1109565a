"""Snapshots in: `show()` is the one place that hands what the trainer sent to the widgets
(the plots, the pictures, the heatmap, the panels, the status line), each repainting within
its own budget. A mixin of TuiNNApp (app.py), beside the other concerns it is made of."""

from __future__ import annotations

from tui_nn.session.protocol.messages import Snapshot
from tui_nn.ui.bridge import Update
from tui_nn.ui.panels import ArchitecturePanel, HyperPanel
from tui_nn.ui.status import StatusLine
from tui_nn.ui.widgets import AccuracyPlot, CostPlot, DecisionBoundary, NeuronHeatmap

NO_STEP_ON_NEW_DATA = "new data: no step yet"  # fits the heatmap at 80 columns


class SnapshotShowing:
    """What arrives from the trainer, shown."""

    def show(self, update: Update) -> None:
        """Hand what arrived to the widgets; each repaints within its own budget."""
        snap, previous = update.snapshot, self.last
        self.last = snap
        if update.new_run or update.records:
            self._plot(update)
            self._mark_changes(previous, update)
        if update.data is not None:
            self._use_data(update)
            if previous is not None and snap.message.startswith("new data"):
                self.notify(snap.message, title=update.data.name)  # what was kept, restarted
        self.query_one(DecisionBoundary).set_output(snap.network.output.activation)
        if update.grid is not None:
            self.query_one(DecisionBoundary).update_grid(update.grid)
        if update.panel is not None:
            self.update_panels(update.panel)
        self._show_stats(update, previous)
        self.show_diagram(update)
        if not self.editing_b:  # while run B is edited, the panels show B (comparison.py)
            self._answer_edits(snap)
            dataset_name = snap.dataset.name if snap.dataset is not None else ""
            architecture = self.query_one(ArchitecturePanel)
            shown_spec = self.edits.shown("network", snap.network, architecture.spec)
            architecture.show(shown_spec, dataset_name)
            if snap.dataset is not None:
                hyper = self.query_one(HyperPanel)
                hyper.show(
                    self.edits.shown("hyper", snap.hyper, hyper.hyper),
                    self.edits.shown("data", snap.dataset, hyper.dataset),
                    snap.network.seed,
                )
        self.query_one(StatusLine).show(snap, state="saving" if self.saving else None)
        self.show_trace(update)
        self._tell_state(previous, snap)
        self.tell_gradients(snap)
        self.compare_after_a(update)

    def _show_stats(self, update: Update, previous: Snapshot | None) -> None:
        """The heatmap's statistics; after a data change, none until the first step on it
        (the trainer's are from the last step on the old data)."""
        snap, heatmap = update.snapshot, self.query_one(NeuronHeatmap)
        if update.new_run and update.data is not None and previous is not None:
            self._new_data_run = snap.run_id
        if snap.run_id == self._new_data_run and snap.step == 0:
            heatmap.clear(NO_STEP_ON_NEW_DATA)
            self.query_one("#neuron-info").remove_class("-shown")  # a neuron's old numbers
        elif snap.layers:
            heatmap.update_layers(snap.layers, snap.network.sizes)

    def _answer_edits(self, snap: Snapshot) -> None:
        """Edits the trainer took or refused are no longer pending; a refusal is shown."""
        for answer in self.edits.answer(snap):
            if answer.refusal is not None:
                self.refusals.append(answer.refusal)
                self.notify(answer.refusal, title="the trainer refused", severity="warning")

    def _plot(self, update: Update) -> None:
        records = update.records
        # A new run starts its curves afresh; a resumed run's curves stay until the trainer's
        # own history arrives (which, for a resumed model, includes them).
        replace = (update.new_run and not self.history) or (self.history and records)
        for plot in (self.query_one(CostPlot), self.query_one(AccuracyPlot)):
            if replace:
                plot.clear()
            plot.add_records(records)
        if replace:
            self.history = ()

    def _mark_changes(self, previous: Snapshot | None, update: Update) -> None:
        """The cost plot names its loss; both plots mark the epochs where the architecture
        changed (the learning rate's changes they find in the records themselves)."""
        snap = update.snapshot
        cost = self.query_one(CostPlot)
        cost.set_loss(snap.network.loss)
        if update.new_run:
            changed = previous is not None and previous.network != snap.network
            if snap.epoch == 0:
                self.architecture_marks = []
            elif changed and snap.epoch not in self.architecture_marks:
                self.architecture_marks.append(snap.epoch)
        for plot in (cost, self.query_one(AccuracyPlot)):
            for epoch in self.architecture_marks:
                plot.mark(epoch, "architecture")

    def _use_data(self, update: Update) -> None:
        data = update.data
        self.query_one(DecisionBoundary).set_data(data)
        self.use_views(data)
        self._request_grid()

    def _tell_state(self, previous: Snapshot | None, snap: Snapshot) -> None:
        changed = previous is None or previous.state != snap.state
        if changed and snap.state in ("diverged", "error") and snap.message:
            self.notify(snap.message, title=snap.state, severity="error", timeout=8)
        elif changed and snap.state == "finished" and snap.message:
            self.notify(snap.message, title="finished")
