"""Trace mode with the other views: the network diagram beside the trace panel (the layer and
neuron of the step highlighted, the traced sample's numbers), the traced sample marked on the
decision boundary, and picking a point on the boundary with the keys (c, arrows, Enter, Esc)."""

from __future__ import annotations

import numpy as np
import pytest
from ui_helpers import Harness, screen_text, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.session.protocol.messages import SetView, TraceSample
from tui_nn.ui.diagram.draw import TRACED
from tui_nn.ui.diagram.widget import NetworkDiagram
from tui_nn.ui.trace.controller import point_at
from tui_nn.ui.trace.panel import TracePanel
from tui_nn.ui.views.boundary import DecisionBoundary

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

NET_2321 = RunConfig(hidden=(3, 2))  # circle: 2 inputs, 1 output


async def _traced(pilot, app) -> TracePanel:
    panel = app.query_one(TracePanel)
    await wait_for(pilot, lambda: panel.result is not None and not panel.pending, "a trace")
    await pilot.pause()
    return panel


def _traced_cells(diagram: NetworkDiagram) -> set[tuple[int, int]]:
    """(row, x) of every cell drawn in the trace colour."""
    ys, xs = np.nonzero(diagram.picture.codes == TRACED)
    return {(int(y), int(x)) for y, x in zip(ys, xs)}


def _column_nodes(diagram: NetworkDiagram, c: int) -> list[str]:
    column = diagram.diagram_layout.columns[c]
    return ["".join(diagram.picture.chars[1 + y, column.x : column.x + 2]) for y in column.ys]


async def test_the_diagram_follows_the_trace_step_by_step(tmp_path):
    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("n")  # the diagram first, then trace mode: both side by side
        diagram = app.query_one(NetworkDiagram)
        await wait_for(pilot, lambda: diagram.weights is not None, "the weights")
        await pilot.press("T")
        panel = await _traced(pilot, app)
        await wait_for(pilot, lambda: diagram.look is not None, "the trace in the diagram")
        assert diagram.display and panel.display and app.query_one(DecisionBoundary).display
        assert app.focused is panel  # the keys stay the trace's
        trace = panel.result.trace
        # the diagram draws the traced sample's numbers, not the snapshot's
        weights, view, stats = diagram.shown()
        np.testing.assert_array_equal(view.x, trace.x)
        for (W, b), t, z, s in zip(weights, trace.layers, view.z, stats):
            np.testing.assert_array_equal(W, t.W)
            np.testing.assert_array_equal(b, t.b)
            np.testing.assert_array_equal(z, t.z)
            np.testing.assert_array_equal(s.mean_abs_delta, np.abs(t.delta))
        # (the weights are the trainer's either way; x and z are the traced training sample's,
        # not those of the test sample the diagram reads otherwise)
        assert not np.array_equal(diagram.view.x, trace.x) or diagram.view.split == "train"
        reading = diagram.reading()  # h1 #1: z and a of the traced sample
        assert f"{float(trace.layers[0].z[0]):.4g}" in reading.long
        # step 1 is forward, layer 1: its label and its nodes are marked, no single neuron
        await wait_for(pilot, lambda: diagram.traced_at == (1, None), "layer 1 highlighted")
        diagram.flush_repaint()
        assert _column_nodes(diagram, 1) == ["▸◂"] * 3
        assert "▸◂" not in _column_nodes(diagram, 2)
        label_x = diagram.diagram_layout.columns[1].x
        assert (0, label_x) in _traced_cells(diagram)
        # a step refreshes only the changed cells: the labels' row and the nodes of two layers
        full, lines = [], []
        whole = diagram.refresh
        diagram.refresh = lambda *a, **k: (None if a else full.append(k), whole(*a, **k))
        original = diagram.refresh_line
        diagram.refresh_line = lambda y, *span: (lines.append(y), original(y, *span))
        await pilot.press("right")
        await wait_for(pilot, lambda: diagram.traced_at == (2, None), "layer 2 highlighted")
        columns = diagram.diagram_layout.columns
        node_rows = {1 + y for c in (1, 2) for y in columns[c].ys}
        assert lines and set(lines) <= {0} | node_rows and not full
        del diagram.refresh, diagram.refresh_line
        assert _column_nodes(diagram, 2) == ["▸◂"] * 2 and "▸◂" not in _column_nodes(diagram, 1)
        await pilot.press("right", "right")  # the cost: of the output layer
        await wait_for(pilot, lambda: diagram.traced_at == (3, None), "the output")
        await pilot.press("escape")  # leave: the snapshot's numbers again, no highlight
        await wait_for(pilot, lambda: not app.trace.on, "trace mode left")
        assert diagram.look is None and diagram.traced_at is None
        diagram.flush_repaint()
        assert not _traced_cells(diagram)


async def test_one_neuron_of_a_wide_layer_is_highlighted(tmp_path):
    harness = Harness(RunConfig(hidden=(24,)), tmp_path)
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        await pilot.press("T")
        panel = await _traced(pilot, app)
        assert not app.query_one(NetworkDiagram).display  # the trace works without it
        await pilot.press("v")  # the diagram beside the panel, from the panel
        diagram = app.query_one(NetworkDiagram)
        await wait_for(pilot, lambda: diagram.look is not None, "the trace in the diagram")
        assert harness.session.sent(SetView)[-1].weights and app.focused is panel
        await wait_for(pilot, lambda: diagram.traced_at == (1, 0), "neuron 1 of layer 1")
        await pilot.press("down", "down", "down")
        await wait_for(pilot, lambda: diagram.traced_at == (1, 3), "neuron 4")
        diagram.flush_repaint()
        column = diagram.diagram_layout.columns[1]
        nodes = _column_nodes(diagram, 1)
        assert nodes[column.node_of(3)] == "▶◀"
        assert nodes.count("▶◀") == 1 and nodes.count("▸◂") == len(nodes) - 1
        assert "neuron 4 of 24" in screen_text(app)
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        await pilot.press("v")  # and hidden again: the trace goes on
        await wait_for(pilot, lambda: not diagram.display, "the diagram hidden")
        await pilot.press("right")
        await wait_for(pilot, lambda: panel.step == 1, "the next step")
        assert "Forward, layer 2" in screen_text(app)


async def test_the_traced_sample_is_marked_on_the_boundary(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        boundary = app.query_one(DecisionBoundary)
        await pilot.press("T")
        panel = await _traced(pilot, app)
        x = panel.result.trace.x
        await wait_for(pilot, lambda: boundary.sample_mark is not None, "the mark")
        assert boundary.sample_mark == (float(x[0]), float(x[1]))
        boundary.flush_repaint()
        col, row = boundary.cell_of(boundary.sample_mark)
        assert boundary.render_line(row).text[col] == "◆"
        assert screen_text(app).count("◆") == 1
        first = panel.result.index
        await pilot.press("n")  # another sample: the mark moves with it
        await wait_for(pilot, lambda: panel.result.index == first + 1, "the next sample")
        await wait_for(pilot, lambda: boundary.sample_mark[0] == float(panel.result.trace.x[0]))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.trace.on, "left")
        assert boundary.sample_mark is None
        boundary.flush_repaint()
        await pilot.pause()
        assert "◆" not in screen_text(app)


async def test_keyboard_picking_traces_the_sample_nearest_the_cursor(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        session = harness.session
        boundary = app.query_one(DecisionBoundary)
        await pilot.press("T")
        panel = await _traced(pilot, app)
        await wait_for(pilot, lambda: boundary.grid is not None, "a decision grid")
        await wait_for(pilot, lambda: boundary.sample_mark is not None, "the mark")
        start = boundary.cell_of(boundary.sample_mark)
        await pilot.press("c")
        await wait_for(pilot, lambda: panel.picking, "picking")
        assert boundary.cursor == start  # the cursor starts on the traced sample
        assert "pick a point" in screen_text(app) and "╋" in screen_text(app)
        step = panel.step
        await pilot.press("left", "left", "left", "up", "up")
        target = (start[0] - 3, start[1] - 2)
        await wait_for(pilot, lambda: boundary.cursor == target, "the cursor moved")
        assert panel.step == step  # the arrows move the cursor, not the trace
        await pilot.press("enter")
        await wait_for(pilot, lambda: panel.result.chosen == "point", "the picked sample")
        point = session.sent(TraceSample)[-1].point
        assert point == point_at(boundary, *target)
        ds = session.runner.dataset
        nearest = np.argmin(((ds.X_train * ds.input_scale - np.array(point)) ** 2).sum(axis=1))
        assert panel.result.index == nearest and panel.result.split == "train"
        assert not panel.picking and boundary.cursor is None
        await pilot.pause()
        assert "╋" not in screen_text(app)

        # Esc cancels: nothing is sent, trace mode stays; the cursor stays inside the picture
        sent = len(session.sent(TraceSample))
        await pilot.press("c")
        await wait_for(pilot, lambda: panel.picking, "picking again")
        cols = boundary.grid_size[0]
        await pilot.press(*["right"] * (cols + 2))
        await wait_for(pilot, lambda: boundary.cursor[0] == cols - 1, "at the right edge")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not panel.picking, "cancelled")
        assert boundary.cursor is None and app.trace.on
        assert len(session.sent(TraceSample)) == sent

        # a click while picking traces the point clicked and ends picking
        await pilot.press("c")
        await wait_for(pilot, lambda: panel.picking, "picking once more")
        await pilot.click("#boundary", offset=(5, 3))
        await wait_for(pilot, lambda: len(session.sent(TraceSample)) == sent + 1, "the click")
        assert session.sent(TraceSample)[-1].point == point_at(boundary, 5, 3)
        assert not panel.picking and boundary.cursor is None


async def test_picking_needs_2d_data(tmp_path):
    config = RunConfig(dataset=DatasetSpec(name="quadratic"), hidden=(3,))
    harness = Harness(config, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("T")
        panel = await _traced(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, lambda: "2-D data only" in panel.note, "the note")
        assert not panel.picking
        assert app.query_one(DecisionBoundary).sample_mark is None


async def test_image_inputs_stay_a_picture_with_the_traced_sample(tmp_path):
    config = RunConfig(dataset=DatasetSpec(name="digits"), hidden=(8,))
    harness = Harness(config, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("T")
        panel = await _traced(pilot, app)
        await pilot.press("v")  # the diagram's first weights arrive after the trace
        diagram = app.query_one(NetworkDiagram)
        await wait_for(
            pilot,
            lambda: diagram.look is not None and diagram.look.view.image_shape == (8, 8),
            "the traced sample as a picture",
        )
        diagram.flush_repaint()
        assert diagram.diagram_layout.columns[0].picture is not None
        np.testing.assert_array_equal(diagram.look.view.x, panel.result.trace.x)
        assert app.query_one(DecisionBoundary).sample_mark is None  # not 2-D: no mark


async def test_a_weight_set_by_hand_while_tracing_is_traced_again(tmp_path):
    from tui_nn.textbook.notation import Address

    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("n", "T")
        panel = await _traced(pilot, app)
        index = panel.result.index
        diagram = app.query_one(NetworkDiagram)
        await wait_for(pilot, lambda: diagram.look is not None, "the trace in the diagram")
        app.diagram.set_parameter(Address(layer=0, row=1, col=0), 1.25)  # W1[2,1] = 1.25
        await wait_for(
            pilot, lambda: panel.result.trace.layers[0].W[1, 0] == 1.25, "the trace redone"
        )
        assert harness.session.sent(TraceSample)[-1] == TraceSample(index=index, split="train")
        assert panel.result.index == index
        await wait_for(pilot, lambda: diagram.shown()[0][0][0][1, 0] == 1.25, "in the diagram")
        t = panel.result.trace.layers[0]
        assert np.isclose(t.z[1], t.W[1] @ t.a_in + t.b[1], atol=1e-6)
