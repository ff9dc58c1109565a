"""Splits (seeded, stratified), normalisation (fitted on train, reapplied), shipped digits."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_nn.data import DataError, DatasetSpec, apply_normalization, load_dataset
from tui_nn.data.normalize import fit_normalization, fixed_scale
from tui_nn.data.shipped import DIGITS_FILE, DIGITS_SHA256
from tui_nn.data.split import split_indices


def unbalanced_labels():
    return np.repeat(np.arange(3), [600, 300, 100])


def test_split_is_a_partition_and_seeded():
    y = unbalanced_labels()
    train, test = split_indices(len(y), 0.3, np.random.default_rng(4), labels=y)
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(len(y)))
    again = split_indices(len(y), 0.3, np.random.default_rng(4), labels=y)
    np.testing.assert_array_equal(train, again[0])
    other = split_indices(len(y), 0.3, np.random.default_rng(5), labels=y)
    assert not np.array_equal(train, other[0])


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.8])
def test_split_is_stratified(fraction):
    y = unbalanced_labels()
    train, test = split_indices(len(y), fraction, np.random.default_rng(0), labels=y)
    for c, size in enumerate((600, 300, 100)):
        assert (y[test] == c).sum() == round(size * fraction)
        assert (y[train] == c).sum() == size - round(size * fraction)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(1, 40), min_size=2, max_size=6),
    fraction=st.floats(0.0, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_stratified_split_keeps_every_class_in_training(counts, fraction, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    expected_test = sum(min(round(size * fraction), size - 1) for size in counts)
    if fraction > 0 and expected_test == 0:  # a share that holds out nothing is refused
        with pytest.raises(DataError, match="holds out no test sample"):
            split_indices(len(y), fraction, np.random.default_rng(seed), labels=y)
        return
    train, test = split_indices(len(y), fraction, np.random.default_rng(seed), labels=y)
    assert len(train) + len(test) == len(y) and len(np.intersect1d(train, test)) == 0
    assert (np.bincount(y[train], minlength=len(counts)) >= 1).all()
    for c, size in enumerate(counts):
        assert abs((y[test] == c).sum() - size * fraction) <= 1


def test_split_without_labels_and_edge_fractions():
    train, test = split_indices(10, 0.0, np.random.default_rng(0))
    assert len(train) == 10 and len(test) == 0
    train, test = split_indices(10, 0.95, np.random.default_rng(0))
    assert len(train) == 1 and len(test) == 9  # at least one training sample
    y = np.array([0, 0, 0, 0, 1])
    train, _ = split_indices(5, 0.9, np.random.default_rng(0), labels=y)
    assert set(y[train]) == {0, 1}  # every class keeps a training sample
    for bad in (-0.1, 1.0, 2):
        with pytest.raises(DataError, match="test fraction"):
            split_indices(10, bad, np.random.default_rng(0))


def test_stratified_split_of_a_loaded_set():
    ds = load_dataset(DatasetSpec(name="digits", test_fraction=0.2, seed=3))
    train_share = np.bincount(ds.y_train, minlength=10) / len(ds.y_train)
    test_share = np.bincount(ds.y_test, minlength=10) / len(ds.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)


def test_standard_and_minmax_are_fitted_on_training_rows_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal(5.0, 2.0, (200, 3)).astype(np.float32)
    X_test = rng.normal(8.0, 2.0, (50, 3)).astype(np.float32)
    std = fit_normalization(X_train, "standard")
    Z = apply_normalization(X_train, std)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-4)
    assert apply_normalization(X_test, std).mean() > 1.0  # test data is not refitted
    mm = fit_normalization(X_train, "minmax")
    Z = apply_normalization(X_train, mm)
    assert Z.min() == pytest.approx(0, abs=1e-6) and Z.max() == pytest.approx(1, abs=1e-6)
    assert Z.dtype == np.float32
    none = fit_normalization(X_train, "none")
    np.testing.assert_array_equal(apply_normalization(X_train, none), X_train)


def test_constant_column_does_not_divide_by_zero():
    X = np.array([[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]], dtype=np.float32)
    for kind in ("standard", "minmax"):
        Z = apply_normalization(X, fit_normalization(X, kind))
        assert np.isfinite(Z).all() and (Z[:, 1] == 0).all()


def test_apply_normalization_checks_its_input():
    norm = fit_normalization(np.ones((4, 3), dtype=np.float32), "standard", ("a", "b", "c"))
    assert norm["features"] == ["a", "b", "c"]
    with pytest.raises(DataError, match="2 input columns but the model expects 3"):
        apply_normalization(np.ones((5, 2), dtype=np.float32), norm)
    with pytest.raises(DataError, match="bad normalisation"):
        apply_normalization(np.ones((5, 3)), {"kind": "standard"})
    raw = np.arange(6, dtype=np.float64).reshape(3, 2)
    out = apply_normalization(raw, None)
    assert out.dtype == np.float32 and raw.dtype == np.float64


def test_normalisation_survives_json_and_reproduces_training_inputs():
    import json

    ds = load_dataset(DatasetSpec(name="moons", normalize="minmax", seed=1))
    stored = json.loads(json.dumps(ds.normalization))
    raw_ds = load_dataset(DatasetSpec(name="moons", normalize="none", seed=1))
    np.testing.assert_allclose(apply_normalization(raw_ds.X_test, stored), ds.X_test, atol=1e-6)


def test_digits_shipped_file_and_shape():
    assert hashlib.sha256(DIGITS_FILE.read_bytes()).hexdigest() == DIGITS_SHA256
    ds = load_dataset(DatasetSpec(name="digits", test_fraction=0.5, seed=0))
    assert len(ds.X_train) + len(ds.X_test) == 1797
    assert ds.X_train.dtype == np.uint8 and ds.X_train.shape[1] == 64 and ds.X_train.max() == 16
    assert ds.input_scale == pytest.approx(1 / 16) and ds.n_classes == 10
    assert ds.class_names == tuple("0123456789") and ds.default_head() == ("softmax", "cce")
    counts = np.bincount(np.concatenate([ds.y_train, ds.y_test]))
    assert counts.sum() == 1797 and counts.min() >= 174 and counts.max() <= 183
    scaled = ds.X_test * ds.input_scale
    np.testing.assert_allclose(apply_normalization(ds.X_test, ds.normalization), scaled, atol=1e-7)


def test_digits_can_be_standardised():
    ds = load_dataset(DatasetSpec(name="digits", normalize="standard"))
    assert ds.X_train.dtype == np.float32 and ds.input_scale == 1.0
    assert ds.normalization["kind"] == "standard"


def test_fixed_scale_matches_input_scale():
    X = np.array([[0, 255], [128, 64]], dtype=np.uint8)
    out = apply_normalization(X, fixed_scale(2, 255.0))
    np.testing.assert_allclose(out, X.astype(np.float32) / 255)


def test_data_package_imports_neither_sklearn_nor_the_ui():
    code = (
        "import sys, tui_nn.data as d; d.load_dataset(d.DatasetSpec(name='digits'));"
        "bad = [m for m in ('sklearn', 'textual', 'tui_nn.ui', 'tui_nn.session') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
