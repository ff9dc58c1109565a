"""What the playground's pictures look like: a 3-class boundary shaded by confidence, and a
layer's neuron maps (one large, then all as thumbnails), at 120x40 and 80x24. Drawn from the
real trainer code in process at the seeded initial weights in float64 (no clock, no training,
no randomness). Regenerate after a deliberate change with:
    .venv/bin/python -m pytest tests/ui/test_ui_playground_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from test_ui_playground import App
from ui_helpers import wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.views.neuron_maps import NeuronMapsView

CONFIG = RunConfig(
    dataset=DatasetSpec("spiral", samples=300, classes=3, features=("x1", "x2", "sin(x1)")),
    hidden=(6,),
    dtype="float64",
)
PICTURES = ("CostPlot", "AccuracyPlot", "NeuronHeatmap", "DecisionBoundary", "NeuronMapsView")


async def settle(pilot, app) -> None:
    app.clear_notifications()
    await pilot.pause()
    for selector in PICTURES:
        app.query_one(selector).flush_repaint()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_three_class_boundary(snap_compare, tmp_path, size):
    h = App(CONFIG, tmp_path)

    async def run_before(pilot) -> None:
        app = h.app
        await wait_for(pilot, lambda: app.last is not None, "the first snapshot")
        boundary = app.query_one(DecisionBoundary)

        def right_size() -> bool:
            cols, rows = boundary.grid_size
            return boundary.grid is not None and boundary.grid.values.shape == (rows, cols)

        await wait_for(pilot, right_size, "a grid the size of the picture")
        await settle(pilot, app)

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_neuron_maps(snap_compare, tmp_path, size):
    h = App(CONFIG, tmp_path)

    async def run_before(pilot) -> None:
        app = h.app
        await wait_for(pilot, lambda: app.last is not None, "the first snapshot")
        await pilot.press("V")
        maps = app.query_one(NeuronMapsView)

        def right_size() -> bool:
            cols, rows = maps.grid_size
            return maps.maps is not None and maps.maps.values.shape[1:] == (rows, cols)

        await wait_for(pilot, right_size, "maps the size of the view")
        maps.focus()
        await pilot.press("right", "enter")  # neuron 2 selected, the whole layer
        await settle(pilot, app)

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)
