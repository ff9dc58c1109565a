"""The cost and accuracy plots in the app: the records that arrive, a resumed run's curves until
the trainer's own, the epochs where the architecture changed, smoothing (`w`) and the log
scale (`l`)."""

from __future__ import annotations

from collections.abc import Sequence

import tui_nn.ui.pace as pace
from tui_nn.engine.types import EpochRecord
from tui_nn.session.protocol.messages import Snapshot
from tui_nn.ui.host import Host
from tui_nn.ui.link.bridge import Update
from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
from tui_nn.ui.widgets.cost_plot import CostPlot


class Curves:
    def __init__(self, host: Host, history: Sequence[EpochRecord] = ()) -> None:
        self.host = host
        self.history = tuple(history)  # curves of a resumed run, shown until the trainer's own
        self.architecture_marks: list[int] = []  # epochs where the architecture changed
        self.smoothing = 0  # epochs of the moving average (0: off)
        self.record_step = 0  # the training step at the end of the newest epoch shown

    def plots(self) -> tuple[CostPlot, AccuracyPlot]:
        return self.host.query_one(CostPlot), self.host.query_one(AccuracyPlot)

    def mount(self) -> None:
        if self.history:
            for plot in self.plots():
                plot.add_records(self.history)

    def show(self, update: Update, previous: Snapshot | None) -> None:
        if update.new_run:
            self.record_step = 0
        if update.records:
            self.record_step = update.records[-1].step
        if update.new_run or update.records:
            self._plot(update)
            self._mark_changes(previous, update)

    def mid_epoch(self, snap: Snapshot) -> bool:
        """Stopped inside an epoch (single steps, a pause): the epoch's costs are older than
        the weights, and the status line shows the newest minibatch cost beside them."""
        return snap.state != "running" and snap.step > self.record_step

    def _plot(self, update: Update) -> None:
        records = update.records
        # A new run starts its curves afresh; a resumed run's curves stay until the trainer's
        # own history arrives (which, for a resumed model, includes them).
        replace = (update.new_run and not self.history) or (self.history and records)
        for plot in self.plots():
            if replace:
                plot.clear()
            plot.add_records(records)
        if replace:
            self.history = ()

    def _mark_changes(self, previous: Snapshot | None, update: Update) -> None:
        """The cost plot names its loss; both plots mark the epochs where the architecture
        changed (the learning rate's changes they find in the records themselves)."""
        snap = update.snapshot
        cost, accuracy = self.plots()
        cost.set_loss(snap.network.loss)
        if update.new_run:
            changed = previous is not None and previous.network != snap.network
            if snap.epoch == 0:
                self.architecture_marks = []
            elif changed and snap.epoch not in self.architecture_marks:
                self.architecture_marks.append(snap.epoch)
        for plot in (cost, accuracy):
            for epoch in self.architecture_marks:
                plot.mark(epoch, "architecture")

    def toggle_log_scale(self) -> None:
        cost = self.host.query_one(CostPlot)
        cost.set_log_scale(not cost.log_scale)

    def next_smoothing(self) -> None:
        self.smoothing = pace.next_smoothing(self.smoothing)
        for plot in self.plots():
            plot.set_smoothing(self.smoothing)
        self.host.notify(f"smoothing: {self.smoothing or 'off'}", timeout=2)
