"""Where a command may write: one check for every output (`-o`, `--save`, `--metrics`, a
sweep's `--results`, screenshots), made before anything is computed.

An output never replaces:

- something that is not a regular file (a directory, a FIFO, a device, a socket);
- a model file (a `.npz` archive), unless the output is itself a model (`--save`, a run file);
  and a model output replaces only a model file (or an empty one), never a text file;
- a file the command reads (its model, data, configuration), however it is spelled: a
  symlink, `./x`, `../dir/x` and a hard link are the same file;
- another output of the same command.

Its folder must exist and be writable (the real test: a file is made there and removed). A
symlink is followed (its target is what gets written, the link stays); a dangling one names
its target and the target's folder. Every refusal is an `OutputError`: one line that starts
with the option (`--save: ...`) and names the file.

Plain Python, below every layer: the CLI, the app (its screenshots) and the sweep use it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

OutputKind = Literal["model", "file", "folder"]
KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a .npz archive (an empty one ends PK\5\6)

PathLike = str | os.PathLike[str]


class OutputError(ValueError):
    """An output that must not be written there; the message is one line naming the option."""


def is_model_file(path: PathLike) -> bool:
    """Does `path` hold a model file (a zip archive, as every `.npz` is)?"""
    try:
        with open(path, "rb") as f:
            return f.read(4) in ZIP_MAGIC
    except OSError:
        return False


def same_file(a: PathLike, b: PathLike) -> bool:
    """Are `a` and `b` one file (through symlinks, other spellings, hard links)? A file that
    does not exist yet is compared by its resolved path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(
    option: str,
    path: PathLike | None,
    kind: OutputKind = "file",
    reads: Mapping[str, PathLike | None] | None = None,
    writes: Mapping[str, PathLike | None] | None = None,
) -> Path | None:
    """The file (or folder, for `kind="folder"`) that writing `path` will really write (a
    symlink's target), or OutputError saying why it must not be written.

    `reads`: the command's inputs, by how the user named them (`{"--data": "x.csv"}`);
    `writes`: its other outputs (`{"--save": "m.npz"}`). A model output (`kind="model"`) may
    replace a model file; a `--load` model that `--save` continues is therefore not one of
    its `reads`."""
    if path is None:
        return None
    text = os.fspath(path)
    if not text.strip():
        raise OutputError(f"{option}: an empty path; give a file name")
    if text.endswith(os.sep) and kind != "folder":
        raise OutputError(f"{option}: {text!r} names a folder; give a file name")
    given = Path(text).expanduser()
    target = Path(os.path.realpath(given))
    mode = _mode(option, text, target)
    if kind == "folder":
        if mode is not None and not stat.S_ISDIR(mode):
            raise OutputError(f"{option}: {text} exists and is not a folder")
    elif mode is not None and not stat.S_ISREG(mode):
        what = KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise OutputError(f"{option}: {text} is {what}; give the name of a regular file")
    for name, other in (reads or {}).items():
        if other is not None and same_file(target, Path(other).expanduser()):
            what = f"the {name} file" if name.startswith("-") else name
            spelled = "" if os.fspath(other) == text else f" ({os.fspath(other)})"
            raise OutputError(
                f"{option}: {text} is {what} this command reads{spelled}; give another file name"
            )
    for name, other in (writes or {}).items():
        if other is not None and same_file(target, Path(other).expanduser()):
            raise OutputError(f"{option}: {text} is also the {name} file; give another name")
    if mode is not None and kind == "file" and is_model_file(target):
        raise OutputError(
            f"{option}: {text} holds a model file; tui-nn never writes over a model with "
            "anything else: give another file name"
        )
    if mode is not None and kind == "model" and not _replaceable_by_model(target):
        raise OutputError(
            f"{option}: {text} exists and is not a model file; a model replaces only a model "
            "file: give another file name"
        )
    if kind == "folder":
        _check_writable(option, text, given, target if mode is not None else target.parent)
    else:
        _check_writable(option, text, given, target.parent)
        if mode is not None and not os.access(target, os.W_OK):
            raise OutputError(f"{option}: {text} is not writable")
    return target


def _mode(option: str, text: str, target: Path) -> int | None:
    try:
        return os.stat(target).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{option}: cannot use {text}: {exc.strerror}") from None


def _replaceable_by_model(target: Path) -> bool:
    try:
        return target.stat().st_size == 0 or is_model_file(target)
    except OSError:
        return True  # gone meanwhile: nothing to replace


def _check_writable(option: str, text: str, given: Path, folder: Path) -> None:
    if not folder.is_dir():
        raise OutputError(f"{option}: {_folder_missing(text, given, folder)}")
    try:  # the real test (permissions, a read-only file system, root or not): make a file
        fd, probe = tempfile.mkstemp(prefix=".tui-nn-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(
            f"{option}: directory {str(_shown_folder(given, folder))!r} is not writable "
            f"({exc.strerror})"
        ) from None


def _folder_missing(text: str, given: Path, folder: Path) -> str:
    if given.is_symlink():
        return (
            f"{text} is a symlink to {os.readlink(given)}, whose directory {str(folder)!r} "
            "does not exist"
        )
    return f"directory {str(_shown_folder(given, folder))!r} does not exist"


def _shown_folder(given: Path, folder: Path) -> Path:
    """The folder as the user wrote it (`results/`), unless a symlink leads elsewhere."""
    if given.is_symlink() or any(p.is_symlink() for p in given.parents if p.exists()):
        return folder
    return given.parent
