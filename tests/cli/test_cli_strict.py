"""Every path that reads a model file refuses a bad one the same way, naming the file and the
field (issue 25): eval, predict, export, train --load, trace, check, and the app's --resume
(before the app starts)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui_nn.files import load_model

QUICK = ("--dataset", "xor", "--samples", "20", "--hidden", "4", "--epochs", "2")


def rewritten(src, dst, change):
    with np.load(src, allow_pickle=False) as npz:
        arrays = dict(npz)
    meta = json.loads(arrays["config"].tobytes())
    change(meta)
    arrays["config"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(dst, **arrays)
    return dst


@pytest.fixture
def bad_models(cli, tmp_path):
    good = tmp_path / "good.npz"
    assert cli("train", *QUICK, "--save", good).code == 0

    def evil(meta):
        meta["network"]["hidden"][0]["activation"] = "evil"

    def negative_rate(meta):
        meta["run"]["hyper"]["lr"] = -1

    return {
        "evil": (rewritten(good, tmp_path / "evil.npz", evil), "unknown activation 'evil'"),
        "lr": (
            rewritten(good, tmp_path / "lr.npz", negative_rate),
            "bad field run.hyper.lr: -1 is out of range (must be a number > 0)",
        ),
    }


COMMANDS = {
    "eval": ("eval", "{m}"),
    "predict": ("predict", "{m}", "--data", "{rows}"),
    "export": ("export", "{m}", "-o", "{dir}/out.py"),
    "train --load": ("train", "--load", "{m}", "--epochs", "1"),
    "trace": ("trace", "--load", "{m}", "--sample", "0"),
    "check": ("check", "--load", "{m}"),
    "--resume": ("--resume", "{m}"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("bad", ["evil", "lr"])
def test_every_command_refuses_a_bad_model_naming_the_file_and_field(
    cli, tmp_path, bad_models, command, bad
):
    path, words = bad_models[bad]
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.5,0.5\n")
    args = [a.format(m=path, rows=rows, dir=tmp_path) for a in COMMANDS[command]]
    result = cli(*args)
    assert result.code == 2, result.err
    line = result.err.strip().splitlines()[-1]
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert str(path) in line and words in line
    assert not (tmp_path / "out.py").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("train", "--hidden", "4,,4"),
            "--hidden: '4,,4' has an empty layer size (a comma too many?)",
        ),
        (("train", "--hidden", "4,"), "--hidden: '4,' has an empty layer size"),
        (
            ("train", "--epochs", "inf"),
            "--epochs: no limit is for the app, which trains until paused; tui-nn train needs a number",
        ),
        (("train", "--epochs", ""), "--epochs: an empty value; give a whole number >= 0 or 'none'"),
        (("train", "--lr", " "), "--lr: an empty value; give a number > 0"),
        (
            ("compare", "--epochs", "inf"),
            "--epochs: no limit is for the app, which trains until paused; tui-nn compare needs",
        ),
        (
            ("train", "--target", "y"),
            "--target is for a CSV file's columns; it needs --data PATH.csv (the dataset is circle)",
        ),
        (
            ("train", "--dataset", "xor", "--task", "regression"),
            "--task is for a CSV file's columns",
        ),
        (("compare", "--set", "save=x.npz"), "--set save: compare saves no model"),
        (
            ("compare", "--set", "load=x.npz"),
            "--set load: both runs start from the same new weights",
        ),
        (("compare", "--set", "metrics=x.jsonl"), "--set metrics: --metrics holds both runs"),
        (("compare", "--set", "epochs="), "--set: key 'epochs': an empty value"),
    ],
)
def test_loose_options_are_refused_naming_the_option(cli, tmp_path, args, line):
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    assert result.error_line.startswith(f"tui-nn: error: {line}")
    assert not list(tmp_path.iterdir())


def test_a_compare_run_file_that_saves_is_refused(cli, tmp_path):
    run = tmp_path / "a.toml"
    run.write_text('lr = 0.1\nsave = "a.npz"\n')
    result = cli("compare", run)
    assert result.error_line == (
        f"tui-nn: error: {run}: key save: compare saves no model (train each run with tui-nn "
        "train --save)"
    )


def test_hidden_sizes_are_still_read_in_every_spelling(cli, tmp_path):
    for spelling, sizes in (("8,4", (8, 4)), ("8, 4", (8, 4)), ("8 4", (8, 4)), ("", ())):
        path = tmp_path / "m.npz"
        assert (
            cli("train", *QUICK[:4], "--hidden", spelling, "--epochs", "1", "--save", path).code
            == 0
        )
        assert load_model(path).config.hidden == sizes


def test_epochs_0_saves_the_initial_weights(cli, tmp_path):
    from tui_nn.data import load_dataset
    from tui_nn.engine.network import Network

    path = tmp_path / "start.npz"
    result = cli("train", *QUICK[:6], "--epochs", "0", "--save", path)
    assert result.code == 0 and "finished: 0 epochs, 0 steps" in result.out
    model = load_model(path)
    fresh = Network.from_spec(model.config.network_spec(load_dataset(model.config.dataset)))
    for (w, b), (w0, b0) in zip(model.params, fresh.get_params()):
        assert np.array_equal(w, w0) and np.array_equal(b, b0)
    assert len(model.history) == 0


@pytest.mark.parametrize("fps", ["0", "-1", "nan", "inf", "1e9", ""])
def test_attach_checks_fps_as_the_app_does(cli, fps):
    attach, app = cli("attach", f"--fps={fps}", "abc123"), cli(f"--fps={fps}", "--dataset", "xor")
    assert attach.code == app.code == 2
    assert attach.error_line.startswith("tui-nn: error: --fps: ")
    if fps:
        assert attach.error_line == app.error_line


@pytest.mark.parametrize("args", [("--stop", ""), ("--stop", " "), ("",)])
def test_attach_refuses_an_empty_trainer_id(cli, args):
    result = cli("attach", *args)
    assert result.code == 2 and result.out == ""
    assert "an empty trainer id; tui-nn attach --list shows them" in result.error_line
