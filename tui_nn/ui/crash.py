"""A crash never loses a run: any unhandled exception in the app is a detach.

`TuiNNApp._handle_exception` (Textual's one hook for an exception nothing caught, in a handler,
a worker or a widget) notes the crash here: the traceback goes to a log file beside the runs
(never the screen), every trainer of the app is left training (as a hang-up does: each saves
its run when it sees the app gone), and after the app has restored the terminal `launch.py`
prints one line saying where the traceback is and how to `tui-nn attach`.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from tui_nn.atomic import atomic_write
from tui_nn.errors import one_line


@dataclass(frozen=True)
class Crash:
    what: str  # the exception, one line: "KeyError: 0"
    log: Path | None  # where its traceback was written (None: nowhere could be)
    trainer: str | None  # the trainer left training (None: none was running)

    def line(self) -> str:
        """What the terminal is told after the app has gone."""
        where = f"the traceback is in {self.log}" if self.log else "its traceback was lost"
        if self.trainer is None:
            kept = "no trainer was running"
        else:
            kept = f"the run trains on: tui-nn attach {self.trainer}"
        return f"tui-nn: the app failed ({self.what}); {where}; {kept}"


def crash_log_path(folder: Path, run_path: Path | None, now: float | None = None) -> Path:
    """Beside the run's file (`<run>-crash.log`), else a dated name in the runs folder."""
    if run_path is not None:
        return run_path.with_name(f"{run_path.stem}-crash.log")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return folder / f"crash-{stamp}.log"


def write_log(error: BaseException, path: Path) -> Path | None:
    """The traceback of `error` written (atomically) to `path`; None if it cannot be."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "w") as f:
            f.write(text)
    except OSError:
        return None
    return path


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {one_line(error)}" if str(error) else type(error).__name__
