"""Weights for a diagram (at the picture rate, with gradients and one sample's forward pass) and
one weight or bias set by hand between steps (SetParameter)."""

import math

import numpy as np
import pytest
from session_helpers import make_config
from test_session_runner import Clock

from tui_nn.files import load_model
from tui_nn.session.protocol.messages import Save, SetParameter, SetView, Start, Step
from tui_nn.session.trainer.runner import Runner


@pytest.fixture
def runner():
    r = Runner(make_config(), clock=Clock())  # xor, 2-8-8-1
    r.load()
    return r


def test_weights_come_with_gradients_and_the_samples_forward_pass(runner):
    runner.apply(SetView(weights=True, grid=False, sample=3))
    runner.apply(Step(1))
    runner.advance()
    snap = runner.snapshot()
    view, weights = snap.network_view, snap.weights
    assert weights is not None and view is not None and view.stepped
    assert view.split == "test" and view.sample == 3
    x = runner.dataset.X_test[3].astype(np.float32)
    np.testing.assert_allclose(view.x, x)
    a = x
    for (W, b), z, act, layer in zip(weights, view.z, view.a, runner.net.layers):
        np.testing.assert_allclose(z, W @ a + b, rtol=1e-5, atol=1e-6)
        a = np.tanh(z) if layer.activation == "tanh" else 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(act, a, rtol=1e-5, atol=1e-6)
    for (dW, db), layer in zip(view.grads, runner.net.layers):
        np.testing.assert_array_equal(dW, layer.dW)
        np.testing.assert_array_equal(db, layer.db)
        assert not np.shares_memory(dW, layer.dW)
    assert np.abs(view.grads[0][0]).sum() > 0  # a real gradient, not zeros
    assert view.label in ("0", "1")


def test_weights_at_most_every_interval_while_training(runner):
    runner.apply(SetView(weights=True, grid=False, weights_interval=0.5))
    runner.apply(Start())
    assert runner.snapshot().weights is not None  # the answer to SetView
    runner.advance()
    runner.clock.now = 0.2
    assert runner.snapshot().weights is None  # too soon
    runner.clock.now = 0.6
    snap = runner.snapshot()
    assert snap.weights is not None and snap.network_view is not None


def test_set_a_weight_while_paused_shows_in_the_next_snapshot_and_the_saved_run(runner, tmp_path):
    runner.apply(SetView(weights=True, grid=True))
    runner.snapshot()
    old = float(runner.net.layers[0].W[1, 0])
    runner.apply(SetParameter(layer=0, row=1, col=0, value=1.25))
    snap = runner.snapshot()
    assert snap.weights[0][0][1, 0] == np.float32(1.25)
    assert snap.grid is not None  # the boundary is redrawn with the new weight
    assert snap.message.startswith(f"W1[2,1] = 1.25 (was {old:.6g}); training cost now ")
    # the view's forward pass uses the new weight
    x = runner.dataset.X_test[0].astype(np.float32)
    assert math.isclose(
        snap.network_view.z[0][1],
        float(snap.weights[0][0][1] @ x + snap.weights[0][1][1]),
        rel_tol=1e-5,
    )
    runner.apply(SetParameter(layer=1, row=1, col=None, value=-0.5))
    assert runner.snapshot().weights[1][1][1] == np.float32(-0.5)
    path = tmp_path / "run.npz"
    runner.apply(Save(str(path)))
    saved = load_model(str(path))
    assert saved.params[0][0][1, 0] == np.float32(1.25)
    assert saved.params[1][1][1] == np.float32(-0.5)


def test_set_a_weight_while_running_is_applied_between_steps(runner):
    runner.apply(SetView(weights=True, grid=False))
    runner.apply(Start())
    runner.advance()
    runner.snapshot()
    runner.clock.now = 0.1  # within the weights interval: the change is sent at once anyway
    runner.apply(SetParameter(layer=2, row=0, col=7, value=-3.0))
    assert runner.state == "running"
    assert runner.snapshot().weights[2][0][0, 7] == np.float32(-3.0)
    runner.advance()  # training goes on from the new value
    assert runner.net.layers[2].W[0, 7] != 0


@pytest.mark.parametrize(
    "cmd, words",
    [
        (SetParameter(3, 0, 0, 1.0), "no layer 4"),
        (SetParameter(0, 8, 0, 1.0), "no neuron 9"),
        (SetParameter(0, 0, 2, 1.0), "no input 3"),
        (SetParameter(1, -1, None, 1.0), "no neuron 0"),
        (SetParameter(0, 0, 0, math.nan), "finite number"),
        (SetParameter(0, 0, None, math.inf), "finite number"),
        (SetParameter(0, 0, 0, "big"), "must be a number"),
    ],
)
def test_bad_commands_are_refused_and_change_nothing(runner, cmd, words):
    before = [p.copy() for p in runner.net.param_arrays()]
    runner.apply(cmd)
    assert runner.message.startswith("refused") and words in runner.message
    assert runner.state == "idle"
    for p, q in zip(before, runner.net.param_arrays()):
        np.testing.assert_array_equal(p, q)


def test_image_data_sends_its_picture_shape_and_scaled_pixels():
    r = Runner(make_config("digits", samples=None), clock=Clock())
    r.load()
    r.apply(SetView(weights=True, grid=False, sample=2))
    view = r.snapshot().network_view
    assert view.image_shape == (8, 8) and view.x.shape == (64,)
    assert 0.0 <= view.x.min() and view.x.max() <= 1.0 and view.x.max() > 0.5
    assert not view.stepped and view.label == str(int(r.dataset.y_test[2]))


def test_the_view_survives_coalescing_and_arrives_read_only(runner):
    from tui_nn.session.client.mailbox import merge
    from tui_nn.session.protocol.frozen import freeze

    runner.apply(SetView(weights=True, grid=False))
    older = runner.snapshot()
    newer = runner.snapshot()
    assert older.network_view is not None and newer.network_view is None
    merged = freeze(merge(older, newer))
    assert merged.network_view is older.network_view and merged.weights is older.weights
    view = merged.network_view
    for array in (view.x, view.z[0], view.a[-1], view.grads[0][0], view.grads[-1][1]):
        with pytest.raises(ValueError):
            array[0] = 1.0


def test_the_sample_index_wraps_around_the_test_set(runner):
    n = len(runner.dataset.X_test)
    runner.apply(SetView(weights=True, grid=False, sample=-1))
    assert runner.snapshot().network_view.sample == n - 1
    runner.apply(SetView(weights=True, grid=False, sample=n))
    assert runner.snapshot().network_view.sample == 0
