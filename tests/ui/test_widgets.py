"""The metric plots: downsampling, smoothing, the repaint budget, log scale, regression note."""

from __future__ import annotations

import math

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from widget_helpers import Host, record, style_at, text_of, wait_until, widget_text

from tui_nn.ui.widgets.accuracy_plot import REGRESSION_NOTE, AccuracyPlot
from tui_nn.ui.widgets.cost_plot import CostPlot
from tui_nn.ui.widgets.draw.rows import changed_span
from tui_nn.ui.widgets.series import History, downsample, downsample_fixed, nice_ceil, smooth

# ---- series (no Textual) -----------------------------------------------------------------


def test_downsample_keeps_extremes_and_newest_point_within_budget():
    rng = np.random.default_rng(0)
    x = np.arange(20_000, dtype=np.float64)
    y = rng.normal(size=20_000)
    y[12_345] = 50.0  # a spike must survive
    xs, ys = downsample(x, y, 240)
    assert len(xs) <= 240
    assert ys.max() == 50.0 and ys.min() == y.min()
    assert xs[-1] == x[-1] and ys[-1] == y[-1]
    assert np.all(np.diff(xs) > 0)  # still in epoch order


def test_downsample_leaves_short_series_alone():
    x = np.arange(10, dtype=np.float64)
    xs, ys = downsample(x, x * 2, 240)
    assert xs.tolist() == x.tolist() and ys.tolist() == (x * 2).tolist()


def test_smooth_is_a_trailing_mean():
    y = np.array([1.0, 5.0, 3.0, 8.0, 2.0], dtype=np.float64)
    expected = [np.mean(y[max(0, i - 2) : i + 1]) for i in range(len(y))]
    assert np.allclose(smooth(y, 3), expected)
    assert smooth(y, 1) is y


def test_history_grows_and_marks_missing_values():
    h = History(("a", "b"))
    for i in range(1000):
        h.append(i, {"a": float(i), "b": None})
    assert len(h) == 1000 and h.y("a")[-1] == 999.0 and np.isnan(h.y("b")).all()
    h.clear()
    assert len(h) == 0


# ---- the plot widgets ----------------------------------------------------------------------


async def test_cost_plot_draws_at_most_two_points_per_column():
    plot = CostPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([record(i, 1 / (i + 1)) for i in range(5000)])
        await wait_until(pilot, lambda: plot.plotted.get("train_loss", 0) > 0)
        width = plot.size.width
        assert 0 < plot.plotted["train_loss"] <= 2 * width
        assert 0 < plot.plotted["test_loss"] <= 2 * width
        text = widget_text(plot)
        assert "train" in text and "test" in text


async def test_cost_and_accuracy_plots_draw_the_validation_curve_when_there_is_one():
    from dataclasses import replace

    for plot, train, field in (
        (CostPlot(min_interval=0), "train_loss", "val_loss"),
        (AccuracyPlot(min_interval=0), "train_acc", "val_acc"),
    ):
        app = Host(plot)
        async with app.run_test(size=(80, 24)) as pilot:
            plot.add_records([record(i, 1 / (i + 1), 0.5) for i in range(1, 20)])
            await wait_until(pilot, lambda: plot.plotted.get(train, 0) > 0)  # noqa: B023
            assert field not in plot.plotted  # no validation set: no validation curve
            assert "val" not in widget_text(plot)
            plot.clear()
            records = [record(i, 1 / (i + 1), 0.5) for i in range(1, 20)]
            plot.add_records(
                [replace(r, val_loss=r.train_loss * 1.2, val_acc=0.6) for r in records]
            )
            await wait_until(pilot, lambda: plot.plotted.get(field, 0) > 0)  # noqa: B023
            assert "val" in widget_text(plot)  # the legend names it


async def test_plot_repaints_once_per_interval_and_never_without_new_data():
    plot = CostPlot(min_interval=3600)  # the second repaint could only come an hour later
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([record(0, 1.0)])
        await wait_until(pilot, lambda: plot.repaint_count == 1)
        for epoch in range(1, 20):
            plot.add_records([record(epoch, 1.0 / epoch)])
            await pilot.pause()
        assert plot.repaint_count == 1  # new data waits for the budget
        plot.min_interval = 0
        plot.flush_repaint()
        assert plot.repaint_count == 2
        for _ in range(5):
            await pilot.pause()
        assert plot.repaint_count == 2  # nothing new: nothing drawn


async def test_log_scale_drops_non_positive_costs_and_is_labelled():
    plot = CostPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([record(0, 0.0), *(record(i, 1.0 / i) for i in range(1, 10))])
        await wait_until(pilot, lambda: plot.plotted.get("train_loss") == 10)
        plot.set_log_scale(True)
        await wait_until(pilot, lambda: plot.plotted.get("train_loss") == 9)
        assert plot.log_scale and "log" in plot.title()


async def test_smoothing_changes_what_is_plotted():
    plot = CostPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([record(i, 1.0 + (-1) ** i) for i in range(40)])  # zigzag 0, 2, 0, ...
        await wait_until(pilot, lambda: plot.repaint_count >= 1)
        raw = plot.series_to_plot()["train_loss"][1]
        plot.set_smoothing(2)
        smoothed = plot.series_to_plot()["train_loss"][1]
        assert max(raw) == 2.0 and min(raw) == 0.0
        assert all(math.isclose(v, 1.0) for v in smoothed[1:])


async def test_accuracy_plot_shows_a_note_for_regression():
    plot = AccuracyPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([record(i, 1.0, acc=None) for i in range(5)])
        await wait_until(pilot, lambda: widget_text(plot).startswith(REGRESSION_NOTE))
        plot.clear()
        plot.add_records([record(i, 1.0, acc=0.1 * i) for i in range(5)])
        await wait_until(pilot, lambda: plot.plotted.get("train_acc") == 5)
        assert REGRESSION_NOTE not in widget_text(plot)


# ---- steady axes and partial refresh ---------------------------------------------------------


def test_nice_ceil_and_fixed_buckets_hold_still_as_data_grows():
    assert [nice_ceil(v) for v in (7, 10, 11, 81, 1001)] == [8, 10, 12, 100, 1200]
    rng = np.random.default_rng(2)
    x = np.arange(1, 5001, dtype=np.float64)
    y = rng.normal(size=5000)
    before = downsample_fixed(x[:4000], y[:4000], 1, 6000, 100)
    after = downsample_fixed(x, y, 1, 6000, 100)
    assert len(after[0]) <= 2 * 100 + 1
    done = before[0] < 3960  # buckets that were complete before the new points came
    assert np.array_equal(before[0][done], after[0][: done.sum()])


def test_changed_span_finds_the_first_and_last_difference():
    style = Style(bgcolor="red")
    old = Strip([Segment("abcdef", style)])
    assert changed_span(old, Strip([Segment("abcdef", style)])) is None
    assert changed_span(old, Strip([Segment("abXdeY", style)])) == (2, 6)
    recoloured = Strip(
        [Segment("ab", style), Segment("cd", Style(bgcolor="blue")), Segment("ef", style)]
    )
    assert changed_span(old, recoloured) == (2, 4)
    assert changed_span(None, old) == (0, 6)


async def test_a_new_epoch_refreshes_only_the_right_end_of_the_plot():
    plot = CostPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([record(i, 1.0 / i) for i in range(1, 42)])
        await wait_until(pilot, lambda: plot.plotted.get("train_loss") == 41)
        spans: list[tuple[int, int, int]] = []
        original = plot.refresh_line
        plot.refresh_line = lambda y, x0=0, x1=None: (
            spans.append((y, x0, x1)),
            original(y, x0, x1),
        )
        plot.add_records([record(42, 1.0 / 42)])  # the axes (1..50 epochs) stay as they were
        await wait_until(pilot, lambda: plot.plotted.get("train_loss") == 42)
        assert spans, "the new point must be drawn"
        assert all(x0 >= plot.size.width // 2 for _, x0, _ in spans)


async def test_the_byte_budget_spaces_out_big_repaints():
    plot = CostPlot(min_interval=0)
    plot.byte_budget = 1.0  # one byte a second: after any repaint the next waits a long time
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: plot.repaint_count >= 1)  # the first layout
        count = plot.repaint_count
        plot.add_records([record(i, 1.0 / i) for i in range(1, 10)])
        for _ in range(5):
            await pilot.pause()
        assert plot.repaint_count == count and plot.bytes_sent > 0
        plot.byte_budget = None  # back to the default budget: the waiting repaint may run
        plot.flush_repaint()
        assert plot.repaint_count == count + 1


def test_repaint_pacing_takes_the_strictest_of_interval_bytes_and_time(monkeypatch):
    import tui_nn.ui.widgets.draw.throttle as throttle

    clock = [100.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: clock[0])

    class Fake(throttle.Throttled):
        BYTE_BUDGET = 1000.0
        CPU_SHARE = 0.1

        def __init__(self, busy: float, sent: int) -> None:
            self.busy, self.sent = busy, sent

        def repaint(self) -> int:
            clock[0] += self.busy
            return self.sent

    cases = [  # (seconds busy, bytes sent, expected pause) at min_interval 0.5
        (0.001, 10, 0.5),  # cheap: the interval rules
        (0.001, 4000, 4.0),  # 4 KB at 1 KB/s
        (0.2, 10, 2.0),  # 0.2 s of work at a tenth of the UI thread
    ]
    for busy, sent, pause in cases:
        widget = Fake(busy, sent)
        start = clock[0]
        widget._run_repaint()
        assert math.isclose(widget._throttle_next - start, pause)
    slow = Fake(0.2, 4000)
    slow.min_interval = 2.0  # --low-bandwidth: budgets a quarter as large
    start = clock[0]
    slow._run_repaint()
    assert math.isclose(slow._throttle_next - start, 16.0)


def test_plot_ticks_are_round_and_the_title_names_loss_and_options():
    from tui_nn.engine.types import EpochRecord
    from tui_nn.ui.widgets.cost_plot import CostPlot
    from tui_nn.ui.widgets.plot_frame import epoch_ticks, round_ticks

    assert epoch_ticks(1, 250, 5) == [50, 100, 150, 200, 250]
    assert round_ticks(0.04, 0.4, 4) == [0.1, 0.2, 0.3, 0.4]
    plot = CostPlot()
    plot.set_loss("bce")
    assert plot.title() == "cost (bce)"
    plot.log_scale, plot.smoothing = True, 5
    assert plot.title() == "cost (bce) · log · smoothed 5"
    records = [
        EpochRecord(e, e, e, 1.0, 1.0, None, None, 0.0, 0.1 if e < 3 else 0.01) for e in range(1, 6)
    ]
    plot.add_records(records)
    assert plot.events == [(2.0, "lr")]  # the lr changed after epoch 2
    assert "lr changed" in plot.title()
    plot.clear()
    assert plot.events == []


def _braille_colours(plot, skip_rows: int = 3) -> dict[object, int]:
    """How many braille cells of each foreground colour the plot shows below its legend."""
    counts: dict[object, int] = {}
    for y in range(skip_rows, plot.size.height):
        strip = plot.render_line(y)
        for x, char in enumerate(text_of(strip)):
            if "\u2801" <= char <= "\u28ff":
                colour = style_at(strip, x).color
                counts[colour] = counts.get(colour, 0) + 1
    return counts


async def test_train_and_test_curves_that_agree_both_stay_visible():
    from tui_nn.engine.types import EpochRecord

    def rising(epoch: int, gap: float) -> EpochRecord:
        loss = 0.1 + 0.01 * epoch
        return EpochRecord(epoch, epoch, epoch, loss, loss + gap, None, None, 0.1, 0.03)

    plot = CostPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(80, 24)) as pilot:
        plot.add_records([rising(e, 0.0) for e in range(1, 41)])
        await wait_until(pilot, lambda: plot.plotted.get("test_loss") == 40)
        same = _braille_colours(plot)
        assert len(same) == 2, same  # both colours on the one line
        assert min(same.values()) >= 0.25 * sum(same.values()), same  # dashes, not a speck
        plot.clear()
        assert plot.overlap_cells > 20
        plot.clear()
        plot.add_records([rising(e, 0.2) for e in range(1, 41)])  # apart: two plain lines
        await wait_until(pilot, lambda: len(plot.history) == 40 and plot.plotted)
        await pilot.pause()
        assert plot.overlap_cells == 0
        apart = _braille_colours(plot)
        assert len(apart) == 2 and min(apart.values()) >= 0.4 * sum(apart.values()), apart


async def test_the_log_scale_draws_costs_of_any_size():
    """`l` on costs that span a sliver of a decade, many decades, or none of the powers of ten
    (it used to say "cost: cannot draw (math domain error)" instead of a chart)."""
    plot = CostPlot(min_interval=0)
    app = Host(plot)
    cases = [
        [0.31 + 0.01 * np.sin(i) for i in range(30)],  # within one half decade
        [10.0 ** (-i / 3) for i in range(30)],  # 1 down to 1e-10
        [0.002 + 1e-5 * i for i in range(30)],  # no power of ten in the range
        [5e-30 * (i + 1) for i in range(30)],  # tiny
    ]
    async with app.run_test(size=(60, 16)) as pilot:
        plot.set_log_scale(True)
        for costs in cases:
            plot.clear()
            plot.add_records([record(i + 1, c) for i, c in enumerate(costs)])
            await wait_until(pilot, lambda: plot.plotted.get("train_loss") == 30)
            text = widget_text(plot)
            assert "cannot draw" not in text and "log" in text.splitlines()[0], text
            assert any("\u2801" <= ch <= "\u28ff" for ch in text), text  # the curves
            labels = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line]
            assert labels and all(float(label) > 0 for label in labels), text


async def test_a_theme_change_redraws_the_plot():
    plot = CostPlot(min_interval=0)
    app = Host(plot)
    async with app.run_test(size=(60, 16)) as pilot:
        plot.add_records([record(i, 1.0 / (i + 1)) for i in range(10)])
        await wait_until(pilot, lambda: plot.plotted.get("train_loss") == 10)
        count = plot.repaint_count
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await wait_until(pilot, lambda: plot.repaint_count > count)
        assert plot.render_line(0).cell_length == plot.size.width
