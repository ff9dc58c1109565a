"""`tui-nn [the app's options] --screenshot PATH`: the app's screen, without a terminal, for
scripts and docs.

    tui-nn --dataset xor --epochs 50 --screenshot xor.svg     when the 50 epochs are done
    tui-nn --dataset spiral --screenshot spiral.svg           after 5 s of training
    tui-nn --dataset sine --screenshot-after 2 --screenshot sine.txt --screenshot-size 80x24

The app runs headless (tui_nn/ui/screenshots/headless.py) at `--screenshot-size` (default 120x40) on the real
trainer, trains, and saves the screen when the run ends by itself (the `--epochs` budget, early
stopping, divergence) or, with no budget, after `--screenshot-after` seconds of training (default
5; with a budget too, whichever comes first). `.svg` saves an SVG, `.txt` the screen's plain
text. Stdout gets one line, `screenshot saved to PATH`; stderr the progress after a second or two.
Nothing else is left behind: the run is not saved, the trainer is stopped (its metrics go to a
temporary folder removed afterwards), the file is written atomically.

Exit codes: 0 saved · 1 the trainer died or failed (no file) · 2 bad options, data or PATH (found
before anything starts: a directory, a FIFO, a folder that does not exist or cannot be written) ·
130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (no file, no temp file, no trainer left).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tui_nn.cli.options import UsageError
from tui_nn.cli.output import write_text
from tui_nn.cli.progress import ProgressBar, is_terminal
from tui_nn.cli.targets import check_target
from tui_nn.config import RunConfig

DEFAULT_SIZE = (120, 40)
DEFAULT_AFTER = 5.0  # seconds of training before the screenshot of a run with no epoch budget
COLUMNS, ROWS = (40, 500), (12, 200)  # the sizes --screenshot-size takes
KINDS = {".svg": "svg", ".txt": "text"}
SIGNALS = {"SIGINT": ("interrupted", 130), "SIGTERM": ("terminated", 143), "SIGHUP": ("hung up", 129)}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("screenshot (for scripts and docs: no terminal needed)")
    group.add_argument(
        "--screenshot",
        default=None,
        metavar="PATH",
        help="run the app headless, train, save the screen to PATH (.svg, or .txt for plain "
        "text) when the run ends (--epochs, early stopping, divergence) or after "
        "--screenshot-after seconds, then exit",
    )
    group.add_argument(
        "--screenshot-size",
        default=None,
        metavar="WxH",
        help=f"the screen's columns x rows (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})",
    )
    group.add_argument(
        "--screenshot-keys",
        default=None,
        metavar="KEYS",
        help="keys to press once training has stopped, before the screenshot, separated by "
        "spaces (Textual's names: 'n' the network diagram, 'T right right' two steps of a "
        "trace, 'question_mark' the help screen)",
    )
    group.add_argument(
        "--screenshot-after",
        default=None,
        metavar="SECONDS",
        help=f"seconds of training before the screenshot (default {DEFAULT_AFTER:g} without "
        "--epochs; with --epochs, the end of the run, or SECONDS if that comes first)",
    )


@dataclass(frozen=True)
class ShotRequest:
    path: str  # as given (said back on stdout)
    target: Path  # the file really written (a symlink's target)
    kind: str  # "svg" | "text"
    size: tuple[int, int]
    after: float | None  # None: not given (the default depends on the epoch budget)
    keys: tuple[str, ...] = ()  # pressed before the screenshot is taken

    def seconds(self, config: RunConfig) -> float | None:
        """Seconds of training before the screenshot; None: wait for the run to end."""
        if self.after is not None:
            return self.after
        return None if config.hyper.epochs else DEFAULT_AFTER


def request_from(ns: argparse.Namespace) -> ShotRequest | None:
    """The screenshot asked for on the command line (None: the app as usual); every problem
    with it a one-line UsageError, before anything starts."""
    if ns.screenshot is None:
        given = (
            ("size", ns.screenshot_size),
            ("after", ns.screenshot_after),
            ("keys", ns.screenshot_keys),
        )
        for flag, value in given:
            if value is not None:
                raise UsageError(f"--screenshot-{flag} needs --screenshot PATH")
        return None
    if getattr(ns, "sweep", None) is not None:
        raise UsageError("--screenshot cannot be combined with --sweep (it asks for a choice)")
    path = ns.screenshot
    suffix = Path(path).suffix.lower()
    if suffix not in KINDS:
        raise UsageError(
            f"--screenshot: {path!r} must end in .svg (an SVG picture) or .txt (plain text)"
        )
    resume = getattr(ns, "resume", None)  # the app's options; `tui-nn lesson` has none of them
    reads = {
        "--data": getattr(ns, "data", None),
        "--test-data": getattr(ns, "test_data", None),
        "--config": getattr(ns, "config", None),
        "--resume": resume if isinstance(resume, str) else None,
    }
    target = check_target("--screenshot", path, "file", reads)
    size = DEFAULT_SIZE if ns.screenshot_size is None else parse_size(ns.screenshot_size)
    after = None if ns.screenshot_after is None else parse_seconds(ns.screenshot_after)
    keys = () if ns.screenshot_keys is None else parse_keys(ns.screenshot_keys)
    return ShotRequest(path, target, KINDS[suffix], size, after, keys)


MAX_KEYS = 100


def parse_keys(text: str) -> tuple[str, ...]:
    """Key names as Textual spells them ('n', 'T', 'right', 'space', 'question_mark'),
    separated by spaces; an unknown name is refused by name."""
    from textual.keys import Keys, key_to_character

    keys = tuple(text.split())
    if not keys:
        raise UsageError("--screenshot-keys: no keys given (e.g. --screenshot-keys 'T right')")
    if len(keys) > MAX_KEYS:
        raise UsageError(f"--screenshot-keys: at most {MAX_KEYS} keys, got {len(keys)}")
    names = {key.value for key in Keys}
    for key in keys:
        printable = len(key) == 1 and key.isprintable()
        if not (printable or key in names or key_to_character(key) is not None):
            raise UsageError(
                f"--screenshot-keys: unknown key {key!r}; give one character or a key name "
                "such as right, left, up, down, enter, escape, space, tab, question_mark"
            )
    return keys


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    allowed = f"columns {COLUMNS[0]}-{COLUMNS[1]}, rows {ROWS[0]}-{ROWS[1]}"
    if match is None:
        raise UsageError(f"--screenshot-size: expected WIDTHxHEIGHT like 120x40, got {text!r}")
    width, height = int(match[1]), int(match[2])
    if not (COLUMNS[0] <= width <= COLUMNS[1] and ROWS[0] <= height <= ROWS[1]):
        raise UsageError(f"--screenshot-size: {width}x{height} is out of range ({allowed})")
    return width, height


def parse_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 86400):
        raise UsageError(f"--screenshot-after: expected seconds > 0 (at most 86400), got {text!r}")
    return value


def take(
    request: ShotRequest,
    config: RunConfig,
    *,
    fps: float,
    low_bandwidth: bool,
    speed: float | None,
    resume: str | bool = False,
    threads: int | None = None,
    lesson: object = None,
) -> int:
    """Run the app headless (on `lesson`, a Lesson, if given), take the screenshot, save it;
    the exit code."""
    import tui_nn.ui.link.runs as runs
    from tui_nn.ui.app import create_app
    from tui_nn.ui.link.session import real_sessions
    from tui_nn.ui.screenshots.headless import ShotDriver

    options: dict[str, object] = {} if lesson is None else {"lesson": lesson}
    if resume:
        try:
            saved = runs.load_run(resume)
        except runs.RunError as exc:
            raise UsageError(str(exc)) from None
        config = saved.config
        options = {"history": saved.history, "initial_model": str(saved.path)}
    after = request.seconds(config)
    progress = ShotProgress(sys.stderr, after)
    driver = ShotDriver(
        after=after, text=request.kind == "text", progress=progress, keys=request.keys
    )
    with tempfile.TemporaryDirectory(prefix="tui-nn-shot-") as scratch:
        app = create_app(
            config,
            session_factory=driver.watching(real_sessions(threads)),
            fps=fps,
            low_bandwidth=low_bandwidth,
            speed=speed,
            runs_directory=Path(scratch),  # the trainer's metrics file: gone with the folder
            **options,
        )
        app.keeper.hang_up = lambda: driver.interrupt("SIGHUP")  # stops the run, never detaches it
        with signals_stop(driver):
            try:
                app.run(headless=True, size=request.size, auto_pilot=driver)
            finally:
                app.link.close()  # stopped on unmount; here too if the app crashed
                progress.close()
    shot = driver.shot
    if driver.stopped_by is not None or shot.interrupted:
        outcome, code = SIGNALS.get(driver.stopped_by or "SIGINT", SIGNALS["SIGINT"])
        print(f"\ntui-nn: {outcome}; no screenshot saved", file=sys.stderr)
        return code
    if shot.failure is not None:
        print(f"tui-nn: error: {shot.failure}; no screenshot saved", file=sys.stderr)
        return 1
    if shot.content is None:
        print("tui-nn: error: the app ended before the screenshot was taken", file=sys.stderr)
        return 1
    write_text("--screenshot", str(request.target), shot.content)
    if shot.state == "diverged":
        print(f"tui-nn: {shot.message}", file=sys.stderr)
    print(f"screenshot saved to {request.path}")
    return 0


@contextlib.contextmanager
def signals_stop(driver) -> Iterator[None]:  # noqa: ANN001 - a ShotDriver
    """Ctrl-C, SIGTERM and SIGHUP end the wait cleanly (the driver exits the app, which stops
    the trainer, and notes which signal it was). A second one aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[str] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signal.Signals(signum).name)
        driver.interrupt(received[0])
        if len(received) > 1:
            raise KeyboardInterrupt

    names = [name for name in SIGNALS if hasattr(signal, name)]
    previous = {name: signal.signal(getattr(signal, name), handler) for name in names}
    try:
        yield
    finally:
        for name, old in previous.items():
            signal.signal(getattr(signal, name), old)


class ShotProgress:
    """`training… epoch 12/50` on stderr once the wait has lasted `delay` seconds: a bar
    redrawn in place on a terminal, else a line every `every` seconds."""

    def __init__(
        self, stream: TextIO, after: float | None, delay: float = 1.5, every: float = 5.0
    ) -> None:
        self.stream, self.after, self.delay, self.every = stream, after, delay, every
        self.bar = ProgressBar("training…", stream, interval=0.25) if is_terminal(stream) else None
        self.began = time.monotonic()
        self.next_line = self.began + delay

    def __call__(self, epoch: int, budget: int | None, seconds: float) -> None:
        now = time.monotonic()
        if now - self.began < self.delay:
            return
        text = f"epoch {epoch}/{budget}" if budget else f"epoch {epoch}"
        if self.after is not None:
            text += f", {seconds:.1f} s of {self.after:g} s"
        try:
            if self.bar is not None:
                done, total = (epoch, budget) if budget else (seconds, self.after)
                self.bar.update(done, total, text)
            elif now >= self.next_line:
                self.next_line = now + self.every
                self.stream.write(f"tui-nn: training… {text}\n")
                self.stream.flush()
        except (OSError, ValueError):  # stderr gone: the screenshot still counts
            pass

    def close(self) -> None:
        if self.bar is not None:
            with contextlib.suppress(OSError, ValueError):
                self.bar.close()
