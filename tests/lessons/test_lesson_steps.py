"""A lesson's steps: what its text tells the student to do, read from [[steps]] (each step
quotes the text), and walked by `lessons check`: the goal must be reachable by following them."""

from __future__ import annotations

import pytest

from tui_nn.cli import main
from tui_nn.lessons import LessonError, find_lesson, load_lesson

XOR_TEXT = (
    "Press space to train this network. Press i to insert a hidden layer of 4 neurons, "
    "then + to add neurons. Press r to start again. Then space to train."
)


def lesson(tmp_path, steps, text=XOR_TEXT, goal='"test_acc >= 0.95", "hidden_neurons <= 4", '
           '"epochs <= 200"', locked='["dataset"]'):  # fmt: skip
    path = tmp_path / "steps.toml"
    path.write_text(
        f'title = "XOR"\ngoal = [{goal}]\ntext = """{text}"""\n'
        f'[config]\ndataset = "xor"\nhidden = []\nlr = 0.1\n'
        f"[controls]\nlocked = {locked}\n"
        f"[solution]\nhidden = [4]\nepochs = 200\n{steps}"
    )
    return path


FIXED = """
[[steps]]
says = "press space to train this network"
train = 100
[[steps]]
says = "Press i to insert a hidden layer of 4 neurons"
set = { hidden = [4] }
[[steps]]
says = "press r to start again"
reset = true
[[steps]]
says = "then space to train"
train = 200
"""


def test_steps_are_read_with_the_words_they_follow(tmp_path):
    loaded = load_lesson(lesson(tmp_path, FIXED))
    assert [s.action for s in loaded.steps] == ["train", "set", "reset", "train"]
    assert loaded.steps[1].changes == {"hidden": [4]} and loaded.steps[3].epochs == 200


def run_check(capsys, path):
    capsys.readouterr()
    code = main(["lessons", "check", str(path)])
    return code, capsys.readouterr().out.splitlines()[0]


def test_following_the_fixed_text_reaches_the_goal(tmp_path, capsys):
    code, line = run_check(capsys, lesson(tmp_path, FIXED))
    assert code == 0, line
    assert "the text's steps: goal reached at epoch" in line and "of step 4" in line


def test_the_old_xor_text_is_caught(tmp_path, capsys):
    old = FIXED.replace('says = "press r to start again"\nreset = true',
                        'says = "then + to add neurons"\nset = { hidden = [7] }')  # fmt: skip
    code, line = run_check(capsys, lesson(tmp_path, old))
    assert code == 1
    assert "failed:" in line and "never reach the goal" in line
    assert "hidden_neurons 7 (<= 4)" in line


def test_training_too_long_first_uses_up_the_epochs(tmp_path, capsys):
    long_first = FIXED.replace("train = 100", "train = 400").replace(
        'says = "press r to start again"\nreset = true', 'says = "then space to train"\ntrain = 1'
    )
    code, line = run_check(capsys, lesson(tmp_path, long_first))
    assert code == 1 and "never reach the goal" in line and "not met: epochs 601 (<= 200)" in line


@pytest.mark.parametrize(
    "steps, words",
    [
        ('[[steps]]\nsays = "press q"\ntrain = 5\n', "step 1: the text never says 'press q'"),
        ('[[steps]]\nsays = "press r"\n', "step 1: give one action of: train, set, reset"),
        ('[[steps]]\nsays = "press r"\nreset = true\ntrain = 3\n', "give one action"),
        ('[[steps]]\nsays = "press r"\ntrain = 0\n', "train must be a number of epochs"),
        ('[[steps]]\nsays = "press r"\nreset = 1\n', "reset must be true"),
        ('[[steps]]\ntrain = 3\n', "key 'says' must be words of the text"),
        ('[[steps]]\nsays = "press r"\nwait = 3\n', "unknown key 'wait'"),
        ('[[steps]]\nsays = "press r"\nset = { dataset = "circle" }\n',
         "set changes 'dataset', which [controls] locks"),
        ("TOP steps = 3\n", "[[steps]] must be tables"),
    ],
)
def test_bad_steps_are_refused_by_name(tmp_path, steps, words):
    path = lesson(tmp_path, "" if steps.startswith("TOP") else steps)
    if steps.startswith("TOP"):
        path.write_text(steps.removeprefix("TOP ") + path.read_text())
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert words in str(info.value) and str(path) in str(info.value)


def test_a_step_with_a_bad_option_is_one_line(tmp_path, capsys):
    bad = '[[steps]]\nsays = "press i"\nset = { hidden = "many" }\n'
    capsys.readouterr()
    code = main(["lessons", "check", str(lesson(tmp_path, bad))])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "[[steps]]: key 'hidden'" in err[0]


def test_the_shipped_xor_lesson_has_its_steps():
    xor = find_lesson("xor")
    assert [s.action for s in xor.steps] == ["train", "set", "reset", "train"]
    assert "+ to add neurons" not in " ".join(xor.text.split()).replace("(", " ")
