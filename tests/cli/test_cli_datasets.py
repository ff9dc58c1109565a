"""`tui-nn datasets` and `tui-nn datasets fetch` (from a local mirror folder, no network)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "datasets"


def test_list_shows_every_dataset(cli, tmp_path):
    result = cli("datasets", "--data-dir", tmp_path)
    assert result.code == 0
    lines = result.out.splitlines()
    names = [line.split()[0] for line in lines[1:]]
    for name in ("circle", "xor", "spiral", "quadratic", "digits", "mnist", "fashion-mnist", "csv"):
        assert name in names
    assert "not fetched" in result.out
    assert cli("datasets", "list", "--data-dir", tmp_path).out == result.out


@pytest.mark.skipif(not (SHARED / "mnist").is_dir(), reason="no ../shared/datasets/mnist here")
def test_fetch_from_a_local_mirror(cli, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(SHARED / "mnist", mirror / "mnist")
    data_dir = tmp_path / "data"
    result = cli("datasets", "fetch", "mnist", "--mirror", mirror, "--data-dir", data_dir)
    assert result.code == 0, result.err
    assert "mnist: ready in" in result.out
    assert len(list((data_dir / "mnist").glob("*.gz"))) == 4
    listed = cli("datasets", "--data-dir", data_dir).out
    mnist_line = next(line for line in listed.splitlines() if line.startswith("mnist "))
    assert "not fetched" not in mnist_line


def test_fetch_failure_is_exit_1_with_one_line(cli, tmp_path):
    empty_mirror = tmp_path / "empty"
    empty_mirror.mkdir()
    result = cli("datasets", "fetch", "mnist", "--mirror", empty_mirror, "--data-dir", tmp_path)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("tui-nn: error:")]
    assert len(lines) == 1
