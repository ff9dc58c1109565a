"""`tui-nn compare`: two runs from the same start; identical settings give identical curves."""

from __future__ import annotations

import json

import pytest

QUICK = ("--dataset", "xor", "--samples", "80", "--hidden", "4", "--epochs", "6")
NUMBERS = ("train_loss", "test_loss", "train_acc", "test_acc", "epoch", "step", "samples")


def runs(path):
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    a = [{k: r[k] for k in NUMBERS} for r in lines if r["run"] == "A"]
    b = [{k: r[k] for k in NUMBERS} for r in lines if r["run"] == "B"]
    return a, b


def test_identical_settings_give_bit_identical_curves(cli, tmp_path):
    metrics = tmp_path / "ab.jsonl"
    result = cli("compare", *QUICK, "--metrics", metrics)
    assert result.code == 0, result.err
    assert "B differs in: nothing (identical)" in result.out
    assert "same start: initial weights, data and split, shuffling" in result.out
    a, b = runs(metrics)
    assert len(a) == len(b) == 6
    assert a == b  # exactly equal, not close
    for line in result.out.splitlines():
        if line.strip()[:1].isdigit():
            left, right = line.split("│")
            assert left.split()[1:] == right.split()


def test_a_changed_lr_differs_and_b_is_the_run_train_would_make(cli, tmp_path):
    metrics = tmp_path / "ab.jsonl"
    result = cli("compare", *QUICK, "--set", "lr=0.3", "--metrics", metrics)
    assert result.code == 0, result.err
    assert "B differs in: lr 0.3" in result.out
    a, b = runs(metrics)
    assert all(ra["train_loss"] != rb["train_loss"] for ra, rb in zip(a, b))
    # Same start: B is exactly the run `tui-nn train --lr 0.3` makes, and A the default one.
    for lr, expected in (("0.3", b), ("0.03", a)):
        solo = tmp_path / f"solo-{lr}.jsonl"
        assert cli("train", *QUICK, "--lr", lr, "--metrics", solo).code == 0
        records = [json.loads(line) for line in solo.read_text().splitlines()]
        assert [{k: r[k] for k in NUMBERS} for r in records] == expected
    table = result.out.split("\n\n")[-1]
    assert table.splitlines()[0].split() == ["A", "B"]
    assert table.splitlines()[1].split() == ["epochs", "6", "6"]


def test_two_configuration_files(cli, tmp_path):
    (tmp_path / "a.toml").write_text('dataset = "xor"\nsamples = 80\nhidden = [4]\n')
    (tmp_path / "b.toml").write_text(
        'dataset = "xor"\nsamples = 80\nhidden = [4]\nactivation = "relu"\n'
    )
    result = cli("compare", tmp_path / "a.toml", tmp_path / "b.toml", "--epochs", "3")
    assert result.code == 0, result.err
    assert "B differs in: activation relu" in result.out
    assert "network 2-4-1 (relu/sigmoid" in result.out
    assert sum(1 for line in result.out.splitlines() if "│" in line) == 2 + 3


def test_different_layers_get_their_own_weights_and_say_so(cli):
    result = cli("compare", *QUICK, "--set", "hidden=8")
    assert result.code == 0
    assert "B has its own initial weights (its layers differ)" in result.out


def test_divergence_of_one_run_is_reported(cli):
    result = cli(
        "compare", "--dataset", "plane", "--samples", "80", "--epochs", "4", "--set", "lr=100"
    )
    assert result.code == 1
    assert "B diverged:" in result.out
    assert result.out.split("\n\n")[-1].splitlines()[-1].split() == ["diverged", "no", "yes"]


@pytest.mark.parametrize(
    "args, words",
    [
        (("--set", "lr"), ["--set 'lr'", "KEY=VALUE"]),
        (("--set", "lr=fast"), ["--set: key 'lr'", "fast"]),
        (("--set", "speed=3"), ["--set: unknown key(s) 'speed'", "allowed keys"]),
        (("a.toml", "b.toml", "c.toml"), ["at most two"]),
        (("missing.toml",), ["missing.toml", "no such file"]),
    ],
)
def test_bad_usage_is_one_line(cli, args, words):
    result = cli("compare", *QUICK, *args)
    assert result.code == 2
    line = result.error_line
    for word in words:
        assert word in line
