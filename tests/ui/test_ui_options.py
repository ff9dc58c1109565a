"""Launch options: --fps / --low-bandwidth budgets, --resume, and what the trainer is asked for."""

from __future__ import annotations

import pytest
from ui_fakes import record
from ui_helpers import Harness, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import SetView
from tui_nn.ui.app import create_app
from tui_nn.ui.launch import run_app

PICTURES = ("CostPlot", "AccuracyPlot", "NeuronHeatmap", "DecisionBoundary")


def test_fps_and_low_bandwidth_set_the_rates():
    def rates(**kw):
        app = create_app(RunConfig(), **kw)
        return app.fps, app.picture_interval

    assert rates() == (10.0, 0.5)  # numbers 10/s, pictures at most 2/s
    assert rates(fps=30.0) == (30.0, 0.5)
    assert rates(fps=1.0) == (1.0, 1.0)
    assert rates(low_bandwidth=True) == (2.0, 2.0)
    assert rates(fps=1.0, low_bandwidth=True) == (1.0, 2.0)


@pytest.mark.slow
async def test_the_rates_reach_the_widgets_and_the_session(tmp_path):
    harness = Harness(RunConfig(), tmp_path, low_bandwidth=True)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        assert harness.session.fps == 2.0
        for selector in PICTURES:
            assert app.query_one(selector).min_interval == 2.0
        # decision grids: one sample per pixel of the picture, as often as it is drawn
        await wait_for(pilot, lambda: harness.session.sent(SetView), "SetView")
        view = harness.session.sent(SetView)[-1]
        assert view.grid and view.grid_size == app.query_one("DecisionBoundary").grid_size
        assert view.grid_interval == 2.0


@pytest.mark.slow
async def test_a_resumed_runs_curves_show_until_the_trainers_own_arrive(tmp_path):
    history = [record(epoch, 0.03) for epoch in range(1, 6)]
    harness = Harness(RunConfig(), tmp_path, history=history)
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        cost = app.query_one("CostPlot")
        assert len(cost.history) == 5  # the saved curves, before any training
        harness.session.train_epochs(2)
        await wait_for(pilot, lambda: len(cost.history) == 2, "the trainer's history")


@pytest.mark.slow
async def test_selecting_a_neuron_shows_its_numbers(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train(1)  # a step's statistics
        await wait_for(pilot, lambda: app.last.epoch == 1, "an epoch")
        info = app.query_one("#neuron-info")
        assert info.region.height == 0  # only while the heatmap has the focus
        app.query_one("NeuronHeatmap").focus()
        await wait_for(pilot, lambda: "h1 #1" in str(info.render()), "neuron info")
        await wait_for(pilot, lambda: info.region.height == 1, "the info line shown")
        await pilot.press("down")
        await wait_for(pilot, lambda: "h1 #2" in str(info.render()), "the next neuron")
        app.query_one("#layer-list").focus()
        await wait_for(pilot, lambda: info.region.height == 0, "the info line hidden again")


def test_resume_without_a_saved_run_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUI_NN_DATA_DIR", str(tmp_path))
    assert run_app(RunConfig(), resume=True) == 2
    err = capsys.readouterr().err
    assert err.startswith("tui-nn: --resume: no saved run") and err.count("\n") == 1
    assert run_app(RunConfig(), resume=str(tmp_path / "nope.npz")) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.slow
async def test_letter_keys_reach_the_app_while_the_heatmap_has_the_focus(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        harness.session.train(1)  # a step's statistics
        await wait_for(pilot, lambda: app.last.epoch == 1, "an epoch")
        heatmap, cost = app.query_one("NeuronHeatmap"), app.query_one("CostPlot")
        heatmap.focus()
        info = app.query_one("#neuron-info")
        await wait_for(pilot, lambda: "h1 #1" in str(info.render()), "neuron info")
        await pilot.press("l")  # the cost plot's log scale, not a cursor move
        await wait_for(pilot, lambda: cost.log_scale, "log scale")
        await pilot.press("j", "k", "h")
        await pilot.pause()
        assert "h1 #1" in str(info.render())  # the cursor stayed; only the arrows move it
        await pilot.press("down")
        await wait_for(pilot, lambda: "h1 #2" in str(info.render()), "the next neuron")
