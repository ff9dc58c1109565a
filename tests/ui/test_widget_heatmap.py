"""The per-neuron heatmap: layout and folding, colours, row-level refresh, cursor, marks."""

from __future__ import annotations

import numpy as np
from widget_helpers import Host, char_at, layer_stats, rgb, style_at, text_of, wait_until

from tui_nn.ui.widgets.draw.colours import SEQUENTIAL
from tui_nn.ui.widgets.heatmap import NeuronHeatmap
from tui_nn.ui.widgets.heatmap_layout import CELL_WIDTH, GAP, plan

# ---- layout (no Textual) -------------------------------------------------------------------


def test_plan_places_every_neuron_once_and_fits_the_width():
    for units, width, rows in [((8, 8, 1), 40, 10), ((128, 64, 10), 38, 8), ((4096,), 20, 3)]:
        layout = plan(units, width, rows)
        for block, n in zip(layout.blocks, units):
            covered = [i for cell in range(block.cells) for i in block.neurons(cell)]
            assert covered == list(range(n))
            assert block.rows <= rows
        last = layout.blocks[-1]
        assert last.x + last.width <= width


def test_plan_folds_only_when_needed():
    small = plan((8, 8, 1), 80, 10)
    assert [b.group for b in small.blocks] == [1, 1, 1]
    wide = plan((128, 64, 10), 30, 8)
    assert wide.blocks[0].group > 1
    assert wide.blocks[2].group == 1  # the small output layer is never folded


def test_fold_averages_groups():
    block = plan((5,), 2, 1).blocks[0]  # one cell for five neurons
    assert block.cells == 1 and block.group == 5
    assert block.fold(np.arange(5, dtype=np.float32)).tolist() == [2.0]


# ---- the widget ----------------------------------------------------------------------------


def _cell_strip_x(hm: NeuronHeatmap, layer: int, neuron: int) -> tuple[int, int]:
    """(screen row, character column) of a neuron's cell."""
    block = hm.grid_layout.blocks[layer]
    column, row = block.position(neuron // block.group)
    return 1 + row, block.x + column * CELL_WIDTH


async def test_cell_colours_follow_the_values_on_a_shared_scale():
    hm = NeuronHeatmap(min_interval=0)
    app = Host(hm)
    async with app.run_test(size=(60, 20)) as pilot:
        hidden = layer_stats(np.linspace(0.0, 1.0, 9))
        out = layer_stats([0.5])
        hm.update_layers((hidden, out), (2, 9, 1))
        await wait_until(pilot, lambda: len(hm.grid_layout.blocks) == 2)
        assert not hm.scale.log and hm.scale.lo == 0.0 and hm.scale.hi == 1.0
        colours = []
        for neuron in range(9):
            y, x = _cell_strip_x(hm, 0, neuron)
            colours.append(rgb(style_at(hm.render_line(y), x).bgcolor))
        assert colours[0] == SEQUENTIAL[0] and colours[-1] == SEQUENTIAL[-1]
        levels = [SEQUENTIAL.index(c) for c in colours]
        assert levels == sorted(levels) and len(set(levels)) > 5
        y, x = _cell_strip_x(hm, 1, 0)  # the output neuron, on the same scale
        assert rgb(style_at(hm.render_line(y), x).bgcolor) == colours[4]
        legend = text_of(hm.render_line(hm.grid_layout.rows + 1))
        assert "|δ|" in legend and "0" in legend and "1" in legend


async def test_only_rows_that_changed_are_refreshed():
    hm = NeuronHeatmap(min_interval=0)
    app = Host(hm)
    async with app.run_test(size=(60, 20)) as pilot:
        delta = np.linspace(0.0, 1.0, 8)
        hm.update_layers((layer_stats(delta), layer_stats([1.0])), (2, 8, 1))
        await wait_until(pilot, lambda: len(hm.grid_layout.blocks) == 2)
        count = hm.repaint_count
        refreshed: list[int] = []
        original = hm.refresh_line
        hm.refresh_line = lambda y, *span: (refreshed.append(y), original(y, *span))
        hm.update_layers((layer_stats(delta), layer_stats([1.0])), (2, 8, 1))
        await wait_until(pilot, lambda: hm.repaint_count == count + 1)
        assert refreshed == []  # same values: nothing to send
        changed = delta.copy()
        changed[3] = 0.0  # neuron 3 changes colour, the scale (0..1) does not
        hm.update_layers((layer_stats(changed), layer_stats([1.0])), (2, 8, 1))
        await wait_until(pilot, lambda: hm.repaint_count == count + 2)
        assert refreshed == [_cell_strip_x(hm, 0, 3)[0]]


async def test_cursor_moves_post_the_selected_neurons_numbers():
    hm = NeuronHeatmap(min_interval=0)
    app = Host(hm)
    async with app.run_test(size=(60, 20)) as pilot:
        h1 = layer_stats([0.1, 0.2, 0.3], activation=[1.0, 2.0, 3.0], dead=[0.0, 0.5, 1.0])
        h2 = layer_stats([0.4, 0.5], activation=[4.0, 5.0])
        out = layer_stats([0.6], activation=[6.0])
        hm.update_layers((h1, h2, out), (2, 3, 2, 1))
        await wait_until(pilot, lambda: len(hm.grid_layout.blocks) == 3)
        hm.focus()
        await pilot.press("down", "down")
        await wait_until(pilot, lambda: app.seen and app.seen[-1].index == 2)
        last = app.seen[-1]
        assert last.layer == 0 and last.values["activation"] == 3.0
        assert last.values["dead"] == 1.0 and abs(last.values["delta"] - 0.3) < 1e-6
        await pilot.press("right")
        await wait_until(pilot, lambda: app.seen[-1].layer == 1)
        assert app.seen[-1].index == 1  # same row as far as the shorter layer goes
        assert app.seen[-1].values["activation"] == 5.0
        await pilot.press("right", "up", "left")
        await wait_until(pilot, lambda: len(app.seen) >= 6)
        assert (app.seen[-1].layer, app.seen[-1].index) == (1, 0)
        y, x = _cell_strip_x(hm, 1, 0)
        assert text_of(hm.render_line(y))[x : x + 2] == "[]"  # the cursor is drawn


async def test_folded_cells_report_the_group_mean():
    hm = NeuronHeatmap(min_interval=0)
    app = Host(hm)
    async with app.run_test(size=(12, 5)) as pilot:  # 3 cell rows, 3 cells wide at most
        delta = np.arange(128, dtype=np.float32) / 128
        hm.update_layers((layer_stats(delta), layer_stats([0.5])), (784, 128, 1))
        await wait_until(pilot, lambda: len(hm.grid_layout.blocks) == 2)
        block = hm.grid_layout.blocks[0]
        assert block.group > 1
        hm.focus()
        await wait_until(pilot, lambda: bool(app.seen))
        first = app.seen[-1]
        assert first.layer == 0 and first.index == 0
        assert first.values["neurons"] == block.group
        assert abs(first.values["delta"] - float(delta[: block.group].mean())) < 1e-6


async def test_dead_neurons_are_marked_and_mode_toggles_the_legend():
    hm = NeuronHeatmap(min_interval=0)
    app = Host(hm)
    async with app.run_test(size=(60, 20)) as pilot:
        h1 = layer_stats([0.5, 0.0, 0.2], activation=[0.0, 1.0, 2.0], dead=[0.0, 1.0, 0.0])
        hm.update_layers((h1, layer_stats([1.0])), (2, 3, 1))
        await wait_until(pilot, lambda: len(hm.grid_layout.blocks) == 2)
        y, x = _cell_strip_x(hm, 0, 1)
        assert char_at(hm.render_line(y), x) == "×"
        y, x = _cell_strip_x(hm, 0, 2)
        assert char_at(hm.render_line(y), x) == " "
        legend_y = hm.grid_layout.rows + 1
        assert "dead" in text_of(hm.render_line(legend_y))
        hm.toggle_mode()
        await wait_until(pilot, lambda: "act" in text_of(hm.render_line(legend_y)))
        assert hm.mode == "activation"
        y, x = _cell_strip_x(hm, 0, 2)  # the largest activation now has the top colour
        assert rgb(style_at(hm.render_line(y), x).bgcolor) == SEQUENTIAL[-1]


async def test_layout_fits_small_and_large_terminals():
    for size in [(80, 24), (120, 40)]:
        hm = NeuronHeatmap(min_interval=0)
        app = Host(hm)
        async with app.run_test(size=size) as pilot:
            units = (128, 64, 10)
            rng = np.random.default_rng(1)
            hm.update_layers(tuple(layer_stats(rng.random(n)) for n in units), (784, *units))
            await wait_until(pilot, lambda hm=hm: len(hm.grid_layout.blocks) == 3)
            width = hm.size.width
            assert all(len(text_of(hm.render_line(y))) == width for y in range(hm.size.height))
            blocks = hm.grid_layout.blocks
            assert blocks[-1].x + blocks[-1].width + GAP <= width + GAP
