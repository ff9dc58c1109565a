"""Files written atomically: a temporary file beside the target, renamed over it only when
whole; never over something that is not a regular file; temp files of a killed writer removed
by the next write. Used by every file tui-nn writes (models, metrics, results, exports)."""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file next to `path`; on success it replaces `path` in one rename.

    On any exception (Ctrl-C included) the temporary file is removed and `path` is untouched.
    A symlink is followed (its target is replaced, the link stays); something that is not a
    regular file (a directory, FIFO, device) is never replaced: IsADirectoryError / OSError.
    """
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.exists() and not target.is_file():
        raise OSError(errno.EEXIST, "exists and is not a regular file", str(target))
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


STALE_SECONDS = 600.0  # a temp file without a live writer's pid is stale after this long


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove `.NAME.*.tmp` files that a killed save of `target` left behind: those whose
    writer (the pid in the name) is gone, and nameless old ones (over STALE_SECONDS)."""
    removed = []
    try:
        candidates = list(target.parent.glob(f".{_glob_escape(target.name)}.*.tmp"))
    except OSError:
        return removed
    for tmp in candidates:
        middle = tmp.name[len(target.name) + 2 : -len(".tmp")]
        pid_text = middle.split("-", 1)[0]
        try:
            if pid_text.isdigit() and "-" in middle:
                if int(pid_text) == os.getpid() or pid_alive(int(pid_text)):
                    continue
            elif time.time() - tmp.lstat().st_mtime < STALE_SECONDS:
                continue
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            continue
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def pid_alive(pid: int) -> bool:
    """Is process `pid` running (a zombie, ended but not yet reaped, is not)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _file_mode(target: Path) -> int:
    """Keep the mode of a file being replaced; a new file gets the usual rw-r--r--."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o644
