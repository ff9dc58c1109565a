"""Train on everything (`--test-fraction 0`) or test on a second file (`--test-data`)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_nn.data import DataError, DatasetSpec, load_dataset
from tui_nn.engine.network import Network
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.trainer import Trainer
from tui_nn.engine.types import HyperParams, TrainData
from tui_nn.files import read_metrics

QUICK = ("--dataset", "xor", "--samples", "60", "--hidden", "4", "--epochs", "2")


def table(path, rows, header="x1,x2,label"):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def blobs(n, seed, labels=("cat", "dog")):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = i % 2
        x = rng.normal(3 * k, 1, 2)
        rows.append((round(x[0], 3), round(x[1], 3), labels[k]))
    return rows


def test_fraction_zero_trains_on_everything(cli, tmp_path):
    metrics = tmp_path / "m.jsonl"
    result = cli("train", *QUICK, "--test-fraction", "0", "--metrics", metrics)
    assert result.code == 0, result.err
    assert "all 60 samples train, no test set (test metrics: none)" in result.out
    assert "test none" in result.out.splitlines()[-1]
    records = read_metrics(metrics)
    assert len(records) == 2
    assert all(r["test_loss"] is None and r["test_acc"] is None for r in records)
    assert records[-1]["samples"] == 2 * 60  # every sample trained on, every epoch


def test_eval_of_a_model_without_a_test_split(cli, tmp_path):
    path = tmp_path / "all.npz"
    assert cli("train", *QUICK, "--test-fraction", "0", "--save", path).code == 0
    result = cli("eval", path)
    assert result.code == 2 and "has no test split" in result.error_line
    result = cli("eval", path, "--split", "all")
    assert result.code == 0 and "60 samples" in result.out


def test_early_stopping_watches_the_training_loss_without_a_validation_set(monkeypatch):
    X = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    data = TrainData(X, y, X[:0], y[:0])
    spec = NetworkSpec(2, (LayerSpec(4, "tanh"),), LayerSpec(1, "sigmoid"), "bce").validate()
    trainer = Trainer(Network.from_spec(spec), data, HyperParams(early_stopping=2, batch_size=None))
    losses = iter([0.5, 0.4, 0.45, 0.41, 0.3])  # better, better, worse, worse: stop at epoch 4

    def metrics():
        none = dict.fromkeys(("val_loss", "val_acc", "test_loss", "test_acc"))
        return {"train_loss": next(losses), "train_acc": 0.5, **none}

    monkeypatch.setattr(trainer, "_evaluate_all", metrics)
    for _ in range(10):
        if trainer.finished:
            break
        trainer.step()
    assert trainer.epoch == 4 and "early stopping" in trainer.stop_reason
    assert trainer.kept_epoch == 2 and "the best training loss" in trainer.stop_reason
    assert all(r.test_loss is None for r in trainer.history)


def test_test_data_file(cli, tmp_path):
    train = table(tmp_path / "train.csv", blobs(40, 1))
    test = table(tmp_path / "test.csv", blobs(30, 2))
    model = tmp_path / "m.npz"
    result = cli("train", "--data", train, "--test-data", test, "--hidden", "4", "--save", model)
    assert result.code == 0, result.err
    assert "40 train / 30 test samples (test: test.csv)" in result.out
    ds = load_dataset(DatasetSpec("csv", path=str(train), test_data=str(test)))
    assert len(ds.X_train) == 40 and len(ds.X_test) == 30
    # the test file goes through the training file's normalisation, not its own
    raw = np.array([r[:2] for r in blobs(30, 2)], dtype=np.float64)
    norm = ds.normalization
    expected = (raw - np.array(norm["shift"])) / np.array(norm["scale"])
    np.testing.assert_allclose(ds.X_test, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(ds.X_test.mean(axis=0), 0, atol=1e-3)
    # eval of its test split is that file again
    result = cli("eval", model)
    assert result.code == 0 and "test.csv (the test file of train.csv)" in result.out
    assert "30 samples" in result.out


def test_test_data_regression_uses_the_training_target_scaling(tmp_path):
    rows = [(i, 1000 * i + 5.5) for i in range(30)]
    train = table(tmp_path / "train.csv", rows[:20], "x,price")
    test = table(tmp_path / "test.csv", rows[20:], "x,price")
    ds = load_dataset(DatasetSpec("csv", path=str(train), test_data=str(test)))
    tn = ds.target_normalization
    back = ds.y_test[:, 0] * tn["scale"][0] + tn["shift"][0]
    np.testing.assert_allclose(back, [p for _, p in rows[20:]], rtol=1e-5)
    assert not math.isclose(float(ds.y_test.mean()), 0.0, abs_tol=0.1)


@pytest.mark.parametrize(
    "header, rows, words",
    [
        ("x1,label", [(1, "cat"), (2, "dog")], ["lacks 'x2'", "expected x1, x2, label"]),
        ("x1,x2,label,x3", [(1, 2, "cat", 0)], ["has 'x3' too"]),
        ("x2,x1,label", [(1, 2, "cat")], ["in another order"]),
        ("x1,x2,label", [(1, 2, "bird")], ["'bird' is not one of the classes (cat, dog)"]),
        ("x1,x2,label", [(1, "?", "cat")], ["line 2, column 2", "missing"]),
    ],
)
def test_test_data_that_does_not_fit(tmp_path, header, rows, words):
    train = table(tmp_path / "train.csv", blobs(20, 1))
    test = table(tmp_path / "test.csv", rows, header)
    with pytest.raises(DataError) as info:
        load_dataset(DatasetSpec("csv", path=str(train), test_data=str(test)))
    message = str(info.value)
    assert "test.csv" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    "args, words",
    [
        (("--dataset", "xor", "--test-data", "t.csv"), ["--test-data", "needs --data"]),
        (
            ("--data", "a.csv", "--test-data", "t.csv", "--test-fraction", "0.3"),
            ["--test-data and --test-fraction", "give one"],
        ),
        (("--data", "a.csv", "--test-data", "absent.csv"), ["absent.csv", "not found"]),
    ],
)
def test_test_data_usage(cli, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    table(tmp_path / "a.csv", blobs(20, 1))
    result = cli("train", *args, "--epochs", "1")
    assert result.code == 2
    for word in words:
        assert word in result.error_line
