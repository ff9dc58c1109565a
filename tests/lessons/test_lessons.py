"""Lessons as data: the shipped files parse, goals are read without eval and detected, bad
files are refused by name, locked controls are noticed whichever edit touches them."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.spec import LayerSpec, NetworkSpec
from tui_nn.engine.types import EpochRecord, HyperParams
from tui_nn.lessons import (
    CONTROLS,
    Goal,
    GoalError,
    LessonError,
    changed_controls,
    control_values,
    find_lesson,
    goal_values,
    load_lesson,
    shipped_lessons,
)

TEXTBOOK = {
    "one-neuron",
    "xor",
    "activations",
    "cost",
    "learning-rate",
    "backpropagation",
    "fitting",
    "mnist",
}


def record(epoch=10, train_loss=0.2, test_loss=0.3, train_acc=0.97, test_acc=0.9):
    return EpochRecord(
        epoch, epoch * 5, epoch * 50, train_loss, test_loss, train_acc, test_acc, 1.0, 0.03
    )


def spec(*units: int, activation="tanh") -> NetworkSpec:
    return NetworkSpec(
        n_inputs=2,
        hidden=tuple(LayerSpec(u, activation) for u in units),
        output=LayerSpec(1, "sigmoid"),
        loss="bce",
    )


# ---- shipped lessons -----------------------------------------------------------------------


def test_shipped_lessons_parse_and_follow_the_textbook_path():
    lessons = shipped_lessons()
    names = [lesson.name for lesson in lessons]
    assert len(names) >= 8 and len(set(names)) == len(names)
    assert TEXTBOOK <= set(names)
    assert names[0] == "one-neuron" and names.index("xor") < names.index("mnist")
    for lesson in lessons:
        assert lesson.title and len(lesson.text) > 100
        assert lesson.goal.conditions
        assert set(lesson.locked) <= set(CONTROLS)


def test_find_lesson_by_name_number_or_path(tmp_path):
    assert find_lesson("xor").name == "xor"
    assert find_lesson("02-xor").name == "xor"
    path = find_lesson("xor").path
    assert find_lesson(str(path)).title == find_lesson("xor").title
    with pytest.raises(LessonError, match="no lesson named 'nope'; choose one of: one-neuron"):
        find_lesson("nope")
    with pytest.raises(LessonError, match="no such file"):
        find_lesson(str(tmp_path / "missing.toml"))


# ---- goals ---------------------------------------------------------------------------------


def test_goal_detected_true_and_false():
    goal = Goal.parse(["test_acc >= 0.9", "hidden_neurons <= 8", "epochs <= 300"])
    assert goal.holds(goal_values(record(), spec(4, 4), HyperParams()))
    assert not goal.holds(goal_values(record(test_acc=0.89), spec(4, 4), HyperParams()))
    assert not goal.holds(goal_values(record(), spec(8, 4), HyperParams()))  # 12 neurons
    assert not goal.holds(goal_values(record(epoch=301), spec(4), HyperParams()))
    failing = goal.failing(goal_values(record(test_acc=0.5), spec(9), HyperParams()))
    assert [c.name for c in failing] == ["test_acc", "hidden_neurons"]


def test_goal_unknown_values_are_false_not_errors():
    goal = Goal.parse(["test_acc > 0.5"])
    assert not goal.holds(goal_values(None, spec(2), None))  # nothing trained yet
    assert not goal.holds(goal_values(record(test_acc=None), spec(2), None))  # regression
    assert not Goal.parse(["test_loss < 1"]).holds(
        goal_values(record(test_loss=math.nan), spec(), None)
    )
    values = goal_values(None, spec(), None)
    assert values["epochs"] == 0 and values["hidden_neurons"] == 0


def test_goal_words_gaps_and_operators():
    values = goal_values(record(), spec(3, activation="relu"), HyperParams(lr=0.3))
    assert Goal.parse(["activation == relu", "loss == bce", "optimizer != adam"]).holds(values)
    assert not Goal.parse(["activation == tanh"]).holds(values)
    assert Goal.parse(["acc_gap > 0.06", "acc_gap < 0.08", "loss_gap == 0.1"]).holds(
        {**values, "loss_gap": 0.1}
    )
    assert Goal.parse(["parameters == 13", "hidden_layers == 1", "lr == 0.3"]).holds(values)
    assert Goal.parse(["epochs < 11", "epochs > 9", "epochs == 10"]).holds(values)


@pytest.mark.parametrize(
    "text, words",
    [
        ("accuracy >= 0.9", ["unknown quantity 'accuracy'", "test_acc"]),
        ("test_acc => 0.9", ["cannot read", "NAME OP VALUE"]),
        ("test_acc >= high", ["'high' is not a number"]),
        ("test_acc >= inf", ["finite"]),
        ("__import__('os').system('true') == 0", ["cannot read"]),
        ("test_acc >= 0.9 or 1", ["cannot read"]),
        ("activation <= relu", ["activation is a name"]),
        ("", ["cannot read"]),
    ],
)
def test_bad_conditions_refused_by_name(text, words):
    with pytest.raises(GoalError) as err:
        Goal.parse([text])
    for word in words:
        assert word in str(err.value)


# ---- locked controls -----------------------------------------------------------------------


def test_changed_controls_name_what_an_edit_touches():
    data, net, hyper = DatasetSpec("circle"), spec(8), HyperParams()
    before = control_values(data, net, hyper)
    assert changed_controls(before, control_values(data, net, hyper), CONTROLS) == []
    after = control_values(replace(data, seed=1), spec(8, activation="relu"), replace(hyper, lr=1))
    assert changed_controls(before, after, CONTROLS) == ["data_seed", "activation", "lr"]
    assert changed_controls(before, control_values(data, spec(7), hyper), ["hidden"]) == ["hidden"]
    # a reading without the network (a data-only edit) compares only what both have
    assert changed_controls(before, control_values(data, None, None), CONTROLS) == []


# ---- bad files -----------------------------------------------------------------------------

GOOD = """
title = "T"
text = "Some text."
goal = ["test_acc >= 0.9"]
[config]
dataset = "xor"
[controls]
locked = ["dataset"]
[solution]
hidden = [4]
epochs = 5
"""


def write(tmp_path, text, name="my-lesson.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD, "03-my-lesson.toml"))
    assert lesson.name == "my-lesson" and lesson.locked == ("dataset",)
    assert lesson.is_locked("dataset") and not lesson.is_locked("lr")
    assert lesson.config == {"dataset": "xor"}


def test_the_view_key_opens_the_diagram_or_the_heatmap(tmp_path):
    assert load_lesson(write(tmp_path, GOOD)).view == "heatmap"  # when not given
    text = GOOD.replace('locked = ["dataset"]', 'locked = ["dataset"]\nview = "diagram"')
    assert load_lesson(write(tmp_path, text)).view == "diagram"
    assert find_lesson("one-neuron").view == "diagram"


@pytest.mark.parametrize(
    "change, words",
    [
        (("title", 'title = ""'), ["key 'title' must be non-empty text"]),
        (('goal = ["test_acc >= 0.9"]', "goal = 3"), ["key 'goal' must be a list"]),
        (
            ('goal = ["test_acc >= 0.9"]', 'goal = ["accuracy > 1"]'),
            ["key 'goal'", "unknown quantity 'accuracy'"],
        ),
        (('goal = ["test_acc >= 0.9"]', "goal = []"), ["at least one condition"]),
        (('title = "T"', 'titel = "T"'), ["unknown key 'titel'", "allowed keys: title"]),
        (
            ('locked = ["dataset"]', 'locked = ["learning-rate"]'),
            ["unknown control 'learning-rate'", "allowed: dataset", "batch-size"],
        ),
        (
            ('locked = ["dataset"]', 'frozen = ["dataset"]'),
            ["[controls]: unknown key 'frozen'", "locked, hidden"],
        ),
        (("[solution]\nhidden = [4]\nepochs = 5", ""), ["missing key 'solution'"]),
        (
            ('locked = ["dataset"]', 'view = "weights"'),
            ["[controls] view: unknown view 'weights'", "allowed: heatmap, diagram"],
        ),
        (('locked = ["dataset"]', "view = 1"), ["unknown view 1", "allowed: heatmap, diagram"]),
        (('text = "Some text."', 'text = "unterminated'), ["invalid TOML"]),
    ],
)
def test_bad_files_refused_by_name(tmp_path, change, words):
    old, new = change
    if old == "title":
        text = GOOD.replace('title = "T"', new)
    else:
        assert old in GOOD
        text = GOOD.replace(old, new)
    path = write(tmp_path, text)
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    for word in words:
        assert word in message


def test_lessons_import_neither_the_cli_nor_textual():
    import subprocess
    import sys

    code = (
        "import sys, tui_nn.lessons as l; l.shipped_lessons(); "
        "bad = [m for m in sys.modules if m.startswith(('textual', 'tui_nn.cli', 'tui_nn.ui', "
        "'tui_nn.session'))]; print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
