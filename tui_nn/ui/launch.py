"""Running the app in this terminal, for the CLI: `run_app` (tui-nn, --resume), `finish_app`
(what the app leaves behind, said after it exits: saved, detached, failed), `run_lesson_app`
(tui-nn lesson NAME)."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import tui_nn.ui.link.runs as runs
from tui_nn.config import RunConfig, check_fps, check_speed
from tui_nn.engine.types import EpochRecord
from tui_nn.rule import RuleError
from tui_nn.ui.app import TuiNNApp, create_app
from tui_nn.ui.link.session import real_sessions

if TYPE_CHECKING:
    from tui_nn.lessons import Lesson
    from tui_nn.session.client.proxy import EarlyTrainer


def run_app(
    config: RunConfig,
    *,
    fps: float = 10.0,
    low_bandwidth: bool = False,
    resume: str | bool = False,
    speed: float | None = None,
    projector: bool = False,
    threads: int | None = None,
    early: EarlyTrainer | None = None,
) -> int:
    """Run the app in this terminal; the exit code for the CLI (2: bad --resume, --fps or
    --speed). `speed`: epochs per second at most, None for as fast as possible; `threads`: the
    trainer's BLAS threads (None: the default, `tui_nn.blas`); `early`: run A's trainer process,
    started while this process imported (the caller ends it if it was not taken)."""
    history: tuple[EpochRecord, ...] = ()
    initial_model = None
    if resume:
        try:
            saved = runs.load_run(resume)
        except runs.RunError as exc:
            print(f"tui-nn: {exc}", file=sys.stderr)
            return 2
        config, history, initial_model = saved.config, saved.history, str(saved.path)
    try:
        check_fps(fps)
        check_speed(speed)
    except RuleError as exc:
        print(f"tui-nn: --{exc}", file=sys.stderr)
        return 2
    app = create_app(
        config,
        fps=fps,
        low_bandwidth=low_bandwidth,
        history=history,
        initial_model=initial_model,
        speed=speed,
        projector=projector,
        session_factory=real_sessions(threads, early),
    )
    return finish_app(app, threads)


def finish_app(app: TuiNNApp, threads: int | None = None) -> int:
    """Run `app` in this terminal; what it leaves behind, said after it exits."""
    saved_path = app.run()
    keeper = app.keeper
    if app.crash is not None:
        print(app.crash.line(), file=sys.stderr)
        return 1
    if app.watching:
        return 0  # it only watched: the run is as it was
    if keeper.detached:
        print(f"tui-nn: detached; training goes on in trainer {keeper.detached}")
        print(f"         come back with: tui-nn attach {keeper.detached}")
        for other in keeper.detached_others:
            print(f"         run B trains on too: tui-nn attach {other}")
        if keeper.stopped_others:
            print("         run B was stopped: it had not trained since the fork")
        return 0
    if keeper.save_error:
        print(f"tui-nn: {keeper.save_error}", file=sys.stderr)
        return 1
    if app.return_code not in (0, None):
        return app.return_code
    if saved_path:
        print(f"tui-nn: saved this run to {saved_path}")
        print("         continue it with: tui-nn --resume")
    if keeper.next_model:  # a sweep trial chosen from the palette: open it as --resume does
        low = app.picture_interval >= 2.0
        return run_app(
            app.config, fps=app.fps, low_bandwidth=low, resume=keeper.next_model, threads=threads
        )
    return 0


def create_lesson_app(config: RunConfig, lesson: Lesson, **options: object) -> TuiNNApp:
    """The app on a lesson; the same keyword arguments as `create_app`."""
    return create_app(config, lesson=lesson, **options)


def run_lesson_app(
    config: RunConfig,
    lesson: Lesson,
    *,
    fps: float = 10.0,
    speed: float | None = None,
    threads: int | None = None,
) -> int:
    """Run the lesson in this terminal; the exit code for the CLI."""
    if speed is not None and not (0 < speed < math.inf):
        return 2
    factory = real_sessions(threads)
    app = create_lesson_app(config, lesson, fps=fps, speed=speed, session_factory=factory)
    saved_path = app.run()
    if app.crash is not None:
        print(app.crash.line(), file=sys.stderr)
        return 1
    if app.return_code not in (0, None):
        return app.return_code
    if saved_path:
        print(f"tui-nn: saved this run to {saved_path}")
    return 0
