"""The fit plot of 1-D regression: y against x, the training and test points and the
network's curve, so underfitting (a curve too straight) and overfitting (a curve that chases
the training points) show at a glance.

A Line-API picture of half-block pixels (pixels.py): title row, picture, x-axis row. Points
come once per dataset (`set_data`), the curve as the trainer sends it (`update_panel`); only
the rows whose pixels changed are repainted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui_nn.session.protocol.messages import PanelData
from tui_nn.ui.widgets.draw.colours import color
from tui_nn.ui.widgets.draw.pixels import PixelStyles
from tui_nn.ui.widgets.draw.row_widget import fill_css
from tui_nn.ui.widgets.panel_rows import PanelRows

TRAIN, TEST, CURVE = 0, 1, 2
PALETTE = ((95, 175, 255), (255, 175, 0), (255, 255, 255))  # train blue, test orange, white
NO_DATA_NOTE = "fit plot: 1-D regression only"


def _ticks(lo: float, hi: float) -> tuple[str, str]:
    return f"{lo:.3g}", f"{hi:.3g}"


class FitPlot(PanelRows, Widget):
    """`set_data(summary)` once per dataset, `update_panel(panel)` as curves arrive."""

    BYTE_BUDGET = 6000.0

    DEFAULT_CSS = fill_css("FitPlot", min_height=4)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.show_test = True
        self.canvas = np.zeros((0, 0), dtype=np.int16)
        self._styles = PixelStyles(PALETTE)

    def forget(self) -> None:
        self.curve: tuple[np.ndarray, np.ndarray] | None = None

    def update_panel(self, panel: PanelData) -> None:
        if panel.fit_x is not None and panel.fit_y is not None:
            self.curve = (panel.fit_x, panel.fit_y)
            self.request_repaint()

    def toggle_test(self) -> None:
        self.show_test = not self.show_test
        self.request_repaint()
        self.flush_repaint()

    @property
    def has_points(self) -> bool:
        s = self.summary
        return s is not None and s.n_inputs == 1 and s.points_train is not None

    def box(self) -> tuple[float, float, float, float]:
        """x_min, x_max, y_min, y_max over the points and the curve (nothing is cut)."""
        s = self.summary
        assert s is not None and s.points_train is not None
        parts = [s.points_train] + ([s.points_test] if s.points_test is not None else [])
        pts = np.concatenate(parts).astype(np.float64)
        xs, ys = pts[:, 0], pts[:, 1]
        if self.curve is not None:
            curve_y = np.asarray(self.curve[1], dtype=np.float64)
            ys = np.concatenate([ys, curve_y[np.isfinite(curve_y)]])
        y_lo, y_hi = float(ys.min()), float(ys.max())
        pad = max(y_hi - y_lo, 1e-6) * 0.05
        return float(xs.min()), float(xs.max()), y_lo - pad, y_hi + pad

    def paint(self, cols: int, rows: int) -> np.ndarray:
        canvas = np.full((rows, cols), -1, dtype=np.int16)
        if rows <= 0 or cols <= 0 or not self.has_points:
            return canvas
        s = self.summary
        assert s is not None
        x0, x1, y0, y1 = self.box()

        def put(points: np.ndarray, colour: int) -> None:
            pts = np.asarray(points, dtype=np.float64)
            px = np.floor((pts[:, 0] - x0) / ((x1 - x0) or 1.0) * (cols - 1) + 0.5)
            py = np.floor((y1 - pts[:, 1]) / ((y1 - y0) or 1.0) * (rows - 1) + 0.5)
            ok = np.isfinite(px) & np.isfinite(py)
            ok &= (px >= 0) & (px < cols) & (py >= 0) & (py < rows)
            canvas[py[ok].astype(np.int64), px[ok].astype(np.int64)] = colour

        if self.curve is not None:  # the curve first: the points stay visible on top of it
            cx, cy = (np.asarray(a, dtype=np.float64) for a in self.curve)
            xs = np.linspace(x0, x1, cols)
            ys = np.interp(xs, cx, cy)
            py = np.clip(np.rint((y1 - ys) / ((y1 - y0) or 1.0) * (rows - 1)), 0, rows - 1)
            py = py.astype(np.int64)
            for x in range(cols):  # joined: a steep curve stays one line
                lo, hi = py[x], py[x - 1] if x else py[x]
                canvas[min(lo, hi) : max(lo, hi) + 1, x] = CURVE
        put(s.points_train, TRAIN)
        if self.show_test and s.points_test is not None:
            put(s.points_test, TEST)
        return canvas

    def repaint(self) -> int:
        width, height = self.size
        if not self.has_points:
            keys: list[object] = [("note", NO_DATA_NOTE)]
            self.canvas = np.zeros((0, 0), dtype=np.int16)
        else:
            pixel_rows = 2 * max(0, height - 2)
            self.canvas = self.paint(width, pixel_rows)
            box = self.box()
            keys = [("title", box, self.show_test, self.curve is None)]
            keys += [self.canvas[2 * y : 2 * y + 2].tobytes() for y in range(height - 2)]
            keys.append(("axis", box[:2]))
        return self.show_keyed_rows(
            keys[: max(1, height)], width, lambda y, key: self._row(y, key, width)
        )

    def _row(self, y: int, key: object, width: int) -> Strip:
        base = self.rich_style
        dim = base + Style(dim=True)
        if isinstance(key, tuple) and key[0] == "note":
            segments = [Segment(key[1], dim)]
        elif isinstance(key, tuple) and key[0] == "title":
            _, (_, _, y0, y1), show_test, no_curve = key
            lo, hi = _ticks(y0, y1)
            segments = [Segment(f"fit: y {lo}..{hi} ", base)]
            segments.append(Segment("■train ", Style(color=color(PALETTE[TRAIN]))))
            if show_test:
                segments.append(Segment("■test ", Style(color=color(PALETTE[TEST]))))
            label = "network: (no curve yet)" if no_curve else "━net"
            segments.append(Segment(label, Style(color=color(PALETTE[CURVE]))))
        elif isinstance(key, tuple) and key[0] == "axis":
            lo, hi = _ticks(*key[1])
            gap = max(1, width - len(lo) - len(hi) - 2)
            middle = "x".center(gap)
            segments = [Segment(f"{lo} {middle} {hi}", dim)]
        else:
            row = 2 * (y - 1)
            segments = self._styles.row(self.canvas[row], self.canvas[row + 1], base)
        return Strip(segments).adjust_cell_length(width, base).simplify()
