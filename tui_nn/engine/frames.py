"""Replay frames: the network's weights at thinned epochs of a run, so any picture of an earlier
epoch (the decision boundary, the neuron maps) can be drawn again from the weights it had.

Bounded by design, like the metric history: at most `limit` frames (and at most `max_bytes`
of weights). A frame is taken at every epoch that is a multiple of the stride; when the store is
full, every other frame goes and the stride doubles, so the kept epochs stay evenly spread over
the whole run (0, 4, 8, ... then 0, 8, 16, ...) and memory never grows with the run's length.
The first and the newest epochs are always kept. A frame holds its own spec, so frames taken
before an architecture change still draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_nn.engine.network import Network
from tui_nn.engine.spec import NetworkSpec

LIMIT = 64  # frames kept at most
MAX_BYTES = 32 * 1024 * 1024  # weights kept at most, over all frames


@dataclass(frozen=True)
class Frame:
    epoch: int
    spec: NetworkSpec
    params: np.ndarray  # the flat parameters at the end of that epoch (a copy)

    def network(self) -> Network:
        """A network with this frame's weights (its own copy)."""
        net = Network.from_spec(self.spec)
        np.copyto(net.flat_params, self.params)
        return net


class Frames:
    """Weights at thinned epochs (see the module docstring)."""

    def __init__(self, limit: int = LIMIT, max_bytes: int = MAX_BYTES) -> None:
        self.limit = max(limit, 4)
        self.max_bytes = max_bytes
        self.clear()

    def clear(self) -> None:
        self.frames: list[Frame] = []
        self.stride = 1
        self.latest: Frame | None = None  # the newest epoch, kept whatever its stride

    def __len__(self) -> int:
        return len(self.frames) + (self.latest is not None)

    @property
    def nbytes(self) -> int:
        return sum(f.params.nbytes for f in self._all())

    def epochs(self) -> list[int]:
        """The epochs that have a frame, oldest first."""
        return [f.epoch for f in self._all()]

    def _all(self) -> list[Frame]:
        return self.frames + ([self.latest] if self.latest is not None else [])

    def offer(self, epoch: int, net: Network) -> None:
        """The weights at the end of `epoch`: kept if the stride takes it (the newest always)."""
        frame = Frame(epoch, net.spec, net.flat_params.copy())
        if frame.params.nbytes * 2 > self.max_bytes:  # a network too big to replay
            return
        if self.frames and epoch < self.frames[-1].epoch:  # a restart: history starts again
            self.clear()
        if self.frames and epoch == self.frames[-1].epoch:  # the same epoch, new weights
            self.frames[-1] = frame  # (an architecture change, a trace step)
            self.latest = None
        elif epoch % self.stride == 0:
            self.frames.append(frame)
            self.latest = None
            self._thin()
        else:
            self.latest = frame

    def _thin(self) -> None:
        capacity = min(self.limit, self.max_bytes // max(self.frames[-1].params.nbytes, 1) - 1)
        while len(self.frames) > max(capacity, 2):
            self.stride *= 2
            first = self.frames[0]
            self.frames = [first] + [f for f in self.frames[1:] if f.epoch % self.stride == 0]

    def at(self, epoch: int) -> Frame | None:
        """The frame of `epoch`, or the nearest one before it (None before the first)."""
        best = None
        for frame in self._all():
            if frame.epoch <= epoch and (best is None or frame.epoch >= best.epoch):
                best = frame
        return best
