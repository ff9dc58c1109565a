"""What a metric plot's repaint costs the UI thread (not a test):

    flock /work/brief/bench.lock .venv/bin/python benchmarks/plots.py [--size 120x40]

The cost and accuracy plots in a headless Textual app of the given size, as in the app's upper
right (each about half the width, a third of the height). For histories of 100, 1,000 and
10,000 epochs: the first paint (a plot's first repaint after mounting, with its history
already there), then a repaint after each new epoch (the steady case while training), and
after a log-scale toggle (`l`, drawn at once: a key's answer). Each figure is the time spent in
`repaint()` on the UI thread, the median and the largest of the repaints timed, in wall time and
in the thread's CPU time (which a busy machine does not inflate). Budget (issue 23): first paint
of every panel <= 20 ms; a repaint small beside a key's 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical

from tui_nn.engine.types import EpochRecord
from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
from tui_nn.ui.widgets.cost_plot import CostPlot


def record(epoch: int) -> EpochRecord:
    loss = 0.7 / (1 + 0.01 * epoch) + 0.002 * ((epoch * 7919) % 13)
    return EpochRecord(epoch, 30 * epoch, 300 * epoch, loss, loss * 1.1, 1 - loss / 2,
                       1 - loss / 1.8, 0.1, 0.03)  # fmt: skip


class PlotApp(App):
    CSS = "Vertical { height: 1fr; } Horizontal { height: 1fr; } #rest { height: 2fr; }"

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal():
                yield CostPlot(min_interval=3600)  # repaints only when this script asks
                yield AccuracyPlot(min_interval=3600)
            yield Vertical(id="rest")


CPU: dict[str, list[float]] = {}


def timed(plot, kind: str) -> float:  # noqa: ANN001 - a HistoryPlot
    """Wall time of one repaint; its CPU time (this thread's) goes to CPU[kind]."""
    plot._throttle_dirty = True
    start, cpu = time.perf_counter(), time.thread_time()
    plot.flush_repaint()
    CPU.setdefault(kind, []).append(time.thread_time() - cpu)
    return time.perf_counter() - start


async def measure(size: tuple[int, int], epochs: int, steps: int) -> dict[str, list[float]]:
    app = PlotApp()
    out: dict[str, list[float]] = {"first": [], "epoch": [], "log": []}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        plots = [app.query_one(CostPlot), app.query_one(AccuracyPlot)]
        for plot in plots:
            plot.history.clear()
            for e in range(1, epochs + 1):
                values = {f: getattr(record(e), f) for f in plot.history.names}
                plot.history.append(float(e), values)
            plot.rows.reset()
            out["first"].append(timed(plot, "first"))
        for e in range(epochs + 1, epochs + 1 + steps):
            for plot in plots:
                plot.history.append(float(e), {f: getattr(record(e), f)
                                                for f in plot.history.names})  # fmt: skip
                out["epoch"].append(timed(plot, "epoch"))
            await pilot.pause()
        cost = plots[0]
        for k in range(steps):
            cost.log_scale = k % 2 == 0
            out["log"].append(timed(cost, "log"))
            await pilot.pause()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="metric plot repaint cost")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args(argv)
    cols, rows = (int(v) for v in args.size.split("x"))
    print(f"plots at {cols}x{rows}; load {os.getloadavg()[0]:.2f}; median/max of the repaints")
    for epochs in (100, 1000, 10_000):
        CPU.clear()
        out = asyncio.run(measure((cols, rows), epochs, args.steps))
        cells = [
            f"{name} {1000 * statistics.median(v):4.1f}/{1000 * max(v):4.1f} ms "
            f"(cpu {1000 * statistics.median(CPU[name]):4.1f}/{1000 * max(CPU[name]):4.1f})"
            for name, v in out.items()
        ]
        print(f"  {epochs:6d} epochs: " + "; ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
