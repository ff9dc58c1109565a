"""No command writes over what it must not: its own inputs (however spelled), a model file
(unless it writes a model), or something that is not a regular file (issue 25)."""

from __future__ import annotations

import os

import pytest

from tui_nn.files import load_model

QUICK = ("--dataset", "xor", "--samples", "20", "--hidden", "4", "--epochs", "2")


@pytest.fixture
def models(cli, tmp_path):
    for name in ("m.npz", "other.npz"):
        assert cli("train", *QUICK, "--save", tmp_path / name).code == 0
    (tmp_path / "link.npz").symlink_to(tmp_path / "m.npz")
    (tmp_path / "rows.csv").write_text("x1,x2\n0.5,0.5\n-1,1\n")
    return tmp_path


def unchanged(path, before: bytes) -> bool:
    return path.read_bytes() == before and load_model(path) is not None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("export", "{m}", "-o", "{m}"), "-o: {m} is the model this command reads"),
        (("export", "{m}", "--format", "json", "-o", "{m}"), "is the model this command reads"),
        (("export", "{m}", "-o", "{link}"), "is the model this command reads ({m})"),
        (("export", "{link}", "-o", "{m}"), "is the model this command reads ({link})"),
        (("export", "{m}", "-o", "{dir}/sub/../m.npz"), "is the model this command reads"),
        (("export", "{m}", "-o", "{other}"), "-o: {other} holds a model file"),
        (("predict", "{m}", "--data", "{rows}", "-o", "{m}"), "is the model this command reads"),
        (("predict", "{m}", "--data", "{rows}", "-o", "{other}"), "holds a model file"),
        (("predict", "{m}", "--data", "{rows}", "-o", "{rows}"), "is the --data file this"),
        (("train", *QUICK, "--metrics", "{other}"), "--metrics: {other} holds a model file"),
        (("train", *QUICK, "--save", "{rows}"), "--save: {rows} exists and is not a model file"),
        (("train", "--data", "{rows}", "--save", "{rows}"), "is the --data file"),
        (("train", "--load", "{m}", "--metrics", "{link}"), "is the --load file this command"),
        (("compare", *QUICK, "--metrics", "{m}"), "--metrics: {m} holds a model file"),
        (
            ("--dataset", "xor", "--screenshot", "{dir}/m.svg", "--resume", "{dir}/m.svg"),
            "the --resume file",
        ),
    ],
)
def test_an_output_never_replaces_what_it_must_not(cli, models, args, words):
    (models / "sub").mkdir()
    (models / "m.svg").write_bytes((models / "m.npz").read_bytes())  # a model by another name
    names = {
        "m": models / "m.npz",
        "other": models / "other.npz",
        "link": models / "link.npz",
        "rows": models / "rows.csv",
        "dir": models,
    }
    before = {path: path.read_bytes() for path in models.iterdir() if path.is_file()}
    result = cli(*(a.format(**names) for a in args))
    assert result.code == 2, result.err
    assert words.format(**names) in result.error_line
    assert result.out == ""
    assert {p: p.read_bytes() for p in models.iterdir() if p.is_file()} == before


def test_the_model_output_may_continue_its_own_model(cli, models):
    """`train --load m.npz --save m.npz` continues a model in place (through a link too)."""
    assert (
        cli(
            "train", "--load", models / "m.npz", "--epochs", "1", "--save", models / "link.npz"
        ).code
        == 0
    )
    assert load_model(models / "m.npz").history[-1].epoch == 3
    assert (models / "link.npz").is_symlink()


@pytest.mark.parametrize(
    "args", [("export", "{m}", "-o", ""), ("predict", "{m}", "--data", "{rows}", "-o", "")]
)
def test_an_empty_output_name_is_named_as_such(cli, models, args):
    result = cli(*(a.format(m=models / "m.npz", rows=models / "rows.csv") for a in args))
    assert (
        result.code == 2
        and result.error_line == "tui-nn: error: -o: an empty path; give a file name"
    )


def test_a_dangling_save_symlink_names_the_folder_it_points_into(cli, tmp_path):
    link = tmp_path / "run.npz"
    link.symlink_to(tmp_path / "gone" / "run.npz")
    result = cli("train", *QUICK, "--save", link)
    assert result.code == 2
    assert result.error_line == (
        f"tui-nn: error: --save: {link} is a symlink to {tmp_path / 'gone' / 'run.npz'}, "
        f"whose directory {str(tmp_path / 'gone')!r} does not exist"
    )
    os.mkdir(tmp_path / "gone")
    assert cli("train", *QUICK, "--save", link).code == 0 and load_model(link)


def test_the_apps_screenshot_never_replaces_a_model_file(models):
    from tui_nn.ui.screenshots.save import save_screenshot_to

    before = (models / "m.npz").read_bytes()
    fallback = models / "runs"
    path = save_screenshot_to("<svg/>", [models, fallback], "m.npz")
    assert path == fallback / "m.npz" and path.read_text() == "<svg/>"
    assert unchanged(models / "m.npz", before)
