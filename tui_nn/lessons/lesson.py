"""A lesson: a TOML file with a title, a text, a starting configuration, locked or hidden
controls, a goal and a reference solution. The shipped ones are package data in `files/`.

    title = "One neuron is logistic regression"
    text = '''A neuron computes z = w·x + b and a = σ(z) ...'''
    goal = ["test_acc >= 0.95", "hidden_neurons == 0", "epochs <= 50"]

    [config]            # the starting configuration: `tui-nn train`'s TOML keys
    dataset = "gauss"
    hidden = []

    [controls]
    locked = ["dataset", "hidden"]     # shown but not editable
    hidden = ["l1", "l2"]              # not shown in the training panel
    view = "diagram"                   # open with the network diagram shown (or "heatmap")

    [solution]          # the reference solution: keys overlaid on [config], with its epochs
    lr = 0.3
    epochs = 40

    [[steps]]           # what the text tells a student to do, in order (`lessons check` walks
    says = "press space"    # them: the goal must be reached by following them); `says` is
    train = 100             # words of the text, so the two cannot drift apart; then one of
    [[steps]]               #   train = N        train N epochs (stopping at the goal)
    says = "press i"        #   set = {...}      what the keys change (`tui-nn train` options;
    set = { hidden = [4] }  #                    a layer edit keeps the weights, as in the app)
    [[steps]]               #   reset = true     r: the same initial weights, epoch 0 again
    says = "r starts again"
    reset = true

The [config] and [solution] tables are read by the same code as `tui-nn train --config`
(in the CLI, which turns them into RunConfigs); this module checks everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tui_nn.files import ConfigError, read_toml
from tui_nn.lessons.controls import CONTROLS, control_name, shown_name
from tui_nn.lessons.goal import Goal, GoalError

LESSON_KEYS = ("title", "text", "goal", "config", "controls", "solution", "order", "steps")
STEP_ACTIONS = ("train", "set", "reset")
MAX_STEP_EPOCHS = 100_000
CONTROL_KEYS = ("locked", "hidden", "view")
VIEWS = ("heatmap", "diagram", "maps")
"""What the lesson opens with: the heatmap or the network diagram (`n` switches between them),
or the neuron maps in the lower-right panel (`V` goes back to the boundary)."""
NAME_PATTERN = re.compile(r"^(?:\d+-)?(?P<name>[a-z0-9][a-z0-9-]*)$")


class LessonError(ConfigError):
    """A lesson file that cannot be used; one line naming the file, the key, what is allowed."""


@dataclass(frozen=True)
class Step:
    """One thing the text tells the student to do: train, change settings, or start again."""

    says: str  # words of the lesson's text that ask for it
    action: str  # one of STEP_ACTIONS
    epochs: int = 0  # train
    changes: dict[str, Any] = field(default_factory=dict)  # set: `tui-nn train` TOML keys


@dataclass(frozen=True)
class Lesson:
    name: str
    path: Path
    title: str
    text: str
    goal: Goal
    config: dict[str, Any]  # `tui-nn train` TOML keys, checked by the CLI's loader
    solution: dict[str, Any]
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    view: str = "heatmap"  # one of VIEWS
    order: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()

    def is_locked(self, control: str) -> bool:
        return control_name(control) in self.locked


def lesson_name(path: Path) -> str:
    """`03-activations.toml` is the lesson `activations`; the number only orders them."""
    match = NAME_PATTERN.match(path.stem)
    return match["name"] if match else path.stem


def load_lesson(path: str | Path) -> Lesson:
    """Read and check a lesson file; LessonError (one line) names what is wrong."""
    path = Path(path)
    try:
        table = read_toml(path)
    except ConfigError as exc:  # "--config: PATH: ..." from the shared TOML reader
        raise LessonError(f"lesson {str(exc).removeprefix('--config: ')}") from None
    where = f"lesson {path}"
    unknown = [key for key in table if key not in LESSON_KEYS]
    if unknown:
        raise LessonError(
            f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(LESSON_KEYS)}"
        )
    for key in ("title", "text", "goal", "config", "solution"):
        if key not in table:
            raise LessonError(
                f"{where}: missing key {key!r} (a lesson needs: title, text, "
                "goal, config, solution)"
            )
    title = _text(table, "title", where)
    text = _text(table, "text", where)
    goal_items = table["goal"]
    if isinstance(goal_items, str):
        goal_items = [goal_items]
    if not isinstance(goal_items, list):
        raise LessonError(
            f"{where}: key 'goal' must be a list of conditions like ['test_acc >= 0.95']"
        )
    try:
        goal = Goal.parse(goal_items)
    except GoalError as exc:
        raise LessonError(f"{where}: key 'goal': {exc}") from None
    config = _table(table, "config", where)
    solution = _table(table, "solution", where)
    controls = table.get("controls", {})
    locked, hidden = _controls(controls, where)
    view = _view(controls, where)
    order = table.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        raise LessonError(f"{where}: key 'order' must be an integer, got {order!r}")
    steps = _steps(table.get("steps", []), text, locked, where)
    return Lesson(
        steps=steps,
        name=lesson_name(path),
        path=path,
        title=title,
        text=text,
        goal=goal,
        config=config,
        solution=solution,
        locked=locked,
        hidden=hidden,
        view=view,
        order=order,
    )


def _steps(items: Any, text: str, locked: tuple[str, ...], where: str) -> tuple[Step, ...]:
    """The [[steps]] tables, each with words of the text and one action."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise LessonError(f"{where}: [[steps]] must be tables (says = ..., and one of "
                          f"{', '.join(STEP_ACTIONS)})")  # fmt: skip
    flat = " ".join(text.split()).lower()
    steps = []
    for n, item in enumerate(items, 1):
        here = f"{where}: step {n}"
        unknown = [k for k in item if k not in ("says", *STEP_ACTIONS)]
        if unknown:
            raise LessonError(f"{here}: unknown key {unknown[0]!r}; allowed keys: says, "
                              f"{', '.join(STEP_ACTIONS)}")  # fmt: skip
        says = item.get("says")
        if not isinstance(says, str) or not says.strip():
            raise LessonError(f"{here}: key 'says' must be words of the text that ask for it")
        if " ".join(says.split()).lower() not in flat:
            raise LessonError(f"{here}: the text never says {says!r}")
        actions = [k for k in STEP_ACTIONS if k in item]
        if len(actions) != 1:
            raise LessonError(f"{here}: give one action of: {', '.join(STEP_ACTIONS)}")
        action, value = actions[0], item[actions[0]]
        if action == "train":
            if isinstance(value, bool) or not isinstance(value, int) or not (
                1 <= value <= MAX_STEP_EPOCHS
            ):
                raise LessonError(f"{here}: train must be a number of epochs, 1..{MAX_STEP_EPOCHS:,}")
            steps.append(Step(says, action, epochs=value))
        elif action == "set":
            if not isinstance(value, dict) or not value:
                raise LessonError(f"{here}: set must be a table of `tui-nn train` options")
            touched = [k for k in value if control_name(k) in locked]
            if touched:
                raise LessonError(f"{here}: set changes {touched[0]!r}, which [controls] locks")
            steps.append(Step(says, action, changes=dict(value)))
        else:
            if value is not True:
                raise LessonError(f"{here}: reset must be true")
            steps.append(Step(says, action))
    return tuple(steps)


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise LessonError(f"{where}: key {key!r} must be non-empty text")
    return value.strip()


def _table(table: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = table[key]
    if not isinstance(value, dict):
        raise LessonError(f"{where}: [{key}] must be a table of `tui-nn train` options")
    return dict(value)


def _controls(value: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(value, dict):
        raise LessonError(
            f"{where}: [controls] must be a table with keys {', '.join(CONTROL_KEYS)}"
        )
    unknown = [key for key in value if key not in CONTROL_KEYS]
    if unknown:
        raise LessonError(
            f"{where}: [controls]: unknown key {unknown[0]!r}; allowed keys: "
            f"{', '.join(CONTROL_KEYS)}"
        )
    result = []
    for key in ("locked", "hidden"):
        items = value.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise LessonError(f"{where}: [controls] {key} must be a list of control names")
        names = tuple(control_name(i) for i in items)
        bad = [shown for shown, n in zip(items, names) if n not in CONTROLS]
        if bad:
            allowed = ", ".join(shown_name(c) for c in CONTROLS)
            raise LessonError(
                f"{where}: [controls] {key}: unknown control {bad[0]!r}; allowed: {allowed}"
            )
        result.append(names)
    return result[0], result[1]


def _view(controls: dict[str, Any], where: str) -> str:
    view = controls.get("view", "heatmap")
    if view not in VIEWS:
        raise LessonError(
            f"{where}: [controls] view: unknown view {view!r}; allowed: {', '.join(VIEWS)}"
        )
    return view


# ---- the shipped lessons ------------------------------------------------------------------


def lessons_folder() -> Path:
    return Path(str(resources.files("tui_nn.lessons") / "files"))


def shipped_lessons() -> list[Lesson]:
    """Every lesson in the package, in teaching order."""
    lessons = [load_lesson(p) for p in sorted(lessons_folder().glob("*.toml"))]
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.path.name))


def find_lesson(name_or_path: str) -> Lesson:
    """A shipped lesson by name (`xor`, or `02-xor`), or a lesson file by path."""
    candidate = Path(name_or_path).expanduser()
    if name_or_path.endswith(".toml") or candidate.is_file():
        if not candidate.is_file():
            raise LessonError(f"lesson {name_or_path}: no such file")
        return load_lesson(candidate)
    names = []
    for path in sorted(lessons_folder().glob("*.toml")):
        name = lesson_name(path)
        names.append(name)
        if name_or_path in (name, path.stem):
            return load_lesson(path)
    raise LessonError(
        f"no lesson named {name_or_path!r}; choose one of: {', '.join(names)} "
        "(or give the path of a lesson .toml file)"
    )
