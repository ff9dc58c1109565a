"""The panel data the trainer computes for the lower-right views: copies, right shapes,
counts that add up, and only for data that has no decision grid."""

import numpy as np
from session_helpers import make_config

from tui_nn.session.protocol.messages import SetView, Start
from tui_nn.session.trainer.panel_data import _small_images, panel_data
from tui_nn.session.trainer.runner import Runner


def loaded(name: str, **kw) -> Runner:
    runner = Runner(make_config(name, **kw))
    runner.load()
    return runner


def test_quadratic_gets_a_fit_curve_and_its_points_in_the_summary():
    runner = loaded("quadratic")
    snap = runner.snapshot()
    assert snap.grid is None and snap.panel is not None
    curve = snap.panel
    assert curve.fit_x.shape == curve.fit_y.shape == (200,) and curve.confusion is None
    data = snap.data
    assert data.points_train.shape[1] == 2  # (x, target)
    x = np.concatenate([data.points_train[:, 0], data.points_test[:, 0]])
    assert curve.fit_x[0] == x.min() and curve.fit_x[-1] == x.max()


def test_digits_get_a_confusion_matrix_of_the_whole_test_set_and_a_strip():
    runner = loaded("digits", samples=None)
    panel = runner.snapshot().panel
    n_test = len(runner.dataset.X_test)
    assert panel.confusion.shape == (10, 10) and panel.confusion.sum() == n_test
    assert np.array_equal(
        panel.confusion.sum(axis=1), np.bincount(runner.dataset.y_test, minlength=10)
    )
    assert panel.images.shape[1:] == (8, 8) and panel.images.dtype == np.uint8
    assert np.array_equal(
        panel.image_true, runner.dataset.y_test[np.linspace(0, n_test - 1, 48).round().astype(int)]
    )


def test_panels_follow_training_at_most_every_interval():
    runner = loaded("digits", samples=None)
    assert runner.snapshot().panel is not None  # the first snapshot of a run
    runner.apply(SetView(grid=True, grid_interval=1e9))
    runner.snapshot()  # the answer to SetView carries one
    runner.apply(Start())
    runner.advance()
    assert runner.snapshot().panel is None  # too soon while running
    runner.apply(SetView(grid=False))
    runner.advance()
    assert runner.snapshot().panel is None  # not asked for


def test_2d_data_gets_no_panel_and_mnist_size_images_are_halved():
    assert loaded("circle").snapshot().panel is None
    images = _small_images(np.arange(2 * 784, dtype=np.float32).reshape(2, 784), 28)
    assert images.shape == (2, 14, 14) and images.max() == 255 and images.min() == 0


def test_the_panel_is_a_copy():
    runner = loaded("quadratic")
    panel = panel_data(runner.net, runner.dataset)
    runner.apply(Start())
    for _ in range(20):
        runner.advance()
    again = panel_data(runner.net, runner.dataset)
    assert not np.array_equal(panel.fit_y, again.fit_y)  # the old one did not change under us
