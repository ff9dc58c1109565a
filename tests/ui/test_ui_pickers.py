"""The pickers of the network panel: activation, output, loss and initialiser from a list."""

from __future__ import annotations

import pytest
from ui_helpers import Harness, started, wait_for

import tui_nn.ui.panels.names as names
from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.session.protocol.messages import SetArchitecture
from tui_nn.ui.panels.name_picker import NamePicker

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def panel(app):
    return app.query_one("ArchitecturePanel")


async def select_row(pilot, app, row: int) -> None:
    app.query_one("#layer-list").focus()
    app.query_one("#layer-list").highlighted = row
    await pilot.pause()


def picker(app) -> NamePicker | None:
    return app.screen if isinstance(app.screen, NamePicker) else None


async def pick(pilot, app, name: str) -> None:
    """In the open picker, move to `name` with the arrow keys and press Enter."""
    await wait_for(pilot, lambda: picker(app) is not None, "the picker")
    choices = picker(app).choices
    option_list = picker(app).query_one("#picker-list")
    steps = choices.index(name) - option_list.highlighted
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await wait_for(pilot, lambda: picker(app) is None, "the picker to close")


async def test_p_on_a_hidden_layer_lists_every_hidden_activation_and_applies_one(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("p")
        await wait_for(pilot, lambda: picker(app) is not None, "the picker")
        shown = picker(app)
        assert shown.choices == names.HIDDEN_ACTIVATIONS  # the rules table's names, all of them
        assert shown.what == "activation of h1"
        option_list = shown.query_one("#picker-list")
        assert option_list.highlighted == names.HIDDEN_ACTIVATIONS.index("tanh")  # the current
        await pick(pilot, app, "relu")
        await wait_for(pilot, lambda: app.last.network.hidden[0].activation == "relu", "relu")
        assert [c.spec.hidden[0].activation for c in harness.session.sent(SetArchitecture)] == [
            "relu"
        ]
        assert app.focused.id == "layer-list"  # back in the network panel


async def test_escape_closes_the_picker_and_changes_nothing(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await pilot.press("p")
        await wait_for(pilot, lambda: picker(app) is not None, "the picker")
        await pilot.press("down", "escape")
        await wait_for(pilot, lambda: picker(app) is None, "closed")
        assert not harness.session.sent(SetArchitecture)
        assert panel(app).spec.hidden[0].activation == "tanh"


async def test_output_picker_keeps_the_loss_fitting_and_loss_picker_brings_its_output(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        net = lambda: (app.last.network.output.activation, app.last.network.loss)  # noqa: E731
        assert net() == ("sigmoid", "bce")
        n_hidden = len(panel(app).spec.hidden)
        await select_row(pilot, app, n_hidden + 1)  # the out row: Enter opens its picker
        await pilot.press("enter")
        await wait_for(pilot, lambda: picker(app) is not None, "the output picker")
        assert picker(app).choices == names.output_choices(1)  # no softmax for one unit
        assert "softmax" not in picker(app).choices
        await pick(pilot, app, "identity")
        await wait_for(pilot, lambda: net() == ("identity", "mse"), "bce needs a sigmoid")

        await select_row(pilot, app, n_hidden + 2)  # the loss row
        await pilot.press("p")
        await wait_for(pilot, lambda: picker(app) is not None, "the loss picker")
        assert picker(app).choices == names.loss_choices(1)
        await pick(pilot, app, "bce")
        await wait_for(pilot, lambda: net() == ("sigmoid", "bce"), "bce brings its sigmoid")
        assert not app.refusals


async def test_initialiser_picker_lists_the_engine_initialisers(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        n_hidden = len(panel(app).spec.hidden)
        await select_row(pilot, app, n_hidden + 3)  # the init row
        await pilot.press("enter")
        await wait_for(pilot, lambda: picker(app) is not None, "the init picker")
        assert picker(app).choices == names.INITIALIZERS
        assert "he_normal" in picker(app).choices and "auto" in picker(app).choices
        await pick(pilot, app, "xavier_uniform")
        await wait_for(pilot, lambda: app.last.network.init == "xavier_uniform", "new init")
        await pilot.press("a")  # a cycles the init row too
        expected = names.cycle(names.INITIALIZERS, "xavier_uniform")
        await wait_for(pilot, lambda: app.last.network.init == expected, "cycled")


async def test_picker_on_the_input_row_is_refused_with_the_reason(tmp_path):
    """On data whose inputs cannot be switched (digits: 64 pixels); on 2-D data `p` there picks
    feature inputs (test_ui_playground.py)."""
    harness = Harness(RunConfig(dataset=DatasetSpec("digits")), tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await select_row(pilot, app, 0)
        await pilot.press("p")
        await wait_for(pilot, lambda: app.refusals, "a refusal")
        assert "input layer has none" in app.refusals[-1]
        assert picker(app) is None
