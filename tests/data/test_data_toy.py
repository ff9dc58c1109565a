"""The toy generators: shapes, label balance, geometry, determinism by seed."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.config import train_data
from tui_nn.data import DATASET_NAMES, DataError, DatasetSpec, load_dataset
from tui_nn.data.toy import TOY_SETS

CLASSIFIERS = [n for n, t in TOY_SETS.items() if t.task == "classification"]
REGRESSORS = [n for n, t in TOY_SETS.items() if t.task == "regression"]


def generate(name, n=400, noise=0.0, seed=0):
    return TOY_SETS[name].generate(n, noise, np.random.default_rng(seed))


def test_all_names_are_registered():
    for name in ("circle", "xor", "gauss", "spiral", "moons"):
        assert TOY_SETS[name].task == "classification" and name in DATASET_NAMES
    for name in ("plane", "multigauss", "quadratic", "sine"):
        assert TOY_SETS[name].task == "regression" and name in DATASET_NAMES


@pytest.mark.parametrize("name", list(TOY_SETS))
def test_shapes_and_dtypes(name):
    toy = TOY_SETS[name]
    X, y = generate(name, n=301, noise=0.2)
    assert X.shape == (301, toy.n_inputs) and X.dtype == np.float32
    if toy.task == "classification":
        classes = set(range(toy.classes or 2))
        assert y.shape == (301,) and y.dtype == np.int64 and set(np.unique(y)) == classes
    else:
        assert y.shape == (301, 1) and y.dtype == np.float32
    assert np.isfinite(X).all() and np.isfinite(y).all()
    X0, _ = generate(name, n=301)  # without noise, inside the playground's frame [-6, 6]
    assert np.abs(X0).max() <= 6.0


@pytest.mark.parametrize("name", list(TOY_SETS))
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = generate(name, noise=0.1, seed=5)
    X2, y2 = generate(name, noise=0.1, seed=5)
    X3, _ = generate(name, noise=0.1, seed=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral", "moons"])
def test_balanced_classes(name):
    for n in (400, 401):
        _, y = generate(name, n=n)
        assert abs(int((y == 1).sum()) - int((y == 0).sum())) <= 1


def test_xor_is_about_balanced_and_follows_signs():
    X, y = generate("xor", n=2000)
    assert 0.45 < y.mean() < 0.55
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.int64))
    assert np.abs(X).min() >= 0.3  # the playground pads points away from the axes


def test_circle_geometry():
    X, y = generate("circle", n=1000)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 2.5 and r[y == 0].min() >= 3.5 - 1e-6 and r.max() <= 5 + 1e-6


def test_noise_flips_labels_near_the_boundary():
    X1, y1 = generate("circle", n=1000, noise=0.5)
    r = np.hypot(X1[:, 0], X1[:, 1])
    wrong = (r < 2.5) != (y1 == 1)
    assert 0.02 < wrong.mean() < 0.5


def test_gauss_blobs_centres_and_spread():
    X, y = generate("gauss", n=4000)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.1)
    wide, _ = generate("gauss", n=4000, noise=0.5)
    assert wide.std() > X.std() * 1.3


def test_spiral_radius_grows_to_five():
    X, y = generate("spiral", n=200)
    r = np.hypot(X[:, 0], X[:, 1])
    for c in (0, 1):
        rc = r[y == c]
        assert (np.diff(rc) > 0).all() and rc.max() < 5.0


def test_regression_targets_follow_their_formulas():
    X, y = generate("plane", n=300)
    np.testing.assert_allclose(y[:, 0], (X[:, 0] + X[:, 1]) / 10, atol=1e-6)
    X, y = generate("quadratic", n=300)
    np.testing.assert_allclose(y[:, 0], X[:, 0] ** 2, atol=1e-5)
    X, y = generate("sine", n=300)
    np.testing.assert_allclose(y[:, 0], np.sin(X[:, 0]), atol=1e-6)
    X, y = generate("multigauss", n=2000)
    assert -1 <= y.min() < -0.9 and 0.9 < y.max() <= 1
    near = np.hypot(X[:, 0] - 4, X[:, 1] - 2.5) < 0.2  # a +1 bump at (4, 2.5)
    assert (y[near, 0] > 0.85).all()


def test_noise_adds_scatter_to_regression():
    X, y = generate("quadratic", n=2000, noise=0.5)
    assert (y[:, 0] - X[:, 0] ** 2).std() == pytest.approx(0.5, rel=0.1)


@pytest.mark.parametrize("name", list(TOY_SETS))
def test_load_dataset_splits_and_records_defaults(name):
    toy = TOY_SETS[name]
    ds = load_dataset(DatasetSpec(name=name, test_fraction=0.25, seed=1))
    assert len(ds.X_train) + len(ds.X_test) == toy.samples
    assert len(ds.X_test) == pytest.approx(toy.samples * 0.25, abs=1)
    assert ds.spec.samples == toy.samples and ds.spec.noise == toy.noise
    outputs = 1 if (toy.classes or 2) == 2 else toy.classes
    assert ds.n_inputs == toy.n_inputs and ds.task == toy.task and ds.n_outputs == outputs
    assert ds.normalization["kind"] == "none" and ds.input_scale == 1.0
    td = train_data(ds)
    assert td.task == toy.task and td.X_train is ds.X_train


def test_load_dataset_is_deterministic_including_the_split():
    spec = DatasetSpec(name="spiral", samples=200, noise=0.2, seed=9)
    a, b = load_dataset(spec), load_dataset(spec)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    c = load_dataset(DatasetSpec(name="spiral", samples=200, noise=0.2, seed=10))
    assert not np.array_equal(a.X_train, c.X_train)


def test_bad_requests_are_one_line_errors():
    for spec, pattern in (
        (DatasetSpec(name="circle", samples=2), "samples must be between"),
        (DatasetSpec(name="circle", noise=-1.0), "noise must be"),
        (DatasetSpec(name="circle", test_fraction=1.0), "test fraction"),
        (DatasetSpec(name="circle", test_fraction="half"), "test fraction must be a number"),
        (DatasetSpec(name="circle", samples="many"), "samples and noise must be numbers"),
        (DatasetSpec(name="banana"), "unknown dataset 'banana'"),
        (DatasetSpec(name="circle", normalize="zscore"), "unknown normalisation"),
    ):
        with pytest.raises(DataError, match=pattern) as info:
            load_dataset(spec)
        assert "\n" not in str(info.value)


def test_requested_normalisation_is_fitted_on_training_part():
    ds = load_dataset(DatasetSpec(name="gauss", normalize="standard", seed=2))
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-4)
    assert ds.X_train.dtype == np.float32 and ds.spec.normalize == "standard"
