"""Optuna's side of a sweep, on the embedded cluster: TPE with ASHA pruning (pruned trials
recorded with the epoch they reached, the best never a pruned one, importances), and every
trial's command reproducing its model bit for bit."""

from __future__ import annotations

import json
import shlex
import subprocess

import numpy as np
import optuna
import pytest
from sweep_helpers import subprocess_env, tui_nn_command

from tui_nn.files import load_model
from tui_nn.sweep.results import read_results
from tui_nn.sweep.study import JOURNAL, STUDY_NAME

pytestmark = pytest.mark.slow  # sweeps on an embedded cluster: real processes

TPE = """\
dataset = "digits"
hidden = "16"
batch-size = 64
[sweep]
method = "tpe"
pruner = "asha"
prune-after = 1
trials = 10
epochs = 9
seed = 3
[sweep.random]
lr = { log_uniform = [1e-5, 0.3] }
"""


@pytest.fixture(scope="module")
def tpe_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tpe")
    path = folder / "tpe.toml"
    path.write_text(TPE, encoding="utf-8")
    proc = subprocess.run(
        tui_nn_command("sweep", path, "--workers", 2, "--results", folder / "out"),
        capture_output=True,
        text=True,
        timeout=300,
        env=subprocess_env(),
    )
    return proc, folder / "out"


def test_tpe_with_asha_prunes_and_records_the_epoch_reached(tpe_run):
    proc, folder = tpe_run
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # nothing of Dask's or Optuna's on the terminal
    results = read_results(folder)
    assert len(results.records) == 10 and results.total == 10
    cut = [r for r in results.records if r["stopped"] == "pruned"]
    whole = [r for r in results.records if r["stopped"] != "pruned"]
    assert cut and whole, [r["stopped"] for r in results.records]  # lr down to 1e-5: hopeless
    for r in cut:
        assert 1 <= r["epochs"] < 9 and r["epoch"] == r["epochs"] == len(r["curve"])
        assert f"trial {r['trial']:>2} pruned at epoch {r['epochs']} (" in proc.stdout
    for r in whole:
        assert r["epochs"] == 9 == len(r["curve"])
    assert not results.best()["stopped"] == "pruned"
    assert results.best()["val_acc"] == max(r["val_acc"] for r in whole)
    assert all(1e-5 <= r["params"]["lr"] <= 0.3 for r in results.records)
    # ranked: the complete trials first, then the pruned ones
    ranked = [r["stopped"] == "pruned" for r in results.sorted()]
    assert ranked == sorted(ranked)
    # the study, in Optuna's own format, says the same
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(folder / JOURNAL))
    )
    study = optuna.load_study(study_name=STUDY_NAME, storage=storage)
    states = {t.user_attrs["index"]: t.state.name for t in study.trials}
    assert states == {
        r["trial"]: "PRUNED" if r["stopped"] == "pruned" else "COMPLETE" for r in results.records
    }
    for t in study.trials:
        record = next(r for r in results.records if r["trial"] == t.user_attrs["index"])
        reported = [t.intermediate_values[e] for e in sorted(t.intermediate_values)]
        assert reported == pytest.approx(record["curve"][: len(reported)])
        assert t.params["lr"] == record["params"]["lr"]
    header = json.loads((folder / "sweep.json").read_text())
    assert (header["method"], header["pruner"], header["trials"]) == ("tpe", "asha", 10)
    assert "10 trials by Optuna's TPE, asha pruning, chosen by val_acc" in proc.stdout


def test_every_trial_command_trains_the_same_model_bit_for_bit(tpe_run, tmp_path):
    proc, folder = tpe_run
    results = read_results(folder)
    record = results.best()
    command = shlex.split(record["command"])
    assert command[:2] == ["tui-nn", "train"]
    assert f"--seed {record['seed']}" in record["command"]
    assert "--data-seed 0" in record["command"] and "--val-fraction 0.2" in record["command"]
    saved = tmp_path / "again.npz"
    again = subprocess.run(
        tui_nn_command(*command[1:], "--save", saved, "--quiet"),
        capture_output=True,
        text=True,
        timeout=120,
        env=subprocess_env(),
    )
    assert again.returncode == 0, again.stderr
    mine, theirs = load_model(saved), load_model(results.model_path(record))
    for (w1, b1), (w2, b2) in zip(mine.params, theirs.params):
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(b1, b2)
    assert mine.config == theirs.config
    assert [r.val_acc for r in mine.history] == [r.val_acc for r in theirs.history]


def test_importances_are_written_and_shown(tpe_run):
    proc, folder = tpe_run
    results = read_results(folder)
    complete = sum(r["stopped"] != "pruned" for r in results.records)
    if complete < 3:
        assert results.importances is None
        return
    assert set(results.importances) == {"lr"}
    assert "parameter importances (Optuna's PED-ANOVA, on val_acc): lr " in proc.stdout
