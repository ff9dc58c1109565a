"""The trainer process and the proxy the app talks to.

Contract (implemented in tui_nn/session/proxy.py and trainer_process.py):

    session = TrainingSession(sink, fps=10, blas_threads=1)
    session.start(config: RunConfig)      # spawns the trainer; first Snapshot arrives via sink
    session.start(config, initial_model=path)  # ... continuing a saved model (weights, history)
    session.send(command)                 # any command from tui_nn.session.messages
    session.close(timeout=0.5)            # sends Stop, joins, kills if needed
    session.alive -> bool

`sink(msg)` is called from a background reader thread with a Snapshot or TrainerDied.

Semantics (details in the modules): commands are applied in the order sent, at the next step
boundary (a burst sent together is applied at one boundary; Step adds to a Step in progress).
Snapshots coalesce in the app-side mailbox (mailbox.py): newest wins within a run, records are
never dropped; the first snapshot of a run carries the run's whole history.
"""

from tui_nn.session.proxy import SessionClosed, TrainingSession

__all__ = ["SessionClosed", "TrainingSession"]
