"""The sweep's Optuna study: what to try next (grid, random, TPE), whether a running trial is
hopeless (median, ASHA), and what the finished trials say about each parameter (importances).

The study lives in the client (the `tui-nn sweep` process), in Optuna's journal format in the
results folder (`DIR/study.journal`), so `tui-nn sweep --resume DIR` carries on from it and any
Optuna tool can open it. The workers never touch it: they send each epoch's validation metric
as a Dask event, the client reports it here and, when the pruner says so, tells the worker to
stop (sweep/execute.py).

    study = SweepStudy(sweep, folder)
    asked = study.ask(index, params)        # grid/random: the planned trial; tpe: proposed
    study.report(asked, epoch, value)       # -> True: prune it
    study.tell(asked, value or None, "complete" | "pruned" | "failed")

Only this module imports Optuna.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.storages.journal._file import BaseJournalFileLock
from optuna.trial import TrialState

from tui_nn.sweep.plan import Sweep
from tui_nn.sweep.results import JOURNAL
from tui_nn.sweep.space import Searched, SweepError, Trial, describe

STUDY_NAME = "tui-nn-sweep"
ASHA_REDUCTION = 3  # each rung keeps the best third (Hyperband's and ASHA's papers use 3)
MEDIAN_STARTUP = 4  # finished trials before the median pruner judges others


class NoLock(BaseJournalFileLock):
    """The journal has one writer, the `tui-nn sweep` process, which holds the results
    folder's lock (sweep/results.py): Optuna's lock file, which a killed process leaves
    behind, is not needed."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


class Journal(JournalFileBackend):
    """Optuna's journal file, appended and flushed without an fsync per line (a line a
    report, several a trial): what a killed process wrote is in the file; a power cut may lose
    the last lines, which a resume runs again."""

    def __init__(self, path: Path) -> None:
        drop_cut_line(path)
        super().__init__(str(path), lock_obj=NoLock())

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        text = "".join(json.dumps(log, separators=(",", ":")) + "\n" for log in logs)
        with open(self._file_path, "ab") as f:
            f.write(text.encode("utf-8"))


def drop_cut_line(path: Path) -> None:
    """A journal whose last line was cut (a kill, a full disk mid-write) loses that line, so
    what is appended next starts on a line of its own."""
    if not path.is_file():
        return
    with open(path, "rb+") as f:
        data = f.read()
        if data and not data.endswith(b"\n"):
            f.truncate(data.rfind(b"\n") + 1)


def quiet() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("optuna").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def distribution(searched: Searched) -> Any:
    if searched.choices is not None:
        return CategoricalDistribution(searched.choices)
    if searched.integer:
        return IntDistribution(int(searched.low), int(searched.high), log=searched.log)
    return FloatDistribution(float(searched.low), float(searched.high), log=searched.log)


def sampler(sweep: Sweep) -> Any:
    if sweep.method == "tpe":  # random draws first: a third of the trials, 3 to 10
        startup = max(3, min(10, sweep.total // 3))
        return optuna.samplers.TPESampler(
            n_startup_trials=startup, seed=sweep.seed, constant_liar=True
        )
    return optuna.samplers.RandomSampler(seed=sweep.seed)  # unused: every trial is enqueued


def pruner(sweep: Sweep) -> Any:
    if sweep.pruner == "median":
        return optuna.pruners.MedianPruner(
            n_startup_trials=MEDIAN_STARTUP, n_warmup_steps=sweep.prune_after
        )
    if sweep.pruner == "asha":
        return optuna.pruners.SuccessiveHalvingPruner(
            min_resource=sweep.prune_after, reduction_factor=ASHA_REDUCTION
        )
    return optuna.pruners.NopPruner()


class RefusedTrial(Exception):
    """TPE proposed values that cannot train together; the trial failed at once."""

    def __init__(self, trial: Trial, reason: str) -> None:
        super().__init__(reason)
        self.trial = trial
        self.reason = reason


@dataclass
class Asked:
    """A trial the study handed out: the sweep's Trial and Optuna's."""

    trial: Trial
    optuna_trial: Any
    reported: int = 0  # the last epoch reported


class SweepStudy:
    def __init__(self, sweep: Sweep, folder: Path) -> None:
        quiet()
        self.sweep = sweep
        self.space = describe(sweep.grid, sweep.random)
        self.distributions = {key: distribution(s) for key, (s, _) in self.space.items()}
        self.storage = JournalStorage(Journal(folder / JOURNAL))
        self.study = optuna.create_study(
            storage=self.storage,
            study_name=STUDY_NAME,
            direction="maximize" if sweep.direction == "max" else "minimize",
            sampler=sampler(sweep),
            pruner=pruner(sweep),
            load_if_exists=True,
        )

    # ---- trials ------------------------------------------------------------------------

    def ask(self, planned: Trial | None) -> Asked:
        """A new trial: the planned one (grid, random), or TPE's proposal (index = its
        number in the study)."""
        if planned is not None:
            stored = {
                key: self.space[key][0].choices[self.space[key][1].index(value)]
                if self.space[key][0].choices is not None
                else value
                for key, value in planned.params.items()
            }
            self.study.enqueue_trial(stored, user_attrs={"index": planned.index})
            optuna_trial = self.study.ask(self.distributions)
            return Asked(planned, optuna_trial)
        optuna_trial = self.study.ask(self.distributions)
        params = {
            key: searched.value(optuna_trial.params[key], originals)
            for key, (searched, originals) in self.space.items()
        }
        optuna_trial.set_user_attr("index", optuna_trial.number)
        try:
            return Asked(self.sweep.trial(optuna_trial.number, params), optuna_trial)
        except SweepError as exc:  # values that do not go together (lr-min above lr, ...)
            self.study.tell(optuna_trial, state=TrialState.FAIL)
            refused = Trial(optuna_trial.number, params, 0, self.sweep.base)
            raise RefusedTrial(refused, str(exc)) from None

    def report(self, asked: Asked, epoch: int, value: float | None) -> bool:
        """One epoch's metric of a running trial; True when the pruner says stop it."""
        if value is None or epoch <= asked.reported:
            return False
        asked.reported = epoch
        asked.optuna_trial.report(float(value), epoch)
        return asked.optuna_trial.should_prune()

    def tell(self, asked: Asked, value: float | None, state: str) -> None:
        """A trial ended: "complete" with its metric, "pruned" or "failed"."""
        trial = asked.optuna_trial
        if state == "complete" and value is not None:
            self.study.tell(trial, float(value), skip_if_finished=True)
        elif state == "pruned":
            self.study.tell(trial, state=TrialState.PRUNED, skip_if_finished=True)
        else:
            self.study.tell(trial, state=TrialState.FAIL, skip_if_finished=True)

    def settle(self, recorded: dict[int, dict[str, Any]]) -> None:
        """After an interruption: a trial the journal still has running is what its results
        line says (it finished but the process died before telling), else failed (it is run
        again). A trial queued but never handed out (killed in between) is dropped, so the
        next queued trial is the one asked for."""
        for frozen in self.study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
            self.storage.set_trial_state_values(frozen._trial_id, TrialState.FAIL)
        for frozen in self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            index = frozen.user_attrs.get("index")
            record = recorded.get(index) if isinstance(index, int) else None
            if record is None:
                self.study.tell(frozen.number, state=TrialState.FAIL, skip_if_finished=True)
            elif record.get("stopped") == "pruned":
                for epoch, value in enumerate(record.get("curve") or (), start=1):
                    if isinstance(value, int | float):
                        self.storage.set_trial_intermediate_value(frozen._trial_id, epoch, value)
                self.study.tell(frozen.number, state=TrialState.PRUNED, skip_if_finished=True)
            else:
                value = record.get(self.sweep.metric)
                state = TrialState.COMPLETE if isinstance(value, int | float) else TrialState.FAIL
                values = float(value) if state == TrialState.COMPLETE else None
                self.study.tell(frozen.number, values, state=state, skip_if_finished=True)

    def finished(self) -> int:
        """Trials complete or pruned."""
        states = (TrialState.COMPLETE, TrialState.PRUNED)
        return len(self.study.get_trials(deepcopy=False, states=states))

    # ---- what the finished trials say ----------------------------------------------------

    def importances(self) -> dict[str, Any] | None:
        """Optuna's parameter importances (PED-ANOVA) over the complete trials, or None when
        there are too few to say."""
        complete = self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(complete) < 3 or not self.distributions:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = optuna.importance.get_param_importances(self.study)
        except (ValueError, RuntimeError, ZeroDivisionError):
            return None
        return {
            "method": "PED-ANOVA (Optuna)",
            "trials": len(complete),
            "importances": {key: float(value) for key, value in found.items()},
        }


def journal_path(folder: str | os.PathLike[str]) -> Path:
    return Path(folder) / JOURNAL
