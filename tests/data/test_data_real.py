"""The real MNIST and Fashion-MNIST files from ../shared/datasets (skipped when absent)."""

from __future__ import annotations

import numpy as np
import pytest

from tui_nn.data import DatasetSpec, list_datasets, load_dataset

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.slow
def test_mnist_loads_as_published(shared_datasets):
    ds = load_dataset(DatasetSpec(name="mnist", data_dir=str(shared_datasets)))
    assert ds.X_train.shape == (60000, 784) and ds.X_test.shape == (10000, 784)
    assert ds.X_train.dtype == np.uint8 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(ds.y_test).tolist() == MNIST_TEST_COUNTS
    assert ds.X_train.mean() == pytest.approx(33.318, abs=1e-3)  # 0.1307 * 255
    assert ds.X_test.mean() == pytest.approx(33.791, abs=1e-3)
    arrays = ds.X_train.nbytes + ds.y_train.nbytes + ds.X_test.nbytes + ds.y_test.nbytes
    assert arrays < 100e6
    assert ds.class_names == tuple("0123456789") and ds.n_outputs == 10
    batch = ds.X_train[:128] * np.float32(ds.input_scale)  # what the trainer does per batch
    assert batch.dtype == np.float32 and 0 <= batch.min() and batch.max() <= 1


@pytest.mark.slow
def test_fashion_mnist_loads_with_class_names(shared_datasets):
    ds = load_dataset(DatasetSpec(name="fashion", data_dir=str(shared_datasets)))
    assert ds.name == "fashion-mnist" and ds.X_train.shape == (60000, 784)
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"
    assert ds.X_train.mean() == pytest.approx(72.940, abs=1e-3)


def test_listing_shows_where_the_files_are(shared_datasets):
    info = {i.name: i for i in list_datasets(str(shared_datasets))}
    assert info["mnist"].location == str(shared_datasets / "mnist")
    assert info["fashion-mnist"].location == str(shared_datasets / "fashion-mnist")
