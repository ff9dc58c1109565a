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


def test_list_shows_every_dataset_with_its_shape(cli, tmp_path):
    from tui_nn.data import DATASET_NAMES

    result = cli("datasets", "--data-dir", tmp_path)
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["name", "kind", "task"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == [*DATASET_NAMES, "csv"]
    row = {line.split()[0]: line for line in lines[1:]}
    assert (
        "784 -> 10" in row["mnist"] and "not fetched: tui-nn datasets fetch mnist" in row["mnist"]
    )
    assert "64 -> 10" in row["digits"] and "1,797" in row["digits"]
    assert "generated" in row["spiral"]


def test_download_progress_on_a_pipe_prints_one_line_per_file():
    import io

    from tui_nn.cli.progress import DownloadProgress

    stream = io.StringIO()
    progress = DownloadProgress(stream)
    for done in (0, 500, 1000):
        progress(done, 1000, "a.gz")
    assert stream.getvalue() == "  a.gz  0.0 MB  ok\n"


def test_download_progress_on_a_terminal_draws_the_progress_bar(monkeypatch):
    import io

    from tui_nn.cli.progress import DownloadProgress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("TERM", raising=False)
    stream = Tty()
    progress = DownloadProgress(stream)
    progress(0, 2_000_000, "b.gz")
    progress(2_000_000, 2_000_000, "b.gz")
    text = stream.getvalue()
    assert "b.gz [" in text and "100.0% 2.0/2.0 MB" in text and text.endswith("\n")
