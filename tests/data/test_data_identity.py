"""Data that is what it says: MNIST and Fashion-MNIST recognised by their SHA-256 sums when
loaded (cached), and `fetch` never writing over another set's files."""

from __future__ import annotations

import gzip
import os
import shutil

import numpy as np
import pytest

from tui_nn.cli import main as cli_main
from tui_nn.data import DataError, DatasetSpec, fetch_dataset, identity, load_dataset
from tui_nn.data.images import IMAGE_SETS, KNOWN_FILES, file_names


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def link_set(src, dest):
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        os.symlink(f, dest / f.name)
    return dest


def test_known_sums_cover_both_files_of_every_kind():
    assert len(KNOWN_FILES) == 16  # 2 sets x 4 files x (compressed, raw)
    for name, info in IMAGE_SETS.items():
        for remote in info.files:
            assert (
                KNOWN_FILES[remote.sha256]
                == KNOWN_FILES[remote.raw_sha256]
                == (
                    name,
                    remote.name,
                )
            )


def test_a_folder_of_mnist_is_not_taken_for_fashion(shared_datasets, tmp_path, capsys):
    flat = link_set(shared_datasets / "mnist", tmp_path / "flat")
    assert len(load_dataset(DatasetSpec("mnist", data_dir=str(flat))).X_train) == 60_000
    with pytest.raises(DataError) as info:
        load_dataset(DatasetSpec("fashion-mnist", data_dir=str(flat)))
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz: this is MNIST's train-images-idx3-ubyte.gz" in message
    assert "not Fashion-MNIST's" in message and "\n" not in message
    code = cli_main(["train", "--dataset", "fashion-mnist", "--data-dir", str(flat)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "this is MNIST's" in err


@pytest.mark.slow
def test_raw_copies_are_recognised_and_a_damaged_one_refused(shared_datasets, tmp_path):
    folder = link_set(shared_datasets / "mnist", tmp_path / "mnist")
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    raw = gzip.decompress(labels.read_bytes())
    labels.unlink()
    (folder / "t10k-labels-idx1-ubyte").write_bytes(raw)  # uncompressed: known by its raw sum
    ds = load_dataset(DatasetSpec("mnist", data_dir=str(tmp_path)))
    assert len(ds.y_test) == 10_000
    damaged = bytearray(raw)
    damaged[-1] = (damaged[-1] + 1) % 10  # one label changed: still a valid IDX file
    (folder / "t10k-labels-idx1-ubyte").write_bytes(bytes(damaged))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte: has the size of MNIST's"):
        load_dataset(DatasetSpec("mnist", data_dir=str(tmp_path)))


def test_the_check_is_cached(shared_datasets, tmp_path, monkeypatch):
    folder = link_set(shared_datasets / "mnist", tmp_path / "mnist")
    calls = []
    real = identity._sha256
    monkeypatch.setattr(identity, "_sha256", lambda f: calls.append(1) or real(f))
    path = folder / file_names("mnist")[1]
    assert identity.identify(path, KNOWN_FILES) == ("mnist", "train-labels-idx1-ubyte.gz")
    assert len(calls) == 1
    assert identity.identify(path, KNOWN_FILES) == ("mnist", "train-labels-idx1-ubyte.gz")
    assert len(calls) == 1  # from the cache: size and mtime unchanged
    copy = tmp_path / "copy.gz"
    shutil.copy(path, copy)
    assert identity.identify(copy, KNOWN_FILES) is not None and len(calls) == 2


def test_the_cache_is_bounded_and_survives_a_bad_file(tmp_path, monkeypatch):
    monkeypatch.setattr(identity, "MAX_CACHED", 3)
    files = []
    for i in range(5):
        f = tmp_path / f"f{i}"
        f.write_bytes(bytes([i]))
        files.append(f)
        identity.identify(f, KNOWN_FILES)
    cache = identity._read_cache(identity._cache_path())
    assert list(cache) == [str(f.resolve()) for f in files[-3:]]
    identity._cache_path().write_text("{not json")
    assert identity.identify(files[0], KNOWN_FILES) is None  # re-hashed, no error


@pytest.mark.slow
def test_fetch_never_writes_over_a_flat_folder_of_the_other_set(shared_datasets, tmp_path):
    flat = link_set(shared_datasets / "mnist", tmp_path / "flat")
    before = {f.name: os.readlink(f) for f in flat.iterdir()}
    folder = fetch_dataset("fashion-mnist", dest_dir=flat, mirror=str(shared_datasets))
    assert folder == flat / "fashion-mnist"
    assert {f.name: os.readlink(f) for f in flat.iterdir() if f.is_symlink()} == before
    assert load_dataset(DatasetSpec("mnist", data_dir=str(flat))).class_names[0] == "0"
    fashion = load_dataset(DatasetSpec("fashion-mnist", data_dir=str(flat)))
    assert fashion.class_names[0] == "T-shirt/top"
    assert not np.array_equal(
        fashion.X_test[:5], load_dataset(DatasetSpec("mnist", data_dir=str(flat))).X_test[:5]
    )


def test_an_idx_header_claiming_a_huge_shape(tmp_path):
    import struct

    from tui_nn.data.idx import read_idx

    path = tmp_path / "huge-idx3-ubyte"
    path.write_bytes(struct.pack(">HBB3I", 0, 0x08, 3, 900_000, 28_000, 28_000) + b"\0" * 64)
    with pytest.raises(DataError, match=r"declares shape \(900000, 28000, 28000\)"):
        read_idx(path)
