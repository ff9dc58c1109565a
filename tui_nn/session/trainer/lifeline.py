"""How the trainer process keeps off the terminal.

The trainer is detached (daemon.py): a session of its own, so neither Ctrl-C nor a hang-up of
the terminal reaches it, and it ends only when asked (Stop, `tui-nn attach --stop`, SIGTERM).
Nothing it might print (numeric warnings while diverging, a stray traceback) may land on a
screen: stdout and stderr go to /dev/null, or to the file named by $TUI_NN_TRAINER_LOG.
Problems reach the app as snapshots (`error`, `diverged`) or as TrainerDied.
"""

from __future__ import annotations

import os
import signal
import warnings

import numpy as np

from tui_nn.session.protocol.rendezvous import LOG_ENV


def quiet_child() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    np.seterr(all="ignore")
    warnings.simplefilter("ignore", RuntimeWarning)
    target = os.environ.get(LOG_ENV) or os.devnull
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for stream in (1, 2):
        os.dup2(fd, stream)
    os.close(fd)
