"""`tui_nn.outputs.check_output`: the one check every command's output goes through."""

from __future__ import annotations

import os

import pytest

from tui_nn.outputs import OutputError, check_output, is_model_file, same_file

ZIP = b"PK\x03\x04rest of a model"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "m.npz").write_bytes(ZIP)
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "link.npz").symlink_to(tmp_path / "m.npz")
    os.link(tmp_path / "data.csv", tmp_path / "hard.csv")
    return tmp_path


def refused(*args, **kwargs) -> str:
    with pytest.raises(OutputError) as info:
        check_output(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{args[0]}: ")
    return message


def test_a_new_file_in_a_writable_folder_is_fine(files):
    assert check_output("-o", files / "new.csv") == files / "new.csv"
    assert check_output("--save", files / "new.npz", "model") == files / "new.npz"
    assert check_output("-o", None) is None


def test_a_text_output_never_replaces_a_model_file(files):
    assert "holds a model file" in refused("-o", files / "m.npz")
    assert "holds a model file" in refused("-o", files / "link.npz")  # through a symlink
    assert files.joinpath("m.npz").read_bytes() == ZIP


def test_a_model_output_replaces_a_model_or_an_empty_file_only(files):
    assert check_output("--save", files / "m.npz", "model") == files / "m.npz"
    assert check_output("--save", files / "link.npz", "model") == files / "m.npz"  # the target
    assert check_output("--save", files / "empty", "model") == files / "empty"
    assert "is not a model file" in refused("--save", files / "notes.txt", "model")


@pytest.mark.parametrize(
    "spelling", ["data.csv", "./data.csv", "sub/../data.csv", "hard.csv", "alias.csv"]
)
def test_an_input_is_never_an_output_however_it_is_spelled(files, monkeypatch, spelling):
    monkeypatch.chdir(files)
    (files / "sub").mkdir()
    (files / "alias.csv").symlink_to("data.csv")
    message = refused("-o", spelling, reads={"--data": str(files / "data.csv")})
    assert "the --data file this command reads" in message


def test_two_outputs_are_two_files(files):
    message = refused("--metrics", files / "a.out", writes={"--save": files / "a.out"})
    assert message == f"--metrics: {files / 'a.out'} is also the --save file; give another name"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("", "an empty path"),
        ("   ", "an empty path"),
        ("out/", "names a folder"),
    ],
)
def test_paths_that_name_no_file(files, monkeypatch, path, words):
    monkeypatch.chdir(files)
    assert words in refused("-o", path)


def test_what_is_not_a_regular_file_is_never_replaced(files):
    os.mkfifo(files / "pipe")
    assert "is a FIFO" in refused("-o", files / "pipe")
    assert "is a directory" in refused("-o", files)
    assert "character device" in refused("--save", "/dev/null", "model")


def test_a_dangling_symlink_names_its_targets_folder(files):
    (files / "dangling.npz").symlink_to("/nowhere/at/all/m.npz")
    message = refused("--save", files / "dangling.npz", "model")
    assert "is a symlink to /nowhere/at/all/m.npz" in message
    assert "'/nowhere/at/all' does not exist" in message


def test_a_missing_folder_is_named_as_given(files):
    assert "directory 'no/such' does not exist" in refused("-o", "no/such/x.csv")


def test_a_folder_output(files):
    assert check_output("--results", files / "new", "folder") == files / "new"
    assert check_output("--results", files, "folder") == files
    assert "is not a folder" in refused("--results", files / "notes.txt", "folder")
    assert "this command reads" in refused("--results", files, "folder", reads={"--x": files})


def test_helpers(files):
    assert is_model_file(files / "m.npz") and not is_model_file(files / "data.csv")
    assert not is_model_file(files / "absent")
    assert same_file(files / "link.npz", files / "m.npz")
    assert same_file(files / "x" / ".." / "new", files / "new")  # neither exists
    assert not same_file(files / "data.csv", files / "m.npz")
