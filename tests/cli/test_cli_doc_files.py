"""The files the docs show (a run configuration, a sweep file, a lesson) are real: each is read
by the code that reads such files, and does what the page says."""

from __future__ import annotations

import re
from pathlib import Path

from tui_nn.files import load_model

DOCS = Path(__file__).resolve().parents[2] / "docs"


def toml_block(page: str, after: str = "") -> str:
    """The first ```toml block of docs/PAGE after the text `after`."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.search(r"```toml\n(.*?)```", text[text.index(after) :], re.S).group(1)


def test_the_run_configuration_shown_trains(cli, tmp_path):
    path = tmp_path / "spiral.toml"
    path.write_text(toml_block("command-line.md"))
    result = cli("train", "--config", path, "--epochs", "2")
    assert result.code == 0, result.err
    model = load_model(tmp_path / "spiral.npz")
    assert model.spec.sizes == (2, 8, 8, 8, 1)
    assert model.config.hyper.optimizer == "adam" and model.config.hyper.batch_size == 16
    assert (tmp_path / "spiral.jsonl").read_text().count("\n") == 2


def test_the_sweeps_page_shows_the_shipped_tpe_file_and_a_real_run_of_it():
    from tui_nn.cli.sweep import config_loader
    from tui_nn.sweep.plan import load_sweep

    page = (DOCS / "sweeps.md").read_text(encoding="utf-8")
    example = DOCS.parent / "examples" / "digits-tpe.toml"
    assert f"```toml\n{example.read_text(encoding='utf-8')}```" in page
    sweep = load_sweep(example, config_loader())
    assert (sweep.method, sweep.pruner, sweep.total) == ("tpe", "asha", 24)
    assert "$ tui-nn sweep examples/digits-tpe.toml --results digits-tpe-results" in page
    assert "sweep examples/digits-tpe.toml: 24 trials by Optuna's TPE, asha pruning" in page
    assert page.count(" pruned at epoch ") + page.count(" done (") == 24


def test_the_lesson_shown_is_a_lesson_whose_solution_passes(cli, tmp_path):
    from tui_nn.lessons.lesson import load_lesson

    path = tmp_path / "my-lesson.toml"
    path.write_text(toml_block("lessons.md", "## Writing a lesson"), encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.title == "Why XOR needs a hidden layer" and "dataset" in lesson.locked
    result = cli("lessons", "check", path)
    assert result.code == 0 and "passed: goal reached" in result.out, result.out + result.err
