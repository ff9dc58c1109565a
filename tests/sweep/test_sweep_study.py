"""The sweep's Optuna study on its own (no Dask): planned trials handed out in order, pruner
decisions from per-epoch reports, a journal that a resumed sweep settles and Optuna reads, and
parameter importances."""

from __future__ import annotations

import optuna
import pytest

from tui_nn.sweep.plan import load_sweep
from tui_nn.sweep.study import JOURNAL, STUDY_NAME, SweepStudy

BASE = 'dataset = "circle"\nsamples = 100\nhidden = "4"\n'


def optuna_trials(folder) -> list:
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(folder / JOURNAL))
    )
    return optuna.load_study(study_name=STUDY_NAME, storage=storage).trials


def test_planned_trials_are_the_studys_in_order(write, loader, tmp_path):
    text = BASE + '[sweep]\nepochs = 3\ngrid = { lr = [0.01, 0.1], hidden = ["2", "4,4"] }\n'
    sweep = load_sweep(write(text), loader)
    study = SweepStudy(sweep, tmp_path)
    asked = [study.ask(t) for t in sweep.trials]
    for a, planned in zip(asked, sweep.trials):
        assert a.trial is planned
        assert a.optuna_trial.params == planned.params
        assert a.optuna_trial.user_attrs["index"] == planned.index
    for a, value in zip(asked, (0.5, 0.6, 0.7, 0.8)):
        study.tell(a, value, "complete")
    again = SweepStudy(sweep, tmp_path)  # a resumed sweep opens the same study
    assert again.finished() == 4
    assert [t.value for t in optuna_trials(tmp_path)] == [0.5, 0.6, 0.7, 0.8]


def test_asha_prunes_a_trial_behind_at_its_rung(write, loader, tmp_path):
    text = BASE + (
        '[sweep]\nmethod = "random"\npruner = "asha"\nprune-after = 1\nepochs = 9\ntrials = 6\n'
        "[sweep.random]\nlr = { uniform = [0.01, 0.5] }\n"
    )
    sweep = load_sweep(write(text), loader)
    study = SweepStudy(sweep, tmp_path)
    asked = [study.ask(t) for t in sweep.trials]
    # ASHA keeps the best third at a rung: each of three trials better than the ones before
    # goes on, a fourth far behind them is pruned there
    assert [study.report(a, 1, v) for a, v in zip(asked[:3], (0.8, 0.85, 0.9))] == [False] * 3
    assert study.report(asked[3], 1, 0.1) is True
    assert study.report(asked[3], 1, 0.1) is False  # an epoch is reported once
    assert study.report(asked[4], 1, 0.95) is False  # the best so far goes on
    study.tell(asked[3], None, "pruned")
    states = {t.user_attrs["index"]: t.state.name for t in optuna_trials(tmp_path)}
    assert states[3] == "PRUNED" and states[0] == "RUNNING"


def test_a_resumed_study_settles_the_trials_a_kill_left_running(write, loader, tmp_path):
    text = BASE + '[sweep]\nepochs = 3\ngrid = { lr = [0.01, 0.1, 0.2, 0.3, 0.4] }\n'
    sweep = load_sweep(write(text), loader)
    study = SweepStudy(sweep, tmp_path)
    asked = [study.ask(t) for t in sweep.trials[:4]]
    study.tell(asked[0], 0.7, "complete")
    # the process died: trial 1 had its results line written, 2 was pruned, 3 was running,
    # one more was queued but not yet handed out, and the last line was cut short
    study.study.enqueue_trial({"lr": 0.4}, user_attrs={"index": 4})
    with (tmp_path / JOURNAL).open("ab") as f:
        f.write(b'{"op_code": 5, "worker_id"')
    again = SweepStudy(sweep, tmp_path)
    recorded = {
        1: {"trial": 1, "val_acc": 0.9, "stopped": "budget"},
        2: {"trial": 2, "val_acc": 0.3, "stopped": "pruned", "curve": [0.2, 0.3]},
    }
    again.settle(recorded)
    trials = {t.user_attrs["index"]: t for t in optuna_trials(tmp_path)}
    assert trials[0].state.name == "COMPLETE" and trials[0].value == 0.7
    assert trials[1].state.name == "COMPLETE" and trials[1].value == 0.9
    assert trials[2].state.name == "PRUNED" and trials[2].intermediate_values == {1: 0.2, 2: 0.3}
    assert trials[3].state.name == "FAIL"  # run again by the resumed sweep
    assert again.finished() == 3
    assert not [t for t in optuna_trials(tmp_path) if t.state.name == "WAITING"]
    assert trials[4].state.name == "FAIL"  # queued, never handed out: dropped
    rerun = again.ask(sweep.trials[3])  # the trial asked for, not the one queued before
    assert rerun.optuna_trial.user_attrs["index"] == 3 and rerun.optuna_trial.params["lr"] == 0.3


def test_importances_need_three_complete_trials(write, loader, tmp_path):
    text = BASE + (
        '[sweep]\nmethod = "random"\nepochs = 3\ntrials = 8\n[sweep.random]\n'
        'lr = { log_uniform = [0.001, 1] }\nactivation = { choice = ["tanh", "relu"] }\n'
    )
    sweep = load_sweep(write(text), loader)
    study = SweepStudy(sweep, tmp_path)
    asked = [study.ask(t) for t in sweep.trials]
    study.tell(asked[0], 0.5, "complete")
    study.tell(asked[1], 0.6, "complete")
    assert study.importances() is None
    for a in asked[2:]:  # the accuracy follows the rate alone
        study.tell(a, a.trial.params["lr"], "complete")
    found = study.importances()
    assert found["trials"] == 8 and set(found["importances"]) == {"lr", "activation"}
    assert found["importances"]["lr"] > found["importances"]["activation"]
    assert sum(found["importances"].values()) == pytest.approx(1.0)
