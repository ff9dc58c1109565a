"""The trainer's state machine: a Run (run.py) that applies commands between steps, trains,
and builds snapshots. It knows nothing about processes or sockets (see loop.py), so it can be
driven and tested in one process too.

A command arrives bare or in an `Envelope` with the id its answer carries. `apply` looks its
handler up in `HANDLERS` (handlers.py), runs it and owes the answer to the next snapshot: the
value now in force, or refused with the reason (the run as it was). An unexpected exception in
a handler puts the run in `error` and is answered too. `advance` takes one training step.
"""

from __future__ import annotations

import tui_nn.session.trainer.snapshots as snapshots
from tui_nn.session.protocol.answers import Answer, CommandId
from tui_nn.session.protocol.messages import (
    Envelope,
    Save,
    SetDataset,
    SetHyper,
    SetSpeed,
    SetView,
    Snapshot,
    Stop,
)
from tui_nn.session.trainer.answering import answer, refused
from tui_nn.session.trainer.handlers import HANDLERS
from tui_nn.session.trainer.run import Run

WITHOUT_NETWORK = (SetDataset, SetView, SetHyper, SetSpeed)  # may come before a network exists


class Runner(Run):
    """One run of training, steered by commands. `apply` and `advance` never raise for bad
    input; unexpected exceptions are turned into the `error` state by `fail`."""

    # ---- commands ---------------------------------------------------------------------------

    def apply(self, item: object) -> bool:
        """Apply one command (between steps), bare or in an Envelope, and owe its answer to
        the next snapshot (which is then urgent). Returns False for Stop (not answered: the
        trainer ends)."""
        cid, cmd = (item.id, item.command) if isinstance(item, Envelope) else ("", item)
        if isinstance(cmd, Stop):
            return False
        self.answered(cmd, cid)
        return True

    def answered(self, cmd: object, cid: CommandId = "") -> Answer:
        """Apply `cmd` (not Stop) and return its answer, which is owed to the next snapshot
        too (the trainer's own commands, such as the daemon's Save, have the id "")."""
        said = self._answer(cid, cmd)
        self.owed.answers.append(said)
        self.owed.urgent = True
        return said

    def refuse(self, item: object, reason: str) -> None:
        """Answer a command `refused` without applying it (e.g. from an app that may only
        watch); the answer goes with the next snapshot, like any other."""
        cid, cmd = (item.id, item.command) if isinstance(item, Envelope) else ("", item)
        self.owed.answers.append(refused(cid, cmd, reason))
        self.owed.urgent = True

    def _answer(self, cid: CommandId, cmd: object) -> Answer:
        handler = HANDLERS.get(type(cmd))
        if handler is None:
            self.message = f"unknown command {type(cmd).__name__}"
            return refused(cid, cmd, self.message)
        if self.trainer is None and not isinstance(cmd, WITHOUT_NETWORK):
            self.message = f"no network yet: {self.message}"
            if isinstance(cmd, Save):
                self.owed.save_failed = f"nothing to save: {self.message}"
            return refused(cid, cmd, self.message)
        try:
            said = answer(cid, cmd, lambda: handler(self, cmd))
        except Exception as exc:  # unexpected: the run is in `error`; the command is answered
            self.fail(exc)
            return refused(cid, cmd, self.message)
        if said.outcome == "refused":  # bad settings from the user: the run is as it was
            self.message = said.reason
        self._check_budget()
        return said

    def _check_budget(self) -> None:
        """After a command: a raised budget (or new data) un-finishes the run; a budget lowered
        below the epochs done finishes a continuous run (Step may still go past it)."""
        trainer = self.trainer
        if trainer is None:
            return
        if self.state == "finished" and not trainer.finished:
            self.set_state("paused", self.message)
        stepping = self.steps_left is not None or self.epochs_left is not None
        if self.running and trainer.finished and not stepping:
            self.set_state("finished", trainer.stop_reason or "finished")

    # ---- training ---------------------------------------------------------------------------

    def advance(self) -> None:
        """One training step, then the bookkeeping of Step(n), budgets and divergence."""
        if self.fault is not None:
            message, self.fault = self.fault, None
            raise RuntimeError(message)
        result = self.trainer.step()
        self.batch_loss = result.batch_loss
        self.owed.weights_changed()
        self.changed = True
        if result.record is not None:
            self.now = None  # the newest record describes the network now
            self.replay.offer(self)
            stopped = self.metrics.write(self.run_id, result.record, last=self.trainer.finished)
            if stopped is not None:
                self.message, self.owed.urgent = stopped, True
        if result.diverged is not None:
            message = f"diverged: {result.diverged}; restored the last finite weights"
            self.set_state("diverged", message)
        elif result.record is not None and self.trainer.finished:
            self.set_state("finished", self.trainer.stop_reason or "finished")
        elif self.steps_left is not None:
            self.steps_left -= 1
            if self.steps_left <= 0:
                self.set_state("paused", "stepped")
        elif self.epochs_left is not None and result.record is not None:
            self.epochs_left -= 1
            if self.epochs_left <= 0:
                self.set_state("paused", f"stepped to the end of epoch {self.trainer.epoch}")

    # ---- snapshots (built in snapshots.py) -------------------------------------------------

    @property
    def urgent(self) -> bool:
        """A snapshot is due at once (a command was answered, the state changed)."""
        return self.owed.urgent

    def snapshot(self) -> Snapshot:
        """Everything new since the previous snapshot; takes what was owed."""
        return snapshots.build(self, self.owed)

    def safe_snapshot(self) -> Snapshot:
        """`snapshot()`, or, if building it fails, the error in a minimal snapshot."""
        try:
            return snapshots.build(self, self.owed)
        except Exception as exc:
            self.fail(exc)
            return snapshots.bare(self, self.owed)
