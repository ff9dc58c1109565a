"""`tui-nn lessons`, `tui-nn lessons check` and `tui-nn lesson NAME`.

A lesson's [config] and [solution] tables are read by the loader of `tui-nn train --config`
(`options.table_values`), so a bad key or value gets the same one-line message, naming the
lesson file. `lessons check` trains each reference solution with `tui-nn train`'s code
(`HeadlessRun`) and stops at the first epoch where the goal holds; then it walks the steps
the lesson's text tells a student to take (`lesson_steps.py`): they must reach the goal too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import tui_nn.cli.screenshot as screenshot
from tui_nn.cli.headless_run import HeadlessRun
from tui_nn.cli.options import (
    add_options,
    config_from_values,
    default_epochs,
    table_values,
    threads_from_args,
)
from tui_nn.cli.parser import make_parser
from tui_nn.cli.train import build_network
from tui_nn.config import RunConfig
from tui_nn.lessons import Lesson, LessonError, find_lesson, goal_values, shipped_lessons
from tui_nn.lessons.controls import control_name, shown_name

LIST_EPILOG = """\
commands:
  tui-nn lessons              list the lessons shipped with tui-nn
  tui-nn lessons check        train every lesson's reference solution; exit 0 if all pass
  tui-nn lesson NAME          open the app on a lesson (or: tui-nn lesson my-lesson.toml)
"""


@dataclass(frozen=True)
class LessonConfigs:
    start: RunConfig  # what the app opens with
    solution: RunConfig  # the reference solution, with its epoch budget


def lesson_configs(lesson: Lesson, data_dir: str | None = None) -> LessonConfigs:
    """Both configurations of a lesson; ConfigError/LessonError (one line) when bad."""
    where = f"lesson {lesson.path}"
    start_values = table_values(lesson.config, f"{where}: [config]", lesson.path.parent)
    solution_values = table_values(lesson.solution, f"{where}: [solution]", lesson.path.parent)
    for key, value in solution_values.items():
        control = control_name(key)
        if control in lesson.locked and control != "epochs" and start_values.get(key) != value:
            raise LessonError(
                f"{where}: [solution] changes {shown_name(control)!r}, which [controls] locks"
            )
    if data_dir is not None and "data_dir" not in start_values:
        start_values["data_dir"] = data_dir
    start = config_from_values(start_values)
    solution = config_from_values({**start_values, **solution_values})
    if solution.hyper.epochs is None:
        solution = replace(solution, hyper=replace(solution.hyper, epochs=default_epochs(solution)))
    return LessonConfigs(start, solution)


# ---- tui-nn lessons [check] ---------------------------------------------------------------


def lessons_parser():
    p = make_parser(
        "tui-nn lessons", "List the lessons, or check their reference solutions.", LIST_EPILOG
    )
    p.add_argument("action", nargs="?", choices=("list", "check"), default="list")
    p.add_argument("names", nargs="*", metavar="NAME", help="check only these lessons")
    p.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="where MNIST-style files are (for lessons on MNIST)",
    )
    add_options(p, include=("threads",), config=False)
    return p


def main(argv: list[str]) -> int:
    ns = lessons_parser().parse_args(argv)
    if ns.action == "list":
        if ns.names:
            raise LessonError("`tui-nn lessons list` takes no names")
        return list_lessons()
    lessons = [find_lesson(n) for n in ns.names] if ns.names else shipped_lessons()
    return check_lessons(lessons, ns.data_dir, threads_from_args(ns))


def list_lessons() -> int:
    lessons = shipped_lessons()
    width = max(len(lesson.name) for lesson in lessons)
    for lesson in lessons:
        print(f"{lesson.name:<{width}}  {lesson.title}")
        print(f"{'':<{width}}  goal: {lesson.goal}")
    print(f"\nopen one with: tui-nn lesson {lessons[0].name}")
    return 0


class CheckRun(HeadlessRun):
    """`tui-nn train` quietly, watching the goal after every epoch."""

    def __init__(self, lesson: Lesson, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lesson = lesson
        self.reached: int | None = None
        self.values: dict[str, object] = {}
        self.outcome = ""
        self.reason = ""

    def epoch_done(self, record) -> bool:
        self.values = goal_values(record, self.net.spec, self.config.hyper)
        if self.lesson.goal.holds(self.values):
            self.reached = record.epoch
            return True
        return False

    def finish(self, outcome: str, reason: str, seconds: float) -> int:
        self.outcome, self.reason = outcome, reason
        return 0


def check_lesson(lesson: Lesson, data_dir: str | None = None) -> tuple[str, str]:
    """("passed" | "failed" | "skipped", the rest of the line)."""
    from tui_nn.data import load_dataset
    from tui_nn.data.images import IMAGE_SETS
    from tui_nn.data.spec import DataError

    configs = lesson_configs(lesson, data_dir)
    config = configs.solution
    try:
        dataset = load_dataset(config.dataset)
    except DataError as exc:
        if config.dataset.name in IMAGE_SETS:
            return "skipped", f"{exc} (give --data-dir DIR)"
        return "failed", f"could not load the data: {exc}"
    net = build_network(config, dataset, None, {})
    run = CheckRun(lesson, net, dataset, config, [], {}, quiet=True)
    start = time.perf_counter()
    run.run()
    seconds = time.perf_counter() - start
    goal = lesson.goal
    if run.reached is None:
        failing = goal.failing(run.values) or goal.conditions
        shown = ", ".join(c.describe(run.values) for c in failing)
        why = f"{run.outcome} ({run.reason})" if run.reason else run.outcome
        return "failed", f"{why} after {run.trainer.epoch} epochs; not met: {shown}"
    shown = ", ".join(c.describe(run.values) for c in goal.conditions)
    text = f"goal reached at epoch {run.reached} ({shown}) in {seconds:.2f} s"
    if not lesson.steps:
        return "passed", text
    from tui_nn.cli.lesson_steps import walk_steps

    reached, walked = walk_steps(lesson, configs.start)
    return ("passed" if reached else "failed"), f"{text}; the text's steps: {walked}"


def check_lessons(lessons: list[Lesson], data_dir: str | None, threads: int | None = None) -> int:
    from tui_nn.blas import use_threads

    counts = {"passed": 0, "failed": 0, "skipped": 0}
    # One BLAS thread by default: these networks are small, and on a busy machine (CI) more
    # threads ran the MNIST check 20x slower here (48 s against 2.4 s at load 7).
    use_threads(threads)
    for lesson in lessons:
        verdict, text = check_lesson(lesson, data_dir)
        counts[verdict] += 1
        print(f"{lesson.name}: {verdict}: {text}", flush=True)
    print(", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n or verdict != "skipped"))
    return 1 if counts["failed"] else 0


# ---- tui-nn lesson NAME -------------------------------------------------------------------


def lesson_parser():
    p = make_parser(
        "tui-nn lesson",
        "Open the app on a lesson: its text beside the network, its goal checked live.",
        "examples:\n  tui-nn lesson xor\n  tui-nn lesson ./my-lesson.toml\n"
        "  tui-nn lesson xor --screenshot xor-lesson.svg   no terminal: the lesson's screen\n",
    )
    p.add_argument("lesson", metavar="NAME|PATH.toml", help="a lesson (see `tui-nn lessons`)")
    p.add_argument("--data-dir", default=None, metavar="DIR", help="where MNIST-style files are")
    p.add_argument("--fps", default=None, metavar="N", help="screen updates per second")
    p.add_argument(
        "--speed",
        default=None,
        metavar="EPS",
        help="training speed limit in epochs per second, or 'max'",
    )
    add_options(p, include=("threads",), config=False)
    screenshot.add_arguments(p)
    return p


def lesson_main(argv: list[str]) -> int:
    from tui_nn.cli.options import checked, default_speed
    from tui_nn.config import FPS, SPEED
    from tui_nn.data import load_dataset

    ns = lesson_parser().parse_args(argv)
    shot = screenshot.request_from(ns)  # a bad --screenshot PATH fails before anything starts
    lesson = find_lesson(ns.lesson)
    config = lesson_configs(lesson, ns.data_dir).start
    fps = 10.0 if ns.fps is None else checked(FPS, ns.fps)
    speed = default_speed(config) if ns.speed is None else checked(SPEED, ns.speed)
    load_dataset(config.dataset)  # bad or missing data: one line, exit 2, before the app
    threads = threads_from_args(ns)
    if shot is not None:  # headless: train, save the screen, exit
        options = {"fps": fps, "low_bandwidth": False, "speed": speed, "threads": threads}
        return screenshot.take(shot, config, lesson=lesson, **options)
    from tui_nn.ui.launch import run_lesson_app

    return run_lesson_app(config, lesson, fps=fps, speed=speed, threads=threads)
