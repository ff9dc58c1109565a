"""What the new lower-right pictures look like, drawn from fixed data (no clock, no training):
the fit plot of quadratic, the confusion matrix and the sample strip of digits. Regenerate
after a deliberate change with:
    .venv/bin/python -m pytest tests/ui/test_ui_view_snapshots.py --snapshot-update
"""

from __future__ import annotations

import numpy as np
from widget_helpers import Host

from tui_nn.data.shipped import load_digits
from tui_nn.session.protocol.messages import DataSummary, PanelData
from tui_nn.session.trainer.panel_data import _small_images
from tui_nn.ui.views.confusion_matrix import ConfusionMatrix
from tui_nn.ui.views.sample_strip import SampleStrip
from tui_nn.ui.widgets.fit_plot import FitPlot

SIZE = (44, 22)  # about the lower-right panel at 120x40


def summary(name, task, n_inputs, classes=None, points=None, test=None) -> DataSummary:
    names = tuple(str(i) for i in range(classes)) if classes else None
    return DataSummary(
        name, task, n_inputs, 1, classes, 40, 40, names, points, None, test, None, None
    )


def quadratic_points(offset: float) -> np.ndarray:
    x = np.linspace(-2, 2, 20, dtype=np.float32) + offset
    return np.stack([x, x**2 + 0.3 * np.sin(7 * x)], axis=1).astype(np.float32)


async def draw(pilot, widget) -> None:
    await pilot.pause()
    widget.flush_repaint()
    await pilot.pause()


def test_fit_plot_on_quadratic(snap_compare):
    plot = FitPlot(min_interval=0)
    x = np.linspace(-2.1, 2.1, 200, dtype=np.float32)

    async def run_before(pilot) -> None:
        plot.set_data(
            summary(
                "quadratic", "regression", 1, points=quadratic_points(0), test=quadratic_points(0.1)
            )
        )
        plot.update_panel(PanelData(fit_x=x, fit_y=(0.9 * x**2 + 0.1).astype(np.float32)))
        await draw(pilot, plot)

    assert snap_compare(Host(plot), terminal_size=SIZE, run_before=run_before)


def test_confusion_matrix_on_digits(snap_compare):
    matrix = ConfusionMatrix(min_interval=0)
    counts = np.eye(10, dtype=np.int64) * 85
    counts[3, 5], counts[8, 1], counts[9, 4] = 4, 6, 2

    async def run_before(pilot) -> None:
        matrix.set_data(summary("digits", "classification", 64, classes=10))
        matrix.update_panel(PanelData(confusion=counts))
        await draw(pilot, matrix)

    assert snap_compare(Host(matrix), terminal_size=SIZE, run_before=run_before)


def test_sample_strip_on_digits(snap_compare):
    strip = SampleStrip(min_interval=0)
    X, y = load_digits()
    pick = np.arange(0, 200, 10)
    true = np.asarray(y[pick], dtype=np.int64)
    predicted = true.copy()
    predicted[[2, 7]] = (true[[2, 7]] + 3) % 10  # two mistakes to mark

    async def run_before(pilot) -> None:
        strip.set_data(summary("digits", "classification", 64, classes=10))
        images = _small_images(np.asarray(X[pick], dtype=np.float32), 8)
        strip.update_panel(PanelData(images=images, image_true=true, image_predicted=predicted))
        await draw(pilot, strip)

    assert snap_compare(Host(strip), terminal_size=SIZE, run_before=run_before)
