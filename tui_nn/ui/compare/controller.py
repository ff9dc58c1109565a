"""A/B comparison in the app: fork run B from run A, train both in
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
from dataclasses import dataclass, replace
from pathlib import Path

from textual.message import Message
from textual.widgets import Footer

import tui_nn.ui.link.runs as runs
from tui_nn.config import RunConfig
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
from tui_nn.ui.compare.end import EndComparison
from tui_nn.ui.compare.legend import legend, snapshot_config
from tui_nn.ui.host import Host
from tui_nn.ui.link.bridge import SnapshotsArrived, TrainerLost, Update
from tui_nn.ui.link.keeping import RunKeeper, hangup_ignored_by_children
from tui_nn.ui.link.link import TrainerLink
from tui_nn.ui.link.pending import edit_of
from tui_nn.ui.panels.architecture import ArchitecturePanel
from tui_nn.ui.panels.hyper import HyperPanel
from tui_nn.ui.panels.show import panels_seen, show_run
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
from tui_nn.ui.widgets.cost_plot import CostPlot
from tui_nn.ui.widgets.status_line import StatusLine

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
    b: TrainerLink | None = None  # run B's trainer (once A has written the fork)
    last: Snapshot | None = None  # run B's newest snapshot
    running: bool = False  # lockstep training on
    target: int = 0  # the epoch both runs are asked to reach (A's count)
    offset: int = 0  # B's epoch minus A's when the lockstep started (0 for a fork)
    editing: str = "A"  # which run the editing panels change


class Comparison:
    """The comparison of run A (`link`) with a run B; `state` is None when there is none."""

    def __init__(self, host: Host, link: TrainerLink, keeper: RunKeeper) -> None:
        self.host = host
        self.link = link  # run A's
        self.keeper = keeper  # where run A is kept (B's file is named after it)
        self.state: ComparisonState | None = None

    @property
    def b(self) -> TrainerLink | None:
        """Run B's trainer, while comparing."""
        return self.state.b if self.state is not None else None

    def links(self) -> tuple[TrainerLink, ...]:
        """Run B's trainer, if any (a hang-up or a crash detaches it with A)."""
        b = self.b
        return (b,) if b is not None and b.session is not None else ()

    # ---- hooks called by the app ------------------------------------------------------------

    @property
    def editing_b(self) -> bool:
        return self.state is not None and self.state.editing == "B"

    @property
    def lockstep(self) -> bool:
        """Space starts and pauses the comparison, not one trainer."""
        return self.b is not None

    def route(self, command: object) -> bool | None:
        """While comparing: where a command goes (True/False: handled); None: to A as usual."""
        state, last = self.state, self.host.last
        if state is None or state.b is None:
            return None
        if isinstance(command, Start):
            state.running = True
            if state.last is not None and last is not None:  # a trial as B: another epoch
                state.offset = state.last.epoch - last.epoch
            state.target = last.epoch if last is not None else 0
            self.tick()
            return True
        if isinstance(command, Pause):  # both finish the epoch they are in: still in step
            if state.running:
                state.running = False
                self.host.notify(f"pausing both at the end of epoch {state.target}", timeout=3)
            return True
        if isinstance(command, (Step, SetSpeed, SetView)):
            return self._both(command)
        if isinstance(command, Reset):
            self.host.notify("end the comparison first (f)", severity="warning")
            return False
        edit = edit_of(command)
        if edit is not None and state.editing == "B":
            kind, value = edit
            state.b.edits.seen(kind, value)
            if state.b.send(command):
                state.b.edits.sent(kind, value, state.last)
            return False  # sent to B, or not: either way A's PendingEdits must not wait for it
        return None

    def after_a(self, update: Update) -> None:
        """A's update arrived: B may start (fork confirmed), the lockstep may go on."""
        state = self.state
        if state is None:
            return
        if state.b is None and update.saved_path == state.path:
            self._start_b()
            return
        self.host.query_one("#status", StatusLine).show(self._as_shown(update.snapshot))
        self._refresh_legend()
        self.tick()

    def _as_shown(self, snap: Snapshot) -> Snapshot:
        """Between two epochs of the lockstep a trainer is paused for a moment: the status
        line says the comparison is running instead of flickering."""
        state = self.state
        if state is not None and state.running and snap.state == "paused":
            return replace(snap, state="running", message="in lockstep")
        return snap

    def tick(self) -> None:
        """Both runs at the target epoch and idle: ask both for one more epoch."""
        state, a = self.state, self.host.last
        if state is None or not state.running or state.last is None or a is None:
            return
        b = state.last
        for label, snap in (("A", a), ("B", b)):
            if snap.state in STOPPED:
                state.running = False
                self.host.notify(f"run {label} {snap.state}: lockstep paused", severity="warning")
                self._both(Pause())
                return
        if a.state == "running" or b.state == "running":
            return
        b_epoch = b.epoch - state.offset  # counted as A counts
        if a.epoch >= state.target and b_epoch >= state.target:
            state.target = max(a.epoch, b_epoch) + 1
            self._both(Step(epoch=True))

    def toggle_run(self) -> None:
        """Between two epochs of the lockstep both trainers are paused: the comparison, not a
        trainer's state, says whether space starts or pauses."""
        state = self.state
        if state is not None:
            self.host.send(Pause() if state.running else Start())

    # ---- forking ------------------------------------------------------------------------

    def fork(self) -> None:
        """Fork run B from run A; while comparing, ask how to end the comparison."""
        host = self.host
        if self.state is not None:
            if self.state.b is not None:
                host.push_screen(EndComparison(self._legend()), self._end_chosen)
            return
        if host.last is None or host.last.network is None or self.link.session is None:
            host.notify("nothing to fork yet", severity="warning")
            return
        folder = Path(tempfile.mkdtemp(prefix="tui-nn-fork-"))
        state = ComparisonState(folder=folder, path=str(folder / "fork.npz"))
        self.state = state
        self.link.send(Pause())
        if not self.link.send(Fork(state.path)):
            self._forget()

    def with_model(self, path: str, config: RunConfig) -> None:
        """Run B from a saved model (a sweep trial: trial.py) instead of a fork of A."""
        folder = Path(tempfile.mkdtemp(prefix="tui-nn-fork-"))
        self.state = ComparisonState(folder=folder, path=path)
        self.link.send(Pause())
        self._start_b(config, f"run B is {Path(path).name}")

    def _start_b(self, config: RunConfig | None = None, what: str = "") -> None:
        state, host = self.state, self.host
        config = config or snapshot_config(host.config, host.last)  # A's now (as in the file)
        b = TrainerLink(self.link.factory, self._post_b, self.link.fps, host.notify)
        session = b.open()
        # B saves itself there if it is left alone (the terminal closed under the app), as A
        # does: no trainer trains on with nowhere to keep its run
        keeper = self.keeper
        run_path = runs.sibling_run_path(
            keeper.run_path or runs.new_run_path(config, keeper.runs_directory, create=False),
            "B",
        )
        with hangup_ignored_by_children():
            session.start(config, initial_model=state.path, run_path=str(run_path))
        state.b = b
        speed = host.last.speed if host.last is not None else None
        if speed is not None:
            b.send(SetSpeed(speed))
        self._mount_b()
        what = what or "run B is a copy of run A"
        host.notify(f"{what}: change B with x, train both with space", title="forked")

    def _post_b(self, message: object) -> None:
        if isinstance(message, SnapshotsArrived):
            self.host.post_message(ForkSnapshots())
        elif isinstance(message, TrainerLost):
            self.host.post_message(ForkLost(message.died))

    def _mount_b(self) -> None:
        host = self.host
        host.screen.add_class("-comparing")
        pictures = host.query_one("#pictures")
        b = DecisionBoundary(id="boundary-b", min_interval=host.picture_interval)
        b.label, b.editable = "B", False  # run B's picture: labelled, no points added to it
        pictures.mount(b)
        host.query_one("#boundary", DecisionBoundary).set_label("A")
        host.mount(StatusLine(id="status-b", prefix="B "), before=host.query_one(Footer))
        host.query_one("#status", StatusLine).prefix = "A "
        for plot in (host.query_one(CostPlot), host.query_one(AccuracyPlot)):
            plot.compare_with("B")  # B's first snapshot brings its history (A's, to the fork)

    # ---- run B's snapshots ----------------------------------------------------------------

    def b_arrived(self) -> None:
        state, host = self.state, self.host
        if state is None or state.b is None:
            return
        update = state.b.bridge.take()
        if update is None:
            return
        snap = state.last = update.snapshot
        if state.folder.exists():  # B has read the fork file: no temp file outlives this
            shutil.rmtree(state.folder, ignore_errors=True)
        for plot in (host.query_one(CostPlot), host.query_one(AccuracyPlot)):
            plot.add_other_records(update.records, replace=update.new_run)
        boundary = host.query("#boundary-b")
        if boundary:
            if update.data is not None:
                boundary.first().set_data(update.data)
                view = host.current_view()
                if view is not None and view.grid:
                    state.b.send(
                        SetView(grid=True, grid_size=view.grid_size,
                                grid_interval=view.grid_interval)
                    )
            if update.grid is not None:
                boundary.first().update_grid(update.grid)
        status = host.query("#status-b")
        if status:
            status.first(StatusLine).show(self._as_shown(snap))
        if state.editing == "B":
            self._show_b(snap)
        self._refresh_legend()
        self.tick()

    def b_lost(self, event: ForkLost) -> None:
        self.host.notify(f"run B: {event.died.message}", title="trainer died", severity="error")
        self._end()

    def _show_b(self, snap: Snapshot) -> None:
        """The editing panels show run B (its pending edits held, as the app does for A)."""
        edits = self.state.b.edits
        for answer in edits.answer(snap):
            if answer.refusal is not None:
                self.host.notify(answer.refusal, title="run B refused", severity="warning")
        show_run(self.host, snap, edits)

    # ---- what differs, who is edited --------------------------------------------------------

    def _legend(self) -> str:
        state, a = self.state, self.host.last
        if state is None or state.last is None or a is None:
            return "B"
        return legend(self.host.config, a, state.last)

    def _refresh_legend(self) -> None:
        if self.b is None:
            return
        legend = self._legend()
        for plot in (self.host.query_one(CostPlot), self.host.query_one(AccuracyPlot)):
            if plot.other_label != legend:
                plot.compare_with(legend)

    def edit_other(self) -> None:
        """While comparing: the editing panels switch between run A and run B."""
        state, host = self.state, self.host
        if state is None or state.last is None or state.b is None:
            host.notify("no comparison: fork a run first (f)", severity="warning")
            return
        state.editing = "B" if state.editing == "A" else "A"
        snap = state.last if state.editing == "B" else host.last
        link = state.b if state.editing == "B" else self.link
        panels_seen(host, link.edits)  # the panels show the other run's values now
        if state.editing == "B":
            self._show_b(snap)
        else:
            show_run(host, snap, link.edits)
        for panel, title in ((ArchitecturePanel, "Network"), (HyperPanel, "Training")):
            host.query_one(panel).border_title = f"{title} · run {state.editing}"
        host.notify(f"editing run {state.editing}", timeout=2)

    def swap_pictures(self) -> None:
        """On a narrow screen the pictures show A or B: switch."""
        self.host.screen.toggle_class("-show-b")

    # ---- ending ---------------------------------------------------------------------------------

    def _end_chosen(self, choice: str | None) -> None:
        if choice in ("a", "b", "both"):
            self.host.run_worker(self._keep(choice), exclusive=True, group="compare-end")

    async def _keep(self, choice: str) -> None:
        state = self.state
        saved = []
        if choice in ("a", "both"):
            path = await self._save_run(self.link, self.host.last)
            saved.append(f"A to {path}" if path else "A: not saved")
        if choice in ("b", "both") and state is not None and state.b is not None:
            path = await self._save_run(state.b, state.last)
            saved.append(f"B to {path}" if path else "B: not saved")
        self._end()
        self.host.notify(
            "; ".join(saved) + " (continue one with tui-nn --resume PATH)",
            title="comparison ended",
            timeout=10,
        )

    async def _save_run(self, link: TrainerLink, snap: Snapshot | None) -> str | None:
        if snap is None:
            return None
        config = snapshot_config(self.host.config, snap)
        path = runs.new_run_path(config, self.keeper.runs_directory)
        link.bridge.expect_save()
        if not link.send(Save(str(path))):
            return None
        saved, _ = await asyncio.to_thread(link.bridge.wait_saved, lambda: link.alive)
        return saved  # None: not saved (the notice says so)

    def _end(self) -> None:
        state, host = self.state, self.host
        if state is None:
            return
        if state.editing == "B":
            self.edit_other()
        self.link.send(Pause())
        if state.b is not None:
            state.b.close()
        host.screen.remove_class("-comparing")
        host.screen.remove_class("-show-b")
        host.query_one("#status", StatusLine).prefix = ""
        host.query_one("#boundary", DecisionBoundary).set_label("")
        for selector in ("#boundary-b", "#status-b"):
            for widget in host.query(selector):
                widget.remove()
        for plot in (host.query_one(CostPlot), host.query_one(AccuracyPlot)):
            plot.compare_with(None)
        self._forget()

    def _forget(self) -> None:
        if self.state is not None:
            shutil.rmtree(self.state.folder, ignore_errors=True)
        self.state = None

    def close(self) -> None:
        """On unmount: B's trainer ends with the app."""
        b = self.b
        if b is not None:
            b.close()
        self._forget()

    # ---- sending ----------------------------------------------------------------------------------

    def _both(self, command: object) -> bool:
        ok = self.link.send(command)
        b = self.b
        if b is not None:
            ok = b.send(command) and ok
        return ok
