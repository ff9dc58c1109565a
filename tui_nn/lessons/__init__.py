"""Lessons: a starting configuration, a text with the formulas, locked controls and a goal.

Data, not code: the shipped lessons are TOML files in `files/` (see `lesson.py` for the
format). The CLI turns a lesson's [config] and [solution] into RunConfigs with the loader of
`tui-nn train --config`; `tui-nn lessons check` trains every reference solution.
"""

from tui_nn.lessons.controls import CONTROLS, changed_controls, control_values
from tui_nn.lessons.goal import Goal, GoalError, goal_values
from tui_nn.lessons.lesson import Lesson, LessonError, find_lesson, load_lesson, shipped_lessons

__all__ = [
    "CONTROLS",
    "Goal",
    "GoalError",
    "Lesson",
    "LessonError",
    "changed_controls",
    "control_values",
    "find_lesson",
    "goal_values",
    "load_lesson",
    "shipped_lessons",
]
