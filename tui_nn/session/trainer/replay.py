"""Training replayed: the trainer keeps the weights of thinned epochs (`engine.frames`), and a
view that asks for an epoch (`SetView.replay`) gets its decision grid, fit curve and neuron maps
drawn from that epoch's weights, once per request, whatever the live run does meanwhile.

`Replay` (the run's `replay`) keeps the frames: the run offers it the weights when a run begins
and after each epoch, and the snapshot code asks `network_for` the view. What is owed about it
(the replayed picture asked for, the epochs the apps were last told of) is in `Owed`.
"""

from __future__ import annotations

from tui_nn.engine.frames import Frames
from tui_nn.session.protocol.messages import SetView


class Replay:
    def __init__(self) -> None:
        self.frames = Frames()

    def offer(self, run) -> None:  # noqa: ANN001 - the Run
        """The run's weights now (a run began, an epoch ended): kept if their epoch is due."""
        trainer, dataset = run.trainer, run.dataset
        if trainer is None or dataset is None:
            return
        from tui_nn.session.trainer.neuron_maps import applies

        if applies(dataset):
            self.frames.offer(trainer.epoch, run.net)

    def restart(self, run) -> None:  # noqa: ANN001
        """The run's counters were set afresh (a resumed run): the frames start again there."""
        self.frames.clear()
        self.offer(run)

    def network_for(self, run, view: SetView):  # noqa: ANN001, ANN201
        """(network, epoch) to draw: the live one (epoch None), or the replayed epoch's."""
        if view.replay is None:
            return run.net, None
        frame = self.frames.at(view.replay) or (self.frames.frames or [None])[0]
        if frame is None:
            return run.net, None
        return frame.network(), frame.epoch

    def epochs(self) -> tuple[int, ...]:
        return tuple(self.frames.epochs())
