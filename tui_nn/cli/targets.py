"""Checking where `--save` and `--metrics` will write, before any training is done.

A result that cannot be written is found out in the first second, not after an hour of
training: a folder that does not exist or is not writable, a FIFO, a device, a socket or a
directory is one line and exit 2. A symlink is followed (its target is what gets written; the
link stays). `--metrics` never overwrites a model file (a `.npz` zip), and continues (appends
to) its file when the run continues a model (`--load`).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from tui_nn.cli.options import UsageError

KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def check_target(option: str, path: str | None) -> Path | None:
    """The file `path` will really write (a symlink's target), or UsageError naming why it
    cannot be written."""
    if path is None:
        return None
    given = Path(path).expanduser()
    target = Path(os.path.realpath(given))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{option}: cannot use {path}: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise UsageError(f"{option}: {path} is {kind}; give the name of a regular file")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"{option}: directory {str(given.parent)!r} does not exist")
    try:  # the real test (permissions, a read-only file system, root or not): make a file
        fd, probe = tempfile.mkstemp(prefix=".tui-nn-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(
            f"{option}: directory {str(given.parent)!r} is not writable ({exc.strerror})"
        ) from None
    if mode is not None and not os.access(target, os.W_OK):
        raise UsageError(f"{option}: {path} is not writable")
    return target


def is_model_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def check_metrics_target(path: str | None, save: Path | None, load: str | None) -> Path | None:
    """As `check_target`, and the metrics file is never a model file (or the --save file)."""
    target = check_target("--metrics", path)
    if target is None:
        return None
    if is_model_file(target):
        raise UsageError(f"--metrics: {path} holds a model file; give a .jsonl name")
    if save is not None and target == save:
        raise UsageError(f"--metrics: {path} is also the --save file")
    if load is not None and target == Path(os.path.realpath(load)):
        raise UsageError(f"--metrics: {path} is the --load model")
    return target
