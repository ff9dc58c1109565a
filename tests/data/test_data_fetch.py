"""Downloads against a loopback HTTP server: good, corrupted, truncated, resumed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from tui_nn.data import DataError, DatasetSpec, fetch_dataset, load_dataset
from tui_nn.data.fetch import download_file, mirror_url
from tui_nn.data.images import IMAGE_SETS

SMALL = "mnist/t10k-labels-idx1-ubyte.gz"  # 4,542 bytes


def small_file(shared: Path) -> tuple[bytes, str]:
    data = (shared / SMALL).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def test_good_download_is_verified_and_renamed(http_server, tmp_path):
    data, digest = small_file(http_server.behaviour.root)
    seen = []
    dest = tmp_path / "labels.gz"
    download_file(
        f"{http_server.url}/{SMALL}", dest, digest, len(data), progress=lambda *a: seen.append(a)
    )
    assert dest.read_bytes() == data
    assert not (tmp_path / "labels.gz.part").exists()
    dones = [done for done, _, _ in seen]
    assert dones == sorted(dones) and dones[-1] == len(data)
    assert all(total == len(data) and name == "labels.gz" for _, total, name in seen)


def test_corrupted_download_is_deleted(http_server, tmp_path):
    data, digest = small_file(http_server.behaviour.root)
    http_server.behaviour.corrupt = True
    dest = tmp_path / "labels.gz"
    with pytest.raises(DataError, match="checksum mismatch"):
        download_file(f"{http_server.url}/{SMALL}", dest, digest, len(data))
    assert not dest.exists()
    assert not (tmp_path / "labels.gz.part").exists()


def test_truncated_download_keeps_part_and_says_so(http_server, tmp_path):
    data, digest = small_file(http_server.behaviour.root)
    http_server.behaviour.cut_after = 1000
    dest = tmp_path / "labels.gz"
    with pytest.raises(DataError, match="interrupted after 1,000 of 4,542 bytes"):
        download_file(f"{http_server.url}/{SMALL}", dest, digest, len(data))
    assert not dest.exists()
    assert (tmp_path / "labels.gz.part").read_bytes() == data[:1000]


def test_interrupted_download_resumes_with_range(http_server, tmp_path):
    data, digest = small_file(http_server.behaviour.root)
    dest = tmp_path / "labels.gz"
    url = f"{http_server.url}/{SMALL}"
    http_server.behaviour.cut_after = 1234
    with pytest.raises(DataError):
        download_file(url, dest, digest, len(data))
    download_file(url, dest, digest, len(data))
    assert dest.read_bytes() == data
    assert [r for _, r in http_server.behaviour.requests] == [None, "bytes=1234-"]


def test_server_without_range_support_restarts_cleanly(http_server, tmp_path):
    data, digest = small_file(http_server.behaviour.root)
    dest = tmp_path / "labels.gz"
    url = f"{http_server.url}/{SMALL}"
    http_server.behaviour.cut_after = 2000
    with pytest.raises(DataError):
        download_file(url, dest, digest, len(data))
    http_server.behaviour.ranges = False
    download_file(url, dest, digest, len(data))
    assert dest.read_bytes() == data


def test_missing_file_on_server_is_one_line_error(http_server, tmp_path):
    with pytest.raises(DataError, match="HTTP 404"):
        download_file(f"{http_server.url}/nope.gz", tmp_path / "x", "0" * 64)


def test_unreachable_server_is_one_line_error(tmp_path):
    import socket

    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DataError, match="cannot download"):
        download_file(f"http://127.0.0.1:{port}/x.gz", tmp_path / "x", "0" * 64, timeout=5)


def test_fetch_mnist_from_mirror_then_load(http_server, tmp_path):
    folder = fetch_dataset("mnist", tmp_path, mirror=http_server.url)
    assert folder == tmp_path / "mnist"
    for remote in IMAGE_SETS["mnist"].files:
        assert (folder / remote.name).stat().st_size == remote.size
    ds = load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path)))
    assert ds.X_train.shape == (60000, 784) and ds.X_test.shape == (10000, 784)
    # a second fetch finds every file verified in place and downloads nothing
    n_requests = len(http_server.behaviour.requests)
    fetch_dataset("mnist", tmp_path, mirror=http_server.url)
    assert len(http_server.behaviour.requests) == n_requests


def test_fetch_uses_mirror_from_environment(http_server, tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_NN_MIRROR", http_server.url + "/{name}")
    # only the small label files are missing; the big image files are already in place
    folder = tmp_path / "mnist"
    folder.mkdir()
    for remote in IMAGE_SETS["mnist"].files:
        if "images" in remote.name:
            (folder / remote.name.removesuffix(".gz")).write_bytes(b"raw copy")
    fetch_dataset("mnist", tmp_path)
    paths = sorted(p for p, _ in http_server.behaviour.requests)
    assert paths == ["/mnist/t10k-labels-idx1-ubyte.gz", "/mnist/train-labels-idx1-ubyte.gz"]


def test_fetch_replaces_a_corrupted_local_file(http_server, tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for remote in IMAGE_SETS["mnist"].files:
        if "images" in remote.name:  # keep the test small: images present as raw copies
            (folder / remote.name.removesuffix(".gz")).write_bytes(b"raw")
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"damaged")
    fetch_dataset("mnist", tmp_path, mirror=http_server.url)
    labels = (folder / "t10k-labels-idx1-ubyte.gz").read_bytes()
    assert hashlib.sha256(labels).hexdigest() == IMAGE_SETS["mnist"].files[3].sha256


def test_fetch_rejects_unknown_names(tmp_path):
    for name in ("digits", "circle", "cifar"):
        with pytest.raises(DataError, match="cannot fetch"):
            fetch_dataset(name, tmp_path)


def test_mirror_url_layouts(tmp_path, monkeypatch):
    monkeypatch.delenv("TUI_NN_MIRROR", raising=False)
    assert mirror_url("mnist") == IMAGE_SETS["mnist"].url
    assert mirror_url("mnist", "http://h/data/") == "http://h/data/mnist/"
    assert mirror_url("fashion-mnist", "http://h/{name}/raw") == "http://h/fashion-mnist/raw/"
    assert mirror_url("mnist", str(tmp_path)) == tmp_path.resolve().as_uri() + "/mnist/"


def test_local_folder_works_as_mirror(shared_datasets, tmp_path):
    data, digest = small_file(shared_datasets)
    dest = tmp_path / "labels.gz"
    download_file(mirror_url("mnist", str(shared_datasets)) + Path(SMALL).name, dest, digest)
    assert np.frombuffer(dest.read_bytes(), np.uint8).size == len(data)


def test_fetch_dataset_resumes_after_an_interruption(http_server, tmp_path):
    http_server.behaviour.cut_after = 5000
    with pytest.raises(DataError, match="run the same command again to resume"):
        fetch_dataset("mnist", tmp_path, mirror=http_server.url)
    part = tmp_path / "mnist" / "train-images-idx3-ubyte.gz.part"
    assert part.stat().st_size == 5000
    fetch_dataset("mnist", tmp_path, mirror=http_server.url)
    assert not part.exists()
    assert http_server.behaviour.requests[1] == (
        "/mnist/train-images-idx3-ubyte.gz",
        "bytes=5000-",
    )
    assert len(load_dataset(DatasetSpec(name="mnist", data_dir=str(tmp_path))).X_test) == 10000
