"""The file a detached trainer saves its run to, named by the data it trains on.

The app chooses the name when it starts the trainer (`run_names.new_name`: `<stamp>-circle.npz`,
its metrics `<stamp>-circle.jsonl` beside it) or the user does (`--save`, a resumed file). When
the run goes on with other data, the next save renames both files to follow it
(`<stamp>-spiral.npz`, run_names.followed); a name the user gave stays. Every name the file had
still means this run file: an app that asks to save to the name it was started with gets the
current one (the answer says which).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import tui_nn.run_names as run_names
from tui_nn.session.trainer.metrics_stream import MetricsStream


class RunFile:
    def __init__(self, path: str | None, data: str, metrics: MetricsStream) -> None:
        self.path = path  # None: the run is not saved to a file of its own
        self.data = data  # the data the name is for
        self.metrics = metrics  # the run's metrics stream, moved along with the file
        self._names = {self._key(path)} if path is not None else set()

    @staticmethod
    def _key(path: str) -> str:
        return os.path.realpath(os.path.abspath(path))

    def means(self, path: str) -> bool:
        """Is `path` this run's file, under any name it had?"""
        return self.path is not None and self._key(path) in self._names

    def follow(self, data: str) -> str | None:
        """The path to save to now that the run trains on `data`: renamed (the model file and
        its metrics, if they exist yet) when the name was for other data."""
        if self.path is None:
            return None
        new = str(run_names.followed(self.path, self.data, data))
        if new != self.path:
            old = Path(self.path)
            for suffix in (".npz", ".jsonl"):
                with contextlib.suppress(OSError):  # nothing written there yet (or cannot move)
                    os.replace(old.with_suffix(suffix), Path(new).with_suffix(suffix))
            if self.metrics.path is not None and self._key(self.metrics.path) == self._key(
                str(old.with_suffix(".jsonl"))
            ):
                self.metrics.path = str(Path(new).with_suffix(".jsonl"))
            self.path = new
            self._names.add(self._key(new))
        self.data = data
        return self.path
