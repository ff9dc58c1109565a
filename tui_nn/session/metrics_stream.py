"""Every epoch of a run, unthinned, appended to a JSON Lines file as it is trained.

The history the trainer keeps (and snapshots and model files carry) is bounded and thinned
(engine/history.py); whoever wants every epoch reads this file. The app asks for one beside
the saved run. A failing write (a full disk, a folder removed) stops the stream, said once,
and never the run.
"""

from __future__ import annotations

import contextlib
import os

from tui_nn.engine.types import EpochRecord
from tui_nn.errors import one_line


class MetricsStream:
    def __init__(self, path: str | None) -> None:
        self.path = path  # None: no file (or stopped after a failure)
        self._writer = None

    def write(self, run_id: int, record: EpochRecord) -> str | None:
        """Append one epoch; None, or the one-line reason the stream just stopped."""
        if self.path is None:
            return None
        from tui_nn.files import MetricsWriter

        try:
            if self._writer is None:
                os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
                self._writer = MetricsWriter(self.path, append=True)
            self._writer.write({"run": run_id, **record.to_dict()})
            return None
        except (OSError, ValueError) as exc:
            path, self.path = self.path, None
            if self._writer is not None:
                with contextlib.suppress(OSError):
                    self._writer.close()
            self._writer = None
            return f"metrics stopped: cannot write {path} ({one_line(exc)})"
