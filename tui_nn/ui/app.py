"""The tui-nn app: edit a network, train it in another process, watch it learn.

The app renders snapshots and sends commands, nothing else (docs/ARCHITECTURE.md). The
session's reader thread hands snapshots to a `SnapshotBridge`, which posts one
`SnapshotsArrived` notice at a time; `show()` (on the UI thread) is the one place that hands
them to the widgets. Edits come up from the panels as `...Proposed` messages and go out to the
trainer as commands; the app alone keeps what is pending (`PendingEdits`) and shows a refusal.
Keys: actions.py; quitting and hang-ups: saving.py.

    app = create_app(RunConfig(), session_factory=FakeSession)   # tests
    run_app(RunConfig(), fps=10, low_bandwidth=False, resume=False, speed=None)  # the CLI
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

import tui_nn.ui.gradient_check as gradient_check
from tui_nn.config import RunConfig, check_fps, check_speed
from tui_nn.engine.types import EpochRecord
from tui_nn.rule import RuleError
from tui_nn.session.protocol.messages import (
    SetArchitecture,
    SetDataset,
    SetHyper,
    SetSpeed,
    Snapshot,
)
from tui_nn.ui import runs
from tui_nn.ui.actions import AppActions
from tui_nn.ui.bridge import SnapshotBridge, SnapshotsArrived, TrainerLost
from tui_nn.ui.comparison import Comparison
from tui_nn.ui.diagram_actions import DiagramActions
from tui_nn.ui.edits import EditKind, PendingEdits
from tui_nn.ui.gradient_check import GradientCheck
from tui_nn.ui.help import HelpScreen, palette_commands
from tui_nn.ui.keymap import APP_BINDINGS
from tui_nn.ui.lower_right import PictureViews
from tui_nn.ui.panels import ArchitecturePanel, EditRefused, HyperPanel
from tui_nn.ui.panels.trace import TracePanel
from tui_nn.ui.saving import RunKeeping, hangup_ignored_by_children
from tui_nn.ui.screenshot import Screenshots
from tui_nn.ui.showing import SnapshotShowing
from tui_nn.ui.status import StatusLine, neuron_text
from tui_nn.ui.sweep_view import SweepOpening
from tui_nn.ui.telling import OneMessage
from tui_nn.ui.trace_mode import TraceMode
from tui_nn.ui.trainer_link import Session, SessionFactory, real_session
from tui_nn.ui.widgets import AccuracyPlot, CostPlot, DecisionBoundary, NeuronHeatmap
from tui_nn.ui.widgets.diagram import NetworkDiagram


class TuiNNApp(
    SnapshotShowing,
    OneMessage,
    PictureViews,
    Screenshots,
    GradientCheck,
    Comparison,
    AppActions,
    TraceMode,
    DiagramActions,
    RunKeeping,
    SweepOpening,
    App[str | None],
):
    """The result of `run()` is the path the run was saved to on quit (or None)."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-nn"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        config: RunConfig,
        *,
        session_factory: SessionFactory = real_session,
        fps: float = 10.0,
        low_bandwidth: bool = False,
        history: Sequence[EpochRecord] = (),
        runs_directory: Path | None = None,
        initial_model: str | None = None,
        speed: float | None = None,
        attach_to: str | None = None,
        run_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.attach_to = attach_to  # a running trainer's id: attach instead of starting one
        check_speed(speed)
        self.initial_model = initial_model  # a saved run to continue (--resume)
        self.speed = speed  # epochs per second at most (None: as fast as possible)
        self.config = config
        self.fps = min(fps, 2.0) if low_bandwidth else fps
        # Numbers at the session's rate; pictures (plots, heatmap, boundary) a few times a second.
        self.picture_interval = max(2.0 if low_bandwidth else 0.5, 1.0 / self.fps)
        self.session_factory = session_factory
        self.runs_directory = runs_directory
        self.run_path = run_path  # where this run is saved (chosen on first need)
        self.history = tuple(history)  # curves of a resumed run, shown until the trainer's own
        self.bridge = SnapshotBridge(self.post_message)
        self.session: Session | None = None
        self.last: Snapshot | None = None
        self._new_data_run: int | None = None  # run id of a data change, until its first step
        self.edits = PendingEdits()  # edits sent and not yet answered by the trainer
        self.refusals: list[str] = []  # every refused edit, newest last (tests read it)
        self._grid_view: tuple[bool, tuple[int, int]] | None = None
        self.architecture_marks: list[int] = []  # epochs where the architecture changed

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        interval = self.picture_interval
        with Horizontal(id="main"):
            with Vertical(id="editor"):
                yield ArchitecturePanel(id="architecture")
                yield HyperPanel(id="hyper")
            with Vertical(id="views"):
                with Horizontal(id="plots"):
                    yield CostPlot(id="cost", min_interval=interval)
                    yield AccuracyPlot(id="accuracy", min_interval=interval)
                with Horizontal(id="pictures"):
                    with Vertical(id="neurons"):
                        yield NeuronHeatmap(id="heatmap", min_interval=interval)
                        yield NetworkDiagram(id="diagram", min_interval=interval)
                        yield Static(id="neuron-info")
                    yield TracePanel(id="trace")
                    yield from self.compose_views(interval)
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#layer-list").focus()
        if self.history:
            self.query_one(CostPlot).add_records(self.history)
            self.query_one(AccuracyPlot).add_records(self.history)
        self._watch_hangup(True)
        self.watch(self.screen, "focused", self._focus_changed, init=False)
        self.call_after_refresh(self._start_session)

    def _start_session(self) -> None:
        self.session = self.session_factory(self.bridge, fps=self.fps)
        if self.attach_to is not None:
            self.session.attach(self.attach_to)
            return
        run_path = self.run_file()
        with hangup_ignored_by_children():
            self.session.start(
                self.config,
                initial_model=self.initial_model,
                run_path=str(run_path),
                metrics_path=str(run_path.with_suffix(".jsonl")),
            )
        if self.speed is not None:  # the trainer starts with no limit
            self.send(SetSpeed(self.speed))

    async def on_unmount(self) -> None:
        self._watch_hangup(False)
        await asyncio.to_thread(self.close_comparison)
        if self.session is not None and not self.detached:  # detached: it trains on
            await asyncio.to_thread(self.session.close)

    # ---- snapshots in ---------------------------------------------------------------------

    @on(SnapshotsArrived)
    def _snapshots_arrived(self) -> None:
        update = self.bridge.take()
        if update is not None:
            self.show(update)

    @on(DecisionBoundary.GridSizeChanged)
    def _request_grid(self) -> None:
        """Ask for pictures (decision grids for 2-D data, one sample per pixel, or the panel
        data of the other views) only when a view shows them."""
        boundary = self.query_one(DecisionBoundary)
        data_2d = bool(self.views)
        cols, rows = boundary.grid_size
        view = (data_2d, (max(4, cols), max(4, rows)))
        if self.last is not None and view != self._grid_view:
            self._grid_view = view
            self.send(self.view_command(*view))

    @on(TrainerLost)
    def _trainer_lost(self, event: TrainerLost) -> None:
        alive = event.died.alive  # only this app's link went; the trainer trains on
        self.query_one(StatusLine).show(self.last, state="unlinked" if alive else "lost")
        title = "link lost" if alive else "trainer died"
        self.notify(event.died.message, title=title, severity="error", timeout=10)

    # ---- edits out --------------------------------------------------------------------------

    def send(self, command: object) -> bool:
        routed = self.compare_route(command)  # while comparing: to A, B or both
        if routed is not None:
            return routed
        if self.session is None or not self.session.alive:
            self.notify("the trainer is not running", severity="warning")
            return False
        try:
            self.session.send(command)
        except Exception as exc:  # SessionClosed, a broken pipe: say so, keep the UI alive
            self.notify(f"could not reach the trainer: {exc}", severity="error")
            return False
        return True

    def _propose(self, kind: EditKind, value: object, command: object) -> None:
        self.edits.seen(kind, value)
        if self.send(command):
            self.edits.sent(kind, value, self.last)

    @on(ArchitecturePanel.ArchitectureProposed)
    def _architecture_proposed(self, event: ArchitecturePanel.ArchitectureProposed) -> None:
        self._propose("network", event.spec, SetArchitecture(event.spec))

    @on(HyperPanel.HyperProposed)
    def _hyper_proposed(self, event: HyperPanel.HyperProposed) -> None:
        self._propose("hyper", event.hyper, SetHyper(event.hyper))

    @on(HyperPanel.DatasetProposed)
    def _dataset_proposed(self, event: HyperPanel.DatasetProposed) -> None:
        self._propose("data", event.spec, SetDataset(event.spec))

    @on(EditRefused)
    def _refused(self, event: EditRefused) -> None:
        self.refusals.append(event.reason)
        self.notify(event.reason, title="refused", severity="warning")

    @on(NeuronHeatmap.NeuronSelected)
    def _neuron_selected(self, event: NeuronHeatmap.NeuronSelected) -> None:
        info = self.query_one("#neuron-info", Static)
        info.update(neuron_text(event, self.last, self.query_one("#neurons").size.width))
        info.add_class("-shown")

    def _focus_changed(self, focused: object) -> None:
        """The neuron line is shown only while the heatmap has the focus."""
        if not isinstance(focused, (NeuronHeatmap, NetworkDiagram)):
            self.query_one("#neuron-info").remove_class("-shown")

    # ---- help and the command palette (the actions are in actions.py) ---------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        return [
            ("Training and view", list(self.BINDINGS)),
            ("Network panel (when it has the focus)", list(ArchitecturePanel.BINDINGS)),
            ("Heatmap (when it has the focus)", list(NeuronHeatmap.BINDINGS)),
            ("Trace mode (T)", list(TracePanel.BINDINGS)),
            ("Network diagram (n; when it has the focus)", list(NetworkDiagram.BINDINGS)),
        ]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's saves to Downloads; ours is a binding
                yield command
        yield SystemCommand(gradient_check.TITLE, gradient_check.HELP, self.action_check_gradients)
        panel = self.query_one(ArchitecturePanel)
        yield from palette_commands(((self.BINDINGS, self), (ArchitecturePanel.BINDINGS, panel)))
        yield SystemCommand(
            "Sweep results", "Open a `tui-nn sweep` results folder", self.action_open_sweep
        )


def create_app(config: RunConfig | None = None, **options: Any) -> TuiNNApp:
    """The one app factory, used by the CLI and the tests; `options` are TuiNNApp's
    (session_factory, fps, low_bandwidth, history, runs_directory, initial_model, speed: the
    training speed limit to start with, in epochs per second, None: as fast as possible;
    attach_to: a running trainer's id; run_path: where the run is saved)."""
    return TuiNNApp(config or RunConfig(), **options)


def run_app(
    config: RunConfig,
    *,
    fps: float = 10.0,
    low_bandwidth: bool = False,
    resume: str | bool = False,
    speed: float | None = None,
) -> int:
    """Run the app in this terminal; the exit code for the CLI (2: bad --resume, --fps or
    --speed). `speed`: epochs per second at most, None for as fast as possible."""
    history: tuple[EpochRecord, ...] = ()
    initial_model = None
    if resume:
        try:
            saved = runs.load_run(resume)
        except runs.RunError as exc:
            print(f"tui-nn: {exc}", file=sys.stderr)
            return 2
        config, history, initial_model = saved.config, saved.history, str(saved.path)
    try:
        check_fps(fps)
        check_speed(speed)
    except RuleError as exc:
        print(f"tui-nn: --{exc}", file=sys.stderr)
        return 2
    app = create_app(
        config,
        fps=fps,
        low_bandwidth=low_bandwidth,
        history=history,
        initial_model=initial_model,
        speed=speed,
    )
    return finish_app(app)


def finish_app(app: TuiNNApp) -> int:
    """Run `app` in this terminal; what it leaves behind, said after it exits."""
    saved_path = app.run()
    if app.detached:
        print(f"tui-nn: detached; training goes on in trainer {app.detached}")
        print(f"         come back with: tui-nn attach {app.detached}")
        return 0
    if app.save_error:
        print(f"tui-nn: {app.save_error}", file=sys.stderr)
        return 1
    if app.return_code not in (0, None):
        return app.return_code
    if saved_path:
        print(f"tui-nn: saved this run to {saved_path}")
        print("         continue it with: tui-nn --resume")
    if app.next_model:  # a sweep trial chosen from the palette: open it as --resume does
        low = app.picture_interval >= 2.0
        return run_app(app.config, fps=app.fps, low_bandwidth=low, resume=app.next_model)
    return 0
