"""What the main screen looks like, paused after 12 seeded epochs (fake session: no clock,
no randomness; it publishes what the test tells it, and answers no command). Regenerate
after a deliberate change with:
    .venv/bin/python -m pytest tests/ui/test_ui_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from ui_helpers import Harness, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import SetView

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

PICTURES = ("CostPlot", "AccuracyPlot", "NeuronHeatmap", "DecisionBoundary")


def paused_app(tmp_path) -> tuple[Harness, object]:
    harness = Harness(RunConfig(), tmp_path, fake=True)

    async def run_before(pilot) -> None:
        app = harness.app
        await started(pilot, harness)
        session = harness.session
        await wait_for(pilot, lambda: session.sent(SetView), "the view asked for")
        session.train_epochs(12)
        session.set_state("paused", "paused")
        session.publish(grid_size=session.sent(SetView)[-1].grid_size)
        await wait_for(pilot, lambda: app.last.state == "paused", "paused")
        await wait_for(pilot, lambda: app.query_one("DecisionBoundary").grid is not None, "grid")
        app.clear_notifications()
        await pilot.pause()
        for selector in PICTURES:  # draw now, not when the repaint budget allows
            app.query_one(selector).flush_repaint()
        await pilot.pause()

    return harness, run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen_paused(snap_compare, tmp_path, size):
    harness, run_before = paused_app(tmp_path)
    assert snap_compare(harness.app, terminal_size=size, run_before=run_before)


def test_help_screen(snap_compare, tmp_path):
    harness, run_before = paused_app(tmp_path)

    async def open_help(pilot) -> None:
        await run_before(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(harness.app, terminal_size=(100, 40), run_before=open_help)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_network_diagram_paused(snap_compare, tmp_path, size):
    """The diagram in place of the heatmap, a weight selected and read below it."""
    harness, run_before = paused_app(tmp_path)

    async def diagram(pilot) -> None:
        await run_before(pilot)
        app = harness.app
        await pilot.press("n")
        await wait_for(pilot, lambda: harness.session.sent(SetView)[-1].weights, "asked")
        harness.session.publish(weights=True)
        await wait_for(pilot, lambda: app.query_one("NetworkDiagram").weights is not None, "w")
        await pilot.press("down", "left")
        await wait_for(pilot, lambda: "W1[2," in str(app.query_one("#neuron-info").render()), "w")
        for selector in (*PICTURES, "NetworkDiagram"):
            app.query_one(selector).flush_repaint()
        await pilot.pause()

    assert snap_compare(harness.app, terminal_size=size, run_before=diagram)
