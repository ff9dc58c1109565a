"""`tui-nn train` with a validation split: `--val-fraction` (auto: 0.2 with early stopping),
early stopping that keeps and saves the best epoch and says which, and the two seeds named
apart (`--data-seed` the data, `--seed` the weights and the shuffling)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tui_nn.data import load_dataset
from tui_nn.engine.network import Network
from tui_nn.engine.types import EpochRecord
from tui_nn.files import load_model, read_metrics

DIGITS = ("--dataset", "digits", "--lr", "0.03", "--epochs", "40")


def test_early_stopping_saves_the_best_epoch_and_says_which(cli, tmp_path):
    path, metrics = tmp_path / "m.npz", tmp_path / "m.jsonl"
    result = cli("train", *DIGITS, "--early-stopping", "3", "--save", path, "--metrics", metrics)
    assert result.code == 0, result.err
    head = result.out.splitlines()[0]
    assert "train / 179 validation / 898 test samples (test: reported only)" in head
    assert "early stopping after 3 epochs without a better validation loss" in head
    kept = int(re.search(r"kept the weights of epoch (\d+)", result.out).group(1))
    ran = read_metrics(metrics)
    assert len(ran) == kept + 3 < 40  # every epoch it ran is in the metrics file
    best = EpochRecord(**min(ran, key=lambda r: r["val_loss"]))
    assert best.epoch == kept
    assert f"saved the model of epoch {kept} to {path}" in result.out
    summary = next(line for line in result.out.splitlines() if line.startswith("finished:"))
    assert f"kept epoch {kept}; " in summary and f"test loss {best.test_loss:.4g}" in summary
    model = load_model(path)
    assert [r.epoch for r in model.history] == list(range(1, kept + 1))  # the saved run
    assert model.config.dataset.val_fraction == 0.2
    # the saved weights are the kept epoch's: they measure what its record says
    dataset = load_dataset(model.config.dataset)
    net = Network.from_params(model.spec, model.params)
    accuracy = (net.forward(dataset.X_test * dataset.input_scale).argmax(1) == dataset.y_test)
    assert accuracy.mean() == pytest.approx(best.test_acc)
    evaluated = cli("eval", path)
    assert f"loss {best.test_loss:.6g}" in evaluated.out


def test_the_validation_fraction_is_auto_by_default(cli, tmp_path):
    def header(*args: str) -> str:
        result = cli("train", "--dataset", "circle", "--epochs", "1", *args)
        assert result.code == 0, result.err
        return result.out.splitlines()[0]

    assert header().startswith("circle: 250 train / 250 test samples;")
    assert header("--early-stopping", "5").startswith("circle: 200 train / 50 validation / 250")
    assert header("--val-fraction", "0.1").startswith("circle: 226 train / 24 validation / 250")
    assert header("--val-fraction", "auto").startswith("circle: 250 train / 250 test")
    watched = header("--early-stopping", "5", "--val-fraction", "0")
    assert "circle: 250 train / 250 test" in watched
    assert "without a better training loss" in watched  # never the test loss


def test_a_bad_validation_fraction_names_the_option(cli):
    result = cli("train", "--val-fraction", "1")
    assert result.code == 2
    assert "--val-fraction: '1' is out of range (must be a number in [0, 1) or 'auto')" in result.error_line


def weights(path) -> np.ndarray:
    return load_model(path).params[0][0]


def test_the_data_seed_and_the_seed_are_named_apart(cli, tmp_path):
    def run(name: str, *args: str):
        path = tmp_path / f"{name}.npz"
        result = cli("train", "--dataset", "moons", "--epochs", "2", *args, "--save", path)
        assert result.code == 0, result.err
        return load_model(path)

    base = run("base", "--seed", "1", "--data-seed", "1")
    weights_only = run("w", "--seed", "2", "--data-seed", "1")
    data_only = run("d", "--seed", "1", "--data-seed", "2")
    split = {
        name: load_dataset(model.config.dataset).X_test
        for name, model in (("base", base), ("w", weights_only), ("d", data_only))
    }
    np.testing.assert_array_equal(split["base"], split["w"])  # --seed leaves the data alone
    assert not np.array_equal(split["base"], split["d"])  # --data-seed draws other data
    assert not np.array_equal(base.params[0][0], weights_only.params[0][0])
    assert (weights_only.config.seed, weights_only.config.dataset.seed) == (2, 1)
    assert (data_only.config.seed, data_only.config.dataset.seed) == (1, 2)


def test_eval_measures_the_validation_set_and_all_three(cli, tmp_path):
    path = tmp_path / "m.npz"
    result = cli("train", *DIGITS[:-1], "8", "--early-stopping", "50", "--save", path)
    assert result.code == 0, result.err
    model = load_model(path)
    last = model.history[-1]
    val = cli("eval", path, "--split", "val")
    assert "val split, 179 samples" in val.out and f"loss {last.val_loss:.6g}" in val.out
    everything = cli("eval", path, "--split", "all")
    assert "all split, 1797 samples" in everything.out  # train + validation + test
    train = cli("eval", path, "--split", "train")
    assert f"loss {last.train_loss:.6g}" in train.out


def test_a_model_without_a_validation_set_keeps_its_split(cli, tmp_path):
    """A model saved without a validation set (an older one, or val fraction 0) is evaluated on
    its own split: early stopping in its settings does not carve a new one out."""
    path = tmp_path / "m.npz"
    args = ("--early-stopping", "3", "--val-fraction", "0", "--save", path)
    assert cli("train", "--dataset", "circle", "--epochs", "2", *args).code == 0
    assert load_model(path).config.dataset.val_fraction == 0.0
    assert "train split, 250 samples" in cli("eval", path, "--split", "train").out
    result = cli("eval", path, "--split", "val")
    assert result.code == 2 and "was trained without a validation set" in result.error_line
