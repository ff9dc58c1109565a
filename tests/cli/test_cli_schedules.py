"""The learning-rate schedule options, on the command line and in TOML."""

from __future__ import annotations

import pytest

from tui_nn.files import read_metrics


def test_schedule_options_and_toml(cli, tmp_path):
    metrics = tmp_path / "m.jsonl"
    toml = tmp_path / "run.toml"
    toml.write_text('lr-schedule = "step"\nlr_step = 2\nlr-gamma = 0.5\n')
    args = ("--dataset", "xor", "--samples", "40", "--epochs", "4", "--lr", "0.04")
    result = cli("train", *args, "--config", toml, "--metrics", metrics)
    assert result.code == 0, result.err
    assert "lr 0.04 (x0.5 every 2 epochs)" in result.out
    assert [r["lr"] for r in read_metrics(metrics)] == pytest.approx([0.04, 0.04, 0.02, 0.02])
    result = cli("train", *args, "--lr-schedule", "cosine", "--lr-min", "0.01")
    assert result.code == 0 and "(cosine to 0.01 over 4 epochs)" in result.out
    for bad, word in [
        (("--lr-schedule", "warm"), "constant, step, cosine"),
        (("--lr-gamma", "0"), "(0, 1]"),
        (("--lr-step", "0"), "--lr-step"),
        (("--lr-min", "0.5"), "--lr-min 0.5 is above the learning rate 0.04"),
    ]:
        result = cli("train", *args, *bad)
        assert result.code == 2 and word in result.error_line
