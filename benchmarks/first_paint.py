"""First paint and steady repaint of every panel, on the UI thread (not a test):

    flock /work/brief/bench.lock .venv/bin/python benchmarks/first_paint.py [--size 120x40]

The real app (a real trainer process) runs headless in Textual's test harness, training flat
out; for each view (the data that shows it and the keys that bring it up: boundary, fit,
confusion, samples, diagram, trace, comparison) every widget's drawing is timed on the UI
thread: its picture repaint (`repaint()` of the throttled picture widgets: plots, heatmap,
boundary, diagram, ...) and Textual's `render_lines` (every widget, the panels of fields and
text included). Printed per widget class: the first paint (the first repaint plus the first
render), the median and the largest later one, in milliseconds of CPU time on the UI thread
(which a busy machine does not inflate much). "first" sums the first paints of all the class's
widgets on screen (the footer's keys are thirty widgets, a panel of fields has a dozen), "one"
is the largest first paint of one of them. Budget (issue 23): first paint <= 20 ms per panel.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from textual.widget import Widget

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from keys import VIEWS  # noqa: E402 (a sibling script)

from tui_nn.cli.dispatch import app_parser  # noqa: E402
from tui_nn.cli.options import config_from_values, gather_values  # noqa: E402
from tui_nn.ui.app import create_app  # noqa: E402
from tui_nn.ui.widgets.draw.throttle import Throttled  # noqa: E402

BUDGET_MS = 20.0
KEYS = {b" ": "space", b"V": "V", b"n": "n", b"T": "T", b"f": "f"}
SPANS: dict[str, list[float]] = defaultdict(list)  # widget class -> CPU seconds per paint
FIRST: dict[str, float] = {}  # widget class -> its instances' first paints, summed
FIRST_ONE: dict[int, float] = {}  # widget id -> its first paint (first repaint + first render)
CLASS_OF: dict[int, str] = {}


def instrument() -> None:
    """Time every `render_lines` and every picture `_run_repaint`, by widget class."""
    render_lines, run_repaint = Widget.render_lines, Throttled._run_repaint

    def timed_render(self, crop):  # noqa: ANN001, ANN202
        start = time.thread_time()
        try:
            return render_lines(self, crop)
        finally:
            note(self, time.thread_time() - start, "render")

    def timed_repaint(self):  # noqa: ANN001, ANN202
        start = time.thread_time()
        try:
            return run_repaint(self)
        finally:
            note(self, time.thread_time() - start, "repaint")

    Widget.render_lines = timed_render  # type: ignore[method-assign]
    Throttled._run_repaint = timed_repaint  # type: ignore[method-assign]


def note(widget: Widget, seconds: float, kind: str) -> None:
    name = type(widget).__name__
    key = (id(widget), kind)
    if key not in SEEN:
        SEEN.add(key)
        FIRST[name] = FIRST.get(name, 0.0) + seconds  # first repaint + first render
        FIRST_ONE[id(widget)] = FIRST_ONE.get(id(widget), 0.0) + seconds
        CLASS_OF[id(widget)] = name
    else:
        SPANS[name].append(seconds)


SEEN: set[tuple[int, str]] = set()


async def run_view(name: str, size: tuple[int, int], seconds: float) -> None:
    view = VIEWS[name]
    config = config_from_values(gather_values(app_parser().parse_args(list(view.data))))
    app = create_app(config, speed=None, runs_directory=Path(tempfile.mkdtemp(prefix="tnp")))
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.5)
        await pilot.press("space")
        await pilot.pause(0.5)
        for key in view.setup:
            await pilot.press(KEYS[key])
            await pilot.pause(1.0 if key == b"f" else 0.3)
        await pilot.pause(seconds)
        if view.trace:
            for _ in range(5):
                await pilot.press("right")
                await pilot.pause(0.1)
        await pilot.press("q")
        await pilot.pause(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="first paint of every panel")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--views", default=",".join(VIEWS))
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args(argv)
    size = tuple(int(v) for v in args.size.split("x"))
    scratch = tempfile.mkdtemp(prefix="tnf", dir="/tmp")
    os.environ.update(XDG_RUNTIME_DIR=scratch, XDG_DATA_HOME=scratch)
    instrument()
    print(f"{args.size}; load {os.getloadavg()[0]:.2f}; CPU ms on the UI thread")
    print(f"{'view':11} {'widget':24} {'first':>6} {'one':>5} {'median':>7} {'max':>6} {'n':>5}")
    worst = 0.0
    for name in args.views.split(","):
        SPANS.clear(), FIRST.clear(), SEEN.clear(), FIRST_ONE.clear(), CLASS_OF.clear()
        asyncio.run(run_view(name, size, args.seconds))
        for widget in sorted(FIRST, key=lambda w: -FIRST[w]):
            spans = SPANS.get(widget) or [0.0]
            first = 1000 * FIRST[widget]
            one = 1000 * max(t for i, t in FIRST_ONE.items() if CLASS_OF[i] == widget)
            worst = max(worst, first)
            print(f"{name:11} {widget[:24]:24} {first:6.1f} {one:5.1f} "
                  f"{1000 * statistics.median(spans):7.2f} "
                  f"{1000 * max(spans):6.1f} {len(spans):5d}"
                  f"{'  OVER' if first > BUDGET_MS else ''}", flush=True)  # fmt: skip
    print(f"largest first paint {worst:.1f} ms (budget {BUDGET_MS:.0f} ms): ratio "
          f"{worst / BUDGET_MS:.2f}; load {os.getloadavg()[0]:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
