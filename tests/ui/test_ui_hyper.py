"""Editing hyper-parameters and data: accepted values go to the trainer, refused ones stay out."""

from __future__ import annotations

import pytest
from runner_session import EDITS
from textual.widgets import Input
from ui_helpers import started, wait_for

from tui_nn.session.protocol.messages import SetDataset, SetHyper

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


async def type_into(pilot, app, field_id: str, text: str) -> None:
    field = app.query_one(f"#{field_id}")
    field.focus()
    await pilot.pause()
    field.value = text
    await pilot.press("enter")


GOOD_HYPER = [
    ("lr", "0.1", "lr", 0.1),
    ("batch_size", "full", "batch_size", None),
    ("batch_size", "32", "batch_size", 32),
    ("l1", "0.001", "l1", 0.001),
    ("l2", "1e-4", "l2", 1e-4),
    ("epochs", "50", "epochs", 50),
    ("epochs", "none", "epochs", None),
]


async def test_hyper_parameters_apply_live(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        for field_id, text, attr, value in GOOD_HYPER:
            field = app.query_one(f"#{field_id}")
            field.value = text
            field.post_message(Input.Submitted(field, text))
            await wait_for(pilot, lambda a=attr, v=value: getattr(app.last.hyper, a) == v, text)
        assert len(harness.session.sent(SetHyper)) == len(GOOD_HYPER)
        assert not app.refusals
        assert "epoch 0" in app.query_one("StatusLine").plain  # no budget shown for "none"

        field = app.query_one("#lr")  # leaving a field applies it too
        field.focus()
        await pilot.pause()
        field.value = "0.5"
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.last.hyper.lr == 0.5, "lr on blur")


BAD_VALUES = [
    ("lr", "0", "out of range"),
    ("lr", "-1", "out of range"),
    ("lr", "fast", "not a number"),
    ("lr", "100", "out of range"),
    ("lr", "nan", "out of range"),
    ("batch_size", "0", "out of range"),
    ("batch_size", "1.5", "not a whole number"),
    ("l1", "-0.1", "out of range"),
    ("l2", "2", "out of range"),
    ("epochs", "0", "out of range"),
    ("epochs", "-5", "out of range"),
    ("samples", "5", "out of range"),
    ("samples", "many", "not a whole number"),
    ("noise", "-1", "out of range"),
    ("test_fraction", "1", "out of range"),
    ("test_fraction", "-0.1", "out of range"),  # 0 is allowed: train on everything
    ("seed", "-1", "out of range"),
    ("path", "/no/such/file.csv", "no such file"),
]


async def test_bad_values_are_refused_and_the_previous_value_stays(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        shown = {f: app.query_one(f"#{f}").value for f, _, _ in BAD_VALUES}
        for n, (field_id, text, reason) in enumerate(BAD_VALUES):
            before = len(app.refusals)
            if n < 2:
                await type_into(pilot, app, field_id, text)  # typed, then Enter
            else:  # the same path without the keyboard's per-key pauses
                field = app.query_one(f"#{field_id}")
                field.value = text
                field.post_message(Input.Submitted(field, text))
            await wait_for(pilot, lambda b=before: len(app.refusals) > b, f"refusal of {text!r}")
            assert reason in app.refusals[-1], (field_id, text, app.refusals[-1])
            assert app.query_one(f"#{field_id}").value == shown[field_id]
            if field_id == "lr":  # visible, naming the field (checked now: a notice expires)
                assert "learning rate" in app.message_shown.text  # the app's state, not a toast
        assert not harness.session.sent(SetHyper)
        assert not harness.session.sent(SetDataset)


async def test_data_settings_regenerate_the_data(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        await type_into(pilot, app, "samples", "400")
        await wait_for(pilot, lambda: app.last.dataset.samples == 400, "samples")
        await type_into(pilot, app, "noise", "0.2")
        await wait_for(pilot, lambda: app.last.dataset.noise == 0.2, "noise")
        await type_into(pilot, app, "test_fraction", "0.3")
        await wait_for(pilot, lambda: app.last.dataset.test_fraction == 0.3, "split")
        await type_into(pilot, app, "seed", "7")
        await wait_for(pilot, lambda: app.last.dataset.seed == 7, "seed")
        await type_into(pilot, app, "samples", "")  # blank: the dataset's default again
        await wait_for(pilot, lambda: app.last.dataset.samples == 500, "default samples")
        assert harness.session.sent(SetDataset)[-1].spec.samples is None  # filled in there
        assert len(harness.session.sent(SetDataset)) == 5
        assert app.query_one("#samples").value == "500"


async def test_optimizer_dataset_and_csv_are_chosen(harness, tmp_path):
    csv = tmp_path / "points.csv"
    csv.write_text("x,y,label\n" + "".join(f"{i % 5},{i % 3},{'ab'[i % 2]}\n" for i in range(20)))
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        app.query_one("#optimizer").value = "adam"
        await wait_for(pilot, lambda: app.last.hyper.optimizer == "adam", "adam")
        app.query_one("#lr_schedule").value = "cosine"
        await wait_for(pilot, lambda: app.last.hyper.lr_schedule == "cosine", "cosine")
        assert harness.session.sent(SetHyper)[-1].hyper.lr_schedule == "cosine"

        app.query_one("#dataset").value = "csv"  # without a path: asks for one
        await wait_for(pilot, lambda: app.refusals, "csv needs a path")
        assert "path" in app.refusals[-1]
        await wait_for(pilot, lambda: app.focused.id == "path", "the path field focused")
        await type_into(pilot, app, "path", str(csv))
        await wait_for(pilot, lambda: app.last.dataset.name == "csv", "csv loaded")
        assert app.last.dataset.path == str(csv)
        assert harness.session.sent(SetDataset)[-1].spec.path == str(csv)
        await wait_for(pilot, lambda: app.query_one("#dataset").value == "csv", "selector: csv")
        app.query_one("#dataset").value = "circle"  # back to a generated set: the path goes
        await wait_for(pilot, lambda: app.last.dataset.name == "circle", "circle")
        assert app.query_one("#path").value == "" and app.last.dataset.path is None

        app.query_one("#dataset").value = "digits"
        await wait_for(pilot, lambda: app.last.dataset.name == "digits", "digits")
        # sizes follow the data; for data that is not 2-D the confusion matrix takes the
        # boundary's place
        await wait_for(pilot, lambda: app.last.network.sizes == (64, 8, 8, 10), "digits head")
        await wait_for(pilot, lambda: app.query_one("#architecture").spec.n_inputs == 64, "panel")
        await wait_for(pilot, lambda: app.views.view == "confusion", "the confusion matrix")
        assert app.query_one("DecisionBoundary").region.width == 0
        assert app.query_one("ConfusionMatrix").region.width > 0


async def test_mnist_shows_its_official_split_and_takes_no_test_fraction(harness):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        test_input = app.query_one("#test_fraction")
        assert not test_input.disabled and test_input.value == "0.5"
        harness.session.hold = EDITS  # the trainer busy: the proposal is shown meanwhile
        app.query_one("#dataset").value = "mnist"
        await wait_for(pilot, lambda: test_input.disabled, "test fraction disabled")
        assert test_input.value == "official"
        harness.session.release()  # no MNIST files here: refused, and the panel shows circle
        await wait_for(pilot, lambda: app.refusals, "the trainer's refusal")
        assert "mnist" in app.refusals[-1] and "not found" in app.refusals[-1]
        await wait_for(pilot, lambda: not test_input.disabled, "test fraction enabled")
        assert test_input.value == "0.5" and app.query_one("#dataset").value == "circle"
