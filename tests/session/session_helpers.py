"""Helpers for the session tests: a sink that records what it receives and waits on conditions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.session.protocol.messages import Snapshot

WAIT = 20.0  # generous: the machine is shared and a spawn imports numpy


class Collector:
    """A sink. `delay` makes it a slow consumer (it sleeps inside the sink call, the way a
    busy UI would be late; the tests themselves never sleep)."""

    def __init__(self, delay: float = 0.0):
        self.items: list[object] = []
        self.delay = delay
        self._cond = threading.Condition()

    def __call__(self, msg: object) -> None:
        if self.delay:
            time.sleep(self.delay)
        with self._cond:
            self.items.append(msg)
            self._cond.notify_all()

    @property
    def count(self) -> int:
        with self._cond:
            return len(self.items)

    def wait(self, pred: Callable[[object], bool], since: int = 0, timeout: float = WAIT):
        """The first item from index `since` on that satisfies `pred` (waits for it)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for item in self.items[since:]:
                    if pred(item):
                        return item
                left = deadline - time.monotonic()
                if left <= 0:
                    last = self.items[-1] if self.items else None
                    raise AssertionError(
                        f"condition not met in {timeout} s; last item: {last!r}"[:2000]
                    )
                self._cond.wait(left)

    def snap(self, since: int = 0, **want) -> Snapshot:
        """Wait for a snapshot whose fields equal `want` (e.g. state="paused")."""

        def ok(item):
            return isinstance(item, Snapshot) and all(
                getattr(item, k) == v for k, v in want.items()
            )

        return self.wait(ok, since)

    def snapshots(self) -> list[Snapshot]:
        with self._cond:
            return [s for s in self.items if isinstance(s, Snapshot)]

    def records(self, run_id: int) -> list:
        return [r for s in self.snapshots() if s.run_id == run_id for r in s.records]


def make_config(name: str = "xor", samples: int = 200, **hyper) -> RunConfig:
    base = {"lr": 0.1, "batch_size": 10}
    base.update(hyper)
    return RunConfig(
        dataset=DatasetSpec(name=name, samples=samples, test_fraction=0.5, seed=1),
        hidden=(8, 8),
        activation="tanh",
        seed=3,
        hyper=HyperParams(**base),
    )
