"""The Training panel's `test on` field: a CSV of its own to test on (DatasetSpec.test_data).

The fake session's tests check what the panel sends and shows; the last test drives the real
trainer process, so what reaches the snapshots is the trainer's own reading of the files.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input
from ui_helpers import Harness, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.session.protocol.messages import SetDataset
from tui_nn.ui.app import create_app
from tui_nn.ui.views.boundary import DecisionBoundary

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out


def write_csv(path, rows: int, columns=("x1", "x2", "label"), offset: int = 0):
    """`rows` 2-D points (the label: inside a circle or not), deterministic."""
    lines = [",".join(columns)]
    for i in range(offset, offset + rows):
        x1, x2 = (i * 37 % 61) / 10 - 3, (i * 53 % 59) / 10 - 3
        values = [f"{x1:.1f}", f"{x2:.1f}", f"{x1 + x2:.1f}"][: len(columns) - 1]
        lines.append(",".join([*values, "in" if x1 * x1 + x2 * x2 < 4 else "out"]))
    path.write_text("\n".join(lines) + "\n")
    return path


def submit(app, field_id: str, text: str) -> None:
    field = app.query_one(f"#{field_id}", Input)
    field.value = text
    field.post_message(Input.Submitted(field, text))


def csv_config(tmp_path, fraction: float = 0.3) -> RunConfig:
    train = write_csv(tmp_path / "train.csv", 40)
    return RunConfig(dataset=DatasetSpec(name="csv", path=str(train), test_fraction=fraction))


async def test_a_test_file_is_sent_and_blank_gives_the_fraction_back(tmp_path):
    harness = Harness(csv_config(tmp_path, fraction=0.3), tmp_path)
    app = harness.app
    test_csv = write_csv(tmp_path / "test.csv", 7, offset=100)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        fraction = app.query_one("#test_fraction", Input)
        assert fraction.value == "0.3" and not fraction.disabled
        submit(app, "test_data", str(test_csv))
        await wait_for(pilot, lambda: harness.session.sent(SetDataset), "the test file sent")
        spec = harness.session.sent(SetDataset)[-1].spec
        assert spec.test_data == str(test_csv) and spec.path.endswith("train.csv")
        assert spec.test_fraction == 0.0  # the whole training file trains, as on the CLI
        await wait_for(pilot, lambda: app.last.dataset.test_data == str(test_csv), "taken")
        assert fraction.disabled and fraction.value == "file"  # says where the test set is
        assert app.query_one("#test_data", Input).value == str(test_csv)

        submit(app, "test_data", "")  # blank: no test file, the earlier fraction again
        await wait_for(pilot, lambda: len(harness.session.sent(SetDataset)) == 2, "removal")
        spec = harness.session.sent(SetDataset)[-1].spec
        assert spec.test_data is None and spec.test_fraction == 0.3
        await wait_for(pilot, lambda: not fraction.disabled, "the fraction field back")
        assert fraction.value == "0.3"
        assert not app.refusals


async def test_a_relative_test_path_is_sent_absolute(tmp_path, monkeypatch):
    harness = Harness(csv_config(tmp_path), tmp_path)
    app = harness.app
    write_csv(tmp_path / "test.csv", 7)
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        submit(app, "test_data", "test.csv")
        await wait_for(pilot, lambda: harness.session.sent(SetDataset), "the test file sent")
        assert harness.session.sent(SetDataset)[-1].spec.test_data == str(tmp_path / "test.csv")


async def test_a_missing_test_file_is_refused_by_name(tmp_path):
    harness = Harness(csv_config(tmp_path), tmp_path)
    app = harness.app
    missing = tmp_path / "no-such-test.csv"
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        submit(app, "test_data", str(missing))
        await wait_for(pilot, lambda: app.refusals, "the refusal")
        assert app.refusals[-1] == f"test file: no such file {str(missing)!r}"
        assert app.message_shown.text == app.refusals[-1]  # on screen, one line
        assert app.query_one("#test_data", Input).value == ""  # the previous value
        assert not harness.session.sent(SetDataset)


async def test_generated_data_takes_no_test_file(tmp_path):
    harness = Harness(RunConfig(), tmp_path)  # circle
    app = harness.app
    test_csv = write_csv(tmp_path / "test.csv", 7)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        submit(app, "test_data", str(test_csv))
        await wait_for(pilot, lambda: app.refusals, "the refusal")
        assert "needs a csv" in app.refusals[-1] and "circle" in app.refusals[-1]
        assert app.query_one("#test_data", Input).value == ""
        assert not harness.session.sent(SetDataset)


async def test_another_dataset_drops_the_test_file(tmp_path):
    config = csv_config(tmp_path, fraction=0.25)
    test_csv = write_csv(tmp_path / "test.csv", 7)
    harness = Harness(config, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        submit(app, "test_data", str(test_csv))
        await wait_for(pilot, lambda: app.last.dataset.test_data, "the test file taken")
        app.query_one("#dataset").value = "xor"
        await wait_for(pilot, lambda: app.last.dataset.name == "xor", "xor")
        spec = harness.session.sent(SetDataset)[-1].spec
        assert spec.test_data is None and spec.test_fraction == 0.25
        assert app.query_one("#test_fraction", Input).value == "0.25"


async def test_started_with_a_test_file_the_field_shows_it(tmp_path):
    config = csv_config(tmp_path)
    test_csv = write_csv(tmp_path / "test.csv", 7)
    config = replace(
        config, dataset=replace(config.dataset, test_data=str(test_csv), test_fraction=0.0)
    )
    harness = Harness(config, tmp_path)
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        assert app.query_one("#test_data", Input).value == str(test_csv)
        fraction = app.query_one("#test_fraction", Input)
        assert fraction.disabled and fraction.value == "file"
        submit(app, "test_data", "")  # no fraction known from before: the usual default
        await wait_for(pilot, lambda: harness.session.sent(SetDataset), "removal")
        spec = harness.session.sent(SetDataset)[-1].spec
        assert spec.test_data is None and spec.test_fraction == DatasetSpec().test_fraction


# ---- the real trainer -----------------------------------------------------------------------


def data_seen(app):
    return app.query_one(DecisionBoundary).summary  # the trainer's newest DataSummary


async def test_the_trainer_tests_on_the_file_refuses_other_columns_and_splits_again(tmp_path):
    config = csv_config(tmp_path, fraction=0.5)  # 40 rows: 20 train, 20 test by the fraction
    test_csv = write_csv(tmp_path / "test.csv", 7, offset=100)
    wide = write_csv(tmp_path / "wide.csv", 9, columns=("x1", "x2", "x3", "label"))
    app = create_app(config, runs_directory=tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: data_seen(app) is not None, "the trainer's data")
        assert (data_seen(app).n_train, data_seen(app).n_test) == (20, 20)

        submit(app, "test_data", str(test_csv))
        await wait_for(pilot, lambda: data_seen(app).n_test == 7, "the test file's 7 rows")
        assert data_seen(app).n_train == 40  # all of the training file trains
        assert app.last.dataset.test_data == str(test_csv)
        await pilot.press(
            "escape", "e"
        )  # out of the fields; an epoch: test metrics measured on the file
        await wait_for(pilot, lambda: app.last.epoch >= 1, "one epoch")
        assert app.last.test_loss is not None

        submit(app, "test_data", str(wide))  # other columns: the trainer refuses, visibly
        await wait_for(pilot, lambda: app.refusals, "the trainer's refusal")
        assert "wide.csv" in app.refusals[-1] and "columns differ" in app.refusals[-1]
        assert "'x3'" in app.refusals[-1]
        assert app.last.state != "error"
        await wait_for(
            pilot,
            lambda: app.query_one("#test_data", Input).value == str(test_csv),
            "the test file in use shown again",
        )
        assert data_seen(app).n_test == 7

        submit(app, "test_data", "")  # blank: the fraction splits the training file again
        await wait_for(pilot, lambda: data_seen(app).n_test == 20, "the split back")
        assert data_seen(app).n_train == 20 and app.last.dataset.test_fraction == 0.5
        assert app.query_one("#test_fraction", Input).value == "0.5"
