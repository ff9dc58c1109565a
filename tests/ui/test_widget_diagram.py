"""The network diagram: columns, folding, lines by sign and size, selection and its readout."""

from __future__ import annotations

import numpy as np
from widget_helpers import Host, layer_stats, rgb, style_at, text_of

from tui_nn.session.protocol.messages import NetworkView
from tui_nn.ui.diagram.draw import NEGATIVE, POSITIVE
from tui_nn.ui.diagram.layout import block_weights, plan, strongest, top_k
from tui_nn.ui.diagram.widget import NetworkDiagram

SIZES = (2, 3, 2, 1)
ACTS = ("tanh", "tanh", "sigmoid")


def weights_for(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(
        (
            rng.normal(size=(n_out, n_in)).astype(np.float32),
            rng.normal(size=n_out).astype(np.float32),
        )
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    )


def view_for(weights, x):
    a, zs, acts = np.asarray(x, np.float32), [], []
    for W, b in weights:
        z = W @ a + b
        a = np.tanh(z)
        zs.append(z)
        acts.append(a)
    grads = tuple((np.full_like(W, 0.01), np.full_like(b, 0.02)) for W, b in weights)
    return NetworkView(grads, True, 0, "test", np.asarray(x, np.float32), tuple(zs), tuple(acts))


def stats_for(sizes):
    return tuple(layer_stats(np.linspace(0.01, 0.1, n), np.linspace(0, 1, n)) for n in sizes[1:])


# ---- layout (no Textual) -------------------------------------------------------------------


def test_plan_has_a_column_per_layer_and_a_node_per_neuron():
    layout = plan(SIZES, 40, 12)
    assert [c.nodes for c in layout.columns] == [2, 3, 2, 1]
    assert all(c.group == 1 for c in layout.columns)
    xs = [c.x for c in layout.columns]
    assert xs == sorted(xs) and layout.columns[-1].x + 2 <= 40


def test_wide_layers_fold_and_keep_their_strongest_lines():
    layout = plan((64, 128, 10), 40, 10)
    h1 = layout.columns[1]
    assert h1.group == 13 and h1.nodes == 10  # 128 neurons in 10 rows
    assert [i for n in range(h1.nodes) for i in h1.neurons(n)] == list(range(128))
    assert top_k(10, 10) == 3 and top_k(4, 8) == 4
    B = np.array([[1.0, -5.0, 0.1], [0.2, 0.3, -0.4]])
    assert strongest(B, 1) == [(0, 1), (1, 2)]
    W = np.arange(12, dtype=np.float64).reshape(3, 4) - 10.0  # -10..1
    src, dst = plan((4, 3), 20, 2).columns
    assert (src.group, dst.group) == (2, 2)
    assert block_weights(W, src, dst).tolist() == [[-10.0, -8.0], [-2.0, 1.0]]


# ---- the widget ----------------------------------------------------------------------------


async def _diagram(size=(44, 14)):
    diagram = NetworkDiagram(min_interval=0.0)
    host = Host(diagram)
    return diagram, host


async def test_draws_nodes_and_coloured_lines_and_reads_a_weight():
    diagram, host = await _diagram()
    weights = weights_for(SIZES)
    async with host.run_test(size=(44, 14)) as pilot:
        diagram.update_network(SIZES, ACTS)
        diagram.update_weights(weights, view_for(weights, [0.5, -1.0]))
        diagram.update_layers(stats_for(SIZES))
        diagram.flush_repaint()
        await pilot.pause()
        pic = diagram.picture
        assert len(pic.lines) == 2 * 3 + 3 * 2 + 2 * 1  # every line of a small net
        header = text_of(diagram.render_line(0))
        assert header.split() == ["x", "h1", "h2", "out"]
        # the colour of each drawn line follows its weight's sign
        for n, (layer, j, i) in enumerate(pic.lines):
            cells = np.argwhere(pic.owner == n)
            if len(cells) == 0:
                continue  # covered by stronger lines
            y, x = cells[len(cells) // 2]
            colour = rgb(style_at(diagram.render_line(1 + y), x).color)
            expected = POSITIVE if weights[layer][0][j, i] >= 0 else NEGATIVE
            assert colour in expected
        diagram.focus()
        await pilot.pause()
        diagram.cursor = (1, 1)
        diagram.action_move(-1, 0)  # the strongest line into h1 #2
        reading = diagram.reading()
        strongest_input = int(np.argmax(np.abs(weights[0][0][1])))
        assert reading.address.text() == f"W1[2,{strongest_input + 1}]"
        assert reading.value == float(weights[0][0][1, strongest_input])
        assert "∂C/∂w = 0.01" in reading.long and "from x" in reading.long
        diagram.action_move(0, 1)
        assert diagram.reading().address.col == (strongest_input + 1) % 2
        diagram.action_move(1, 0)  # back to the neuron: its bias, z and a
        reading = diagram.reading()
        z = float(weights[0][0][1] @ np.array([0.5, -1.0], np.float32) + weights[0][1][1])
        assert reading.address.text() == "b1[2]"
        assert f"= {z:.4g}" in reading.long and "a = tanh(z)" in reading.long


async def test_only_changed_rows_are_refreshed():
    diagram, host = await _diagram()
    weights = weights_for(SIZES)
    async with host.run_test(size=(44, 14)) as pilot:
        diagram.update_network(SIZES, ACTS)
        diagram.update_weights(weights, None)
        diagram.update_layers(stats_for(SIZES))
        diagram.flush_repaint()
        await pilot.pause()
        before = diagram.bytes_sent
        diagram.update_layers(stats_for(SIZES))  # the same numbers again
        diagram.flush_repaint()
        assert diagram.bytes_sent == before
        stats = list(stats_for(SIZES))
        stats[2] = layer_stats([5.0], [1.0])  # the output node only
        diagram.update_layers(tuple(stats))
        diagram.flush_repaint()
        assert 0 < diagram.bytes_sent - before < 1500


async def test_a_click_selects_a_node_or_the_line_under_it():
    diagram, host = await _diagram()
    weights = weights_for(SIZES)
    async with host.run_test(size=(44, 14)) as pilot:
        diagram.update_network(SIZES, ACTS)
        diagram.update_weights(weights, view_for(weights, [0.5, -1.0]))
        diagram.flush_repaint()
        await pilot.pause()
        out = diagram.diagram_layout.columns[3]
        await pilot.click(NetworkDiagram, offset=(out.x, 1 + out.ys[0]))
        assert diagram.cursor == (3, 0) and diagram.line is None
        assert diagram.reading().address.text() == "b3[1]"
        owner = diagram.picture.owner
        n = next(n for n in range(len(diagram.picture.lines)) if (owner == n).sum() > 3)
        layer, j, i = diagram.picture.lines[n]
        y, x = np.argwhere(owner == n)[len(np.argwhere(owner == n)) // 2]
        await pilot.click(NetworkDiagram, offset=(int(x), 1 + int(y)))
        assert diagram.cursor == (layer + 1, j) and diagram.line == i
        assert diagram.reading().address.text() == f"W{layer + 1}[{j + 1},{i + 1}]"


async def test_image_inputs_are_a_picture_of_the_sample():
    diagram, host = await _diagram()
    sizes = (64, 16, 10)
    weights = weights_for(sizes)
    image = np.zeros((8, 8), np.float32)
    image[:, 3] = 1.0  # a vertical bar
    view = view_for(weights, image.ravel())
    view = NetworkView(view.grads, True, 4, "test", view.x, view.z, view.a, (8, 8), "7")
    async with host.run_test(size=(60, 16)) as pilot:
        diagram.update_network(sizes, ("relu", "softmax"))
        diagram.update_weights(weights, view)
        diagram.flush_repaint()
        await pilot.pause()
        column = diagram.diagram_layout.columns[0]
        assert column.picture == (4, 8, 1)  # 8x8 pixels in 4 rows of half blocks
        rows = [text_of(diagram.render_line(1 + column.ys[0] + r)) for r in range(4)]
        assert all(row[:8] == "▀" * 8 for row in rows)
        bar = style_at(diagram.render_line(1 + column.ys[0]), 3)
        dark = style_at(diagram.render_line(1 + column.ys[0]), 0)
        assert rgb(bar.color) == (255, 255, 255) and rgb(dark.color) == (0, 0, 0)
        assert not any(layer == 0 for layer, _, _ in diagram.picture.lines)  # no 784 lines
        assert text_of(diagram.render_line(0)).startswith("x 64px")
        diagram.focus()
        diagram.cursor, diagram.line = (1, 2), 19  # W1[3,20]: from pixel (3,4)
        assert "pixel 3,4" in diagram.reading().long
        assert "test sample #5, label 7" in words_of_input(diagram)


def words_of_input(diagram: NetworkDiagram) -> str:
    diagram.cursor, diagram.line = (0, 0), None
    return diagram.reading().long


def test_changed_cells_are_split_into_spans():
    from tui_nn.ui.diagram.widget import spans

    changed = np.zeros(40, dtype=bool)
    assert spans(changed) == []
    changed[[2, 3, 5, 20, 21, 39]] = True
    assert spans(changed) == [(2, 6), (20, 22), (39, 40)]


async def test_a_mode_toggle_sends_the_nodes_not_the_lines():
    diagram, host = await _diagram()
    sizes = (2, 8, 8, 1)
    weights = weights_for(sizes)
    async with host.run_test(size=(52, 22)) as pilot:
        diagram.update_network(sizes, ACTS)
        diagram.update_weights(weights, view_for(weights, [0.5, -1.0]))
        diagram.update_layers(stats_for(sizes))
        diagram.flush_repaint()
        await pilot.pause()
        full = diagram.bytes_sent
        diagram.toggle_mode()
        toggle = diagram.bytes_sent - full
        assert 0 < toggle < full / 3


def test_the_traced_layer_and_neuron_are_drawn_in_the_trace_colour():
    from tui_nn.ui.diagram.draw import TRACED, Content, compose

    layout = plan(SIZES, 40, 12)
    weights = weights_for(SIZES)
    view = view_for(weights, [0.5, -0.5])

    def picture(traced):
        content = Content(SIZES, weights, view, stats_for(SIZES), "delta", traced)
        return compose(layout, 40, 14, content, None, None)

    def nodes(pic, c):
        column = layout.columns[c]
        return ["".join(pic.chars[1 + y, column.x : column.x + 2]) for y in column.ys]

    plain, layer, neuron = picture(None), picture((1, None)), picture((2, 1))
    assert not (plain.codes == TRACED).any()
    assert nodes(layer, 1) == ["▸◂"] * 3 and nodes(layer, 2) == nodes(plain, 2)
    assert (layer.codes[0, layout.columns[1].x : layout.columns[1].x + 2] == TRACED).all()
    assert nodes(neuron, 2) == ["▸◂", "▶◀"] and nodes(neuron, 1) == nodes(plain, 1)
    y = 1 + layout.columns[2].ys[1]
    assert (neuron.codes[y, layout.columns[2].x : layout.columns[2].x + 2] == TRACED).all()
    # the lines are the same: only the label and the nodes of the traced layer differ
    assert (plain.chars[1:-1] != neuron.chars[1:-1]).sum() == 2 * 2
