"""Bad usage of every command: exit code 2 and one line on stderr naming the problem."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui_nn.cli import main as cli_main

QUICK = ("--dataset", "xor", "--samples", "40", "--hidden", "4", "--epochs", "1")


@pytest.fixture
def model_file(tmp_path, cli):
    path = tmp_path / "xor.npz"
    assert cli("train", *QUICK, "--save", path).code == 0
    return path


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ("train", "--dataset", "nope"),
            ["--dataset", "unknown dataset 'nope'", "circle", "mnist"],
        ),
        (("train", "--hidden", "0"), ["--hidden", "1..4096"]),
        (("train", "--hidden", "8,x"), ["--hidden", "8,x"]),
        (("train", "--lr", "-1"), ["--lr", "> 0", "'-1'"]),
        (("train", "--lr", "fast"), ["--lr", "'fast'"]),
        (("train", "--lr", "nan"), ["--lr"]),
        (("train", "--batch-size", "0"), ["--batch-size", "'full'"]),
        (("train", "--epochs", "1.5"), ["--epochs", "whole number"]),
        (("train", "--test-fraction", "1"), ["--test-fraction", "in [0, 1)"]),
        (("train", "--noise", "-0.1"), ["--noise", "from 0 to 10"]),
        (("train", "--seed", "-3"), ["--seed", ">= 0"]),
        (("train", "--activation", "sine"), ["--activation", "relu", "tanh"]),
        (("train", "--activation", "softmax"), ["--activation", "unknown value"]),
        (("train", "--optimizer", "rmsprop"), ["--optimizer", "sgd, momentum, nesterov, adam"]),
        (("train", "--normalize", "zscore"), ["--normalize", "standard, minmax, none"]),
        (("train", "--dtype", "float16"), ["--dtype", "float32, float64"]),
        (("train", "--output", "softmax", "--loss", "bce"), ["bce", "sigmoid"]),
        (("train", "--dataset", "csv"), ["--dataset csv needs --data"]),
        (("train", "--nope"), ["unrecognized arguments: --nope", "tui-nn train --help"]),
        (("train", "--lr"), ["--lr", "expected one argument"]),
        (("check", "--hidden", "0"), ["--hidden"]),
        (("check", "--check-samples", "0"), ["--check-samples"]),
        (("frobnicate",), ["unknown command 'frobnicate'", "train, eval, predict, export, check"]),
        (("--lr", "-1"), ["--lr", "> 0"]),
        (("--fps", "0"), ["--fps", "(0, 60]"]),
        (("--fps", "1e9"), ["--fps", "(0, 60]"]),
        (("datasets", "fetch", "digits"), ["cannot fetch 'digits'", "mnist, fashion-mnist"]),
        (("datasets", "remove"), ["unknown datasets command 'remove'"]),
        (("eval",), ["required", "MODEL.npz"]),
    ],
)
def test_bad_options(cli, args, words):
    result = cli(*args)
    assert result.code == 2
    line = result.error_line
    for word in words:
        assert word in line


def test_missing_files(cli, tmp_path):
    missing = tmp_path / "absent"
    for args, word in [
        (("train", "--load", f"{missing}.npz"), "no such file"),
        (("train", "--data", f"{missing}.csv"), "absent.csv"),
        (("train", "--config", f"{missing}.toml"), "no such file"),
        (("eval", f"{missing}.npz"), "no such file"),
        (("check", "--load", f"{missing}.npz"), "no such file"),
        (("train", *QUICK, "--save", tmp_path / "no" / "dir" / "m.npz"), "does not exist"),
        (("train", *QUICK, "--metrics", tmp_path / "no" / "m.jsonl"), "--metrics"),
    ]:
        result = cli(*args)
        assert result.code == 2, args
        assert word in result.error_line


def test_save_path_is_checked_before_training(cli, tmp_path):
    result = cli("train", *QUICK, "--save", tmp_path)
    assert result.code == 2 and "is a directory" in result.error_line
    assert result.out == ""  # nothing was trained


@pytest.mark.parametrize(
    "content, words",
    [
        ("x1,x2,label\n1,2,a\n3,4\n", ["ragged.csv", "line 3"]),
        ("x1,x2,label\n1,oops,a\n3,4,b\n", ["ragged.csv", "line 2"]),
        ("", ["ragged.csv"]),
    ],
)
def test_malformed_csv(cli, tmp_path, content, words):
    path = tmp_path / "ragged.csv"
    path.write_text(content)
    result = cli("train", "--data", path, "--epochs", "1")
    assert result.code == 2
    for word in words:
        assert word in result.error_line


def test_bad_toml_config(cli, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('dataset = "xor"\nlearning_rate = 0.1\n')
    result = cli("train", "--config", path)
    assert result.code == 2
    assert "unknown key(s) 'learning_rate'" in result.error_line
    path.write_text("hidden = [4, 0]\n")
    result = cli("train", "--config", path)
    assert result.code == 2 and "'hidden'" in result.error_line


def test_corrupt_model_file(cli, model_file):
    data = model_file.read_bytes()
    model_file.write_bytes(data[: len(data) * 2 // 3])
    for args in (("eval", model_file), ("train", "--load", model_file)):
        result = cli(*args)
        assert result.code == 2
        assert "damaged or truncated" in result.error_line


def test_pickle_bearing_npz(cli, model_file, tmp_path):
    with np.load(model_file, allow_pickle=False) as npz:
        arrays = dict(npz)
    arrays["layer0.weight"] = np.array([object(), "x"], dtype=object)
    evil = tmp_path / "evil.npz"
    np.savez(evil, **arrays)
    result = cli("eval", evil)
    assert result.code == 2
    assert "pickled Python objects" in result.error_line


def test_newer_model_format(cli, model_file, tmp_path):
    with np.load(model_file, allow_pickle=False) as npz:
        arrays = dict(npz)
    meta = json.loads(bytes(arrays["config"]).decode("utf-8"))
    meta["format_version"] = 99
    arrays["config"] = np.array(json.dumps(meta))
    newer = tmp_path / "newer.npz"
    np.savez(newer, **arrays)
    result = cli("eval", newer)
    assert result.code == 2 and "newer tui-nn" in result.error_line


def test_eval_data_with_wrong_width(cli, model_file, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c,label\n" + "".join(f"{i},{i},{i},{i % 2}\n" for i in range(20)))
    result = cli("eval", model_file, "--data", path)
    assert result.code == 2 and "takes 2 inputs" in result.error_line


def test_load_model_into_data_of_another_shape(cli, model_file):
    result = cli("train", "--load", model_file, "--dataset", "digits", "--epochs", "1")
    assert result.code == 2 and "--load" in result.error_line


def test_unexpected_errors_are_one_line_with_a_hint(cli, monkeypatch):
    import tui_nn.cli.datasets

    def boom(argv):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr(tui_nn.cli.datasets, "main", boom)
    monkeypatch.delenv("TUI_NN_DEBUG", raising=False)
    result = cli("datasets")
    assert result.code == 1
    line = result.err.strip()
    assert line == (
        "tui-nn: error: unexpected RuntimeError: something broke "
        "(set TUI_NN_DEBUG=1 to see the traceback)"
    )


def test_debug_variable_shows_the_traceback(cli, monkeypatch):
    import tui_nn.cli.datasets

    monkeypatch.setattr(tui_nn.cli.datasets, "main", lambda argv: 1 / 0)
    monkeypatch.setenv("TUI_NN_DEBUG", "1")
    result = cli("datasets")
    assert result.code == 1 and "Traceback" in result.err and "ZeroDivisionError" in result.err


def test_help_exits_zero(capsys):
    commands = ([], ["train"], ["eval"], ["predict"], ["export"], ["check"], ["datasets"])
    for args in (*commands, ["datasets", "fetch"]):
        assert cli_main([*args, "--help"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: tui-nn") and "examples:" in out
