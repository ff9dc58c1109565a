"""The playground's widget details: discrete output, A/B labels, a replayed epoch's legend, the
plane's legend, k classes in shades of their confidence, and a neuron map drawn from values."""

from __future__ import annotations

import numpy as np
from test_widget_boundary import BOUNDS, split_grid, summary
from widget_helpers import Host, rgb, style_at, text_of, wait_until

from tui_nn.session.protocol.messages import DataSummary, DecisionGrid, NeuronMaps
from tui_nn.ui.views.boundary import DecisionBoundary
from tui_nn.ui.views.boundary_canvas import SHADES, background, colouring, shade
from tui_nn.ui.views.neuron_maps import NeuronMapsView
from tui_nn.ui.widgets.draw.colours import DIVERGING


def legend(db) -> str:  # noqa: ANN001
    return text_of(db.render_line(db.size.height - 1))


async def test_discrete_labels_epoch_and_plane_in_the_legend():
    db = DecisionBoundary(min_interval=0)
    async with Host(db).run_test(size=(60, 10)) as pilot:
        db.set_data(summary())
        await wait_until(pilot, lambda: db.grid_size[1] > 0)
        cols, rows = db.grid_size
        values = np.linspace(0, 1, rows * cols, dtype=np.float32).reshape(rows, cols)
        db.update_grid(DecisionGrid(values, BOUNDS, "probability"))
        await wait_until(pilot, lambda: db.canvas.shape == (rows, cols))
        assert len(np.unique(db.canvas)) == len(DIVERGING)  # the gradient
        db.set_discrete(True)
        await wait_until(pilot, lambda: len(np.unique(db.canvas)) == 2)
        assert set(np.unique(db.canvas)) == {0, len(DIVERGING) - 1}
        assert legend(db).startswith("discrete")
        db.set_label("B")
        db.update_grid(DecisionGrid(values, BOUNDS, "probability", epoch=12))
        db.flush_repaint()
        await pilot.pause()
        assert legend(db).startswith(" B  epoch 12 discrete")
        wide = DataSummary(**{**summary().__dict__, "plane": ("c", "a"), "held": 2})
        db.set_data(wide)
        db.update_grid(split_grid(rows, cols, 3))
        db.flush_repaint()
        await pilot.pause()
        assert "c→ a↑ (2 at mean)" in legend(db)


def test_k_classes_are_shaded_by_their_confidence():
    s = DataSummary("s", "classification", 2, 3, 3, 9, 9, ("a", "b", "c"), None, None, None,
                    None, BOUNDS)  # fmt: skip
    c = colouring("class", s)
    assert c.levels == 3 * SHADES
    values = np.array([[0, 1, 2, 2]], dtype=np.float32)
    sure = np.array([[1.0, 0.34, 0.7, 0.99]], dtype=np.float32)
    grid = DecisionGrid(values, BOUNDS, "class", probabilities=sure)
    index = background(grid, c, 1, 4)
    assert list(index[0] // SHADES) == [0, 1, 2, 2]  # the class
    assert list(index[0] % SHADES) == [SHADES - 1, 0, 1, SHADES - 1]  # its confidence
    assert list(background(grid, c, 1, 4, discrete=True)[0] % SHADES) == [SHADES - 1] * 4
    assert shade((200, 100, 0), 0) < shade((200, 100, 0), SHADES - 1)


async def test_a_neuron_map_is_drawn_from_its_values():
    view = NeuronMapsView(min_interval=0)
    async with Host(view).run_test(size=(40, 12)) as pilot:
        s = DataSummary(**{**summary().__dict__, "plane": ("x1", "x2")})
        view.set_data(s)
        view.set_network((2, 3, 1))
        values = np.zeros((3, 4, 4), dtype=np.float32)
        values[1, :, 2:] = 1.0  # neuron 2: -1 on the left half, +1 on the right
        values[1, :, :2] = -1.0
        view.update_maps(NeuronMaps(0, "tanh", values, BOUNDS, None, -1.0, 1.0))
        view.select(0, 1)
        await wait_until(pilot, lambda: "h1[2]" in text_of(view.render_line(0)))
        row = view.render_line(3)
        assert rgb(style_at(row, 2).bgcolor) == DIVERGING[0]  # -1: the palette's first
        assert rgb(style_at(row, 37).bgcolor) == DIVERGING[-1]  # +1: its last
        assert "tanh(W1[2,:]·a0 + b1[2])" in text_of(view.render_line(0))
        view.action_toggle_all()
        await wait_until(pilot, lambda: "3 neurons" in text_of(view.render_line(0)))
        labels = [text_of(view.render_line(y)) for y in range(view.size.height)]
        assert any("1" in line and "2" in line and "3" in line for line in labels)


def test_the_diagram_names_feature_inputs():
    import tui_nn.ui.diagram.text as words

    names = ("x1", "x1²", "x2²")
    assert words.input_reading(1, 3, None, names).short == "x1²"
    assert words.source_name(0, 2, 2, None, names) == "x2²"
    assert words.source_name(0, 2, 2, None) == "x3"  # no names: x1, x2, ...
    assert words.source_name(1, 2, 2, None, names) == "h1 #3"
