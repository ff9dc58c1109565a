"""The trainer: learning, determinism, divergence, hyper-parameter changes, statistics."""

import warnings
from dataclasses import replace

import numpy as np
import pytest

from tui_nn.engine import (
    HyperParams,
    LayerSpec,
    Network,
    NetworkSpec,
    SpecError,
    TrainData,
    Trainer,
)

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def _xor_trainer(seed=0, **hyper):
    spec = NetworkSpec(2, (LayerSpec(8, "tanh"),), LayerSpec(1, "sigmoid"), "bce", seed=seed)
    settings = {"lr": 0.05, "batch_size": 4, "optimizer": "adam"} | hyper
    return Trainer(
        Network.from_spec(spec), TrainData(XOR_X, XOR_Y, XOR_X, XOR_Y), HyperParams(**settings)
    )


def _blobs(n=60, seed=0, k=3):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    X = rng.normal(size=(n, 2)).astype(np.float32) + 3 * np.eye(k, 2, dtype=np.float32)[y]
    return TrainData(X[: n * 3 // 4], y[: n * 3 // 4], X[n * 3 // 4 :], y[n * 3 // 4 :])


def _blob_trainer(seed=0, data=None, **hyper):
    spec = NetworkSpec(
        2, (LayerSpec(6, "relu"), LayerSpec(5, "tanh")), LayerSpec(3, "softmax"), "cce", seed=seed
    )
    return Trainer(Network.from_spec(spec), data or _blobs(), HyperParams(**hyper), seed=seed)


def test_xor_reaches_full_accuracy():
    trainer = _xor_trainer(epochs=400)
    records = [r.record for r in trainer.run() if r.record]
    assert len(records) == 400 and trainer.finished
    assert records[-1].train_acc == 1.0
    assert records[-1].train_loss < 0.1 < records[0].train_loss


def test_plain_sgd_per_sample_learns_too():
    trainer = _blob_trainer(lr=0.05, batch_size=1, optimizer="sgd", epochs=15)
    list(trainer.run())
    assert trainer.steps_per_epoch == 45 and trainer.step_count == 15 * 45
    assert trainer.history[-1].test_acc >= 0.85
    assert trainer.history[-1].train_loss < trainer.history[0].train_loss


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
def test_every_optimizer_lowers_the_loss(optimizer):
    trainer = _blob_trainer(lr=0.02, batch_size=8, optimizer=optimizer, epochs=10)
    list(trainer.run())
    assert trainer.history[-1].train_loss < 0.8 * trainer.history[0].train_loss


def test_same_seed_same_run_and_another_seed_differs():
    runs = []
    for seed in (5, 5, 6):
        trainer = _blob_trainer(seed=seed, lr=0.05, batch_size=7, optimizer="momentum", epochs=3)
        list(trainer.run())
        runs.append(([r.train_loss for r in trainer.history], trainer.net.get_params()))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(runs[0][1], runs[1][1]))
    assert runs[0][0] != runs[2][0]


def test_counters_and_full_batch():
    trainer = _blob_trainer(lr=0.1, batch_size=None)
    assert trainer.steps_per_epoch == 1
    result = trainer.step()
    assert result.record is not None and result.epoch == 1 and trainer.samples_seen == 45
    trainer.set_hyper(HyperParams(lr=0.1, batch_size=10))
    assert trainer.steps_per_epoch == 5
    sizes = []
    for _ in range(5):
        before = trainer.samples_seen
        trainer.step()
        sizes.append(trainer.samples_seen - before)
    assert sizes == [10, 10, 10, 10, 5] and trainer.epoch == 2 and trainer.batch_index == 0
    record = trainer.history[-1]
    assert (record.epoch, record.step, record.samples) == (2, 6, 90)
    assert record.seconds > 0 and trainer.elapsed >= record.seconds


def test_nan_recovery_restores_finite_weights_and_reports():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    Y = (X @ np.ones((3, 2), dtype=np.float32)) ** 3
    spec = NetworkSpec(
        3, (LayerSpec(16, "relu"), LayerSpec(16, "relu")), LayerSpec(2, "identity"), "mse"
    )
    trainer = Trainer(
        Network.from_spec(spec),
        TrainData(X, Y, X, Y, task="regression"),
        HyperParams(lr=1e3, batch_size=5, optimizer="momentum"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings leak out of the trainer
        results = list(trainer.run(max_steps=200))
    assert results[-1].diverged is not None, "lr=1e3 did not diverge"
    reason = results[-1].diverged
    assert trainer.diverged == reason and "step" in reason and "layer" in reason
    params = trainer.net.get_params()
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params)
    loss, acc = trainer.evaluate(X, Y)
    assert np.isfinite(loss) and acc is None
    trainer.set_hyper(HyperParams(lr=1e-4, batch_size=5))  # carry on with a sane rate
    result = trainer.step()
    assert result.diverged is None and np.isfinite(result.batch_loss)


def test_a_non_finite_test_loss_is_divergence_not_a_finished_epoch():
    # Training data is ordinary; the test inputs overflow float32 once multiplied by the
    # weights. The batch losses stay finite, so only the end-of-epoch evaluation can see it.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    X_test = np.full((10, 2), 3e38, dtype=np.float32)
    spec = NetworkSpec(2, (LayerSpec(4, "relu"),), LayerSpec(1, "sigmoid"), "bce")
    trainer = Trainer(
        Network.from_spec(spec),
        TrainData(X, y, X_test, y[:10]),
        HyperParams(lr=0.1, batch_size=40, epochs=3),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = trainer.step()  # one full-batch step = one epoch
    assert result.diverged is not None and "test loss" in result.diverged
    assert trainer.diverged == result.diverged
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in trainer.net.get_params())


def test_live_learning_rate_change_keeps_optimizer_state():
    trainer = _blob_trainer(lr=0.01, batch_size=8, optimizer="adam")
    for _ in range(5):
        trainer.step()
    optimizer = trainer.optimizer
    moments = [st["m"].copy() for st in optimizer.state]
    trainer.set_hyper(HyperParams(lr=0.001, batch_size=16, optimizer="adam", l2=0.01))
    assert trainer.optimizer is optimizer and optimizer.t == 5
    assert all(np.array_equal(m, st["m"]) for m, st in zip(moments, optimizer.state))
    trainer.step()
    assert optimizer.t == 6
    trainer.set_hyper(HyperParams(lr=0.001, optimizer="sgd"))
    assert trainer.optimizer is not optimizer and trainer.optimizer.t == 0


def test_learning_rate_change_takes_effect_on_the_next_step():
    a, b = _blob_trainer(lr=0.01, batch_size=8), _blob_trainer(lr=0.01, batch_size=8)
    a.step(), b.step()
    b.set_hyper(HyperParams(lr=0.02, batch_size=8))
    before = a.net.get_params()[0][0]
    a.step(), b.step()
    step_a = a.net.layers[0].W - before
    step_b = b.net.layers[0].W - before
    np.testing.assert_allclose(step_b, 2 * step_a, rtol=1e-4, atol=1e-7)


def test_evaluate_has_no_effect_on_training():
    trainer = _blob_trainer(lr=0.05, batch_size=8)
    trainer.step()
    params = trainer.net.get_params()
    stats = trainer.neuron_stats()
    counters = (trainer.step_count, trainer.samples_seen, trainer.batch_index)
    loss, acc = trainer.evaluate(trainer.data.X_test, trainer.data.y_test)
    assert 0 <= acc <= 1 and loss > 0
    assert counters == (trainer.step_count, trainer.samples_seen, trainer.batch_index)
    assert all(np.array_equal(p[0], q[0]) for p, q in zip(params, trainer.net.get_params()))
    again = trainer.neuron_stats()
    np.testing.assert_array_equal(stats[0].mean_abs_delta, again[0].mean_abs_delta)


def test_neuron_stats_describe_the_last_batch():
    trainer = _blob_trainer(lr=0.05, batch_size=9)
    assert trainer.neuron_stats() == ()
    trainer.net.layers[0].b[:3] = -100.0  # three relu neurons that can never fire
    trainer.step()
    relu, tanh, out = trainer.neuron_stats()
    assert relu.activation == "relu" and out.activation == "softmax"
    np.testing.assert_array_equal(relu.dead_fraction[:3], 1.0)
    assert relu.mean_abs_delta[:3].tolist() == [0.0, 0.0, 0.0]
    layer = trainer.net.layers[1]
    np.testing.assert_allclose(tanh.mean_abs_delta, 9 * np.abs(layer.delta).mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(tanh.mean_activation, layer.a.mean(axis=0), rtol=1e-6)
    assert tanh.grad_norm == pytest.approx(float(np.linalg.norm(layer.dW)), rel=1e-5)
    assert out.weight_norm == pytest.approx(
        float(np.linalg.norm(trainer.net.layers[2].W)), rel=1e-5
    )


def test_early_stopping_and_epoch_budget():
    trainer = _blob_trainer(lr=1e-30, batch_size=None, early_stopping=2)
    list(trainer.run(max_steps=50))
    assert trainer.finished and trainer.epoch == 3 and "early stopping" in trainer.stop_reason
    trainer = _blob_trainer(lr=0.01, batch_size=None, epochs=4)
    assert len(list(trainer.run())) == 4 and trainer.finished
    trainer.set_hyper(HyperParams(lr=0.01, batch_size=None, epochs=6))
    assert not trainer.finished
    assert len(list(trainer.run())) == 2


def test_l2_penalty_shrinks_weights():
    plain = _blob_trainer(lr=0.05, batch_size=8, epochs=5)
    decayed = _blob_trainer(lr=0.05, batch_size=8, epochs=5, l2=0.5)
    list(plain.run()), list(decayed.run())
    assert np.linalg.norm(decayed.net.layers[0].W) < 0.8 * np.linalg.norm(plain.net.layers[0].W)


def test_set_data_keeps_weights_or_refuses():
    trainer = _blob_trainer(lr=0.05, batch_size=8)
    trainer.step()
    W = trainer.net.layers[0].W.copy()
    trainer.set_data(_blobs(n=40, seed=3))
    assert np.array_equal(W, trainer.net.layers[0].W) and trainer.step_count == 0
    trainer.step()
    wide = TrainData(np.zeros((4, 5), np.float32), np.zeros(4, int), np.zeros((0, 5)), np.zeros(0))
    with pytest.raises(SpecError, match="5"):
        trainer.set_data(wide)
    too_many = replace(_blobs(), y_train=np.full(45, 7))
    with pytest.raises(SpecError, match="0..2"):
        trainer.set_data(too_many)


def test_reset_restarts_from_the_spec_seed_or_a_new_one():
    trainer = _blob_trainer(lr=0.05, batch_size=8)
    start = trainer.net.get_params()[0][0]
    trainer.step()
    trainer.reset()
    assert np.array_equal(start, trainer.net.layers[0].W)
    assert trainer.step_count == 0 and trainer.history == [] and trainer.optimizer.t == 0
    trainer.reset(seed=9)
    assert not np.array_equal(start, trainer.net.layers[0].W) and trainer.net.spec.seed == 9


@pytest.mark.parametrize(
    "hyper,word",
    [
        (HyperParams(lr=-1.0), "learning rate"),
        (HyperParams(optimizer="rmsprop"), "adam"),
        (HyperParams(batch_size=0), "batch size"),
        (HyperParams(l2=-0.1), "l2"),
        (HyperParams(epochs=-1), "epochs"),
    ],
)
def test_bad_hyper_parameters_raise(hyper, word):
    with pytest.raises(SpecError, match=word):
        _blob_trainer().set_hyper(hyper)


def test_run_stops_at_divergence_and_max_steps():
    trainer = _blob_trainer(lr=0.05, batch_size=8)
    assert len(list(trainer.run(max_steps=7))) == 7 and trainer.step_count == 7
    trainer.net.layers[0].W[0, 0] = np.nan  # as if an update had overflowed
    results = list(trainer.run(max_steps=50))
    assert len(results) == 1 and "layer 1" in results[0].diverged
    assert np.isfinite(trainer.net.flat_params).all()


def test_divergence_restores_a_recent_checkpoint_not_the_start():
    trainer = _blob_trainer(lr=0.05, batch_size=8, optimizer="sgd")
    start = trainer.net.flat_params.copy()
    for _ in range(100):  # 800 samples: at least one checkpoint after the start
        trainer.step()
    trained = trainer.net.flat_params.copy()
    trainer.net.layers[1].b[0] = np.inf  # tanh(inf) = 1: the loss stays finite...
    results = list(trainer.run(max_steps=100))  # ...so the next checkpoint must notice
    result = results[-1]
    assert result.diverged and "non-finite" in result.diverged and "layer 2" in result.diverged
    assert len(results) <= 512 // 8 + 1
    restored = trainer.net.flat_params
    assert np.isfinite(restored).all() and not np.array_equal(restored, start)
    assert np.abs(restored - trained).max() < np.abs(start - trained).max()
    step = int(result.diverged.rsplit("after step ", 1)[1].split()[0])
    assert 0 < step <= 100 and trainer.step_count == 100 + len(results) - 1


def _restored_step(message: str) -> int:
    if "the initial weights restored" in message:
        return 0
    return int(message.rsplit("after step ", 1)[1].split()[0])


@pytest.mark.parametrize("batch_size", [1, 8, None])
def test_the_step_named_is_the_step_whose_weights_come_back(batch_size):
    """A run that diverges gets back exactly the weights a twin run had after the step named."""
    diverging = _blob_trainer(lr=0.05, batch_size=batch_size, optimizer="sgd")
    for _ in range(600):  # a checkpoint or more, whatever the batch size
        assert not diverging.step().diverged
    diverging.net.layers[1].b[0] = np.inf  # the loss stays finite: a checkpoint must notice
    while not (result := diverging.step()).diverged:
        pass
    named = _restored_step(result.diverged)
    assert 0 < named <= 600
    twin = _blob_trainer(lr=0.05, batch_size=batch_size, optimizer="sgd")
    for _ in range(named):
        twin.step()
    assert np.array_equal(diverging.net.flat_params, twin.net.flat_params)


def _noting(trainer, taken):
    save = trainer._save_checkpoint

    def noted():
        taken.append(trainer.step_count)
        return save()

    return noted


def test_checkpoints_are_rare_on_small_networks():
    """No copy every step: at batch 1 at least 512 steps pass between two checkpoints, at a
    large batch at least 16."""
    for batch, every in ((1, 512), (200, 16)):
        trainer = _blob_trainer(lr=0.05, batch_size=batch, optimizer="sgd")
        taken: list[int] = []
        trainer._save_checkpoint = _noting(trainer, taken)
        for _ in range(3 * every):
            trainer.step()
        assert taken and taken[0] >= every - 1, taken  # the first: after the initial weights
        assert all(b - a >= every for a, b in zip(taken, taken[1:])), taken


def test_uint8_batches_train_like_prescaled_floats():
    rng = np.random.default_rng(4)
    X8 = rng.integers(0, 256, size=(64, 5), dtype=np.uint8)
    y = (X8[:, 0] > X8[:, 1]).astype(int)
    spec = NetworkSpec(5, (LayerSpec(6, "relu"),), LayerSpec(1, "sigmoid"), "bce", dtype="float64")
    hyper = HyperParams(lr=0.1, batch_size=16, epochs=3)
    raw = Trainer(Network.from_spec(spec), TrainData(X8, y, X8[:8], y[:8], 1 / 255), hyper)
    Xf = X8 / 255.0
    flt = Trainer(Network.from_spec(spec), TrainData(Xf, y, Xf[:8], y[:8]), hyper)
    list(raw.run()), list(flt.run())
    assert X8.dtype == np.uint8  # the data set itself was never converted
    for a, b in zip(raw.history, flt.history):
        assert a.train_loss == pytest.approx(b.train_loss, rel=1e-12)
        assert a.test_loss == pytest.approx(b.test_loss, rel=1e-12)
    np.testing.assert_allclose(raw.net.flat_params, flt.net.flat_params, rtol=1e-12, atol=1e-15)


def test_saturated_fraction_for_tanh_and_sigmoid():
    spec = NetworkSpec(2, (LayerSpec(4, "tanh"),), LayerSpec(1, "sigmoid"), "bce")
    trainer = Trainer(Network.from_spec(spec), _xor_data(), HyperParams(lr=1e-6, batch_size=4))
    trainer.net.layers[0].W[:2] = 1e4  # neurons 0, 1 pinned near +-1 except at x = (0, 0)
    trainer.net.layers[0].W[2:] = 0.0  # neurons 2, 3 output tanh(0) = 0
    trainer.net.layers[1].W[:] = 1e3  # the output is pinned at 0 or 1 except at (0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.step()
    hidden, out = trainer.neuron_stats()
    np.testing.assert_array_equal(hidden.saturated_fraction, [0.75, 0.75, 0.0, 0.0])
    np.testing.assert_array_equal(out.saturated_fraction, [0.75])
    assert hidden.dead_fraction.tolist() == [0.0] * 4  # not a relu: never "dead"


def _xor_data():
    return TrainData(XOR_X, XOR_Y, XOR_X, XOR_Y)


def test_a_regression_target_refuses_a_classification_head_and_keeps_the_network():
    from tui_nn.engine.network import check_task_head

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    data = TrainData(X, X @ [[1.0], [-2.0]], X[:5], X[:5] @ [[1.0], [-2.0]], task="regression")
    spec = NetworkSpec(2, (LayerSpec(3, "tanh"),), LayerSpec(1, "identity"), "mse")
    trainer = Trainer(Network.from_spec(spec), data, HyperParams())
    before = [W.copy() for W, _ in trainer.net.get_params()]
    for head in (("sigmoid", "bce"), ("identity", "bce"), ("sigmoid", "mse")):
        wrong = replace(spec, output=LayerSpec(1, head[0]), loss=head[1])
        with pytest.raises(SpecError, match="real-valued \\(regression\\)"):
            trainer.set_architecture(wrong)
        if head != ("identity", "bce"):  # a pairing the network itself can build
            with pytest.raises(SpecError, match="real-valued"):
                Trainer(Network.from_spec(wrong), data, HyperParams())
    assert trainer.net.spec == spec
    assert all(np.array_equal(a, W) for a, (W, _) in zip(before, trainer.net.get_params()))
    check_task_head("classification", "bce", "sigmoid")  # classification: any pairing
    check_task_head("regression", "mse", "tanh")  # not a probability output
    with pytest.raises(SpecError, match="column 'y' of f.csv"):
        check_task_head("regression", "cce", "softmax", "column 'y' of f.csv")


def test_edit_data_keeps_the_run_going():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    net = Network.from_spec(NetworkSpec(2, (LayerSpec(3, "tanh"),)))
    trainer = Trainer(net, TrainData(X, y, X[:10], y[:10]), HyperParams(optimizer="adam"))
    for _ in range(6):
        trainer.step()
    epoch, steps, t = trainer.epoch, trainer.step_count, trainer.optimizer.t
    more = np.concatenate([X, [[3.0, 3.0]]]).astype(np.float32)
    trainer.edit_data(TrainData(more, np.append(y, 1), X[:10], y[:10]))
    assert (trainer.epoch, trainer.step_count, trainer.optimizer.t) == (epoch, steps, t)
    assert len(trainer.batches) == 41 and len(trainer.history) == epoch
    done = trainer.epoch
    while trainer.epoch == done:
        trainer.step()
    assert trainer.history[-1].epoch == done + 1  # the epoch in progress ended, recorded
    fewer = more[:5]
    trainer.edit_data(TrainData(fewer, np.append(y, 1)[:5], X[:10], y[:10]))
    for _ in range(3):
        trainer.step()  # positions past the end of the smaller set are not a problem


def test_layer_outputs_are_every_layers_activations():
    from tui_nn.engine.evaluation import layer_outputs

    net = Network.from_spec(NetworkSpec(2, (LayerSpec(5, "relu"), LayerSpec(3, "tanh")),
                                        LayerSpec(1, "sigmoid"), dtype="float64"))  # fmt: skip
    X = np.random.default_rng(1).normal(size=(2500, 2))
    outs = layer_outputs(net, X)
    assert [o.shape for o in outs] == [(2500, 5), (2500, 3), (2500, 1)]
    a = X
    for (W, b), layer, out in zip(net.get_params(), net.layers, outs):
        z = a @ W.T + b
        a = {"relu": np.maximum(z, 0), "tanh": np.tanh(z)}.get(layer.activation)
        if a is None:
            a = 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(out, a, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(outs[-1], net.forward(X), rtol=1e-12)
