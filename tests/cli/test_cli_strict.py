"""Every path that reads a model file refuses a bad one the same way, naming the file and the
field (issue 25): eval, predict, export, train --load, trace, check, and the app's --resume
(before the app starts)."""

from __future__ import annotations

import json

import numpy as np
import pytest

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
