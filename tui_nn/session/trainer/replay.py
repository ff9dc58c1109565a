"""Training replayed: the trainer keeps the weights of thinned epochs (`engine.frames`), and a
view that asks for an epoch (`SetView.replay`) gets its decision grid, fit curve and neuron maps
drawn from that epoch's weights, once per request, whatever the live run does meanwhile.

`Replay` is the one owner of that state; the runner calls `new_run`, `epoch_done` and
`view_changed`, and the snapshot builder asks `network_for` and `epochs_if_changed`.
"""

from __future__ import annotations

from tui_nn.engine.frames import Frames
from tui_nn.session.protocol.messages import SetView


class Replay:
    def __init__(self) -> None:
        self.frames = Frames()
        self.due = False  # a replayed picture is owed (the view asked for another epoch)
        self.sent: tuple[int, ...] | None = None  # the epochs the app was last told of

    def new_run(self, runner) -> None:  # noqa: ANN001 - the Runner
        """Weights that start (or go on, after an architecture change) at this epoch."""
        self.offer(runner)

    def epoch_done(self, runner) -> None:  # noqa: ANN001
        self.offer(runner)

    def offer(self, runner) -> None:  # noqa: ANN001
        trainer, dataset = runner.trainer, runner.dataset
        if trainer is None or dataset is None:
            return
        from tui_nn.session.trainer.neuron_maps import applies

        if applies(dataset):
            self.frames.offer(trainer.epoch, runner.net)

    def view_changed(self, view: SetView) -> None:
        self.due = view.replay is not None

    def network_for(self, runner, view: SetView):  # noqa: ANN001, ANN201
        """(network, epoch) to draw: the live one (epoch None), or the replayed epoch's."""
        if view.replay is None:
            return runner.net, None
        frame = self.frames.at(view.replay) or (self.frames.frames or [None])[0]
        if frame is None:
            return runner.net, None
        return frame.network(), frame.epoch

    def picture_due(self, view: SetView, live_due: bool) -> bool:
        """Is a picture owed: a live one on its schedule, or the replayed one once asked for?"""
        if view.replay is None:
            return live_due
        due, self.due = self.due, False
        return due

    def epochs_if_changed(self) -> tuple[int, ...] | None:
        epochs = tuple(self.frames.epochs())
        if epochs == self.sent:
            return None
        self.sent = epochs
        return epochs
