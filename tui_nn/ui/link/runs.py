"""Where the app keeps runs: saving on quit or hang-up, and finding the one to resume.

A run is one model file (`tui_nn.files` format: weights, configuration and metric history) in
the user data directory, e.g. ~/.local/share/tui-nn/runs/20260102-130405-circle.npz.
`TUI_NN_DATA_DIR` overrides the directory (tests and portable installs use it).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import tui_nn.run_names as run_names
from tui_nn.config import RunConfig
from tui_nn.engine.types import EpochRecord

ENV_DIR = "TUI_NN_DATA_DIR"


class RunError(ValueError):
    """No run to resume, or an unreadable one; the message is one line."""


def runs_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override) / "runs"
    import platformdirs

    return platformdirs.user_data_path("tui-nn", appauthor=False) / "runs"


def new_run_path(config: RunConfig, directory: Path | None = None, create: bool = True) -> Path:
    """A fresh, sortable file name for this run; the directory is created (unless `create` is
    false: the trainer creates it when it first writes there)."""
    directory = runs_dir() if directory is None else directory
    if create:
        directory.mkdir(parents=True, exist_ok=True)
    # the trainer renames it to follow the data it trains on (run_names.followed)
    return run_names.new_name(directory, config.dataset.name, free=claim)


def claim(path: Path) -> bool:
    """Claim the run file `path` for this process; False if a living process claimed it.

    Two apps started in the same second (a class opening `tui-nn serve`'s link at once) would
    otherwise choose the same name, as neither file exists yet: their trainers would then
    share one run file and one metrics file. The claim is a file in the user's private runtime
    folder holding the claimer's pid, created atomically (O_EXCL); one of a process that has
    ended is taken over. Nothing is written beside the runs. Without a usable runtime folder,
    every path is claimable (as before)."""
    import hashlib

    import tui_nn.session.protocol.rendezvous as rendezvous

    try:
        folder = rendezvous.runtime_dir() / "claims"
        folder.mkdir(mode=0o700, exist_ok=True)
    except (OSError, rendezvous.RendezvousError):
        return True
    key = hashlib.sha256(str(Path(path).absolute()).encode()).hexdigest()[:32]
    target = folder / key
    for _ in range(3):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            try:
                holder = int(target.read_text(encoding="ascii") or 0)
            except (OSError, ValueError):
                holder = 0
            if holder == 0 or holder == os.getpid() or rendezvous.pid_alive(holder):
                return holder == os.getpid()  # (0: its claimer is writing its pid now)
            try:
                target.unlink()  # its claimer has ended: take it over
            except FileNotFoundError:
                pass
            continue
        except OSError:
            return True
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(str(os.getpid()))
        return True
    return False


def sibling_run_path(path: Path | str, tag: str) -> Path:
    """A free run file name next to `path`, tagged: runs/20261201-2317-circle-B.npz (run B of
    a comparison, never the same file as run A's)."""
    path = Path(path)
    candidate = path.with_name(f"{path.stem}-{tag}.npz")
    n = 1
    while candidate.exists() or candidate.with_suffix(".jsonl").exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{tag}{n}.npz")
    return candidate


def newest_run(directory: Path | None = None) -> Path | None:
    directory = runs_dir() if directory is None else directory
    if not directory.is_dir():
        return None
    runs = [p for p in directory.glob("*.npz") if p.is_file()]
    return max(runs, key=lambda p: (p.stat().st_mtime, p.name)) if runs else None


@dataclass(frozen=True)
class SavedRun:
    """What `--resume` continues: where it came from, its configuration and its curves."""

    path: Path
    config: RunConfig
    history: tuple[EpochRecord, ...]


def find_run(resume: str | bool) -> Path:
    """The file `--resume` means: a given path, or the newest saved run."""
    if isinstance(resume, str) and resume:
        path = Path(resume).expanduser()
        if not path.is_file():
            raise RunError(f"--resume: no such file {str(path)!r}")
        return path
    path = newest_run()
    if path is None:
        raise RunError(f"--resume: no saved run in {runs_dir()} (quit the app once to save one)")
    return path


def check_not_training(path: Path) -> None:
    """Never two trainers for one run: a run file a detached trainer still trains is refused."""
    import tui_nn.session.protocol.rendezvous as rendezvous

    try:
        found = rendezvous.trainers()
    except rendezvous.RendezvousError:
        return
    for info in found:
        if info.run_path and Path(info.run_path).resolve() == path.resolve():
            raise RunError(
                f"--resume: {path} is still training in trainer {info.id}: "
                f"tui-nn attach {info.id}"
            )


def load_run(resume: str | bool) -> SavedRun:
    from tui_nn.files import ModelFileError, load_model

    path = find_run(resume)
    check_not_training(path)
    try:
        model = load_model(path)
    except (ModelFileError, OSError, ValueError) as exc:
        raise RunError(f"--resume: {exc}") from None
    return SavedRun(path=path, config=model.config, history=tuple(model.history))


def not_saved(path: Path | None) -> str:
    """Why quitting saved nothing (the trainer is gone: killed, crashed), and what its
    checkpoints kept (the trainer rewrites the run file while it trains)."""
    from tui_nn.files import ModelFileError, load_model

    reason = "the run was not saved: the trainer is not running"
    if path is None or not Path(path).is_file():
        return reason
    try:
        model = load_model(path)
        when = time.strftime("%H:%M:%S", time.localtime(Path(path).stat().st_mtime))
    except (ModelFileError, OSError, ValueError):
        return reason
    epoch = model.history[-1].epoch if len(model.history) else 0
    return (
        f"the trainer is not running; its last checkpoint (epoch {epoch}, saved at {when}) is "
        f"in {path}: tui-nn --resume {path}"
    )
