"""Where the app and a running trainer meet: a private folder in the user's runtime directory.

    $XDG_RUNTIME_DIR/tui-nn/          mode 0700, owned by the user (platformdirs user_runtime_dir)
        authkey                       0600: 32 random bytes; a connection must prove it knows them
        <id>.sock                     0600: the trainer's Unix socket (multiprocessing.connection)
        <id>.json                     0600: who it is (pid, dataset, network, started, run file,
                                      group)

A trainer started by an app whose environment has TUI_NN_GROUP set (`tui-nn serve` sets it
for the apps of its browser tabs) records that group, so a server finds the runs it started.

Nothing listens on TCP. The folder and the key are checked on every use: a folder or key file
that other users could read or write is refused (one line), never silently used.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from tui_nn.atomic import pid_alive

APP = "tui-nn"
KEY_BYTES = 32
FAMILY = "AF_UNIX"
LOG_ENV = "TUI_NN_TRAINER_LOG"  # a file for the trainer's stdout/stderr (debugging)
GROUP_ENV = "TUI_NN_GROUP"  # set by `tui-nn serve` for its tabs: their trainers record it


class RendezvousError(RuntimeError):
    """The runtime folder or the key cannot be used safely; the message is one line."""


def runtime_dir() -> Path:
    """The private folder for sockets and the key (created 0700; refused if not private)."""
    import warnings

    import platformdirs

    with warnings.catch_warnings():  # no XDG_RUNTIME_DIR: platformdirs falls back, and says so
        warnings.simplefilter("ignore")
        folder = Path(platformdirs.user_runtime_dir(APP, appauthor=False))
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except OSError as exc:
        raise RendezvousError(f"cannot use the runtime folder {folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise RendezvousError(f"{folder} is not a folder of this user: refusing to use it")
    parent = os.stat(folder.parent)
    if parent.st_uid not in (os.getuid(), 0) or (
        parent.st_mode & 0o022 and not parent.st_mode & stat.S_ISVTX
    ):
        raise RendezvousError(f"{folder.parent} can be changed by other users: refusing to use it")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)  # ours: close it to others before anything is put in it
    return folder


def authkey() -> bytes:
    """The user's secret (created once, mode 0600)."""
    path = runtime_dir() / "authkey"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise RendezvousError(f"{path} is readable by others or not this user's: refusing it")
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise RendezvousError(f"{path} is damaged (remove it; running trainers must be restarted)")
    return key


def new_id() -> str:
    folder = runtime_dir()
    while True:
        trainer_id = secrets.token_hex(3)
        if not (folder / f"{trainer_id}.sock").exists():
            return trainer_id


def socket_path(trainer_id: str) -> Path:
    return runtime_dir() / f"{trainer_id}.sock"


@dataclass(frozen=True)
class TrainerInfo:
    """What `tui-nn attach --list` shows without asking the trainer (the JSON file)."""

    id: str
    pid: int
    started: float  # time.time() when it started
    dataset: str
    network: str  # e.g. "2-8-8-1 tanh"
    run_path: str | None  # where it saves the run
    group: str = ""  # who started it, when it was not a terminal: "serve@127.0.0.1:8000"

    @property
    def socket(self) -> Path:
        return socket_path(self.id)


def write_info(info: TrainerInfo) -> None:
    path = runtime_dir() / f"{info.id}.json"
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(info), f)
    os.replace(tmp, path)


def remove(trainer_id: str) -> None:
    for suffix in (".sock", ".json"):
        try:
            (runtime_dir() / f"{trainer_id}{suffix}").unlink()
        except FileNotFoundError:
            pass


def trainers() -> list[TrainerInfo]:
    """The trainers registered here, oldest first; files of dead ones are removed."""
    found = []
    for path in runtime_dir().glob("*.json"):
        try:
            info = TrainerInfo(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            continue
        if not pid_alive(info.pid):
            remove(info.id)
            continue
        found.append(info)
    return sorted(found, key=lambda i: (i.started, i.id))
