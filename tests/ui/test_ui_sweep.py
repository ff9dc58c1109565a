"""A sweep's results in the app (pilot): the table sorted by the metric, sorting keys, the plot
against a varied parameter, Enter opening a trial's model; from `--sweep` and from the palette.
The app does not import Dask."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from ui_helpers import screen_text, started, wait_for

from tui_nn.config import RunConfig
from tui_nn.data import load_dataset
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.network import Network
from tui_nn.files import save_model
from tui_nn.sweep.results import read_results
from tui_nn.ui.sweeps.plot import SweepPlot, axis
from tui_nn.ui.sweeps.screen import SweepApp, SweepFolderPrompt, SweepScreen
from tui_nn.ui.sweeps.table import SweepTable

TRIALS = [  # trial, lr, hidden, test_acc
    (0, 0.003, "4", 0.61),
    (1, 0.01, "4", 0.74),
    (2, 0.03, "8,8", 0.93),
    (3, 0.003, "8,8", None),  # diverged: no value
    (4, 0.01, "8,8", 0.88),
]


@pytest.fixture
def folder(tmp_path):
    """A results folder as `tui-nn sweep` writes it, with real (tiny) model files."""
    out = tmp_path / "results"
    out.mkdir()
    data = load_dataset(DatasetSpec("xor", samples=40))
    lines = []
    for trial, lr, hidden, acc in TRIALS:
        config = RunConfig(dataset=data.spec, hidden=tuple(int(h) for h in hidden.split(",")))
        net = Network.from_spec(config.network_spec(data))
        save_model(out / f"trial-{trial}.npz", net, config, data)
        lines.append(
            {
                "trial": trial,
                "params": {"lr": lr, "hidden": hidden},
                "seed": trial,
                "test_acc": acc,
                "test_loss": None if acc is None else 1 - acc,
                "train_acc": acc,
                "train_loss": 0.5,
                "epochs": 10,
                "stopped": "budget",
                "seconds": 0.1,
                "worker": {"name": f"w{trial % 2}", "address": "tcp://127.0.0.1:1"},
                "model": f"trial-{trial}.npz",
            }
        )
    (out / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    header = {"metric": "test_acc", "direction": "max", "varied": ["lr", "hidden"], "trials": 6}
    (out / "sweep.json").write_text(json.dumps(header))
    return out


def rows(table: SweepTable) -> list[int]:
    return [int(table.get_row_at(i)[0]) for i in range(table.row_count)]


@pytest.mark.slow
async def test_results_view_sorts_plots_and_opens_a_trial(folder):
    app = SweepApp(read_results(folder))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SweepScreen), "the results screen")
        table = app.screen.query_one(SweepTable)
        plot = app.screen.query_one(SweepPlot)
        await wait_for(pilot, lambda: table.row_count == 5, "the rows")
        assert rows(table) == [2, 4, 1, 0, 3]  # best first, no value last
        await wait_for(pilot, lambda: "test_acc★ ▼" in screen_text(app), "the sorted header")
        text = screen_text(app)
        assert "5/6 trials" in text and "best: trial 2, 93.0%" in text
        assert "test_acc by lr" in text
        assert plot.param == "lr" and plot.selected == 2
        assert len(plot.points()) == 4
        await pilot.press("s")  # next column: how each trial ended
        await wait_for(pilot, lambda: table.sorted_by[0] == "state", "sorted by state")
        await pilot.press("s")  # then test_loss, ascending
        await wait_for(pilot, lambda: table.sorted_by == ("test_loss", False), "sorted by loss")
        assert rows(table) == [2, 4, 1, 0, 3]
        await pilot.press("S")
        await wait_for(pilot, lambda: table.sorted_by == ("test_loss", True), "reversed")
        assert rows(table) == [0, 1, 4, 2, 3]
        assert table.current()["trial"] == 2  # the cursor stays on its trial
        await pilot.press("p")
        assert plot.param == "hidden" and "test_acc by hidden" in screen_text(app)
        with open(folder / "results.jsonl", "a") as f:  # the sweep goes on: a sixth trial
            f.write(
                json.dumps(
                    {
                        "trial": 5,
                        "params": {"lr": 0.1, "hidden": "4"},
                        "test_acc": 0.99,
                        "test_loss": 0.01,
                        "model": "trial-0.npz",
                    }
                )
                + "\n"
            )
        await pilot.press("r")
        await wait_for(pilot, lambda: table.row_count == 6, "the new trial")
        assert rows(table) == [0, 1, 4, 2, 5, 3]  # still by test_loss, descending; none last
        assert "6/6 trials" in screen_text(app) and "best: trial 5, 99.0%" in screen_text(app)
        assert len(plot.points()) == 5 and table.current()["trial"] == 2
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: plot.selected == 3, "the highlighted trial marked")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.return_value is not None, "the app to exit")
    assert app.return_value == str(folder / "trial-3.npz")


async def test_pruned_trials_rank_after_complete_ones_under_the_importances(folder):
    """A sweep with pruning: each trial says how it ended, pruned ones rank after the complete
    ones (also after a reload), and Optuna's importances head the view."""
    records = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    for r in records:
        r["val_acc"] = r.pop("test_acc")
        r["epochs"], r["epoch"] = 10, 10
    records[1].update(stopped="pruned", epochs=3, epoch=3, val_acc=0.97)  # best value, pruned
    records[4].update(stopped="early stopping", epoch=7)
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    header = {"metric": "val_acc", "direction": "max", "varied": ["lr", "hidden"], "trials": 5}
    (folder / "sweep.json").write_text(json.dumps(header))
    found = {"method": "PED-ANOVA", "trials": 4, "importances": {"lr": 0.8, "hidden": 0.2}}
    (folder / "importances.json").write_text(json.dumps(found))
    app = SweepApp(read_results(folder))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SweepScreen), "the results screen")
        table = app.screen.query_one(SweepTable)
        await wait_for(pilot, lambda: table.row_count == 5, "the rows")
        assert rows(table) == [2, 4, 0, 1, 3]  # trial 1 (97 %, pruned) after the complete ones
        text = screen_text(app)
        assert "5/5 trials (1 pruned)" in text and "best: trial 2, 93.0%" in text
        assert "importance (Optuna): lr ██████████ 0.80  hidden ██ 0.20" in text
        assert "pruned@3" in text and "kept 7/10" in text and "done" in text
        await pilot.press("r")
        await wait_for(pilot, lambda: table.row_count == 5, "reloaded")
        assert rows(table) == [2, 4, 0, 1, 3]


async def test_a_trial_without_its_model_file_says_so(folder):
    (folder / "trial-2.npz").unlink()
    app = SweepApp(read_results(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SweepScreen), "the results screen")
        table = app.screen.query_one(SweepTable)
        await wait_for(pilot, lambda: table.row_count == 5 and table.has_focus, "the rows")
        await pilot.press("enter")
        said = lambda: [n.message for n in app._notifications]  # noqa: E731 - the toasts shown
        await wait_for(pilot, lambda: "trial 2: no model file trial-2.npz" in said(), "a message")
        assert isinstance(app.screen, SweepScreen)
        await pilot.press("escape")
    assert app.return_value is None


@pytest.mark.slow
async def test_palette_opens_results_and_a_trial_resumes(harness, folder):
    app = harness.app
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, harness)
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        assert commands["Sweep results"] == app.action_open_sweep
        app.action_open_sweep()  # what the palette's "Sweep results" runs
        await wait_for(pilot, lambda: isinstance(app.screen, SweepFolderPrompt), "the prompt")
        await wait_for(pilot, lambda: app.screen.query("Input"), "the folder field")
        await pilot.press(*"missing-folder", "enter")
        said = lambda: " ".join(n.message for n in app._notifications)  # noqa: E731
        await wait_for(pilot, lambda: "missing-folder is not a folder" in said(), "an error")
        app.action_open_sweep()
        await wait_for(pilot, lambda: isinstance(app.screen, SweepFolderPrompt), "the prompt")
        await wait_for(pilot, lambda: app.screen.query("Input"), "the folder field")
        app.screen.query_one("Input").value = str(folder)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SweepScreen), "the results")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.keeper.next_model is not None, "a trial chosen")
    assert app.keeper.next_model == str(folder / "trial-4.npz")


def test_plot_axis_for_grids_draws_and_text_values():
    xs, ticks, labels, log = axis([0.003, 0.01, 0.03, 0.01])
    assert log and labels == ["0.003", "0.01", "0.03"] and xs[1] == xs[3]
    xs, ticks, labels, log = axis(["8,8", "4", "16,16"])
    assert labels == ["4", "8,8", "16,16"] and xs == [1.0, 0.0, 2.0] and not log
    xs, ticks, labels, log = axis([1 + 0.1 * i for i in range(20)])  # drawn: plotext's ticks
    assert ticks is None and not log and xs[0] == 1.0
    xs, ticks, labels, log = axis([10.0**-i for i in range(12)])
    assert log and labels == [f"{10.0**t:g}" for t in range(-11, 1)]


@pytest.mark.slow
def test_the_app_does_not_import_dask():
    code = (
        "import sys; from tui_nn.ui.app import create_app; "
        "import tui_nn.ui.sweeps.screen, tui_nn.cli.dispatch; create_app(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
