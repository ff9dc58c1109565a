"""The README's commands and examples stay true."""

from __future__ import annotations

import re
from pathlib import Path

from tui_nn.files import load_model

README = Path(__file__).resolve().parents[2] / "README.md"


def test_setup_and_test_commands_are_the_documented_ones():
    text = README.read_text(encoding="utf-8")
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/tui-nn" in text
    assert "\n.venv/bin/python -m pytest -q\n" in text


def test_readme_toml_example_runs(cli, tmp_path):
    text = README.read_text(encoding="utf-8")
    toml = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "spiral.toml"
    path.write_text(toml)
    result = cli("train", "--config", path, "--epochs", "2")
    assert result.code == 0, result.err
    model = load_model(tmp_path / "spiral.npz")
    assert model.spec.sizes == (2, 8, 8, 8, 1)
    assert model.config.hyper.optimizer == "adam" and model.config.hyper.batch_size == 16
    assert (tmp_path / "spiral.jsonl").read_text().count("\n") == 2


def test_readme_sweep_example_is_the_shipped_file_and_plans_12_trials():
    from tui_nn.cli.sweep import config_loader
    from tui_nn.sweep.plan import load_sweep

    text = README.read_text(encoding="utf-8")
    example = README.parent / "examples" / "spiral-sweep.toml"
    lines = example.read_text(encoding="utf-8").splitlines(keepends=True)
    body = "".join(lines[next(i for i, line in enumerate(lines) if not line.startswith("#")) :])
    assert f"```\n{body}```" in text
    sweep = load_sweep(example, config_loader())
    assert len(sweep.trials) == 12 and sweep.metric == "val_acc"
    assert "[docs/sweeps.md](docs/sweeps.md)" in text


def test_the_sweeps_page_shows_the_shipped_tpe_file_and_a_real_run_of_it():
    from tui_nn.cli.sweep import config_loader
    from tui_nn.sweep.plan import load_sweep

    page = (README.parent / "docs" / "sweeps.md").read_text(encoding="utf-8")
    example = README.parent / "examples" / "digits-tpe.toml"
    assert f"```toml\n{example.read_text(encoding='utf-8')}```" in page
    sweep = load_sweep(example, config_loader())
    assert (sweep.method, sweep.pruner, sweep.total) == ("tpe", "asha", 24)
    assert "$ tui-nn sweep examples/digits-tpe.toml --results digits-tpe-results" in page
    assert "sweep examples/digits-tpe.toml: 24 trials by Optuna's TPE, asha pruning" in page
    assert page.count(" pruned at epoch ") + page.count(" done (") == 24
