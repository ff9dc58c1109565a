"""Argument parsing and dispatch: `tui-nn [options]` opens the app, `tui-nn COMMAND ...` runs
a command. Every failure ends here as one line on stderr and an exit code:

    0 success · 1 a failure while running (divergence, gradient check failed, unexpected error)
    2 bad usage or bad input (options, files, data) · 130 interrupted (Ctrl-C)
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

import tui_nn.cli.screenshot as screenshot
from tui_nn import __version__
from tui_nn.cli.app_args import add_app_arguments
from tui_nn.cli.options import UsageError, add_options, default_speed
from tui_nn.cli.parser import Parser, make_parser
from tui_nn.errors import interrupted, one_line

COMMANDS = (
    "train",
    "eval",
    "predict",
    "export",
    "check",
    "datasets",
    "trace",
    "sweep",
    "lessons",
    "lesson",
    "compare",
    "attach",
    "serve",
)
DEBUG_ENV = "TUI_NN_DEBUG"


APP_EPILOG = """\
commands:
  tui-nn train     train headless (progress bar, JSON Lines metrics, save a model)
  tui-nn eval      evaluate a saved model on a dataset (loss, accuracy, confusion matrix)
  tui-nn predict   predictions of a saved model for the rows of a CSV file
  tui-nn export    a saved model as a standalone PyTorch script, or JSON
  tui-nn check     gradient check of a configured network (float64)
  tui-nn datasets  list the datasets; `tui-nn datasets fetch mnist` downloads one
  tui-nn trace     one sample through the network: forward, backward, update
  tui-nn sweep     train over a grid / random draws of settings on Dask (SWEEP.toml)
  tui-nn lessons   list the lessons; `tui-nn lesson NAME` opens one in the app
  tui-nn compare   train two runs from the same start side by side
  tui-nn attach    back to a trainer left running (d in the app, or a lost terminal)
  tui-nn serve     the app in a browser: one run per tab, or a class watching one run
  Run `tui-nn COMMAND --help` for a command's options.

examples:
  tui-nn                                    open the app on the circle data
  tui-nn --dataset spiral --hidden 8,8,8    pre-configure the network
  tui-nn --dataset digits --hidden 32,16 --optimizer adam --lr 0.003
  tui-nn --resume                           continue the run saved when you last quit
  tui-nn --sweep spiral-sweep-results       a sweep's trials; enter opens one
  tui-nn --low-bandwidth                    over a slow SSH link
  tui-nn --speed 10                         train 10 epochs a second, to watch it learn
  tui-nn --epochs 50 --screenshot run.svg   no terminal: the screen after 50 epochs
"""


def app_parser() -> Parser:
    parser = make_parser(
        "tui-nn",
        "Design, train and watch a small neural network learn, live in the terminal.",
        APP_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"tui-nn {__version__}")
    add_options(parser, exclude=("save", "metrics", "load"))
    add_app_arguments(parser)
    screenshot.add_arguments(parser)
    return parser


def run_app_command(argv: list[str]) -> int:
    from tui_nn.cli.options import checked, config_from_values, gather_values
    from tui_nn.config import FPS, SPEED

    ns = app_parser().parse_args(argv)
    shot = screenshot.request_from(ns)  # a bad --screenshot PATH fails before anything starts
    fps = 10.0 if ns.fps is None else checked(FPS, ns.fps)
    values = gather_values(ns)
    config = config_from_values(values)
    threads = values.get("threads")  # the trainer's (`tui_nn.blas`); this process only draws
    speed = default_speed(config) if ns.speed is None else checked(SPEED, ns.speed)
    if ns.sweep is not None:  # a sweep's results; a trial chosen there opens as --resume
        from tui_nn.ui.sweeps.screen import choose_trial

        ns.resume = choose_trial(ns.sweep)
        if not ns.resume:
            return 0
    early = None
    if shot is None:  # run A's trainer starts now: its imports run beside the app's (~0.4 s)
        from tui_nn.session.client.proxy import EarlyTrainer

        early = EarlyTrainer()
    try:
        if not ns.resume:  # bad data fails here, as in `train` (exit 2), not inside the app
            from tui_nn.data import load_dataset

            for text in load_dataset(config.dataset).notes:  # said here, and again in the app
                print(f"tui-nn: warning: {text}", file=sys.stderr)
        options = {"fps": fps, "low_bandwidth": ns.low_bandwidth, "speed": speed}
        options["threads"] = threads
        if shot is not None:  # headless: train, save the screen, exit
            return screenshot.take(shot, config, resume=ns.resume, **options)
        from tui_nn.ui.launch import run_app  # Textual is imported only on this path

        projector = {"projector": True} if ns.projector else {}
        code = run_app(config, resume=ns.resume, early=early, **options, **projector)
        return int(code or 0)
    finally:
        if early is not None:
            early.cancel()  # not taken: the app ended before it started a trainer


def _command(name: str) -> Callable[[list[str]], int]:
    if name == "train":
        from tui_nn.cli.train import main as command
    elif name == "eval":
        from tui_nn.cli.evaluate import main as command
    elif name == "predict":
        from tui_nn.cli.predict import main as command
    elif name == "export":
        from tui_nn.cli.export import main as command
    elif name == "check":
        from tui_nn.cli.gradient_check import main as command
    elif name == "trace":
        from tui_nn.cli.trace import main as command
    elif name == "sweep":
        from tui_nn.cli.sweep import main as command
    elif name == "lessons":
        from tui_nn.cli.lessons import main as command
    elif name == "lesson":
        from tui_nn.cli.lessons import lesson_main as command
    elif name == "compare":
        from tui_nn.cli.compare import main as command
    elif name == "attach":
        from tui_nn.cli.attach import main as command
    elif name == "serve":
        from tui_nn.cli.serve import main as command
    else:
        from tui_nn.cli.datasets import main as command
    return command


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        return _command(argv[0])(argv[1:])
    if argv and not argv[0].startswith("-"):
        raise UsageError(f"unknown command {argv[0]!r}; choose one of: {', '.join(COMMANDS)}")
    return run_app_command(argv)


def user_errors() -> tuple[type[BaseException], ...]:
    from tui_nn.data.spec import DataError
    from tui_nn.engine.spec import SpecError
    from tui_nn.files import ConfigError, ModelFileError

    return (UsageError, ConfigError, ModelFileError, DataError, SpecError)


def error(message: str) -> None:
    print(f"tui-nn: error: {one_line(message, 'unknown error')}", file=sys.stderr)


def run(argv: list[str]) -> int:
    """Run the command line `argv`; return the exit code (never raises, never a traceback
    unless TUI_NN_DEBUG=1)."""
    try:
        return dispatch(list(argv))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:  # `tui-nn datasets | head`
        _silence_stdout()
        return 1
    except Exception as exc:
        if _interrupted_inside(exc):  # Ctrl-C in a class body: Python wraps it in RuntimeError
            return interrupted()
        if isinstance(exc, user_errors()):
            error(str(exc))
            return 2
        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        error(
            f"unexpected {type(exc).__name__}: {one_line(exc, 'no message')} "
            f"(set {DEBUG_ENV}=1 to see the traceback)"
        )
        return 1


def _interrupted_inside(exc: BaseException) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
