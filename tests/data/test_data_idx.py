"""The IDX parser and the MNIST-style loader, on small files made in the test."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from tui_nn.data import DataError, DatasetSpec, list_datasets, load_dataset, resolve_data_dir
from tui_nn.data.idx import MAGIC_IMAGES, MAGIC_LABELS, read_idx, write_idx


def test_round_trip_raw_and_gzip(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "raw", images)
    write_idx(tmp_path / "packed.gz", images, compress=True)
    for name in ("raw", "packed.gz"):
        back = read_idx(tmp_path / name, MAGIC_IMAGES)
        assert back.dtype == np.uint8 and back.shape == (7, 28, 28)
        np.testing.assert_array_equal(back, images)


def test_magic_numbers_of_the_format(tmp_path):
    write_idx(tmp_path / "labels", np.arange(10, dtype=np.uint8))
    write_idx(tmp_path / "images", np.zeros((2, 28, 28), dtype=np.uint8))
    assert (tmp_path / "labels").read_bytes()[:4] == struct.pack(">I", MAGIC_LABELS)
    assert (tmp_path / "images").read_bytes()[:4] == struct.pack(">I", MAGIC_IMAGES)
    assert read_idx(tmp_path / "labels", MAGIC_LABELS).tolist() == list(range(10))


def test_wrong_magic_is_named(tmp_path):
    write_idx(tmp_path / "labels", np.arange(10, dtype=np.uint8))
    with pytest.raises(DataError, match=r"wrong magic number 2049 .*expected 2051"):
        read_idx(tmp_path / "labels", MAGIC_IMAGES)


def test_not_an_idx_file(tmp_path):
    (tmp_path / "x").write_bytes(b"hello world, not idx")
    with pytest.raises(DataError, match="not an IDX file"):
        read_idx(tmp_path / "x")


def test_other_element_types(tmp_path):
    values = np.array([[1.5, -2.0], [3.25, 4.0]], dtype=">f4")
    header = bytes([0, 0, 0x0D, 2]) + struct.pack(">2I", 2, 2)
    (tmp_path / "f").write_bytes(header + values.tobytes())
    np.testing.assert_array_equal(read_idx(tmp_path / "f"), values.astype(np.float32))


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_file(tmp_path, compress):
    write_idx(tmp_path / "full", np.ones((10, 28, 28), dtype=np.uint8))
    payload = (tmp_path / "full").read_bytes()
    cut = payload[: 16 + 28 * 28 * 4 + 5]
    (tmp_path / "cut").write_bytes(gzip.compress(cut) if compress else cut)
    with pytest.raises(DataError, match=r"truncated IDX file: .*about 4 of 10 items"):
        read_idx(tmp_path / "cut", MAGIC_IMAGES)


def test_cut_gzip_stream(tmp_path):
    write_idx(tmp_path / "full.gz", np.ones((50, 28, 28), dtype=np.uint8), compress=True)
    data = (tmp_path / "full.gz").read_bytes()
    (tmp_path / "cut.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="cut.gz"):
        read_idx(tmp_path / "cut.gz", MAGIC_IMAGES)


def test_header_cut_short_and_trailing_bytes(tmp_path):
    write_idx(tmp_path / "full", np.ones((3, 28, 28), dtype=np.uint8))
    payload = (tmp_path / "full").read_bytes()
    (tmp_path / "short").write_bytes(payload[:10])
    with pytest.raises(DataError, match="header cut short"):
        read_idx(tmp_path / "short")
    (tmp_path / "long").write_bytes(payload + b"\x00")
    with pytest.raises(DataError, match="more data follows"):
        read_idx(tmp_path / "long")


def make_fake_set(folder, n_train=30, n_test=10, compress=True, labels_train=None):
    """A tiny MNIST-shaped set: each image is filled with its label * 20."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    ext = ".gz" if compress else ""
    for prefix, n, labels in (("train", n_train, labels_train), ("t10k", n_test, None)):
        y = rng.integers(0, 10, n).astype(np.uint8) if labels is None else labels
        X = np.repeat((y * 20).astype(np.uint8), 28 * 28).reshape(len(y), 28, 28)
        write_idx(folder / f"{prefix}-images-idx3-ubyte{ext}", X, compress)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{ext}", y, compress)


@pytest.mark.parametrize("compress", [False, True])
def test_load_fake_mnist(tmp_path, compress):
    make_fake_set(tmp_path / "mnist", compress=compress)
    ds = load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path), test_fraction=0.9))
    assert ds.X_train.shape == (30, 784) and ds.X_train.dtype == np.uint8
    assert ds.X_test.shape == (10, 784)  # the official split: test_fraction is ignored
    assert ds.y_train.dtype == np.int64
    np.testing.assert_array_equal(ds.X_train[:, 0], ds.y_train * 20)
    assert ds.input_scale == pytest.approx(1 / 255)
    assert ds.n_outputs == 10 and ds.default_head() == ("softmax", "cce")


def test_folder_given_directly_and_by_environment(tmp_path, monkeypatch):
    make_fake_set(tmp_path / "flat")
    ds = load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path / "flat")))
    assert len(ds.X_train) == 30
    monkeypatch.setenv("TUI_NN_DATA_DIR", str(tmp_path / "flat"))
    assert resolve_data_dir(None, "mnist") == tmp_path / "flat"
    assert resolve_data_dir(str(tmp_path), "mnist") == tmp_path / "mnist"  # nested layout
    assert len(load_dataset(DatasetSpec(name="mnist")).X_train) == 30


def test_missing_files_tell_how_to_fetch(tmp_path):
    with pytest.raises(DataError, match=r"tui-nn datasets fetch fashion-mnist.*--data-dir"):
        load_dataset(DatasetSpec(name="fashion-mnist", data_dir=str(tmp_path)))
    info = {i.name: i for i in list_datasets(str(tmp_path))}
    assert info["fashion-mnist"].location.startswith("not fetched")
    make_fake_set(tmp_path / "mnist")
    info = {i.name: i for i in list_datasets(str(tmp_path))}
    assert info["mnist"].location == str(tmp_path / "mnist")


def test_labels_and_images_must_match(tmp_path):
    make_fake_set(tmp_path / "mnist")
    write_idx(tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz", np.zeros(9, np.uint8), True)
    with pytest.raises(DataError, match="9 labels for 10 images"):
        load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path)))


def test_labels_must_be_digits(tmp_path):
    make_fake_set(tmp_path / "mnist", labels_train=np.array([1, 2, 12], dtype=np.uint8))
    with pytest.raises(DataError, match="label 12"):
        load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path)))


def test_samples_keeps_a_seeded_subset_of_training_images(tmp_path):
    make_fake_set(tmp_path / "mnist")
    spec = DatasetSpec(name="mnist", data_dir=str(tmp_path), samples=12, seed=3)
    a, b = load_dataset(spec), load_dataset(spec)
    assert a.X_train.shape == (12, 784) and a.X_test.shape == (10, 784)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    with pytest.raises(DataError, match="samples"):
        load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path), samples=31))


def test_image_sets_refuse_float_normalisation(tmp_path):
    make_fake_set(tmp_path / "mnist")
    with pytest.raises(DataError, match="not supported for image sets"):
        load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path), normalize="standard"))


def test_default_folder_is_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("TUI_NN_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = resolve_data_dir(None, "fashion-mnist")
    assert folder == tmp_path / "cache" / "tui-nn" / "datasets" / "fashion-mnist"
