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
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from textual.message import Message
from textual.widgets import Footer

import tui_nn.ui.link.runs as runs
from tui_nn.config import RunConfig
from tui_nn.session.protocol.answers import Answer
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
from tui_nn.ui.compare.rate import LockstepRate
from tui_nn.ui.host import Host
from tui_nn.ui.link.bridge import SnapshotsArrived, TrainerLost, Update
from tui_nn.ui.link.keeping import RunKeeper, hangup_ignored_by_children
from tui_nn.ui.link.link import TrainerLink
from tui_nn.ui.link.pending import Then, edit_of
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
    rates: dict[str, LockstepRate] = field(default_factory=dict)  # "A"/"B": measured here
    b_run_path: Path | None = None  # where run B is kept (beside A's run file)


class Comparison:
    """The comparison of run A (`link`) with a run B; `state` is None when there is none."""

    def __init__(self, host: Host, link: TrainerLink, keeper: RunKeeper) -> None:
        self.host = host
        self.link = link  # run A's
        self.keeper = keeper  # where run A is kept (B's file is named after it)
        self.state: ComparisonState | None = None
        self.clock = time.monotonic  # for the lockstep's samples per second (rate.py)

    @property
    def b(self) -> TrainerLink | None:
        """Run B's trainer, while comparing."""
        return self.state.b if self.state is not None else None

    def links(self) -> tuple[TrainerLink, ...]:
        """Run B's trainer, if it has a run of its own to keep (trained, or weights set, since
        the fork: the snapshot's `changed`): a hang-up or a crash detaches it with A."""
        b = self.b
        if b is None or b.session is None or not self._b_changed():
            return ()
        return (b,)

    def spare_links(self) -> tuple[TrainerLink, ...]:
        """Run B's trainer while it is only the copy of A at the fork (nothing to save: its
        trainer would save no file): when the app goes, it is stopped, not left idle."""
        b = self.b
        if b is None or b.session is None or self._b_changed():
            return ()
        return (b,)

    def _b_changed(self) -> bool:
        last = self.state.last if self.state is not None else None
        return last is not None and last.changed

    # ---- hooks called by the app ------------------------------------------------------------

    @property
    def editing_b(self) -> bool:
        return self.state is not None and self.state.editing == "B"

    @property
    def lockstep(self) -> bool:
        """Space starts and pauses the comparison, not one trainer."""
        return self.b is not None

    def route(self, command: object, then: Then | None = None) -> bool | None:
        """While comparing: where a command goes (True/False: handled); None: to A as usual.
        An edit while B is edited goes to B (`then` gets B's answer)."""
        state, last = self.state, self.host.last
        if state is None or state.b is None:
            return None
        if isinstance(command, Start):
            state.running = True
            state.rates = {"A": LockstepRate(self.clock), "B": LockstepRate(self.clock)}
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
            state.b.pending.seen(*edit)
            state.b.send(command, then)  # it waits in B's pending for B's answer
            return False  # handled: A must not get it
        return None

    def after_a(self, update: Update) -> None:
        """A's update arrived: B may start (fork confirmed), the lockstep may go on."""
        state = self.state
        if state is None:
            return
        self.host.query_one("#status", StatusLine).show(self._as_shown(update.snapshot, "A"))
        self._refresh_legend()
        self.tick()

    def _as_shown(self, snap: Snapshot, run: str) -> Snapshot:
        """Between two epochs of the lockstep a trainer is paused for a moment: the status
        line says the comparison is running instead of flickering, and shows the samples per
        second the app measures (the trainer's meter sees only single epochs: rate.py)."""
        state = self.state
        if state is None or not state.running or run not in state.rates:
            return snap
        rate = state.rates[run].read(snap.samples_seen)
        if snap.state in ("paused", "running"):
            return replace(snap, state="running", message="in lockstep", samples_per_sec=rate)
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
        if not self.link.send(Fork(state.path), then=self._forked):
            self._forget()

    def _forked(self, answer: Answer) -> None:
        """A wrote the fork file (accepted): B starts from it; else no comparison, and why."""
        state = self.state
        if state is None or state.b is not None:
            return
        if answer.outcome == "accepted":
            self._start_b()
            return
        self.host.notify(f"fork: {answer.reason}", title="no comparison", severity="warning")
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
        run_path = runs.sibling_run_path(keeper.run_file(), "B")  # beside A's, named after it
        with hangup_ignored_by_children():
            session.start(config, initial_model=state.path, run_path=str(run_path))
        state.b, state.b_run_path = b, run_path
        speed = host.last.speed if host.last is not None else None
        if speed is not None:
            b.send(SetSpeed(speed))
        self._mount_b()
        what = what or "run B is a copy of run A"
        host.notify(f"{what}: change B with x, train both with space", title="forked")

    def _post_b(self, message: object) -> None:
        """B's bridge posts here (from B's session thread). B's commands lost when its link
        ends go with the comparison, which ends then (ForkLost, or `_end` closing B)."""
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
        for asked, answer in state.b.pending.settle(update.answers):
            if asked.edit is not None and answer.outcome == "refused":
                self.host.notify(answer.reason, title="run B refused", severity="warning")
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
            status.first(StatusLine).show(self._as_shown(snap, "B"))
        if state.editing == "B":
            self._show_b(snap)
        self._refresh_legend()
        self.tick()

    def b_lost(self, event: ForkLost) -> None:
        died = event.died
        title = "stopped" if died.stopped_by is not None else "trainer died"
        self.host.notify(f"run B: {died.message}", title=title, severity="error")
        self._end()

    def _show_b(self, snap: Snapshot) -> None:
        """The editing panels show run B (its pending edits held, as the app does for A)."""
        show_run(self.host, snap, self.state.b.pending)

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
        panels_seen(host, link.pending)  # the panels show the other run's values now
        if state.editing == "B":
            self._show_b(snap)
        else:
            show_run(host, snap, link.pending)
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
        if choice in ("a", "both"):  # to A's run file: the one `q` saves to, beside its metrics
            path = await self._save_run(self.link, self.host.last, self.keeper.run_file())
            saved.append(f"A to {path}" if path else "A: not saved")
        if choice in ("b", "both") and state is not None and state.b is not None:
            path = await self._save_run(state.b, state.last, state.b_run_path)
            saved.append(f"B to {path}" if path else "B: not saved")
        self._end()
        self.host.notify(
            "; ".join(saved) + " (continue one with tui-nn --resume PATH)",
            title="comparison ended",
            timeout=10,
        )

    async def _save_run(
        self, link: TrainerLink, snap: Snapshot | None, path: Path | None
    ) -> str | None:
        if snap is None:
            return None
        if path is None:
            config = snapshot_config(self.host.config, snap)
            path = runs.new_run_path(config, self.keeper.runs_directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        cid = link.request(Save(str(path)))
        if not cid:
            return None
        link.bridge.expect_save(cid)
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

    def forget(self) -> None:
        """The app leaves run B training (detached): only the temporary folder goes."""
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
