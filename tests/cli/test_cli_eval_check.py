"""`tui-nn eval` and `tui-nn check`."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tui_nn.engine.gradient_check
from tui_nn.data import load_dataset
from tui_nn.engine.metrics import accuracy
from tui_nn.engine.network import Network
from tui_nn.files import load_model

QUICK = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--epochs", "1")


def test_eval_on_the_models_own_test_split(cli, tmp_path):
    path = tmp_path / "xor.npz"
    assert cli("train", *QUICK[:-1], "5", "--save", path).code == 0
    result = cli("eval", path)
    assert result.code == 0, result.err
    model = load_model(path)
    dataset = load_dataset(model.config.dataset)
    output = Network.from_params(model.spec, model.params).forward(dataset.X_test)
    expected = accuracy(output, dataset.y_test)
    assert f"accuracy {expected * 100:.2f}%" in result.out
    assert "test split, 20 samples" in result.out
    assert "confusion matrix" in result.out
    rows = result.out.strip().splitlines()[-2:]
    counts = [[int(v) for v in row.split()[1:]] for row in rows]
    assert sum(map(sum, counts)) == 20
    assert counts[0][0] + counts[1][1] == round(expected * 20)
    test_loss = model.history[-1].test_loss
    loss = float(re.search(r"^loss (\S+)$", result.out, re.M).group(1))
    assert loss == pytest.approx(test_loss, rel=1e-4)  # the number training reported


def write_people(path, n, seed, order=("short", "tall")):
    rng = np.random.default_rng(seed)
    rows = ["height,weight,kind"]
    for _ in range(n):
        h = rng.normal(170, 10)
        rows.append(f"{h:.1f},{h * 0.4 + rng.normal(0, 3):.1f},{order[h > 170]}")
    path.write_text("\n".join(rows) + "\n")


def test_eval_on_new_csv_uses_the_models_normalisation_and_classes(cli, tmp_path):
    write_people(tmp_path / "train.csv", 200, 0)
    model_path = tmp_path / "people.npz"
    args = ("--data", tmp_path / "train.csv", "--epochs", "30", "--save", model_path)
    assert cli("train", *args).code == 0
    # New data, with only one of the classes: its own label numbering would differ.
    rows = ["height,weight,kind"] + [f"{h},{h * 0.4:.1f},tall" for h in range(185, 200)]
    (tmp_path / "new.csv").write_text("\n".join(rows) + "\n")
    result = cli("eval", model_path, "--data", tmp_path / "new.csv")
    assert result.code == 0, result.err
    assert "all split, 15 samples" in result.out
    assert "accuracy 100.00%" in result.out  # very tall people, all recognised as tall
    matrix = result.out.strip().splitlines()[-2:]
    assert matrix[0].split() == ["short", "0", "0"] and matrix[1].split() == ["tall", "0", "15"]


def test_eval_regression_prints_loss_only(cli, tmp_path):
    path = tmp_path / "sine.npz"
    assert (
        cli("train", "--dataset", "sine", "--samples", "40", "--epochs", "2", "--save", path).code
        == 0
    )
    result = cli("eval", path, "--split", "all")
    assert result.code == 0
    assert "all split, 40 samples" in result.out
    assert "loss " in result.out and "accuracy" not in result.out


def test_eval_rejects_an_unknown_split(cli, tmp_path):
    path = tmp_path / "xor.npz"
    assert cli("train", *QUICK, "--save", path).code == 0
    result = cli("eval", path, "--split", "validation")
    assert result.code == 2 and "test, val, train, all" in result.error_line


def test_check_passes_for_a_correct_network(cli):
    result = cli("check", "--dataset", "digits", "--hidden", "6", "--activation", "gelu")
    assert result.code == 0, result.err
    worst = float(re.search(r"worst relative error (\S+)", result.out).group(1))
    assert worst < 1e-5
    assert "64-6-10" in result.out and "float64" in result.out


def test_check_fails_above_the_tolerance(cli, monkeypatch):
    """The engine's check is trusted; this is the CLI's threshold and exit code."""
    monkeypatch.setattr(tui_nn.engine.gradient_check, "gradient_check", lambda *a, **k: 3e-4)
    result = cli("check")
    assert result.code == 1
    assert "FAILED" in result.out and "3.000e-04" in result.out


def test_check_a_saved_model(cli, tmp_path):
    path = tmp_path / "xor.npz"
    assert cli("train", *QUICK, "--save", path).code == 0
    result = cli("check", "--load", path, "--check-samples", "3")
    assert result.code == 0 and "3 samples of xor" in result.out


def test_eval_of_a_csv_model_on_its_own_test_split_matches_training(cli, tmp_path):
    """Raw data through the stored normalisation gives exactly the numbers training reported."""
    write_people(tmp_path / "train.csv", 120, 1)
    model_path = tmp_path / "people.npz"
    assert (
        cli("train", "--data", tmp_path / "train.csv", "--epochs", "5", "--save", model_path).code
        == 0
    )
    result = cli("eval", model_path)
    assert result.code == 0, result.err
    last = load_model(model_path).history[-1]
    assert f"accuracy {last.test_acc * 100:.2f}%" in result.out
    loss = float(re.search(r"^loss (\S+)$", result.out, re.M).group(1))
    assert loss == pytest.approx(last.test_loss, rel=1e-4)


def test_a_relative_data_path_is_stored_absolute(cli, tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    write_people(tmp_path / "work" / "train.csv", 80, 2)
    monkeypatch.chdir(tmp_path / "work")
    assert cli("train", "--data", "train.csv", "--epochs", "1", "--save", "m.npz").code == 0
    monkeypatch.chdir(tmp_path)
    model = load_model("work/m.npz")
    assert model.config.dataset.path == str(tmp_path / "work" / "train.csv")
    assert cli("eval", "work/m.npz").code == 0  # finds its data from another directory
