"""The tui-nn app: edit a network, train it in another process, watch it learn.

One class, read top to bottom: the layout, the snapshots in (`show`, the one place that hands
what arrived to the widgets), the commands out (`send`), the messages of the panels and widgets
(`@on` handlers), and the keys (`action_*`). Its features are objects it holds, each with the
few methods the app calls (docs/ARCHITECTURE.md draws the paths):

    link        run A's trainer: session, bridge, what is pending     link/link.py
    curves      the cost and accuracy plots                           curves.py
    neurons     the heatmap and the neuron under the cursor           neurons.py
    keeper      quit (save), detach, hang-up                          link/keeping.py
    views       the lower-right picture for the data                  views/controller.py
    diagram     the network diagram and weights set by hand           diagram/controller.py
    trace       trace mode                                            trace/controller.py
    comparison  run B and the lockstep                                compare/controller.py
    sweeps      sweep results from the palette                        sweeps/opening.py
    lesson      a lesson's text, goal and locks (None without one)    lessons/controller.py

Each gets the app as a `Host` (host.py: what a feature may use of it) and never imports it.

    app = create_app(RunConfig(), session_factory=RunnerSession)   # tests
    run_app(RunConfig(), fps=10, ...)                               # the CLI (launch.py)
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider
from textual.widgets import Footer, Input, Static

import tui_nn.ui.pace as pace
import tui_nn.ui.watching as read_only
from tui_nn.config import RunConfig, check_speed
from tui_nn.engine.types import EpochRecord
from tui_nn.session.protocol.answers import Answer, GradientReport
from tui_nn.session.protocol.messages import (
    AddPoint,
    CellSamples,
    CheckGradients,
    Fork,
    Pause,
    RemovePoint,
    Reset,
    SetArchitecture,
    SetDataset,
    SetFeatures,
    SetHyper,
    SetSpeed,
    SetView,
    Snapshot,
    Start,
    Step,
)
from tui_nn.ui.compare.controller import Comparison, ForkLost, ForkSnapshots
from tui_nn.ui.crash import Crash
from tui_nn.ui.curves import Curves
from tui_nn.ui.diagram.controller import DiagramController
from tui_nn.ui.diagram.widget import NetworkDiagram
from tui_nn.ui.help import HelpScreen, help_sections, palette_commands
from tui_nn.ui.keymap import APP_BINDINGS
from tui_nn.ui.link.bridge import AnswersLost, SnapshotsArrived, TrainerLost, Update
from tui_nn.ui.link.keeping import RunKeeper
from tui_nn.ui.link.link import TrainerLink
from tui_nn.ui.link.pending import EditKind, Then
from tui_nn.ui.link.session import SessionFactory, real_session
from tui_nn.ui.neurons import Neurons
from tui_nn.ui.notices import MESSAGE_SECONDS, Said
from tui_nn.ui.palette import Palette
from tui_nn.ui.panels.architecture import ArchitecturePanel
from tui_nn.ui.panels.hyper import HyperPanel
from tui_nn.ui.panels.messages import EditRefused
from tui_nn.ui.panels.show import show_run, show_trainers_values
from tui_nn.ui.screenshots.save import save_screenshot
from tui_nn.ui.sweeps.opening import SweepOpening
from tui_nn.ui.trace.controller import TraceMode
from tui_nn.ui.trace.panel import TracePanel
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.views.confusion_matrix import ConfusionMatrix
from tui_nn.ui.views.controller import LowerRight
from tui_nn.ui.views.neuron_maps import NeuronMapsView
from tui_nn.ui.views.replay import ReplayCursor
from tui_nn.ui.views.sample_strip import SampleStrip
from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
from tui_nn.ui.widgets.cost_plot import CostPlot
from tui_nn.ui.widgets.heatmap import NeuronHeatmap
from tui_nn.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui_nn.lessons import Lesson
    from tui_nn.ui.lessons.controller import LessonGuide

GRADIENTS = ("Check gradients", "Backprop against finite differences on the current network "
             "(float64, 8 samples)")  # fmt: skip


class TuiNNApp(App[str | None]):
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
        lesson: Lesson | None = None,
        watch: bool = False,
        projector: bool = False,
    ) -> None:
        super().__init__()
        check_speed(speed)
        self.config = config
        self.attach_to = attach_to  # a running trainer's id: attach instead of starting one
        self.watching = watch and attach_to is not None  # read-only (ui/watching.py)
        self.projector = projector  # the layout for the front of a room: plots, no editor
        self.initial_model = initial_model  # a saved run to continue (--resume)
        self.speed = speed  # the speed limit asked for last (epochs/s; None: no limit)
        self.fps = min(fps, 2.0) if low_bandwidth else fps
        # Numbers at the session's rate; pictures (plots, heatmap, boundary) a few times a second.
        self.picture_interval = max(2.0 if low_bandwidth else 0.5, 1.0 / self.fps)
        self.last: Snapshot | None = None  # run A's newest snapshot, as shown
        self.said: list[Said] = []  # every message, newest last (tests read it here)
        self.refusals: list[str] = []  # every refused edit, newest last
        self._view_sent: SetView | None = None
        self.crash: Crash | None = None  # set when the app failed (crash.py)

        self.link = TrainerLink(session_factory, self.post_message, self.fps, self.notify)
        self.comparison: Comparison  # (set below: it needs the keeper, the keeper its links)
        self.keeper = RunKeeper(
            self,
            self.link,
            runs_directory,
            run_path,
            others=lambda: self.comparison.links(),
            spare=lambda: self.comparison.spare_links(),
        )
        self.comparison = Comparison(self, self.link, self.keeper)
        self.curves = Curves(self, history)
        self.neurons = Neurons(self)
        self.views = LowerRight(self)
        self.replay = ReplayCursor(self)
        self.diagram = DiagramController(self, self.refusals)
        self.trace = TraceMode(self, self.diagram)
        self.diagram.after_set = self.trace.parameter_set
        self.sweeps = SweepOpening(self, self.comparison, self.keeper)
        self.lesson: LessonGuide | None = None
        if lesson:  # the lessons' modules load with a lesson only (~35 ms of every start)
            from tui_nn.ui.lessons.controller import LessonGuide

            self.lesson = LessonGuide(self, lesson, self.link.pending, self.diagram, self.views)

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
                    yield from self.views.compose(interval)
        yield StatusLine(id="status")
        yield ready_footer()

    async def on_mount(self) -> None:
        self.query_one("#layer-list").focus()
        if self.projector:
            self.screen.add_class("-projector", "-hide-editor")
        if self.watching:
            self.screen.add_class("-watching")
            self.notify(read_only.NOTICE, title="watching", timeout=8)
        self.curves.mount()
        self.keeper.watch_hangup(True)
        self.watch(self.screen, "focused", self._focus_changed, init=False)
        if self.lesson is not None:
            await self.lesson.mount()
            self.call_after_refresh(self.lesson.open_view)
        self.call_after_refresh(self._start_session)
        # What start-up built (modules, classes, widgets) lives as long as the app: frozen out
        # of the garbage collector's way, a full collection on the UI thread takes a quarter of
        # the time (measured 110 ms instead of 390-470 ms on a busy machine: a key behind one
        # waits that long).
        self.call_after_refresh(gc.freeze)

    def _focus_changed(self, focused: object) -> None:
        self.neurons.focus_changed(focused)
        if not isinstance(focused, (NeuronHeatmap, NetworkDiagram, NeuronMapsView)):
            self.views.unpeek()

    def _start_session(self) -> None:
        self.keeper.open(self.config, self.initial_model, self.attach_to, watch=self.watching)
        if self.speed is not None and self.attach_to is None:  # a trainer starts with no limit
            self.send(SetSpeed(self.speed))

    async def on_unmount(self) -> None:
        gc.unfreeze()  # what was frozen may be collected again (the next app, the tests' next)
        self.keeper.watch_hangup(False)
        if self.keeper.detached is not None:  # `d`, a hang-up, a crash: they train on
            self.comparison.forget()
            return
        await asyncio.to_thread(self.comparison.close)
        if self.link.session is not None:
            await asyncio.to_thread(self.link.close)

    def _handle_exception(self, error: Exception) -> None:
        """An exception nothing caught (in a handler, a worker, a widget): a crash is a
        detach (crash.py). Then Textual ends the app as it does; the traceback is in the log,
        not on the screen (launch.py says where)."""
        if self.crash is None:
            self.crash = self.keeper.crashed(error)
        super()._handle_exception(error)
        self._exit_renderables.clear()

    # ---- snapshots in ---------------------------------------------------------------------

    # The trainers' notices come from the sessions' threads at any time, also while the app
    # shuts down (its widgets already gone): then they are dropped (`is_running` is false).

    @on(SnapshotsArrived)
    def _snapshots_arrived(self) -> None:
        update = self.link.bridge.take()
        if update is not None and self.is_running:
            self.show(update)

    def show(self, update: Update) -> None:
        """Hand what arrived to the widgets; each repaints within its own budget."""
        snap, previous = update.snapshot, self.last
        self.last = snap
        self.curves.show(update, previous)
        if update.data is not None:
            self.views.use(update.data)
            self.query_one(ArchitecturePanel).show_features(featurable(update.data))
            self.query_one(NetworkDiagram).set_input_names(update.data.input_names)
            self.request_view()
            for note in update.data.notes:  # trains, but will teach little (a CSV of 2 rows)
                self.notify(note, title="data", severity="warning", timeout=15)
        boundary = self.query_one(DecisionBoundary)
        boundary.set_output(snap.network.output.activation)
        if update.grid is not None:
            boundary.update_grid(update.grid)
        self.views.set_network(snap.network.sizes)
        if update.maps is not None:
            self.views.update_maps(update.maps)
        if update.new_run and previous is not None and snap.run_id != previous.run_id:
            self.replay.new_run()
        if update.frames is not None:
            self.replay.frames_arrived(update.frames)
        if update.cell is not None:
            self.views.show_cell(update.cell)
        if update.panel is not None:
            self.views.update_panels(update.panel)
        self.neurons.show(update, previous)
        self.diagram.show(update)
        self.trace.show(update)
        self._settle(update.answers)  # what was asked: edits, traces, weights, checks, a fork
        if not self.comparison.editing_b:  # while run B is edited, the panels show B
            show_run(self, snap, self.link.pending)
        saving = "saving" if self.keeper.saving else None
        self.query_one(StatusLine).show(snap, saving, mid_epoch=self.curves.mid_epoch(snap))
        self._tell_state(previous, snap)
        self.comparison.after_a(update)
        if self.lesson is not None:
            self.lesson.after_show(update, previous)

    def _settle(self, answers: Iterable[Answer]) -> None:
        """The trainer's answers to what this app asked (each handed to whoever asked); an
        edit refused is said, and the panel shows the trainer's value again."""
        for asked, answer in self.link.pending.settle(answers):
            if asked.edit is not None and answer.outcome == "refused":
                self.refusals.append(answer.reason)
                self.notify(answer.reason, title="the trainer refused", severity="warning")

    @on(AnswersLost)
    def _answers_lost(self, event: AnswersLost) -> None:
        """The link ended with commands unanswered: nothing is pending any more, said once."""
        if not self.is_running:
            return
        self.link.pending.settle(event.answers)
        if self.last is not None and not self.comparison.editing_b:
            show_run(self, self.last, self.link.pending)  # the trainer's last values
        names = ", ".join(sorted({a.command for a in event.answers}))
        self.notify(
            f"not answered ({names}): {event.answers[0].reason}", title="lost", severity="warning"
        )

    def _tell_state(self, previous: Snapshot | None, snap: Snapshot) -> None:
        changed = previous is None or previous.state != snap.state
        if changed and snap.state in ("diverged", "error") and snap.message:
            self.notify(snap.message, title=snap.state, severity="error", timeout=8)
        elif changed and snap.state == "finished" and snap.message:
            self.notify(snap.message, title="finished")

    def _gradients_checked(self, answer: Answer) -> None:
        report = answer.value
        if answer.outcome != "accepted" or not isinstance(report, GradientReport):
            self.notify(f"gradient check: {answer.reason}", severity="warning")
            return
        verdict = "ok" if report.ok else f"FAILED (> {report.tolerance:g})"
        self.notify(
            f"gradient check: worst relative error {report.worst:.1e} ({report.samples} "
            f"samples, float64): {verdict}",
            severity="information" if report.ok else "error",
            timeout=10,
        )

    def _data_changed(self, answer: Answer, before: Snapshot | None) -> None:
        """New data taken: what was kept and what restarts (from the snapshots, not text)."""
        snap = self.last
        if answer.outcome != "accepted" or snap is None or before is None:
            return
        if before.network.sizes == snap.network.sizes:
            what = "weights kept; epochs, curves and optimizer state restart"
        else:
            what = "new network for its sizes (fresh weights); curves restart"
        self.notify(f"new data: {what}", title=snap.dataset.name)

    @on(TrainerLost)
    def _trainer_lost(self, event: TrainerLost) -> None:
        if not self.is_running:
            return
        died = event.died
        if died.stopped_by is not None:  # not a crash: stopped there, and saved there
            self.query_one(StatusLine).show(self.last, state="stopped")
            self.notify(died.message, title="stopped", severity="warning", timeout=10)
            return
        alive = died.alive  # only this app's link went; the trainer trains on
        self.query_one(StatusLine).show(self.last, state="unlinked" if alive else "lost")
        title = "link lost" if alive else "trainer died"
        self.notify(died.message, title=title, severity="error", timeout=10)

    @on(ForkSnapshots)
    def _b_arrived(self) -> None:
        if self.is_running:
            self.comparison.b_arrived()

    @on(ForkLost)
    def _b_lost(self, event: ForkLost) -> None:
        if self.is_running:
            self.comparison.b_lost(event)

    # ---- commands out -----------------------------------------------------------------------

    def send(self, command: object, then: Then | None = None) -> bool:
        """Send `command` to run A (while comparing: to A, B or both; `then` gets the
        answer); False when it was not sent."""
        if self.watching and self._watch_refuses(command):
            return False
        if self.lesson is not None and self.lesson.refuses(command):
            return False
        routed = self.comparison.route(command, then)
        if routed is not None:
            return routed
        return self.link.send(command, then)

    def current_view(self) -> SetView | None:
        """The pictures the screen shows: a decision grid (or panel data) when the data has a
        picture, the weights while the diagram is shown."""
        if self.last is None:
            return None
        cols, rows = self.views.grid_size()
        interval = self.picture_interval
        return SetView(
            weights=self.diagram.shown,
            grid=self.views.pictured,
            grid_size=(max(4, cols), max(4, rows)),
            grid_interval=interval,
            weights_interval=interval,
            sample=self.diagram.sample,
            maps=self.views.maps_layer,
            replay=self.replay.epoch,
        )

    def request_view(self, again: bool = False) -> bool:
        view = self.current_view()
        if view is None or (view == self._view_sent and not again):
            return False
        self._view_sent = view
        return self.send(view)

    def request_pictures(self) -> bool:
        """Ask the trainer again for the pictures of the view shown (answered at once, with
        the weights as they are now; the headless screenshot waits for them). False when the
        view shows none."""
        view = self.current_view()
        return view is not None and view.grid and self.request_view(again=True)

    def _watch_refuses(self, command: object) -> bool:
        """A watching app does not send what would change the run: it says so, and the panel
        that proposed an edit shows the trainer's values again."""
        reason = read_only.refusal(command)
        if reason is None:
            return False
        self.refusals.append(reason)
        self.notify(reason, title="watching", severity="warning")
        show_trainers_values(self, self.link.pending, command)
        return True

    def _propose(self, kind: EditKind, value: object, command: object) -> None:
        self.link.pending.seen(kind, value)  # sent, it waits in `pending` for its answer
        if kind == "data":
            before = self.last
            self.send(command, then=lambda answer: self._data_changed(answer, before))
        else:
            self.send(command)

    @on(ArchitecturePanel.ArchitectureProposed)
    def _architecture_proposed(self, event: ArchitecturePanel.ArchitectureProposed) -> None:
        self._propose("network", event.spec, SetArchitecture(event.spec))

    @on(ArchitecturePanel.FeaturesProposed)
    def _features_proposed(self, event: ArchitecturePanel.FeaturesProposed) -> None:
        self.send(SetFeatures(event.features))

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

    # ---- what the widgets say ---------------------------------------------------------------

    @on(DecisionBoundary.GridSizeChanged)
    def _grid_size_changed(self) -> None:
        self.request_view()

    @on(NeuronHeatmap.NeuronSelected)
    def _neuron_selected(self, event: NeuronHeatmap.NeuronSelected) -> None:
        self.neurons.selected(event)
        if event.control.has_focus:
            self.views.peek(event.layer, event.index)

    @on(NetworkDiagram.Selected)
    def _diagram_selected(self, event: NetworkDiagram.Selected) -> None:
        self.diagram.selected(event)
        neuron = event.control.selected_neuron()
        if neuron is not None and event.control.has_focus:
            self.views.peek(*neuron)
        elif neuron is None:  # a weight or an input: the picture of the data again
            self.views.unpeek()

    @on(NeuronMapsView.LayerChanged)
    @on(NeuronMapsView.SizeChanged)
    def _maps_changed(self) -> None:
        self.request_view()

    @on(ConfusionMatrix.CellRequested)
    def _cell_requested(self, event: ConfusionMatrix.CellRequested) -> None:
        self.send(CellSamples(event.true, event.predicted))

    @on(SampleStrip.TraceRequested)
    def _trace_cell_sample(self, event: SampleStrip.TraceRequested) -> None:
        self.trace.open_sample(event.index, "test")

    @on(SampleStrip.CellClosed)
    def _cell_closed(self) -> None:
        self.views.close_cell()

    @on(DecisionBoundary.PointProposed)
    def _point_proposed(self, event: DecisionBoundary.PointProposed) -> None:
        if event.value is None:
            self.send(RemovePoint(event.x, event.y))
        else:
            self.send(AddPoint(event.x, event.y, event.value))

    @on(NetworkDiagram.EditProposed)
    def _diagram_edit(self, event: NetworkDiagram.EditProposed) -> None:
        self.diagram.edit_proposed(event)

    @on(NetworkDiagram.SampleProposed)
    def _diagram_sample(self, event: NetworkDiagram.SampleProposed) -> None:
        self.diagram.sample_proposed(event)

    @on(TracePanel.SampleRequested)
    def _trace_sample(self, event: TracePanel.SampleRequested) -> None:
        self.trace.sample_requested(event)

    @on(TracePanel.ApplyRequested)
    def _trace_apply(self, event: TracePanel.ApplyRequested) -> None:
        self.trace.apply_requested(event)

    @on(TracePanel.PickRequested)
    def _trace_pick(self, event: TracePanel.PickRequested) -> None:
        self.trace.pick_requested(event)

    @on(TracePanel.DiagramRequested)
    def _trace_diagram(self) -> None:
        self.trace.diagram_requested()

    @on(TracePanel.StepShown)
    def _trace_step(self, event: TracePanel.StepShown) -> None:
        self.trace.step_shown(event)

    @on(TracePanel.CloseRequested)
    def _trace_close(self) -> None:
        self.trace.leave()

    def on_click(self, event: events.Click) -> None:
        self.trace.click(event)

    # ---- messages: one at a time ------------------------------------------------------------

    def notify(  # type: ignore[override]  # markup off by default; see notices.py
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,  # messages name values like W1[2,1]: never read as markup
    ) -> None:
        self.said.append(Said(message, title, severity))
        if getattr(self, "_thread_id", None) == threading.get_ident():
            self.clear_notifications()
        super().notify(
            message,
            title=title,
            severity=severity,
            timeout=MESSAGE_SECONDS if timeout is None else timeout,
            markup=markup,
        )

    @property
    def message_shown(self) -> Said | None:
        """The newest message (the one on screen, until it times out)."""
        return self.said[-1] if self.said else None

    # ---- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The lesson's key exists only in a lesson (hidden from the footer otherwise); space
        runs or pauses whatever has the focus (a drop-down too), except where it is typed: a
        text field, and the lists of a dialog (it ticks an item there)."""
        if action == "toggle_lesson":
            return self.lesson is not None
        if action == "toggle_run":
            focused = self.focused
            if isinstance(focused, Input) or isinstance(self.screen, ModalScreen):
                return False
        return True

    def action_toggle_run(self) -> None:
        if self.comparison.lockstep:
            self.comparison.toggle_run()
            return
        running = self.last is not None and self.last.state == "running"
        self.send(Pause() if running else Start())

    def action_step(self) -> None:
        self.send(Step(steps=1))

    def action_step_epoch(self) -> None:
        self.send(Step(epoch=True))

    def action_slower(self) -> None:
        self.set_speed(pace.slower(self.speed))

    def action_faster(self) -> None:
        self.set_speed(pace.faster(self.speed))

    def set_speed(self, speed: float | None) -> None:
        """Ask the trainer for this pace; the status line shows it once the trainer has it."""
        if speed != self.speed and self.send(SetSpeed(speed)):
            self.speed = speed

    def action_reset(self) -> None:
        self.send(Reset())

    def action_reseed(self) -> None:
        seed = (self.last.network.seed + 1) if self.last is not None else None
        self.send(Reset(seed=seed))

    def action_regenerate(self) -> None:
        self.query_one(HyperPanel).regenerate()

    def action_log_scale(self) -> None:
        self.curves.toggle_log_scale()

    def action_smoothing(self) -> None:
        self.curves.next_smoothing()

    def action_heatmap_mode(self) -> None:
        self.neurons.toggle_mode()

    def action_toggle_editor(self) -> None:
        self.screen.toggle_class("-hide-editor")

    def action_focus_network(self) -> None:
        self.screen.remove_class("-hide-editor")
        self.query_one("#layer-list").focus()

    def action_cycle_view(self) -> None:
        self.views.cycle()

    def action_test_points(self) -> None:
        self.views.toggle_test_points()

    def action_replay_back(self) -> None:
        self.replay.back()

    def action_replay_forward(self) -> None:
        self.replay.forward()

    def action_replay_live(self) -> None:
        self.replay.live()

    def action_pick_plane(self) -> None:
        self.views.pick_plane()

    def action_discrete(self) -> None:
        boundaries = list(self.query(DecisionBoundary))
        on = not boundaries[0].discrete
        for boundary in boundaries:
            boundary.set_discrete(on)
        self.notify(f"output: {'discrete classes' if on else 'probabilities'}", timeout=2)

    def action_network_diagram(self) -> None:
        self.diagram.toggle()

    def action_set_parameter(self) -> None:
        self.diagram.prompt()

    def action_trace(self) -> None:
        self.trace.toggle()

    def action_fork(self) -> None:
        if not (self.watching and self._watch_refuses(Fork(""))):
            self.comparison.fork()

    def action_edit_other(self) -> None:
        self.comparison.edit_other()

    def action_swap_pictures(self) -> None:
        self.comparison.swap_pictures()

    def action_toggle_lesson(self) -> None:
        if self.lesson is not None:
            self.lesson.toggle()

    def action_open_sweep(self) -> None:
        if self.watching:
            self.notify("a sweep's trials open in an app of your own", title="watching")
            return
        self.sweeps.open()

    def action_check_gradients(self) -> None:
        self.send(CheckGradients(), then=self._gradients_checked)

    def action_save_screenshot(self) -> Path | None:
        try:
            path = save_screenshot(self.export_screenshot(), self.keeper.runs_directory)
        except OSError as exc:
            self.notify(f"screenshot: could not save ({exc})", severity="error")
            return None
        self.notify(f"screenshot saved to {path}", title="screenshot")
        return path

    def action_quit(self) -> None:
        if self.watching:  # leave: nothing to save, nothing to stop
            self.exit(result=None)
            return
        self.keeper.quit()

    def action_detach(self) -> None:
        self.keeper.detach()

    # ---- help and the command palette ---------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def _offered(self, bindings: Iterable[Binding]) -> list[Binding]:
        return [b for b in bindings if self.check_action(b.action, ())]

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        return help_sections(self._offered(self.BINDINGS))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's saves to Downloads; ours is a binding
                yield command
        yield SystemCommand(*GRADIENTS, self.action_check_gradients)
        panel = self.query_one(ArchitecturePanel)
        yield from palette_commands(
            ((self._offered(self.BINDINGS), self), (ArchitecturePanel.BINDINGS, panel))
        )
        yield SystemCommand(
            "Sweep results", "Open a `tui-nn sweep` results folder", self.action_open_sweep
        )


def ready_footer() -> Footer:
    """The footer, with the app's keys in the first frame. Textual's fills itself only once the
    screen has said its bindings changed, two refreshes after the first frame (0.2-0.4 s later,
    the trainer's start-up in between): until then it was an empty line. The focused widget's
    keys join a moment later, as before."""
    footer = Footer(compact=True)
    ready = getattr(Footer, "_bindings_ready", None)  # Textual's own flag (none: as before)
    if ready is not None:
        footer.set_reactive(ready, True)
    return footer


def featurable(summary) -> tuple[str, ...] | None:  # noqa: ANN001 - a DataSummary
    """The feature inputs in use when this data's inputs can be switched (2-D data: x1, x2
    and what is computed from them), else None."""
    if summary.plane is None or summary.held:
        return None
    if summary.features is not None:
        return tuple(summary.features)
    return ("x1", "x2") if summary.n_inputs == 2 else None


def create_app(config: RunConfig | None = None, **options: Any) -> TuiNNApp:
    """The one app factory, used by the CLI and the tests; `options` are TuiNNApp's
    (session_factory, fps, low_bandwidth, history, runs_directory, initial_model, speed: the
    training speed limit to start with, in epochs per second, None: as fast as possible;
    attach_to: a running trainer's id; run_path: where the run is saved; lesson: a Lesson
    shown beside the app)."""
    return TuiNNApp(config or RunConfig(), **options)
