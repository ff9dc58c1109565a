"""Editing the network: every edit path, and every refused value keeps the previous one."""

from __future__ import annotations

from dataclasses import replace

import pytest
from runner_session import EDITS
from ui_helpers import started, wait_for

import tui_nn.ui.panels.names as names
from tui_nn.engine.spec import LayerSpec
from tui_nn.session.protocol.messages import SetArchitecture

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def panel(app):
    return app.query_one("ArchitecturePanel")


def sent_specs(harness):
    return [c.spec for c in harness.session.sent(SetArchitecture)]


async def select_row(pilot, app, row: int) -> None:
    app.query_one("#layer-list").focus()
    app.query_one("#layer-list").highlighted = row
    await pilot.pause()


async def test_plus_and_minus_change_the_selected_layer_live(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        assert panel(app).selected == 1  # starts on the first hidden layer
        await pilot.press("plus", "plus")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 10, 8, 1), "2 neurons more")
        await pilot.press("down", "minus")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 10, 7, 1), "one less")
        assert [s.sizes for s in sent_specs(harness)] == [
            (2, 9, 8, 1),
            (2, 10, 8, 1),
            (2, 10, 7, 1),
        ]
        assert app.query_one("#units-input").value == "7"

        for _ in range(5):
            p = panel(app)
            p.action_units(-1)  # down to 2, then the key for the last one
        await pilot.press("minus")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 10, 1, 1), "down to 1")
        await pilot.press("minus")  # 0 neurons: refused
        await pilot.pause()
        assert app.refusals and "out of range" in app.refusals[-1]
        assert panel(app).spec.sizes == (2, 10, 1, 1)
        assert any("out of range" in m.text for m in app.said)  # shown to the user


async def test_typing_a_number_sets_the_neuron_count(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("1", "2", "enter")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 12, 8, 1), "12 neurons")
        assert app.focused.id == "layer-list"  # back in the list after Enter


BAD_COUNTS = [
    ("0", "out of range"),
    ("-3", "out of range"),
    ("abc", "not a whole number"),
    ("5000", "out of range"),
    ("", "not a whole number"),
]


async def test_bad_neuron_counts_are_refused_and_the_old_value_stays(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        field = app.query_one("#units-input")
        for typed, reason in BAD_COUNTS:
            await pilot.press("enter")  # Enter on a hidden layer edits its count
            assert app.focused is field
            field.value = typed
            before = len(app.refusals)
            await pilot.press("enter")
            await wait_for(pilot, lambda b=before: len(app.refusals) > b, f"refusal of {typed!r}")
            assert reason in app.refusals[-1], typed
            await wait_for(pilot, lambda: field.value == "8", "the previous value back")
            assert any(reason in m.text for m in app.said)  # shown to the user
        assert not harness.session.sent(SetArchitecture)
        assert panel(app).spec.sizes == (2, 8, 8, 1)


async def test_insert_and_delete_hidden_layers(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        await pilot.press("i")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 8, 8, 8, 1), "inserted")
        assert panel(app).selected == 2  # the new layer is selected
        await pilot.press("minus")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 8, 7, 8, 1), "edited new")
        await pilot.press("D")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 8, 8, 1), "deleted")
        await pilot.press("D", "D")
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 1), "no hidden layer")
        await pilot.press("i")  # from the input row: a default layer
        await wait_for(pilot, lambda: app.last.network.hidden == (LayerSpec(4, "tanh"),), "one")


async def test_quick_edits_build_on_each_other_before_the_trainer_confirms(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        harness.session.hold = EDITS  # the trainer answers late
        p = panel(app)
        p.action_units(1)
        p.action_units(1)
        # a stale snapshot (still 8 neurons) arrives: it must not undo the edits
        harness.session.publish()
        await pilot.pause()
        assert p.spec.sizes == (2, 10, 8, 1)
        assert [s.sizes for s in sent_specs(harness)] == [(2, 9, 8, 1), (2, 10, 8, 1)]
        harness.session.release()  # both answered (taken) in one snapshot
        await wait_for(pilot, lambda: app.last.network.sizes == (2, 10, 8, 1), "taken")
        assert p.spec.sizes == (2, 10, 8, 1) and not app.refusals


async def test_activations_output_and_loss_cycle(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        expected = names.cycle(names.HIDDEN_ACTIVATIONS, "tanh")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.last.network.hidden[0].activation == expected, "next")
        await pilot.press("A")
        await wait_for(pilot, lambda: app.last.network.hidden[0].activation == "tanh", "back")

        # the output activation and the loss keep fitting each other (one output unit here)
        net = lambda: (app.last.network.output.activation, app.last.network.loss)  # noqa: E731
        await pilot.press("o")
        await wait_for(pilot, lambda: net() == ("identity", "mse"), "bce needs a sigmoid")
        await pilot.press("o")
        await wait_for(pilot, lambda: net() == ("tanh", "mse"), "next output")
        await pilot.press("c")
        await wait_for(pilot, lambda: net() == ("sigmoid", "bce"), "bce brings its sigmoid")
        await pilot.press("c")  # no cce: softmax of one unit is always 1
        await wait_for(pilot, lambda: net() == ("sigmoid", "mse"), "mse with a sigmoid")
        # 'a' on the output and loss rows cycles them too
        await select_row(pilot, app, 3)
        await pilot.press("a")
        await wait_for(pilot, lambda: net() == ("identity", "mse"), "output row")
        await select_row(pilot, app, 4)
        await pilot.press("a")
        await wait_for(pilot, lambda: net() == ("sigmoid", "bce"), "loss row")
        assert not app.refusals


async def test_an_edit_the_trainer_refuses_is_shown_and_undone(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        p = panel(app)
        bad = replace(p.spec, output=LayerSpec(1, "tanh"))  # tanh output with bce: refused
        p._propose(bad)
        await wait_for(pilot, lambda: app.refusals, "the trainer's refusal")
        assert "needs a sigmoid" in app.refusals[-1]
        assert any("needs a sigmoid" in m.text for m in app.said)
        await wait_for(pilot, lambda: p.spec.output.activation == "sigmoid", "undone")
        assert app.last.network.output.activation == "sigmoid"


async def test_input_output_and_layer_count_limits_are_refused(harness):
    app = harness.app
    async with app.run_test() as pilot:
        await started(pilot, harness)
        for row in (0, 3):  # input and output sizes follow the dataset
            await select_row(pilot, app, row)
            await pilot.press("plus")
            await pilot.press("D")
            await pilot.pause()
            assert "follow the dataset" in app.refusals[-1]
        await select_row(pilot, app, 0)
        await pilot.press("5")
        await pilot.pause()
        assert "follow the dataset" in app.refusals[-1]
        assert not harness.session.sent(SetArchitecture)

        for _ in range(13):
            panel(app).action_insert_layer()
        await pilot.press("i")
        await wait_for(pilot, lambda: len(app.last.network.hidden) == 16, "16 layers")
        await pilot.press("i")
        await pilot.pause()
        assert "at most 16" in app.refusals[-1]
        assert len(panel(app).spec.hidden) == 16
