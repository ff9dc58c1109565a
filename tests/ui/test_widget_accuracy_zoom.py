"""The accuracy axis zooms in for runs that stay high, so 97 % and 99 % look different, and
never cuts a point off."""

from __future__ import annotations

import numpy as np
from widget_helpers import Host, record, wait_until, widget_text

from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot, percent_ticks, zoomed_floor


def test_floor_is_the_highest_step_below_every_value():
    assert zoomed_floor(np.array([0.991, 0.975])) == 0.95
    assert zoomed_floor(np.array([0.999, 0.985])) == 0.98
    assert zoomed_floor(np.array([0.6, 0.99])) == 0.5
    assert zoomed_floor(np.array([0.3, np.nan])) == 0.0
    assert zoomed_floor(np.array([np.nan])) == 0.0


async def test_a_run_that_starts_low_keeps_the_full_axis_and_one_that_starts_high_zooms():
    plot = AccuracyPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(60, 16)) as pilot:
        rising = [record(i, 1.0, acc=min(0.1 + 0.05 * i, 1.0)) for i in range(1, 60)]
        plot.add_records(rising)  # the early rise must stay on screen however long the run
        await wait_until(pilot, lambda: plot.plotted.get("train_acc", 0) > 9)
        text = widget_text(plot)
        assert " 0%" in text and "100%" in text
        plot.clear()
        high = [record(i, 0.1, acc=0.96 + 0.0005 * i) for i in range(1, 60)]  # MNIST-like
        plot.add_records(high)
        await wait_until(pilot, lambda: "95" in widget_text(plot))
        text = widget_text(plot)
        assert "95%" in text and " 0%" not in text


def test_percent_ticks_use_as_few_decimals_as_tell_them_apart():
    assert percent_ticks(0.0, 5)[1] == ["0%", "25%", "50%", "75%", "100%"]
    assert percent_ticks(0.98, 5)[1] == ["98.0%", "98.5%", "99.0%", "99.5%", "100.0%"]
    ticks, _ = percent_ticks(0.9, 3)
    assert ticks == [0.9, 0.95, 1.0]
