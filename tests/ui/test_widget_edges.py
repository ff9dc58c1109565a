"""Odd data must not break a widget: NaN, inf, empty layers, constant curves, tiny sizes."""

from __future__ import annotations

import numpy as np
from widget_helpers import Host, layer_stats, record, wait_until, widget_text

from tui_nn.session.protocol.messages import DataSummary, DecisionGrid
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.widgets.accuracy_plot import AccuracyPlot
from tui_nn.ui.widgets.cost_plot import CostPlot
from tui_nn.ui.widgets.heatmap import NeuronHeatmap


async def test_plots_survive_non_finite_and_constant_histories():
    for size in [(80, 24), (12, 4)]:
        cost, accuracy = CostPlot(min_interval=0), AccuracyPlot(min_interval=0)
        app = Host(cost)
        async with app.run_test(size=size) as pilot:
            await app.mount(accuracy)
            records = [record(1, float("nan")), record(2, float("inf")), record(3, 0.5)]
            records += [record(i, 0.5) for i in range(4, 9)]  # a flat line
            for plot in (cost, accuracy):
                plot.add_records(records)
            cost.set_log_scale(True)
            await wait_until(pilot, lambda cost=cost: cost.plotted.get("train_loss") == 6)
            cost.clear()
            cost.add_records([record(1, -1.0)])  # nothing positive to draw on a log scale
            await wait_until(pilot, lambda cost=cost: cost.plotted == {})
            assert widget_text(cost).startswith("cost: no positive values"[: cost.size.width])


async def test_heatmap_survives_nan_empty_and_tiny_layouts():
    for size in [(60, 20), (6, 3)]:
        hm = NeuronHeatmap(min_interval=0)
        app = Host(hm)
        async with app.run_test(size=size) as pilot:
            hm.focus()
            nan = layer_stats([np.nan, np.inf, 0.0])
            hm.update_layers((nan, layer_stats([])), (2, 3, 0))
            await wait_until(pilot, lambda hm=hm: len(hm.grid_layout.blocks) == 2)
            await pilot.press("right", "down", "left", "up")
            hm.toggle_mode()
            hm.update_layers((), (2,))
            await wait_until(pilot, lambda hm=hm: hm.grid_layout.blocks == ())
            assert "no neuron statistics"[: hm.size.width] in widget_text(hm)


async def test_boundary_survives_nan_grids_many_classes_and_no_points():
    db = DecisionBoundary(min_interval=0)
    app = Host(db)
    async with app.run_test(size=(30, 8)) as pilot:
        rng = np.random.default_rng(0)
        points = rng.uniform(-1, 1, size=(50, 2)).astype(np.float32)
        labels = rng.integers(0, 14, size=50)
        many = DataSummary(
            "many", "classification", 2, 14, 14, 50, 0, None, points, labels, None, None, None
        )
        db.set_data(many)
        values = np.full((14, 30), np.nan, dtype=np.float32)
        values[:, :10] = 13.0
        db.update_grid(DecisionGrid(values, (-1.0, 1.0, -1.0, 1.0), "class"))
        db.toggle_test()  # no test points: nothing to add
        await wait_until(pilot, lambda: db.canvas.shape == (14, 30))
        assert db.canvas.max() < len(db.colouring.palette)
        regression = DataSummary(
            "r", "regression", 2, 1, None, 50, 0, None, points, points[:, 0], None, None, None
        )
        db.set_data(regression)
        db.update_grid(DecisionGrid(values, (-1.0, 1.0, -1.0, 1.0), "value"))
        await wait_until(pilot, lambda: "output" in widget_text(db))
