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

import math

from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Select

from tui_nn.config import RunConfig
from tui_nn.engine.types import EpochRecord
from tui_nn.lessons import Lesson, changed_controls, control_values, goal_values
from tui_nn.lessons.controls import shown_name
from tui_nn.session.protocol.messages import Reset, SetArchitecture, SetDataset, SetHyper, Snapshot
from tui_nn.ui.app import TuiNNApp
from tui_nn.ui.bridge import Update
from tui_nn.ui.panels import ArchitecturePanel, HyperPanel
from tui_nn.ui.widgets.lesson_panel import LessonPanel

PANEL_FIELDS = {  # control -> the id of its field in the training panel
    "dataset": "dataset",
    "samples": "samples",
    "noise": "noise",
    "test_fraction": "test_fraction",
    "seed": "seed",
    "optimizer": "optimizer",
    "lr": "lr",
    "batch_size": "batch_size",
    "l1": "l1",
    "l2": "l2",
    "epochs": "epochs",
}


class LessonApp(TuiNNApp):
    BINDINGS = [
        *TuiNNApp.BINDINGS,
        Binding("L", "toggle_lesson", "Lesson", tooltip="Hide / show the lesson's text"),
    ]

    def __init__(self, config: RunConfig, lesson: Lesson, **kwargs) -> None:
        super().__init__(config, **kwargs)
        self.lesson = lesson
        self.reached_at: int | None = None  # the epoch of the goal-reached moment
        self.locked_refusals: list[str] = []  # every refused edit of a locked control
        self._goal_epoch = 0  # newest epoch already checked against the goal
        self._record: EpochRecord | None = None  # newest record, for the live values

    async def on_mount(self) -> None:
        self.title = f"tui-nn · {self.lesson.title}"
        await self.query_one("#main", Horizontal).mount(
            LessonPanel(self.lesson.title, self.lesson.text, id="lesson")
        )
        for control in self.lesson.hidden:
            widget = self._field(control)
            if widget is not None and widget.parent is not None:
                widget.parent.display = False
        self._show_goal()
        if self.lesson.view == "diagram":  # after the app's own mount has set the focus
            self.call_after_refresh(self._open_with_diagram)

    def _open_with_diagram(self) -> None:
        """The diagram shown, the focus left on the network panel (its keys, and the locks'
        messages, work as in every lesson; a click on the diagram selects in it)."""
        self.action_network_diagram()
        self.query_one("#layer-list").focus()

    # ---- locks -----------------------------------------------------------------------------

    def _field(self, control: str) -> Input | Select | None:
        field_id = PANEL_FIELDS.get(control)
        if field_id is None:
            return None
        return self.query_one(HyperPanel).query_one(f"#{field_id}")

    def _disable_locked(self) -> None:
        """Locked fields take no input (the panel re-enables some when the data changes)."""
        for control in self.lesson.locked:
            widget = self._field(control)
            if widget is not None:
                widget.disabled = True

    def locked_changes(self, command: object) -> list[str]:
        """The locked controls this command would change."""
        last = self.last
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

    def send(self, command: object) -> bool:
        locked = self.locked_changes(command)
        if not locked:
            return super().send(command)
        names = ", ".join(shown_name(c) for c in locked)
        message = f"{names}: locked by this lesson"
        self.locked_refusals.append(message)
        self.notify(message, title="locked", severity="warning")
        self._show_trainers_values(command)
        return False

    def _show_trainers_values(self, command: object) -> None:
        """The panel that proposed the refused edit shows the trainer's values again."""
        last = self.last
        if isinstance(command, SetArchitecture):
            self.edits.seen("network", last.network)
            self.query_one(ArchitecturePanel).show(
                last.network, last.dataset.name if last.dataset else ""
            )
        elif isinstance(command, (SetHyper, SetDataset)):
            self.edits.seen("hyper", last.hyper)
            self.edits.seen("data", last.dataset)
            self.query_one(HyperPanel).show(last.hyper, last.dataset, last.network.seed)

    # ---- the goal ----------------------------------------------------------------------------

    def show(self, update: Update) -> None:
        previous = self.last
        super().show(update)
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
        self.query_one(LessonPanel).show_goal(lines)

    def _reached(self, epoch: int) -> None:
        self.reached_at = epoch
        self.query_one(LessonPanel).goal_reached(epoch)
        self.notify(f"{self.lesson.goal} at epoch {epoch}", title="★ goal reached", timeout=10)

    # ---- keys --------------------------------------------------------------------------------

    def action_toggle_lesson(self) -> None:
        self.screen.toggle_class("-hide-lesson")


def create_lesson_app(config: RunConfig, lesson: Lesson, **kwargs) -> LessonApp:
    """The app on a lesson; the same keyword arguments as `create_app`."""
    return LessonApp(config, lesson, **kwargs)


def run_lesson_app(
    config: RunConfig, lesson: Lesson, *, fps: float = 10.0, speed: float | None = None
) -> int:
    """Run the lesson in this terminal; the exit code for the CLI."""
    if speed is not None and not (0 < speed < math.inf):
        return 2
    app = create_lesson_app(config, lesson, fps=fps, speed=speed)
    saved_path = app.run()
    if app.return_code not in (0, None):
        return app.return_code
    if saved_path:
        print(f"tui-nn: saved this run to {saved_path}")
    return 0
