"""The validation split: carved from the training part by the data seed, evaluated every epoch,
watched by early stopping (never the test set), which puts back the best epoch's weights."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.config import RunConfig, train_data
from tui_nn.data import DataError, DatasetSpec, load_dataset
from tui_nn.engine.network import Network
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.trainer import Trainer
from tui_nn.engine.types import HyperParams


def rows(X: np.ndarray) -> set[bytes]:
    return {row.tobytes() for row in np.asarray(X)}


def test_the_validation_set_comes_out_of_the_training_part_only():
    plain = load_dataset(DatasetSpec("circle", seed=3))
    held = load_dataset(DatasetSpec("circle", seed=3, val_fraction=0.2))
    assert plain.n_val == 0 and plain.X_val is None
    assert held.n_val == 50 and len(held.y_train) == 200  # 0.2 of the 250 training samples
    np.testing.assert_array_equal(held.X_test, plain.X_test)  # the test set is untouched
    assert rows(held.X_train) | rows(held.X_val) == rows(plain.X_train)
    assert not rows(held.X_train) & rows(held.X_val)
    # stratified: each class keeps its share
    assert np.bincount(held.y_val).tolist() == [25, 25]
    assert held.spec.val_fraction == 0.2


def test_the_data_seed_draws_the_validation_set():
    a = load_dataset(DatasetSpec("digits", seed=1, val_fraction=0.25))
    again = load_dataset(DatasetSpec("digits", seed=1, val_fraction=0.25))
    other = load_dataset(DatasetSpec("digits", seed=2, val_fraction=0.25))
    np.testing.assert_array_equal(a.X_val, again.X_val)
    assert rows(a.X_val) != rows(other.X_val)


def test_a_validation_fraction_that_holds_out_nothing_is_refused():
    with pytest.raises(DataError, match="validation fraction 0.01 of 6 samples holds out no"):
        load_dataset(DatasetSpec("circle", samples=12, val_fraction=0.01))
    with pytest.raises(DataError, match="validation fraction must be at least 0 and below 1"):
        load_dataset(DatasetSpec("circle", val_fraction=1.0))


def _trainer(val_fraction: float = 0.2, **hyper) -> Trainer:
    config = RunConfig(dataset=DatasetSpec("spiral", seed=0, val_fraction=val_fraction))
    dataset = load_dataset(config.dataset)
    spec = NetworkSpec(2, (LayerSpec(8, "tanh"),), LayerSpec(1, "sigmoid"), "bce").validate()
    return Trainer(Network.from_spec(spec), train_data(dataset), HyperParams(**hyper))


def test_every_epoch_reports_train_validation_and_test():
    trainer = _trainer(lr=0.1, epochs=2)
    records = [r.record for r in trainer.run() if r.record]
    assert len(records) == 2
    for r in records:
        assert 0 < r.val_loss < 2 and 0 <= r.val_acc <= 1
        assert r.val_loss not in (r.train_loss, r.test_loss)
    loss, acc = trainer.evaluate(trainer.batches.X_val, trainer.batches.y_val)
    assert (loss, acc) == pytest.approx((records[-1].val_loss, records[-1].val_acc))


def scripted(trainer: Trainer, monkeypatch, val: list[float], test: list[float]) -> list:
    """Replace the measured losses with scripts (the weights still train), and keep a copy of
    the weights after every epoch."""
    vals, tests = iter(val), iter(test)
    weights = []

    def metrics():  # called at the end of each epoch, before early stopping decides
        weights.append(trainer.net.flat_params.copy())
        return {
            "train_loss": 0.5,
            "train_acc": 0.5,
            "val_loss": next(vals),
            "val_acc": 0.5,
            "test_loss": next(tests),
            "test_acc": 0.5,
        }

    monkeypatch.setattr(trainer, "_evaluate_all", metrics)
    while not trainer.finished:
        trainer.step()
    return weights


def test_early_stopping_watches_validation_not_test_and_keeps_the_best(monkeypatch):
    trainer = _trainer(lr=0.1, early_stopping=3, epochs=50)
    # the test loss is best at epoch 5; the validation loss at epoch 2, then 3 worse epochs
    val = [0.6, 0.3, 0.4, 0.35, 0.5]
    test = [0.6, 0.5, 0.4, 0.3, 0.1]
    weights = scripted(trainer, monkeypatch, val, test)
    assert trainer.epoch == 5 and trainer.kept_epoch == 2
    assert trainer.best_record.epoch == 2 and trainer.best_record.val_loss == 0.3
    assert trainer.stop_reason == "early stopping: kept epoch 2, the best validation loss"
    assert "no better validation loss for 3 epochs after epoch 2" in trainer.stop_detail
    np.testing.assert_array_equal(trainer.net.flat_params, weights[1])  # epoch 2's weights
    assert not np.array_equal(weights[1], weights[-1])  # ... which differ from the last
    assert len(trainer.history) == 5  # the history stays as it ran
    assert [r.epoch for r in trainer.kept_history()] == [1, 2]  # what a saved run holds


def test_without_early_stopping_the_last_weights_stay(monkeypatch):
    trainer = _trainer(lr=0.1, epochs=4)
    weights = scripted(trainer, monkeypatch, [0.6, 0.3, 0.4, 0.5], [0.5] * 4)
    assert trainer.kept_epoch is None and "epoch budget" in trainer.stop_reason
    assert len(trainer.kept_history()) == 4
    np.testing.assert_array_equal(trainer.net.flat_params, weights[-1])


def test_early_stopping_turned_on_later_keeps_from_then_on(monkeypatch):
    trainer = _trainer(lr=0.1, epochs=2)
    scripted(trainer, monkeypatch, [0.1, 0.2], [0.5] * 2)  # a best loss, but no copy kept
    trainer.set_hyper(HyperParams(lr=0.1, epochs=50, early_stopping=2))
    weights = scripted(trainer, monkeypatch, [0.3, 0.4, 0.5], [0.5] * 3)
    assert trainer.kept_epoch == 3  # the first epoch watched: the earlier weights are gone
    np.testing.assert_array_equal(trainer.net.flat_params, weights[0])
