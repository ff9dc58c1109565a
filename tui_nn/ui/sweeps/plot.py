"""A sweep's metric against one varied parameter: one point per trial, the highlighted trial
marked. Numbers on a linear axis (log when positive and the largest is 5x the smallest or more);
text values (activations, layer sizes) as evenly spaced categories. Drawn only when the data,
the parameter or the highlighted trial change."""

from __future__ import annotations

import math
from typing import Any

from textual_plotext import PlotextPlot

from tui_nn.sweep.results import SweepResults

MAX_VALUE_TICKS = 8


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def axis(values: list[Any]) -> tuple[list[float], list[float] | None, list[str] | None, bool]:
    """x positions for `values`, tick positions and labels (None: plotext's), log scale?"""
    if values and all(is_number(v) for v in values):
        xs = [float(v) for v in values]
        distinct = sorted(set(xs))
        log = min(xs) > 0 and max(xs) / min(xs) >= 5
        where = (lambda x: math.log10(x)) if log else (lambda x: x)
        if len(distinct) <= MAX_VALUE_TICKS:  # a grid: a tick at each value tried
            return (
                [where(x) for x in xs],
                [where(x) for x in distinct],
                [f"{x:g}" for x in distinct],
                log,
            )
        if log:
            logs = [math.log10(x) for x in xs]
            lo, hi = math.floor(min(logs)), math.ceil(max(logs))
            ticks = [float(t) for t in range(lo, hi + 1)]
            return logs, ticks, [f"{10**t:g}" for t in ticks], True
        return xs, None, None, False
    labels = sorted({str(v) for v in values}, key=lambda s: (len(s), s))
    index = {label: float(i) for i, label in enumerate(labels)}
    return [index[str(v)] for v in values], list(index.values()), labels, False


class SweepPlot(PlotextPlot):
    DEFAULT_CSS = """
    SweepPlot {
        height: 1fr;
        min-height: 8;
        border: round $primary-darken-1;
    }
    """

    def __init__(self, results: SweepResults, **kw: Any) -> None:
        super().__init__(**kw)
        self.results = results
        self.param: str | None = results.varied[0] if results.varied else None
        self.selected: int | None = None

    def on_mount(self) -> None:
        self.draw()

    def set_results(self, results: SweepResults) -> None:
        self.results = results
        self.draw()

    def show_param(self, param: str) -> None:
        self.param = param
        self.draw()

    def next_param(self) -> None:
        varied = self.results.varied
        if varied:
            i = varied.index(self.param) if self.param in varied else -1
            self.show_param(varied[(i + 1) % len(varied)])

    def select(self, trial: int | None) -> None:
        if trial != self.selected:
            self.selected = trial
            self.draw()

    def points(self) -> list[tuple[int, Any, float]]:
        """(trial, parameter value, metric value) of every trial that has both."""
        out = []
        for r in self.results.records:
            value = self.results.value(r)
            x = r.get("params", {}).get(self.param)
            if value is not None and x is not None:
                out.append((int(r["trial"]), x, float(value)))
        return out

    def draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        metric = self.results.metric
        points = self.points()
        self.border_title = f"{metric} by {self.param}" if self.param else metric
        if not points:
            plt.title("no finished trials with a value yet" if self.param else "nothing varied")
            self.refresh()
            return
        xs, ticks, labels, log = axis([p[1] for p in points])
        scale = 100.0 if metric.endswith("_acc") else 1.0
        ys = [p[2] * scale for p in points]
        plt.scatter(xs, ys, marker="dot", color="cyan")
        chosen = [(x, y) for (trial, _, _), x, y in zip(points, xs, ys) if trial == self.selected]
        if chosen:
            plt.scatter([chosen[0][0]], [chosen[0][1]], marker="●", color="orange")
        if ticks is not None:
            plt.xticks(ticks, labels)
        plt.xlabel(f"{self.param} (log)" if log else str(self.param))
        plt.ylabel(f"{metric} %" if scale != 1.0 else metric)
        lo, hi = min(xs), max(xs)
        pad = (hi - lo) * 0.05 or 0.5
        plt.xlim(lo - pad, hi + pad)
        self.refresh()
