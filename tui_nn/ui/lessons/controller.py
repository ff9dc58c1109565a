"""The app opened on a lesson (`tui-nn lesson NAME`): the lesson's text in a side panel, its
goal checked on every epoch that arrives, and its locked controls refused.

A lock is enforced where every edit leaves the app (`send`): an edit of the network, the
settings or the data that would change a locked control is not sent; the panel shows the
trainer's values again and a message names the lock. Locked fields are also disabled, and
hidden ones are not shown. The goal is checked on each new epoch record, once, with the
network that trained it; the first epoch where every condition holds is the "goal reached"
moment (a banner and a notice). `[controls] view = "diagram"` opens it with the network
diagram in place of the heatmap.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Input, Select

from tui_nn.engine.types import EpochRecord
from tui_nn.lessons import Lesson, changed_controls, control_values, goal_values
from tui_nn.lessons.controls import shown_name
from tui_nn.session.protocol.messages import Reset, SetArchitecture, SetDataset, SetHyper, Snapshot
from tui_nn.ui.diagram.controller import DiagramController
from tui_nn.ui.host import Host
from tui_nn.ui.lessons.panel import LessonPanel
from tui_nn.ui.link.bridge import Update
from tui_nn.ui.link.pending import Pending
from tui_nn.ui.panels.hyper import HyperPanel
from tui_nn.ui.panels.show import show_trainers_values
from tui_nn.ui.views.controller import LowerRight

PANEL_FIELDS = {  # control -> the id of its field in the training panel
    "dataset": "dataset",
    "samples": "samples",
    "noise": "noise",
    "test_fraction": "test_fraction",
    "data_seed": "seed",  # the data's seed field (the weights' seed has no field: R draws it)
    "optimizer": "optimizer",
    "lr": "lr",
    "batch_size": "batch_size",
    "l1": "l1",
    "l2": "l2",
    "epochs": "epochs",
}


class LessonGuide:
    """The lesson beside the app: `refuses(command)` before a command leaves the app,
    `after_show(update, previous)` after each update is shown."""

    def __init__(
        self,
        host: Host,
        lesson: Lesson,
        pending: Pending,
        diagram: DiagramController,
        views: LowerRight | None = None,
    ) -> None:
        self.host = host
        self.lesson = lesson
        self.pending = pending  # run A's: an edit refused here is not on its way
        self.diagram = diagram
        self.views = views
        self.reached_at: int | None = None  # the epoch of the goal-reached moment
        self.locked_refusals: list[str] = []  # every refused edit of a locked control
        self._goal_epoch = 0  # newest epoch already checked against the goal
        self._record: EpochRecord | None = None  # newest record, for the live values

    async def mount(self) -> None:
        host = self.host
        host.title = f"tui-nn · {self.lesson.title}"
        await host.query_one("#main", Horizontal).mount(
            LessonPanel(self.lesson.title, self.lesson.text, id="lesson")
        )
        for control in self.lesson.hidden:
            widget = self._field(control)
            if widget is not None and widget.parent is not None:
                widget.parent.display = False
        self._show_goal()

    def open_view(self) -> None:
        """`[controls] view = "diagram"`: the diagram shown, the focus left on the network
        panel (its keys, and the locks' messages, work as in every lesson)."""
        if self.lesson.view == "diagram":
            self.diagram.toggle()
            self.host.query_one("#layer-list").focus()
        elif self.lesson.view == "maps" and self.views is not None:
            self.views.prefer("maps")

    def toggle(self) -> None:
        self.host.screen.toggle_class("-hide-lesson")

    # ---- locks -----------------------------------------------------------------------------

    def _field(self, control: str) -> Input | Select | None:
        field_id = PANEL_FIELDS.get(control)
        if field_id is None:
            return None
        return self.host.query_one(HyperPanel).query_one(f"#{field_id}")

    def _disable_locked(self) -> None:
        """Locked fields take no input (the panel re-enables some when the data changes)."""
        for control in self.lesson.locked:
            widget = self._field(control)
            if widget is not None:
                widget.disabled = True

    def locked_changes(self, command: object) -> list[str]:
        """The locked controls this command would change."""
        last = self.host.last
        if last is None:
            return []
        before = control_values(last.dataset, last.network, last.hyper)
        if isinstance(command, SetHyper):
            after = control_values(None, None, command.hyper)
        elif isinstance(command, SetArchitecture):
            after = control_values(None, command.spec, None)
        elif isinstance(command, SetDataset):
            after = control_values(command.spec, None, None)
        elif isinstance(command, Reset) and command.seed is not None:
            return ["seed"] if self.lesson.is_locked("seed") else []
        else:
            return []
        return changed_controls(before, after, self.lesson.locked)

    def refuses(self, command: object) -> bool:
        """True (and a message naming the lock) when `command` would change a locked
        control: it is not sent, and the panel shows the trainer's values again."""
        locked = self.locked_changes(command)
        if not locked:
            return False
        names = ", ".join(shown_name(c) for c in locked)
        message = f"{names}: locked by this lesson"
        self.locked_refusals.append(message)
        self.host.notify(message, title="locked", severity="warning")
        show_trainers_values(self.host, self.pending, command)
        return True

    # ---- the goal ----------------------------------------------------------------------------

    def after_show(self, update: Update, previous: Snapshot | None) -> None:
        snap = update.snapshot
        if previous is None or previous.dataset != snap.dataset:
            self._disable_locked()
        self._check_goal(update, snap)

    def _check_goal(self, update: Update, snap: Snapshot) -> None:
        if update.new_run and snap.epoch < self._goal_epoch:  # reset or new data: epoch 1 again
            self._goal_epoch = 0
        if update.new_run:
            self._record = None
        goal = self.lesson.goal
        for record in update.records:
            self._record = record
            if record.epoch <= self._goal_epoch:  # a new run re-sends the history it continues
                continue
            self._goal_epoch = record.epoch
            values = goal_values(record, snap.network, snap.hyper)
            if self.reached_at is None and goal.holds(values):
                self._reached(record.epoch)
        self._show_goal(snap)

    def _show_goal(self, snap: Snapshot | None = None) -> None:
        values = goal_values(
            self._record,
            snap.network if snap is not None else None,
            snap.hyper if snap is not None else None,
        )
        lines = [(c.describe(values), c.holds(values)) for c in self.lesson.goal.conditions]
        self.host.query_one(LessonPanel).show_goal(lines)

    def _reached(self, epoch: int) -> None:
        self.reached_at = epoch
        self.host.query_one(LessonPanel).goal_reached(epoch)
        self.host.notify(
            f"{self.lesson.goal} at epoch {epoch}", title="★ goal reached", timeout=10
        )
