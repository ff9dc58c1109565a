"""The unclear messages of issue 25, each made clear: one line naming the file, the option or
the field, and what would work."""

from __future__ import annotations

import pytest


def test_a_toml_file_with_a_utf8_bom_is_read(cli, tmp_path):
    run = tmp_path / "run.toml"
    run.write_bytes(b"\xef\xbb\xbf" + b'dataset = "xor"\nsamples = 20\nhidden = [3]\nepochs = 2\n')
    result = cli("train", "--config", run, "--save", tmp_path / "m.npz")
    assert result.code == 0, result.err
    assert "network 2-3-1" in result.out


def test_as_many_classes_as_rows_says_so(cli, tmp_path):
    data = tmp_path / "names.csv"
    data.write_text("a,b,name\n" + "".join(f"{i % 7},{i % 5},n{i}\n" for i in range(60)))
    result = cli("train", "--data", data, "--epochs", "1")
    assert result.code == 2
    assert result.error_line == (
        "tui-nn: error: test fraction 0.5 holds out no test sample: the 60 rows hold 60 classes, "
        "one sample each, and a class's only sample stays in training. Is the target a column "
        "of classes? (--target names another column; --task regression reads numbers; "
        "--test-fraction 0 trains on all)"
    )


@pytest.mark.parametrize(
    ("mirror", "words"),
    [
        ("", "--mirror: an empty mirror; give a URL (https://...) or a folder"),
        ("ftp://example.org/data", "is not an https://, http:// or file:// URL (nor a folder)"),
        ("https://", "--mirror: 'https://' names no server"),
        ("{tmp}/absent", "--mirror: folder '{tmp}/absent' does not exist"),
        ("file://{tmp}/absent", "--mirror: folder '{tmp}/absent' does not exist"),
        ("{tmp}/file", "--mirror: folder '{tmp}/file' is not a folder"),
    ],
)
def test_a_mirror_that_cannot_work_is_a_usage_error_before_any_download(
    cli, tmp_path, mirror, words
):
    (tmp_path / "file").write_text("x")
    result = cli(
        "datasets",
        "fetch",
        "mnist",
        "--mirror",
        mirror.format(tmp=tmp_path),
        "--data-dir",
        tmp_path / "d",
    )
    assert result.code == 2 and result.out == ""
    assert words.format(tmp=tmp_path) in result.error_line
    assert not (tmp_path / "d").exists()


def test_a_bad_mirror_in_the_environment_is_named(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_NN_MIRROR", str(tmp_path / "absent"))
    result = cli("datasets", "fetch", "mnist", "--data-dir", tmp_path / "d")
    assert result.code == 2 and "TUI_NN_MIRROR: folder" in result.error_line
