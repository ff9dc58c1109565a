"""A/B comparison in the app (a mixin of TuiNNApp): fork run B from run A, train both in
lockstep, overlay their curves, end keeping A, B or both as saved runs.

Forking pauses A and sends it `Fork(path)`: A writes its weights, history, optimizer state and
shuffling state (session/trainer/forking.py). Once A confirms, a second trainer process starts from
that file, so B is A as it was at that moment. Lockstep: while the comparison runs, the app
sends `Step(epoch=True)` to both and the next pair only when both have finished theirs, so the
two runs are always at the same epoch; each trainer keeps the speed limit, so it applies to
both. `x` chooses which run the editing panels change; the legend names what differs
(`B: lr 0.3`). The plots overlay B on A; the pictures show both boundaries side by side (`v`
switches between them on a narrow screen); a second status line shows B.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from textual import work
from textual.message import Message
from textual.widgets import Footer

from tui_nn.config import RunConfig, config_differences
from tui_nn.session.protocol.messages import (
    Fork,
    Pause,
    Reset,
    Save,
    SetSpeed,
    SetView,
    Snapshot,
    Start,
    Step,
    TrainerDied,
)
from tui_nn.ui import runs
from tui_nn.ui.bridge import SnapshotBridge, SnapshotsArrived, Update
from tui_nn.ui.edits import PendingEdits, edit_of
from tui_nn.ui.end_comparison import EndComparison
from tui_nn.ui.panels import ArchitecturePanel, HyperPanel
from tui_nn.ui.saving import hangup_ignored_by_children
from tui_nn.ui.status import StatusLine
from tui_nn.ui.widgets import AccuracyPlot, CostPlot, DecisionBoundary

STOPPED = ("diverged", "finished", "error")


class ForkSnapshots(Message):
    """A fact: run B's snapshots are waiting in B's bridge."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ForkSnapshots)


class ForkLost(Message):
    def __init__(self, died: TrainerDied) -> None:
        super().__init__()
        self.died = died


@dataclass
class ComparisonState:
    folder: Path  # holds the fork file while the comparison lasts
    path: str  # the fork file A writes
    session: object | None = None  # run B's session
    bridge: SnapshotBridge | None = None
    last: Snapshot | None = None  # run B's newest snapshot
    edits: PendingEdits = field(default_factory=PendingEdits)  # run B's
    running: bool = False  # lockstep training on
    target: int = 0  # the epoch both runs are asked to reach (A's count)
    offset: int = 0  # B's epoch minus A's when the lockstep started (0 for a fork)
    editing: str = "A"  # which run the editing panels change


def snapshot_config(base: RunConfig, snap: Snapshot) -> RunConfig:
    """The configuration a run has now, from its snapshot."""
    net = snap.network
    return RunConfig(
        dataset=snap.dataset or base.dataset,
        hidden=tuple(layer.units for layer in net.hidden),
        activation=net.hidden[0].activation if net.hidden else base.activation,
        output=net.output.activation,
        loss=net.loss,
        init=net.init,
        seed=net.seed,
        dtype=net.dtype,
        hyper=snap.hyper,
    )


class Comparison:
    """The comparison's state and actions; `compare` is None when there is none."""

    compare: ComparisonState | None = None

    # ---- hooks called by TuiNNApp -------------------------------------------------------

    @property
    def editing_b(self) -> bool:
        return self.compare is not None and self.compare.editing == "B"

    def compare_route(self, command: object) -> bool | None:
        """While comparing: where a command goes (True/False: handled); None: to A as usual."""
        state = self.compare
        if state is None or state.session is None:
            return None
        if isinstance(command, Start):
            state.running = True
            if state.last is not None:  # a sweep trial as B may be at another epoch than A
                state.offset = state.last.epoch - self.last.epoch
            state.target = self.last.epoch
            self.compare_tick()
            return True
        if isinstance(command, Pause):  # both finish the epoch they are in: still in step
            if state.running:
                state.running = False
                self.notify(f"pausing both at the end of epoch {state.target}", timeout=3)
            return True
        if isinstance(command, (Step, SetSpeed, SetView)):
            return self._both(command)
        if isinstance(command, Reset):
            self.notify("end the comparison first (f)", severity="warning")
            return False
        edit = edit_of(command)
        if edit is not None and state.editing == "B":
            kind, value = edit
            state.edits.seen(kind, value)
            if self._raw_send(state.session, command):
                state.edits.sent(kind, value, state.last)
            return False  # sent to B, or not: either way A's PendingEdits must not wait for it
        return None

    def compare_after_a(self, update: Update) -> None:
        """A's update arrived: B may start (fork confirmed), the lockstep may go on."""
        state = self.compare
        if state is None:
            return
        if state.session is None and update.saved_path == state.path:
            self._start_b()
            return
        self.query_one("#status", StatusLine).show(self._as_shown(update.snapshot))
        self._refresh_legend()
        self.compare_tick()

    def _as_shown(self, snap: Snapshot) -> Snapshot:
        """Between two epochs of the lockstep a trainer is paused for a moment: the status
        line says the comparison is running instead of flickering."""
        state = self.compare
        if state is not None and state.running and snap.state == "paused":
            return replace(snap, state="running", message="in lockstep")
        return snap

    def compare_tick(self) -> None:
        """Both runs at the target epoch and idle: ask both for one more epoch."""
        state = self.compare
        if state is None or not state.running or state.last is None or self.last is None:
            return
        a, b = self.last, state.last
        for label, snap in (("A", a), ("B", b)):
            if snap.state in STOPPED:
                state.running = False
                self.notify(f"run {label} {snap.state}: lockstep paused", severity="warning")
                self._both(Pause())
                return
        if a.state == "running" or b.state == "running":
            return
        b_epoch = b.epoch - state.offset  # counted as A counts
        if a.epoch >= state.target and b_epoch >= state.target:
            state.target = max(a.epoch, b_epoch) + 1
            self._both(Step(epoch=True))

    def action_toggle_run(self) -> None:
        """Between two epochs of the lockstep both trainers are paused: the comparison, not a
        trainer's state, says whether space starts or pauses."""
        state = self.compare
        if state is not None and state.session is not None:
            self.send(Pause() if state.running else Start())
            return
        super().action_toggle_run()

    # ---- forking ------------------------------------------------------------------------

    def action_fork(self) -> None:
        """Fork run B from run A; while comparing, ask how to end the comparison."""
        if self.compare is not None:
            if self.compare.session is not None:
                self.push_screen(EndComparison(self._legend()), self._end_chosen)
            return
        if self.last is None or self.last.network is None or self.session is None:
            self.notify("nothing to fork yet", severity="warning")
            return
        folder = Path(tempfile.mkdtemp(prefix="tui-nn-fork-"))
        state = ComparisonState(folder=folder, path=str(folder / "fork.npz"))
        self.compare = state
        self._raw_send(self.session, Pause())
        if not self._raw_send(self.session, Fork(state.path)):
            self._forget_comparison()

    def compare_with_model(self, path: str, config: RunConfig) -> None:
        """Run B from a saved model (a sweep trial: trial_compare.py) instead of a fork of A."""
        folder = Path(tempfile.mkdtemp(prefix="tui-nn-fork-"))
        self.compare = ComparisonState(folder=folder, path=path)
        self._raw_send(self.session, Pause())
        self._start_b(config, f"run B is {Path(path).name}")

    def _start_b(self, config: RunConfig | None = None, what: str = "") -> None:
        state = self.compare
        config = config or snapshot_config(self.config, self.last)  # A's now (as in the file)
        state.bridge = SnapshotBridge(self._post_b)
        session = self.session_factory(state.bridge, fps=self.fps)
        # B saves itself there if it is left alone (the terminal closed under the app), as A
        # does: no trainer trains on with nowhere to keep its run
        run_path = runs.sibling_run_path(
            getattr(self, "run_path", None)
            or runs.new_run_path(config, self.runs_directory, create=False),
            "B",
        )
        with hangup_ignored_by_children():
            session.start(config, initial_model=state.path, run_path=str(run_path))
        state.session = session
        if self.speed is not None:
            self._raw_send(session, SetSpeed(self.speed))
        self._mount_b()
        what = what or "run B is a copy of run A"
        self.notify(f"{what}: change B with x, train both with space", title="forked")

    def _post_b(self, message: object) -> None:
        if isinstance(message, SnapshotsArrived):
            self.post_message(ForkSnapshots())
        else:  # TrainerLost
            self.post_message(ForkLost(message.died))

    def _mount_b(self) -> None:
        self.screen.add_class("-comparing")
        pictures = self.query_one("#pictures")
        pictures.mount(DecisionBoundary(id="boundary-b", min_interval=self.picture_interval))
        self.mount(StatusLine(id="status-b", prefix="B "), before=self.query_one(Footer))
        self.query_one("#status", StatusLine).prefix = "A "
        for plot in (self.query_one(CostPlot), self.query_one(AccuracyPlot)):
            plot.compare_with("B")  # B's first snapshot brings its history (A's, to the fork)

    # ---- run B's snapshots ----------------------------------------------------------------

    # (handlers by name: `@on` needs a MessagePump class, and this is a mixin)
    def on_fork_snapshots(self, event: ForkSnapshots) -> None:
        state = self.compare
        if state is None or state.bridge is None:
            return
        update = state.bridge.take()
        if update is None:
            return
        snap = state.last = update.snapshot
        if state.folder.exists():  # B has read the fork file: no temp file outlives this
            shutil.rmtree(state.folder, ignore_errors=True)
        for plot in (self.query_one(CostPlot), self.query_one(AccuracyPlot)):
            plot.add_other_records(update.records, replace=update.new_run)
        boundary = self.query("#boundary-b")
        if boundary:
            if update.data is not None:
                boundary.first().set_data(update.data)
                grid_view = self._grid_view
                if grid_view is not None:
                    grid, size = grid_view
                    self._raw_send(
                        state.session,
                        SetView(grid=grid, grid_size=size, grid_interval=self.picture_interval),
                    )
            if update.grid is not None:
                boundary.first().update_grid(update.grid)
        status = self.query("#status-b")
        if status:
            status.first(StatusLine).show(self._as_shown(snap))
        if state.editing == "B":
            self._show_in_panels(snap, state.edits)
        self._refresh_legend()
        self.compare_tick()

    def on_fork_lost(self, event: ForkLost) -> None:
        self.notify(f"run B: {event.died.message}", title="trainer died", severity="error")
        self._end_comparison()

    def _show_in_panels(self, snap: Snapshot, edits: PendingEdits) -> None:
        """The editing panels show this run (B's pending edits held, as the app does for A)."""
        for answer in edits.answer(snap):
            if answer.refusal is not None:
                self.notify(answer.refusal, title="run B refused", severity="warning")
        architecture = self.query_one(ArchitecturePanel)
        architecture.show(edits.shown("network", snap.network, architecture.spec),
                          snap.dataset.name)
        hyper = self.query_one(HyperPanel)
        hyper.show(
            edits.shown("hyper", snap.hyper, hyper.hyper),
            edits.shown("data", snap.dataset, hyper.dataset),
            snap.network.seed,
        )

    # ---- what differs, who is edited --------------------------------------------------------

    def _legend(self) -> str:
        state = self.compare
        if state is None or state.last is None or self.last is None:
            return "B"
        differences = config_differences(
            snapshot_config(self.config, self.last), snapshot_config(self.config, state.last)
        )
        acts_a = tuple(layer.activation for layer in self.last.network.hidden)
        acts_b = tuple(layer.activation for layer in state.last.network.hidden)
        if acts_a != acts_b and len(set(acts_b)) > 1:  # a RunConfig holds one activation
            differences = [d for d in differences if not d.startswith("activation ")]
            differences.append(f"activations {'/'.join(acts_b)}")
        return f"B: {', '.join(differences)}" if differences else "B: the same"

    def _refresh_legend(self) -> None:
        if self.compare is None or self.compare.session is None:
            return
        legend = self._legend()
        for plot in (self.query_one(CostPlot), self.query_one(AccuracyPlot)):
            if plot.other_label != legend:
                plot.compare_with(legend)

    def action_edit_other(self) -> None:
        """While comparing: the editing panels switch between run A and run B."""
        state = self.compare
        if state is None or state.last is None:
            self.notify("no comparison: fork a run first (f)", severity="warning")
            return
        state.editing = "B" if state.editing == "A" else "A"
        snap = state.last if state.editing == "B" else self.last
        edits = state.edits if state.editing == "B" else self.edits
        architecture, hyper = self.query_one(ArchitecturePanel), self.query_one(HyperPanel)
        # What the panels show now is the other run's, not an edit of their own on its way:
        for kind, value in (("network", architecture.spec), ("hyper", hyper.hyper),
                            ("data", hyper.dataset)):
            edits.seen(kind, value)
        self._show_in_panels(snap, edits)
        for panel, title in ((ArchitecturePanel, "Network"), (HyperPanel, "Training")):
            self.query_one(panel).border_title = f"{title} · run {state.editing}"
        self.notify(f"editing run {state.editing}", timeout=2)

    def action_swap_pictures(self) -> None:
        """On a narrow screen the pictures show A or B: switch."""
        self.screen.toggle_class("-show-b")

    # ---- ending ---------------------------------------------------------------------------------

    def _end_chosen(self, choice: str | None) -> None:
        if choice in ("a", "b", "both"):
            self._keep(choice)

    @work(exclusive=True, group="compare-end")
    async def _keep(self, choice: str) -> None:
        state = self.compare
        saved = []
        if choice in ("a", "both"):
            path = await self._save_run(self.session, self.bridge, self.last)
            saved.append(f"A to {path}" if path else "A: not saved")
        if choice in ("b", "both"):
            path = await self._save_run(state.session, state.bridge, state.last)
            saved.append(f"B to {path}" if path else "B: not saved")
        self._end_comparison()
        self.notify(
            "; ".join(saved) + " (continue one with tui-nn --resume PATH)",
            title="comparison ended",
            timeout=10,
        )

    async def _save_run(self, session, bridge, snap) -> str | None:
        path = runs.new_run_path(snapshot_config(self.config, snap), self.runs_directory)
        bridge.expect_save()
        if not self._raw_send(session, Save(str(path))):
            return None
        path, _ = await asyncio.to_thread(bridge.wait_saved, lambda: session.alive)
        return path  # None: not saved (the notice says so)

    def _end_comparison(self) -> None:
        state = self.compare
        if state is None:
            return
        if state.editing == "B":
            self.action_edit_other()
        self._raw_send(self.session, Pause())
        if state.session is not None:
            state.session.close()
        self.screen.remove_class("-comparing")
        self.screen.remove_class("-show-b")
        self.query_one("#status", StatusLine).prefix = ""
        for selector in ("#boundary-b", "#status-b"):
            for widget in self.query(selector):
                widget.remove()
        for plot in (self.query_one(CostPlot), self.query_one(AccuracyPlot)):
            plot.compare_with(None)
        self._forget_comparison()

    def _forget_comparison(self) -> None:
        if self.compare is not None:
            shutil.rmtree(self.compare.folder, ignore_errors=True)
        self.compare = None

    def close_comparison(self) -> None:
        """On unmount: B's trainer ends with the app."""
        state = self.compare
        if state is not None and state.session is not None:
            state.session.close()
        self._forget_comparison()

    # ---- sending ----------------------------------------------------------------------------------

    def _both(self, command: object) -> bool:
        ok = self._raw_send(self.session, command)
        if self.compare is not None and self.compare.session is not None:
            ok = self._raw_send(self.compare.session, command) and ok
        return ok

    def _raw_send(self, session, command: object) -> bool:
        if session is None or not session.alive:
            self.notify("the trainer is not running", severity="warning")
            return False
        try:
            session.send(command)
        except Exception as exc:
            self.notify(f"could not reach the trainer: {exc}", severity="error")
            return False
        return True
