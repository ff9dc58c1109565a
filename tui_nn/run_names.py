"""How a run's file is named: `<stamp>-<data>.npz` (its metrics `<stamp>-<data>.jsonl` beside
it), e.g. `runs/20260102-130405-circle.npz`, `-2`, `-3`, ... when that is taken.

The name follows the data the run trains on: a run started on circle and switched to spiral
is saved as `...-spiral.npz` (`followed`). A name the user gave (`--save my.npz`, a resumed
file not named this way) is never changed. The app names new runs with `new_name`, the trainer
renames its run file with `followed`: one naming, used by both. Plain Python.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

STAMP = "%Y%m%d-%H%M%S"
_AUTO = re.compile(r"^(?P<stamp>\d{8}-\d{6})-(?P<rest>.+)$")


def safe(data: str) -> str:
    """The data's name as it appears in a file name."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in data)


def taken(path: Path) -> bool:
    return path.exists() or path.with_suffix(".jsonl").exists()


def new_name(
    directory: Path,
    data: str,
    stamp: str | None = None,
    free: Callable[[Path], bool] | None = None,
) -> Path:
    """A free name for a run on `data` in `directory` (the run file and its metrics file);
    `free(path)`, when given, must also accept it (the app claims the name: two apps started
    in the same second never share one)."""
    stamp = time.strftime(STAMP) if stamp is None else stamp
    path = directory / f"{stamp}-{safe(data)}.npz"
    n = 1
    while taken(path) or (free is not None and not free(path)):
        n += 1
        path = directory / f"{stamp}-{safe(data)}-{n}.npz"
    return path


def named_for(path: Path | str, data: str) -> bool:
    """Is `path` a name this module gave to a run on `data` (`<stamp>-<data>[-n].npz`)?"""
    path = Path(path)
    match = _AUTO.match(path.stem)
    if path.suffix != ".npz" or match is None:
        return False
    rest, name = match["rest"], safe(data)
    return rest == name or re.fullmatch(re.escape(name) + r"-\d+", rest) is not None


def followed(path: Path | str, was: str, now: str) -> Path:
    """The name run file `path` (named for data `was`) has now that the run trains on `now`:
    a free `<same stamp>-<now>.npz` beside it, or `path` itself when the data did not change
    or the name was not given here."""
    path = Path(path)
    if safe(was) == safe(now) or not named_for(path, was):
        return path
    stamp = _AUTO.match(path.stem)["stamp"]
    return new_name(path.parent, now, stamp)
