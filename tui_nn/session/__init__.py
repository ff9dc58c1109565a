"""The trainer process and the proxy the app talks to.

Contract (implemented in tui_nn/session/proxy.py and trainer_process.py):

    session = TrainingSession(sink, fps=10, blas_threads=1)
    session.start(config: RunConfig)      # spawns the trainer; first Snapshot arrives via sink
    session.send(command)                 # any command from tui_nn.session.messages
    session.close(timeout=0.5)            # sends Stop, joins, kills if needed
    session.alive -> bool

`sink(msg)` is called from a background reader thread with a Snapshot or TrainerDied.
"""

from tui_nn.session.proxy import SessionClosed, TrainingSession

__all__ = ["SessionClosed", "TrainingSession"]
