"""The network diagram in the app: shown with `n` in place of the heatmap, read with the arrows,
weights set by hand (Enter, `W`, the palette's "Set a weight or bias") and kept in the saved run."""

from __future__ import annotations

import numpy as np
import pytest
from textual.command import CommandPalette
from textual.widgets import Input
from ui_helpers import Harness, screen_text, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.session.protocol.messages import SetParameter, SetView
from tui_nn.ui.app import create_app
from tui_nn.ui.diagram.draw import NODE, NODE_MARKED
from tui_nn.ui.diagram.parameter_prompt import ParameterPrompt
from tui_nn.ui.diagram.widget import NetworkDiagram

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

NET_2321 = RunConfig(hidden=(3, 2))  # circle: 2 inputs, 1 output


def drawn_nodes(diagram: NetworkDiagram) -> int:
    """Node cells on screen (each node is two cells with a node style, or '··' / '[]')."""
    codes, chars = diagram.picture.codes, diagram.picture.chars
    node = ((codes >= NODE) & (codes < NODE_MARKED + 20)) | (chars == "[") | (chars == "·")
    starts = node & ~np.roll(node, 1, axis=1)
    return int(starts[1:-1].sum())


async def show_diagram(pilot, app) -> NetworkDiagram:
    await pilot.press("n")
    diagram = app.query_one(NetworkDiagram)
    await wait_for(pilot, lambda: diagram.weights is not None, "the weights in the diagram")
    diagram.flush_repaint()
    await pilot.pause()
    return diagram


async def test_n_shows_the_diagram_of_a_2_3_2_1_net_and_asks_for_weights(tmp_path):
    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        assert not app.query_one(NetworkDiagram).display
        diagram = await show_diagram(pilot, app)
        assert diagram.display and not app.query_one("NeuronHeatmap").display
        assert harness.session.sent(SetView)[-1].weights
        assert app.last.network.sizes == (2, 3, 2, 1)
        assert drawn_nodes(diagram) == 2 + 3 + 2 + 1
        assert len(diagram.picture.lines) == 2 * 3 + 3 * 2 + 2 * 1
        assert diagram.has_focus
        await pilot.press("n")  # and back: the heatmap, no more weights
        await wait_for(pilot, lambda: not diagram.display, "the heatmap again")
        assert not harness.session.sent(SetView)[-1].weights


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_readout_is_the_snapshots_numbers_and_is_never_cut(tmp_path, size):
    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=size) as pilot:
        await started(pilot, harness)
        diagram = await show_diagram(pilot, app)
        await wait_for(pilot, lambda: diagram.weights is not None, "the weights")
        await pilot.press("down")  # h1 #2
        info = app.query_one("#neuron-info")
        W, b = diagram.weights[0]  # the snapshot's copy of the trainer's
        assert np.array_equal(W, harness.session.runner.net.layers[0].W)
        await wait_for(pilot, lambda: "h1 #2" in str(info.render()), "the readout")
        assert f"{float(b[1]):.4g}" in str(info.render())
        await pilot.press("left")  # its strongest incoming weight
        k = int(np.argmax(np.abs(W[1])))
        await wait_for(pilot, lambda: f"W1[2,{k + 1}]" in str(info.render()), "a weight")
        text = str(info.render())
        assert f"{float(W[1, k]):.4g}" in text
        screen = " ".join(screen_text(app).split())
        for word in text.split():
            assert word in screen, f"{word!r} of the readout is not on the {size} screen"


async def test_heatmap_readout_fits_at_80_columns(tmp_path):
    harness = Harness(RunConfig(), tmp_path)
    app = harness.app
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, harness)
        harness.session.train(1)  # the statistics of a step
        await wait_for(pilot, lambda: app.last.epoch == 1, "an epoch")
        app.query_one("NeuronHeatmap").focus()
        info = app.query_one("#neuron-info")
        await wait_for(pilot, lambda: "h1 #1" in str(info.render()), "the readout")
        await pilot.pause()
        text = str(info.render())
        assert "|δ|" in text
        screen = " ".join(screen_text(app).split())
        for word in text.split():
            assert word in screen, word


async def test_enter_on_a_weight_sets_it_and_bad_input_is_refused(tmp_path):
    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await show_diagram(pilot, app)
        await pilot.press("left", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ParameterPrompt), "the prompt")
        field = app.screen.query_one(Input)
        assert field.value.startswith("W1[1,")  # filled in with the selected weight
        for bad, words in [
            ("W1[4,1] = 2", "no neuron 4"),
            ("W3[1,1] = nan", "finite"),
            ("b9[1] = 1", "no layer 9"),
            ("W1[1,1] = two", "must be a number"),
        ]:
            field.value = bad
            await pilot.press("enter")
            await wait_for(pilot, lambda w=words: w in app.screen.error, words)
            assert isinstance(app.screen, ParameterPrompt)  # still open: nothing changed
        assert not harness.session.sent(SetParameter)
        field.value = "b2[2] = -0.5"
        await pilot.press("enter")
        await wait_for(pilot, lambda: harness.session.sent(SetParameter), "SetParameter sent")
        assert harness.session.sent(SetParameter)[-1] == SetParameter(1, 1, None, -0.5)
        diagram = app.query_one(NetworkDiagram)
        await wait_for(
            pilot,
            lambda: diagram.weights is not None and diagram.weights[1][1][1] == -0.5,
            "the new value in the diagram",
        )


# ---- with the real trainer -----------------------------------------------------------------

REAL = RunConfig(dataset=DatasetSpec(name="circle", samples=200), hidden=(3, 2))


@pytest.mark.filterwarnings("ignore::ResourceWarning")
async def test_palette_sets_w1_2_1_and_the_saved_run_holds_it(tmp_path):
    from tui_nn.files import load_model

    app = create_app(REAL, runs_directory=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.last is not None, "the trainer's first snapshot")
        diagram = await show_diagram(pilot, app)
        await pilot.press("s", "s", "s")
        await wait_for(pilot, lambda: app.last.step == 3 and app.last.state == "paused", "3 steps")
        await wait_for(pilot, lambda: diagram.view is not None and diagram.view.stepped, "grads")
        diagram.focus()
        await pilot.press("down")  # h1 #2: its bias as the engine holds it
        reading = diagram.reading()
        assert reading.address.text() == "b1[2]"
        bias = reading.value
        await pilot.press("left")
        weight_reading = diagram.reading()
        k = weight_reading.address.col
        assert weight_reading.address.text() == f"W1[2,{k + 1}]"
        assert "∂C/∂w" in weight_reading.long
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Set a weight or bias")
        await wait_for(
            pilot,
            lambda: "Set a weight or bias" in screen_text(app) and app.screen._list_visible,
            "the command listed",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ParameterPrompt), "the prompt")
        app.screen.query_one(Input).value = "W1[2,1] = 1.25"
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: app.message_shown and app.message_shown.text.startswith("W1[2,1] = 1.25"),
            "the answer",
        )
        assert app.message_shown.title == "set by hand"
        await wait_for(
            pilot,
            lambda: diagram.weights is not None and diagram.weights[0][0][1, 0] == 1.25,
            "the diagram's copy",
        )
        await pilot.press("q")
        await wait_for(pilot, lambda: app._exit, "exit")
    saved = load_model(app.return_value)
    W1, b1 = saved.params[0]
    assert W1[1, 0] == np.float32(1.25)
    assert b1[1] == np.float32(bias)  # the readout showed what the engine holds
    if k != 0:
        assert W1[1, k] == np.float32(weight_reading.value)


async def test_a_refusal_from_the_trainer_is_shown(tmp_path):
    """A command the prompt let through but the trainer refused (the network changed
    meanwhile): the trainer's reason is shown and kept in the refusals."""
    from tui_nn.textbook.notation import Address

    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        app.diagram.set_parameter(Address(layer=5, row=0, col=0), 1.0)
        await wait_for(pilot, lambda: app.refusals, "the refusal")
        assert app.refusals[-1] == "refused: no layer 6; the network has layers 1..3"
        assert any("refused" in n.message for n in app._notifications)


async def test_brackets_ask_for_another_sample(tmp_path):
    harness = Harness(NET_2321, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await show_diagram(pilot, app)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: harness.session.sent(SetView)[-1].sample == 1, "sample 1")
        assert harness.session.sent(SetView)[-1].weights  # still the whole view
        diagram = app.query_one(NetworkDiagram)
        await wait_for(pilot, lambda: diagram.view and diagram.view.sample == 1, "1 shown")
        await pilot.press("left_square_bracket")  # from the sample shown
        await wait_for(pilot, lambda: harness.session.sent(SetView)[-1].sample == 0, "0")
