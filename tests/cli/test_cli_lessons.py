"""`tui-nn lessons`, `tui-nn lessons check`, and lesson files whose configuration is bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_nn.cli.lessons import lesson_configs
from tui_nn.lessons import LessonError, find_lesson, load_lesson, shipped_lessons

SHARED_DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

LESSON = """
title = "T"
text = "Some text."
goal = [{goal}]
[config]
{config}
[controls]
locked = ["dataset", "hidden"]
[solution]
{solution}
"""


def lesson_file(
    tmp_path, goal='"test_acc >= 0.9"', config='dataset = "xor"', solution="epochs = 3"
):
    path = tmp_path / "my-lesson.toml"
    path.write_text(LESSON.format(goal=goal, config=config, solution=solution))
    return path


def test_lessons_lists_every_shipped_lesson(cli):
    result = cli("lessons")
    assert result.code == 0
    for lesson in shipped_lessons():
        assert lesson.name in result.out and lesson.title in result.out
    assert "goal: test_acc >= 0.95 and hidden_neurons <= 4 and epochs <= 200" in result.out


def test_configs_come_from_trains_loader():
    configs = lesson_configs(find_lesson("xor"))
    assert configs.start.dataset.name == "xor" and configs.start.hidden == ()
    assert configs.solution.hidden == (4,) and configs.solution.hyper.epochs == 200
    assert configs.start.hyper.lr == configs.solution.hyper.lr == 0.1


def test_check_passes_the_shipped_toy_lessons(cli):
    names = [lesson.name for lesson in shipped_lessons() if lesson.name != "mnist"]
    result = cli("lessons", "check", *names)
    assert result.code == 0, result.out
    lines = result.out.strip().splitlines()
    assert len(lines) == len(names) + 1
    for name, line in zip(names, lines):
        assert line.startswith(f"{name}: passed: goal reached at epoch ")
    assert lines[-1] == f"{len(names)} passed, 0 failed"


@pytest.mark.slow
def test_check_all_with_mnist(cli):
    if not (SHARED_DATASETS / "mnist").is_dir():
        pytest.skip(f"MNIST not found at {SHARED_DATASETS}")
    result = cli("lessons", "check", "--data-dir", SHARED_DATASETS)
    assert result.code == 0, result.out
    assert "mnist: passed: goal reached at epoch" in result.out


def test_mnist_missing_is_a_clear_skip(cli, tmp_path):
    result = cli("lessons", "check", "mnist", "--data-dir", tmp_path)
    assert result.code == 0
    assert result.out.startswith("mnist: skipped: ")
    assert "--data-dir" in result.out


def test_a_failing_reference_fails_the_check(cli, tmp_path):
    path = lesson_file(
        tmp_path,
        goal='"test_acc >= 0.99", "epochs <= 2"',
        config='dataset = "xor"\nhidden = []',
        solution="epochs = 3",
    )
    result = cli("lessons", "check", path)
    assert result.code == 1
    line = result.out.splitlines()[0]
    assert line.startswith("my-lesson: failed: finished after 3 epochs; not met: test_acc ")
    assert "(>= 0.99)" in line and "epochs 3 (<= 2)" in line


@pytest.mark.parametrize(
    "config, solution, words",
    [
        ('dataset = "xor"\nlr = -1', "epochs = 3", ["[config]: key 'lr'", "-1"]),
        ('dataset = "nope"', "epochs = 3", ["[config]: key 'dataset'", "unknown dataset 'nope'"]),
        ('dataset = "xor"', "epochz = 3", ["[solution]: unknown key(s) 'epochz'", "allowed keys:"]),
        ('dataset = "xor"', "hidden = [4]", ["[solution] changes 'hidden'", "locks"]),
    ],
)
def test_bad_configuration_refused_by_name(cli, tmp_path, config, solution, words):
    path = lesson_file(tmp_path, config=config, solution=solution)
    load_lesson(path)  # the file itself is fine: the [config] or [solution] is not
    for command in (("lessons", "check", path), ("lesson", path)):
        result = cli(*command)
        assert result.code == 2
        line = result.error_line
        assert f"lesson {path}" in line
        for word in words:
            assert word in line


def test_unknown_lesson_is_one_line(cli):
    result = cli("lesson", "nope")
    assert result.code == 2
    assert "no lesson named 'nope'" in result.error_line
    with pytest.raises(LessonError):
        find_lesson("nope")


@pytest.mark.slow
def test_a_lesson_screenshot_shows_its_text_and_goal(cli, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the trainer's scratch folder
    path = tmp_path / "xor.txt"
    result = cli("lesson", "xor", "--screenshot-after", "0.5", "--screenshot", path)
    assert result.code == 0, result.err
    screen = path.read_text()
    assert "Lesson" in screen and "Why XOR needs a hidden layer" in screen, screen
    assert "test_acc" in screen and "(>= 0.95)" in screen  # the goal, with its current value


def test_a_lesson_screenshot_to_a_folder_is_refused_before_anything_starts(cli, tmp_path):
    result = cli("lesson", "xor", "--screenshot", tmp_path)
    assert result.code == 2 and "--screenshot" in result.error_line
