"""`tui-nn train`: headless training, saved models, metrics, TOML, divergence and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal

import numpy as np
import pytest

import tui_nn.cli.headless_run as train_module
import tui_nn.files
from tui_nn.data import load_dataset
from tui_nn.engine.network import Network
from tui_nn.engine.trainer import Trainer
from tui_nn.files import load_model, read_metrics

QUICK = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--epochs", "1")


@pytest.fixture
def saved_nets(monkeypatch):
    """Every network `save_model` was given, so a test can compare it with the file."""
    nets = []
    real = tui_nn.files.save_model

    def spy(path, net, *args, **kwargs):
        nets.append(net)
        return real(path, net, *args, **kwargs)

    monkeypatch.setattr(tui_nn.files, "save_model", spy)
    return nets


def test_train_one_epoch_save_reload_identical_predictions(cli, tmp_path, saved_nets):
    path = tmp_path / "xor.npz"
    result = cli("train", *QUICK, "--save", path)
    assert result.code == 0, result.err
    assert "epoch 1/1" in result.out and f"saved model to {path}" in result.out
    [trained] = saved_nets
    model = load_model(path)
    assert model.spec == trained.spec
    reloaded = Network.from_params(model.spec, model.params)
    dataset = load_dataset(model.config.dataset)
    for X in (dataset.X_train, dataset.X_test):
        np.testing.assert_array_equal(reloaded.forward(X), trained.forward(X))
    assert len(model.history) == 1 and model.history[0].epoch == 1


def test_saved_model_records_the_configuration(cli, tmp_path):
    path = tmp_path / "m.npz"
    args = ("--dataset", "moons", "--samples", "60", "--hidden", "5,3", "--activation", "relu")
    args += ("--lr", "0.05", "--batch-size", "full", "--epochs", "2", "--seed", "7")
    args += ("--data-seed", "11")
    assert cli("train", *args, "--l2", "0.01", "--save", path).code == 0
    model = load_model(path)
    assert model.spec.sizes == (2, 5, 3, 1)
    assert [layer.activation for layer in model.spec.layers] == ["relu", "relu", "sigmoid"]
    assert model.spec.loss == "bce"
    config = model.config
    assert config.dataset.name == "moons" and config.dataset.samples == 60
    assert config.dataset.seed == 11 and config.seed == 7  # the data's seed, the weights'
    assert config.hyper.lr == 0.05 and config.hyper.batch_size is None
    assert config.hyper.l2 == 0.01 and config.hyper.epochs == 2
    assert model.class_names == ("0", "1") and model.task == "classification"


def test_metrics_file_has_one_record_per_epoch(cli, tmp_path):
    metrics = tmp_path / "m.jsonl"
    result = cli("train", *QUICK[:-1], "3", "--metrics", metrics)
    assert result.code == 0
    records = read_metrics(metrics)
    assert [r["epoch"] for r in records] == [1, 2, 3]
    assert set(records[0]) >= {"epoch", "step", "samples", "train_loss", "test_loss", "train_acc"}
    assert records[-1]["step"] == 3 * 2  # 20 training samples in batches of 10
    assert len(result.out.strip().splitlines()) == 1 + 3 + 1  # header, epochs, summary


def test_regression_has_loss_but_no_accuracy(cli, tmp_path):
    result = cli("train", "--dataset", "sine", "--samples", "40", "--epochs", "2")
    assert result.code == 0
    assert "loss mse" in result.out and "identity" in result.out
    assert "acc" not in result.out.splitlines()[1]


def test_continue_from_a_saved_model(cli, tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    assert cli("train", *QUICK[:-1], "2", "--save", first).code == 0
    result = cli("train", "--load", first, "--epochs", "3", "--save", second)
    assert result.code == 0, result.err
    assert "epoch 5/5" in result.out  # numbering continues after the loaded epochs
    model = load_model(second)
    assert [r.epoch for r in model.history] == [1, 2, 3, 4, 5]
    assert model.config.dataset.name == "xor" and model.spec.sizes == (2, 4, 1)


def test_load_ignores_architecture_options_with_a_note(cli, tmp_path):
    first = tmp_path / "a.npz"
    assert cli("train", *QUICK, "--save", first).code == 0
    result = cli("train", "--load", first, "--hidden", "9,9", "--epochs", "1", "--save", first)
    assert result.code == 0
    assert "--hidden ignored" in result.err
    assert load_model(first).spec.sizes == (2, 4, 1)


def test_toml_config_and_command_line_precedence(cli, tmp_path):
    toml = tmp_path / "run.toml"
    toml.write_text(
        'dataset = "circle"\nsamples = 40\nhidden = [3]\nlr = 0.5\nepochs = 1\n'
        'save = "from-toml.npz"\n'
    )
    result = cli("train", "--config", toml, "--lr", "0.1")
    assert result.code == 0, result.err
    model = load_model(tmp_path / "from-toml.npz")  # relative to the TOML file
    assert model.config.hyper.lr == 0.1  # the command line wins
    assert model.spec.sizes == (2, 3, 1) and model.config.dataset.samples == 40


def test_divergence_reports_saves_finite_model_and_exits_1(cli, tmp_path):
    path = tmp_path / "d.npz"
    args = ("--dataset", "sine", "--activation", "relu", "--lr", "10", "--epochs", "3")
    result = cli("train", *args, "--save", path)
    assert result.code == 1
    assert "diverged" in result.err
    model = load_model(path)  # load_model refuses non-finite weights
    assert all(np.isfinite(W).all() for W, _ in model.params)


def test_ctrl_c_stops_cleanly_and_saves(cli, tmp_path, monkeypatch):
    """A real SIGINT during training: stop at a step boundary, save, exit 130."""
    real_step = Trainer.step
    calls = []

    def step(self):
        calls.append(1)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return real_step(self)

    monkeypatch.setattr(Trainer, "step", step)
    path = tmp_path / "i.npz"
    result = cli("train", "--dataset", "xor", "--samples", "400", "--epochs", "50", "--save", path)
    assert result.code == 130
    assert "interrupted at epoch 0, step 3" in result.err
    assert len(calls) == 3
    assert load_model(path).spec.sizes == (2, 8, 8, 1)


def test_seeded_runs_are_identical(cli, tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    assert cli("train", *QUICK[:-1], "2", "--seed", "3", "--save", a).code == 0
    assert cli("train", *QUICK[:-1], "2", "--seed", "3", "--save", b).code == 0
    for (Wa, ba), (Wb, bb) in zip(load_model(a).params, load_model(b).params):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


def test_csv_training_keeps_normalisation_and_class_names(cli, tmp_path):
    rng = np.random.default_rng(0)
    rows = ["height,weight,kind"]
    for _ in range(60):
        h = rng.normal(170, 10)
        rows.append(f"{h:.1f},{h * 0.4 + rng.normal(0, 3):.1f},{'tall' if h > 170 else 'short'}")
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n")
    model_path = tmp_path / "people.npz"
    result = cli("train", "--data", path, "--epochs", "2", "--save", model_path)
    assert result.code == 0, result.err
    model = load_model(model_path)
    assert model.class_names == ("short", "tall")
    assert model.normalization["kind"] == "standard"
    assert len(model.normalization["shift"]) == 2
    assert model.config.dataset.path == str(path)


def test_progress_bar_on_a_terminal(tmp_path, monkeypatch, capsys):
    """With stderr a terminal the bar is drawn there; stdout keeps the plain epoch lines."""
    monkeypatch.setattr(train_module, "is_terminal", lambda stream: True)
    monkeypatch.setattr(train_module.ProgressBar, "due", lambda self: True)
    from tui_nn.cli import main

    assert main(["train", *QUICK[:-1], "2"]) == 0
    captured = capsys.readouterr()
    assert "\r" in captured.err and "%" in captured.err and "epoch" in captured.err
    assert "epoch 2/2" in captured.out and "\r" not in captured.out


def test_quiet_prints_only_the_summary(cli):
    result = cli("train", *QUICK, "--quiet")
    assert result.code == 0
    assert result.out.strip().startswith("finished: 1 epoch,")
    assert len(result.out.strip().splitlines()) == 1


def test_metrics_json_is_strict(cli, tmp_path):
    metrics = tmp_path / "m.jsonl"
    assert cli("train", *QUICK, "--metrics", metrics).code == 0
    for line in metrics.read_text().splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_continued_run_keeps_the_loaded_epoch_budget(cli, tmp_path):
    first = tmp_path / "a.npz"
    assert cli("train", *QUICK[:-1], "2", "--save", first).code == 0
    result = cli("train", "--load", first, "--save", first)
    assert result.code == 0
    assert [r.epoch for r in load_model(first).history] == [1, 2, 3, 4]
