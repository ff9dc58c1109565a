"""Trace mode driven like a user: T, step through forward, cost, backward, gradients and update,
apply the step, leave. On the trainer's own code in process (runner_session.py), so the
numbers on screen are checked against the engine."""

from __future__ import annotations

import numpy as np
import pytest
from ui_helpers import Harness, screen_text, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.session.protocol.messages import ApplyTraceStep, Pause, Start, TraceSample
from tui_nn.textbook.trace_text import num
from tui_nn.ui.trace.controller import point_at
from tui_nn.ui.trace.panel import TracePanel

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

TITLES = [
    "Forward, layer 1",
    "Forward, layer 2",
    "Forward, layer 3 (output)",
    "Cost of this sample",
    "Backward, layer 3 (output)",
    "Backward, layer 2",
    "Backward, layer 1",
    "Gradients, layer 3",
    "Gradients, layer 2",
    "Gradients, layer 1",
    "Update, layer 1",
    "Update, layer 2",
    "Update, layer 3",
]


def _panel(app) -> TracePanel:
    return app.query_one(TracePanel)


async def _trace_shown(pilot, app) -> None:
    await wait_for(pilot, lambda: _panel(app).result is not None and not _panel(app).pending)
    await pilot.pause()


async def test_a_whole_forward_backward_update_cycle(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last.state == "running", "running")
        await pilot.press("T")
        await _trace_shown(pilot, app)
        assert session.sent(Pause) == [Pause()]  # training pauses while tracing
        assert session.sent(TraceSample) == [TraceSample()]
        assert app.screen.has_class("-tracing") and app.focused is _panel(app)
        panel = _panel(app)
        res = panel.result
        assert res.chosen == "next" and res.split == "train"
        engine = session.runner
        x, y = engine.dataset.X_train[res.index], engine.dataset.y_train[res.index]
        # the numbers on screen are the engine's: z1[1] of this sample
        W, b = engine.net.layers[0].W, engine.net.layers[0].b
        z = float(W[0] @ (x * engine.dataset.input_scale) + b[0])
        text = screen_text(app)
        assert "sample the next" not in text and "the next sample training takes" in text
        assert "1/13 Forward, layer 1" in text
        assert f"= {num(z)}" in text.replace("│", " ")
        assert int(y) == res.trace.label

        seen = []
        for _ in TITLES:
            seen.append(panel._body_text(panel.result, 76).plain.splitlines()[0])
            await pilot.press("right")
        assert [line.split(" ", 1)[1].split(" · ")[0] for line in seen] == TITLES
        text = screen_text(app)
        assert "13/13 Update, layer 3" in text and "cost of this sample:" in text

        before = [layer.W.copy() for layer in engine.net.layers]
        traced = panel.result.trace
        await pilot.press("a")
        await wait_for(pilot, lambda: panel.result.applied, "the step applied")
        assert session.sent(ApplyTraceStep) == [ApplyTraceStep(index=res.index, split="train")]
        for layer, old, t in zip(engine.net.layers, before, traced.layers):
            np.testing.assert_array_equal(layer.W, old - np.float32(traced.lr) * t.dW)
        assert panel.result.loss_before == traced.loss
        assert panel.result.trace.loss < traced.loss
        await pilot.pause()
        assert "step taken: its cost" in screen_text(app)
        assert "cost went from" in app.last.message

        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.has_class("-tracing"), "trace mode left")
        assert session.sent(Start) == [Start(), Start()]  # training resumes
        assert panel.styles.display == "none" and app.focused.id == "layer-list"


async def test_pick_by_index_next_and_split(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        await pilot.press("T")
        await _trace_shown(pilot, app)
        assert session.sent(Pause) == []  # it was not running
        await pilot.press("i", "7", "enter")
        await wait_for(pilot, lambda: _panel(app).result.index == 7, "sample 7")
        await pilot.press("n")
        await wait_for(pilot, lambda: _panel(app).result.index == 8, "sample 8")
        await pilot.press("t")
        await wait_for(pilot, lambda: _panel(app).result.split == "test", "the test set")
        assert session.sent(TraceSample)[1:] == [
            TraceSample(index=7),
            TraceSample(index=8),
            TraceSample(index=8, split="test"),
        ]
        await pilot.press("i", "9", "9", "9", "9", "enter")  # out of range: said, not sent
        await pilot.pause()
        assert "sample 9999 is out of range" in screen_text(app)
        assert len(session.sent(TraceSample)) == 4
        await pilot.press("T")
        await wait_for(pilot, lambda: not app.screen.has_class("-tracing"), "left")
        assert session.sent(Start) == []  # it was paused before, it stays paused


async def test_neurons_of_a_wide_layer_one_at_a_time(tmp_path):
    harness = Harness(RunConfig(hidden=(24,)), tmp_path)
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        await pilot.press("T")
        await _trace_shown(pilot, app)
        text = screen_text(app)
        assert "neuron 1 of 24" in text and "z1[1] =" in text
        await pilot.press("down", "down")
        await pilot.pause()
        text = screen_text(app)
        assert "neuron 3 of 24" in text and "z1[3] =" in text and "z1[1] =" not in text
        assert app.query_one("#plots").styles.display == "none"  # room for the trace at 80x24


async def test_readable_at_80x24_and_the_refused_sample_is_shown(harness):
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        await pilot.press("T")
        await _trace_shown(pilot, app)
        text = screen_text(app)
        assert "Forward, layer 1" in text and "z1[1] =" in text
        lines = text.splitlines()
        assert all(len(line) <= 80 for line in lines)
        # a request the trainer refuses (the panel's sizes unknown): its message is shown
        _panel(app).sizes = {}
        await pilot.press("i", "5", "0", "0", "0", "enter")
        await wait_for(pilot, lambda: "out of range" in _panel(app).note, "the refusal")


async def test_palette_and_help_list_trace(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        names = [c.title for c in app.get_system_commands(app.screen)]
        assert "Trace a sample" in names
        command = next(
            c for c in app.get_system_commands(app.screen) if c.title == "Trace a sample"
        )
        await command.callback()
        await _trace_shown(pilot, app)
        assert app.trace.on
        sections = dict(app.help_sections())
        assert any(b.action == "apply" for b in sections["Trace mode (T)"])


async def test_a_click_on_the_boundary_traces_the_nearest_sample(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("T")
        await _trace_shown(pilot, app)
        boundary = app.query_one("#boundary")
        await wait_for(pilot, lambda: boundary.grid is not None, "a decision grid")
        await pilot.click("#boundary", offset=(10, 4))
        await wait_for(pilot, lambda: _panel(app).result.chosen == "point", "the picked sample")
        point = harness.session.sent(TraceSample)[-1].point
        assert point == point_at(boundary, 10, 4)
        x_min, x_max, y_min, y_max = boundary.grid.bounds
        assert x_min < point[0] < x_min + (x_max - x_min) / 2 and point[1] > (y_min + y_max) / 2
        ds = harness.session.runner.dataset
        nearest = np.argmin(((ds.X_train * ds.input_scale - np.array(point)) ** 2).sum(axis=1))
        assert _panel(app).result.index == nearest
        assert "the sample nearest the point" in screen_text(app)
