"""The accuracy axis zooms in once training is good, so 97 % and 99 % look different."""

from __future__ import annotations

import numpy as np
from widget_helpers import Host, record, wait_until, widget_text

from tui_nn.ui.widgets import AccuracyPlot
from tui_nn.ui.widgets.accuracy_plot import percent_ticks, zoomed_floor


def test_floor_is_the_highest_step_below_every_recent_value():
    assert zoomed_floor(np.array([0.991, 0.975])) == 0.95
    assert zoomed_floor(np.array([0.999, 0.985])) == 0.98
    assert zoomed_floor(np.array([0.6, 0.99])) == 0.5
    assert zoomed_floor(np.array([0.3, np.nan])) == 0.0
    assert zoomed_floor(np.array([np.nan])) == 0.0


async def test_late_training_zooms_the_axis_and_early_training_does_not():
    plot = AccuracyPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(60, 16)) as pilot:
        early = [record(i, 1.0, acc=0.1 + 0.05 * i) for i in range(1, 10)]
        plot.add_records(early)
        await wait_until(pilot, lambda: plot.plotted.get("train_acc") == 9)
        text = widget_text(plot)
        assert "0%" in text and "95" not in text
        late = [record(i, 0.1, acc=0.97 + 0.0005 * i) for i in range(10, 60)]
        plot.add_records(late)
        await wait_until(pilot, lambda: plot.plotted.get("train_acc", 0) > 9)
        text = widget_text(plot)
        assert "98.0%" in text and "100.0%" in text  # newer half: 0.985 .. 0.9995
        assert " 0%" not in text


def test_percent_ticks_use_as_few_decimals_as_tell_them_apart():
    assert percent_ticks(0.0, 5)[1] == ["0%", "25%", "50%", "75%", "100%"]
    assert percent_ticks(0.98, 5)[1] == ["98.0%", "98.5%", "99.0%", "99.5%", "100.0%"]
    ticks, _ = percent_ticks(0.9, 3)
    assert ticks == [0.9, 0.95, 1.0]
