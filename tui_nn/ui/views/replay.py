"""Training replayed: an epoch cursor over the frames the trainer keeps (the weights of thinned
epochs), `[` and `]` to move it, `\\` (or `]` past the newest) to go live again. While it is on
an epoch the view asks the trainer for that epoch's pictures (`SetView.replay`): the decision
boundary and the neuron maps show the network as it was then, their legends say which epoch.
"""

from __future__ import annotations

from tui_nn.ui.host import Host


class ReplayCursor:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.frames: tuple[int, ...] = ()  # the epochs the trainer can replay, oldest first
        self.epoch: int | None = None  # the epoch shown (None: live)

    def frames_arrived(self, frames: tuple[int, ...]) -> None:
        self.frames = frames
        if self.epoch is not None and frames and self.epoch not in frames:  # thinned away
            self.epoch = max((e for e in frames if e <= self.epoch), default=frames[0])

    def new_run(self) -> None:
        """A new run (reset, new data): its own frames come; live again."""
        if self.epoch is not None:
            self.epoch = None
            self.host.request_view()

    def back(self) -> None:
        if not self.frames:
            self.host.notify("replay: no epochs kept yet (train first)", timeout=3)
            return
        if self.epoch is None:
            self.epoch = self.frames[-2] if len(self.frames) > 1 else self.frames[-1]
        else:
            earlier = [e for e in self.frames if e < self.epoch]
            self.epoch = earlier[-1] if earlier else self.frames[0]
        self._show()

    def forward(self) -> None:
        if self.epoch is None:
            return
        later = [e for e in self.frames if e > self.epoch]
        if not later or later[0] == self.frames[-1] and self._live_is_newest():
            self.live()
            return
        self.epoch = later[0]
        self._show()

    def live(self) -> None:
        if self.epoch is None:
            return
        self.epoch = None
        self.host.request_view()
        self.host.notify("replay: live again", timeout=2)

    def _live_is_newest(self) -> bool:
        last = self.host.last
        return last is not None and bool(self.frames) and last.epoch <= self.frames[-1]

    def _show(self) -> None:
        self.host.request_view()
        newest = self.frames[-1] if self.frames else "?"
        self.host.notify(
            f"replay: epoch {self.epoch} (kept: {len(self.frames)} epochs up to {newest}); "
            "[ ] move, \\ live",
            timeout=3,
        )
