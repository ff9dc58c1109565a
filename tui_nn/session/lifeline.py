"""How the trainer process makes sure it never outlives the app, and never disturbs the terminal.

Three independent ways out, so that no orphan is left after a crash, a `kill -9` of the app or
a closed terminal:

1. The pipes. When the app dies, the OS closes its ends: the trainer's next `recv()` (paused)
   or `poll()` (running) sees end-of-file and its next `send()` a broken pipe; both end the loop.
2. A watcher thread that blocks on multiprocessing's parent sentinel (a pipe end that becomes
   readable when the parent process is gone) and ends the process with `os._exit`. This also
   covers a trainer busy for a long time inside one call (loading MNIST, say). Without a
   sentinel it falls back to polling `os.getppid()` four times a second.
3. The process is a daemon child: a normal exit of the app terminates it.

`prctl(PR_SET_PDEATHSIG)` is deliberately not used: it fires when the parent *thread* that
started the process ends, and the app may start the session from a short-lived worker thread.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import warnings

import numpy as np

PARENT_POLL_SECONDS = 0.25


def _watch_sentinel(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])  # blocks (no CPU) until the parent is gone
    os._exit(0)


def _watch_ppid(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)


def watch_parent(parent_pid: int) -> threading.Thread:
    """Start a daemon thread that ends this process as soon as the parent process is gone."""
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None) if parent is not None else None
    if sentinel is not None:
        target, args = _watch_sentinel, (sentinel,)
    else:
        target, args = _watch_ppid, (parent_pid,)
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(0)
    thread = threading.Thread(target=target, args=args, name="parent-watch", daemon=True)
    thread.start()
    return thread


LOG_ENV = "TUI_NN_TRAINER_LOG"  # a file for the trainer's stdout/stderr (debugging)


def quiet_child() -> None:
    """The app owns the terminal. Ctrl+C is the app's to handle, and so is a hang-up: when
    the terminal goes away, a shell sends SIGHUP to the whole job, but the trainer must live
    until the app has had it save the run (it still ends with the app, as described above).
    Nothing the trainer might print (numeric warnings while diverging, a stray traceback) may
    land on the UI: stdout and stderr go to /dev/null, or to the file named by
    $TUI_NN_TRAINER_LOG. Problems reach the app as snapshots (`error`, `diverged`) or as
    TrainerDied."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):  # a shell's hang-up goes to the whole job; the app saves first
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    np.seterr(all="ignore")
    warnings.simplefilter("ignore", RuntimeWarning)
    target = os.environ.get(LOG_ENV) or os.devnull
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for stream in (1, 2):
        os.dup2(fd, stream)
    os.close(fd)
