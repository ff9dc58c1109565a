"""What the app's keys do: training commands and view toggles (a mixin of TuiNNApp).

Every action has a key (TuiNNApp.BINDINGS), appears in the footer or the help screen, and in
the command palette.
"""

from __future__ import annotations

from tui_nn.session.protocol.messages import Pause, Reset, SetSpeed, Start, Step
from tui_nn.ui.panels import HyperPanel
from tui_nn.ui.widgets import AccuracyPlot, CostPlot, NeuronHeatmap
from tui_nn.ui.widgets.diagram import NetworkDiagram

SMOOTHING_STEPS = (0, 5, 20)  # epochs of the plots' moving average, cycled by a key
SPEEDS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)  # epochs per second, chosen with < and >; then max


def slower(speed: float | None) -> float:
    """The next preset below `speed` (None is as fast as possible); the slowest stays."""
    below = [s for s in SPEEDS if speed is None or s < speed]
    return below[-1] if below else SPEEDS[0]


def faster(speed: float | None) -> float | None:
    """The next preset above `speed`; past the fastest, no limit (None), which stays."""
    above = [s for s in SPEEDS if speed is not None and s > speed]
    return above[0] if above else None


class AppActions:
    _smoothing = 0  # the plots' current smoothing window
    speed: float | None = None  # the speed limit asked for last (epochs/s; None: no limit)

    def action_toggle_run(self) -> None:
        running = self.last is not None and self.last.state == "running"
        self.send(Pause() if running else Start())

    def action_step(self) -> None:
        self.send(Step(steps=1))

    def action_step_epoch(self) -> None:
        self.send(Step(epoch=True))

    def action_slower(self) -> None:
        self.set_speed(slower(self.speed))

    def action_faster(self) -> None:
        self.set_speed(faster(self.speed))

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
        cost = self.query_one(CostPlot)
        cost.set_log_scale(not cost.log_scale)

    def action_smoothing(self) -> None:
        steps = SMOOTHING_STEPS
        self._smoothing = steps[(steps.index(self._smoothing) + 1) % len(steps)]
        for plot in (self.query_one(CostPlot), self.query_one(AccuracyPlot)):
            plot.set_smoothing(self._smoothing)
        self.notify(f"smoothing: {self._smoothing or 'off'}", timeout=2)

    def action_heatmap_mode(self) -> None:
        self.query_one(NeuronHeatmap).toggle_mode()
        self.query_one(NetworkDiagram).set_mode(self.query_one(NeuronHeatmap).mode)

    def action_toggle_editor(self) -> None:
        self.screen.toggle_class("-hide-editor")

    def action_focus_network(self) -> None:
        self.screen.remove_class("-hide-editor")
        self.query_one("#layer-list").focus()
