"""The trainer's side of the playground: your own points (added and removed between steps, kept
by a saved run), feature inputs switched on and off (the other weights kept), neuron maps on the
picture schedule, k classes with their confidence, and training replayed from thinned frames."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from session_helpers import make_config

from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.evaluation import layer_outputs
from tui_nn.files import load_model
from tui_nn.session.protocol.messages import (
    AddPoint,
    RemovePoint,
    Save,
    SetFeatures,
    SetView,
    Step,
)
from tui_nn.session.trainer import pictures
from tui_nn.session.trainer.runner import Runner


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def _runner(config=None):
    r = Runner(config or make_config("circle"), clock=Clock())
    r.load()
    assert r.trainer is not None, r.message
    r.snapshot()
    return r


def _train(runner, epochs):
    for _ in range(epochs):
        runner.apply(Step(epoch=True))
        while runner.running:
            runner.advance()


# ---- your own points -------------------------------------------------------------------------


def test_a_point_joins_the_training_set_between_steps():
    runner = _runner()
    _train(runner, 2)
    epoch, steps, run_id = runner.trainer.epoch, runner.trainer.step_count, runner.run_id
    n = len(runner.dataset.X_train)
    runner.apply(AddPoint(0.5, -0.25, 1))
    snap = runner.snapshot()
    assert len(runner.trainer.batches) == n + 1 and snap.data.n_train == n + 1
    assert snap.dataset.edits == (("add", 0.5, -0.25, 1.0),)
    assert (runner.trainer.epoch, runner.trainer.step_count, runner.run_id) == (epoch, steps, run_id)
    assert snap.grid is not None and "a point of class 1 added at (0.5, -0.25)" in snap.message
    np.testing.assert_array_equal(snap.data.points_train[-1], [0.5, -0.25])
    runner.apply(RemovePoint(0.5, -0.2))
    assert len(runner.trainer.batches) == n and len(runner.dataset_spec.edits) == 2
    _train(runner, 1)  # training goes on over the edited set


def test_points_are_saved_with_the_run_and_come_back(tmp_path):
    runner = _runner()
    runner.apply(AddPoint(1.0, 1.0, 0))
    runner.apply(AddPoint(-2.0, 0.5, 1))
    runner.apply(RemovePoint(1.0, 1.0))
    _train(runner, 1)
    path = tmp_path / "run.npz"
    runner.apply(Save(str(path)))
    assert runner.snapshot().saved_path == str(path)
    saved = load_model(path)
    assert len(saved.config.dataset.edits) == 3
    again = Runner(saved.config, clock=Clock())
    again.load(initial_model=str(path))  # what --resume does
    np.testing.assert_array_equal(again.dataset.X_train, runner.dataset.X_train)
    np.testing.assert_array_equal(again.dataset.y_train, runner.dataset.y_train)
    assert again.trainer.epoch == 1
    assert again.replay.frames.epochs() == [1]  # replay starts at the saved epoch, not at 0


@pytest.mark.parametrize(
    "config, cmd, words",
    [
        (make_config("circle"), AddPoint(0, 0, 3), "needs a class 0..1"),
        (make_config("digits", samples=None), AddPoint(0, 0, 1), "need a plane"),
        (make_config("sine"), RemovePoint(0, 0), "need a plane"),
    ],
)
def test_points_without_a_plane_or_a_class_are_refused(config, cmd, words):
    runner = _runner(config)
    n = len(runner.dataset.X_train)
    runner.apply(cmd)
    assert words in runner.snapshot().message
    assert len(runner.dataset.X_train) == n and runner.dataset_spec.edits == ()


# ---- feature inputs --------------------------------------------------------------------------


def test_features_switched_on_keep_the_other_weights_and_the_run():
    runner = _runner()
    _train(runner, 2)
    hidden_out = runner.net.layers[1].W.copy()
    first = runner.net.layers[0].W.copy()
    epoch, records = runner.trainer.epoch, len(runner.trainer.history)
    runner.apply(SetFeatures(("x1", "x2", "x1^2", "x2^2")))
    snap = runner.snapshot()
    assert runner.net.n_inputs == 4 and snap.network.n_inputs == 4
    assert snap.dataset.features == ("x1", "x2", "x1^2", "x2^2")
    assert snap.data.input_names == ("x1", "x2", "x1²", "x2²") and snap.data.plane == ("x1", "x2")
    np.testing.assert_array_equal(runner.net.layers[0].W[:, :2], first)
    assert not runner.net.layers[0].W[:, 2:].any()
    np.testing.assert_array_equal(runner.net.layers[1].W, hidden_out)
    assert runner.trainer.epoch == epoch and len(runner.trainer.history) == records
    _train(runner, 1)
    runner.apply(SetFeatures(("x1^2", "x2^2")))  # x1, x2 off
    assert runner.net.n_inputs == 2 and runner.dataset.features == ("x1^2", "x2^2")
    runner.apply(SetFeatures(None))
    assert runner.dataset.features is None and runner.net.n_inputs == 2


def test_the_grid_over_the_plane_goes_through_the_features():
    config = dataclasses.replace(make_config("circle"), dataset=DatasetSpec(
        "circle", samples=200, seed=1, features=("x1^2", "x2^2", "sin(x1)")))  # fmt: skip
    runner = _runner(config)
    runner.apply(SetView(grid_size=(8, 4)))
    grid = runner.snapshot().grid
    points = pictures.grid_points(runner.bounds, (8, 4), "float32")
    x1, x2 = points[:, 0], points[:, 1]
    rows = np.stack([x1 * x1, x2 * x2, np.sin(x1)], axis=1)
    want = runner.net.forward(rows)[:, 0].reshape(4, 8)
    np.testing.assert_allclose(grid.values, want, rtol=1e-6)


@pytest.mark.parametrize(
    "config, features, words",
    [
        (make_config("digits", samples=None), ("x1",), "digits has 64 inputs"),
        (make_config("circle"), ("x9",), "unknown feature 'x9'"),
    ],
)
def test_bad_features_are_refused_and_change_nothing(config, features, words):
    runner = _runner(config)
    n = runner.net.n_inputs
    runner.apply(SetFeatures(features))
    assert words in runner.snapshot().message and runner.net.n_inputs == n


# ---- neuron maps, k classes ------------------------------------------------------------------


def test_neuron_maps_are_each_neurons_activation_over_the_plane():
    runner = _runner()
    _train(runner, 1)
    runner.apply(SetView(grid_size=(10, 6), maps=1))
    snap = runner.snapshot()
    maps = snap.maps
    assert maps.layer == 1 and maps.values.shape == (8, 6, 10) and maps.activation == "tanh"
    assert (maps.lo, maps.hi) == (-1.0, 1.0) and maps.epoch is None
    points = pictures.grid_points(runner.bounds, (10, 6), "float32")
    want = layer_outputs(runner.net, points)[1]
    np.testing.assert_allclose(maps.values[3], want[:, 3].reshape(6, 10), rtol=1e-6)
    runner.apply(SetView(grid_size=(10, 6), maps=None))
    assert runner.snapshot().maps is None


def test_neuron_maps_against_x_for_1d_data():
    runner = _runner(make_config("sine"))
    runner.apply(SetView(maps=0))
    maps = runner.snapshot().maps
    assert maps.bounds is None and maps.values.shape == (8, len(maps.x))
    np.testing.assert_allclose(maps.values[:, 5], layer_outputs(runner.net, maps.x[5:6, None])[0][0],
                               rtol=1e-6)  # fmt: skip


def test_k_classes_draw_the_winner_and_its_confidence():
    config = dataclasses.replace(make_config("spiral"), dataset=DatasetSpec(
        "spiral", samples=150, seed=1, classes=3))  # fmt: skip
    runner = _runner(config)
    _train(runner, 2)
    runner.apply(SetView(grid_size=(6, 3)))
    grid = runner.snapshot().grid
    assert grid.kind == "class" and set(np.unique(grid.values)) <= {0, 1, 2}
    assert grid.probabilities.shape == (3, 6)
    assert (grid.probabilities >= 1 / 3 - 1e-6).all() and (grid.probabilities <= 1).all()


# ---- replay ------------------------------------------------------------------------------------


def test_an_earlier_epoch_is_drawn_from_its_own_weights():
    runner = _runner()
    runner.apply(SetView(grid_size=(8, 4), maps=0))
    runner.snapshot()
    _train(runner, 1)
    early = [p.copy() for p in runner.net.param_arrays()]
    _train(runner, 5)
    snap = runner.snapshot()
    assert snap.frames == (0, 1, 2, 3, 4, 5, 6)
    runner.apply(SetView(grid_size=(8, 4), maps=0, replay=1))
    snap = runner.snapshot()
    assert snap.grid.epoch == 1 and snap.maps.epoch == 1
    old = runner.net.copy()
    old.set_params(list(zip(early[0::2], early[1::2])))
    want = pictures.decision_grid(old, runner.dataset, runner.bounds, (8, 4))
    np.testing.assert_array_equal(snap.grid.values, want.values)
    _train(runner, 1)  # the live run goes on; the replayed picture is not redrawn
    assert runner.snapshot().grid is None
    runner.apply(SetView(grid_size=(8, 4), replay=None))
    live = runner.snapshot().grid
    assert live.epoch is None


def test_frames_stay_bounded_over_a_long_run():
    runner = _runner(make_config("circle", samples=20, batch_size=None))
    for _ in range(3000):
        runner.advance()
    frames = runner.replay.frames
    assert len(frames) <= frames.limit + 1 and frames.epochs()[-1] == 3000


def test_a_wider_csvs_plane_is_picked_without_touching_the_run(tmp_path):
    from tui_nn.session.protocol.messages import SetPlane

    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (80, 3))
    path = tmp_path / "w.csv"
    path.write_text("a,b,c,label\n" + "".join(f"{a:.3f},{b:.3f},{c:.3f},{int(a > b)}\n"
                                              for a, b, c in X))  # fmt: skip
    config = dataclasses.replace(make_config(), dataset=DatasetSpec("csv", path=str(path)))
    runner = _runner(config)
    assert runner.bounds is None and runner.dataset.plane is None
    _train(runner, 1)
    weights, epoch = runner.net.flat_params.copy(), runner.trainer.epoch
    runner.apply(SetView(grid_size=(6, 4)))
    runner.apply(SetPlane(("c", "a")))
    snap = runner.snapshot()
    assert snap.dataset.plane == ("c", "a") and snap.data.plane == ("c", "a") and snap.data.held == 1
    assert snap.grid is not None and snap.grid.values.shape == (4, 6)
    np.testing.assert_array_equal(runner.net.flat_params, weights)
    assert runner.trainer.epoch == epoch
    runner.apply(SetPlane(("a", "zz")))
    assert "the plane's column 'zz' is not an input" in runner.snapshot().message
    assert runner.dataset_spec.plane == ("c", "a")
    runner.apply(SetPlane(None))
    assert runner.bounds is None and runner.dataset_spec.plane is None


def test_a_confusion_cell_gives_its_test_samples():
    from tui_nn.session.protocol.messages import CellSamples
    from tui_nn.session.trainer.panel_data import _predict

    runner = _runner(make_config("digits", samples=None))
    _train(runner, 1)
    ds = runner.dataset
    predicted = _predict(runner.net, ds.X_test, ds.input_scale)
    true = ds.y_test
    wrong = np.nonzero(predicted != true)[0]
    i, j = int(true[wrong[0]]), int(predicted[wrong[0]])
    runner.apply(CellSamples(i, j, limit=5))
    cell = runner.snapshot().cell
    want = np.nonzero((true == i) & (predicted == j))[0]
    assert cell.count == len(want) and list(cell.indices) == list(want[:5])
    assert cell.images.shape[0] == len(cell.indices) and cell.rows is None
    assert runner.snapshot().cell is None  # sent once
    runner.apply(CellSamples(12, 0))
    assert "the classes are 0..9" in runner.snapshot().message


def test_cell_samples_of_non_image_data_carry_their_values(tmp_path):
    from tui_nn.session.protocol.messages import CellSamples

    config = dataclasses.replace(make_config("blobs"), dataset=DatasetSpec("blobs", samples=90))
    runner = _runner(config)
    runner.apply(CellSamples(0, 0))
    cell = runner.snapshot().cell
    assert cell.images is None and cell.rows.shape == (len(cell.indices), 2)
    np.testing.assert_array_equal(cell.rows, runner.dataset.X_test[cell.indices])
    assert cell.input_names == ("x1", "x2")
