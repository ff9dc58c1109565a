"""`tui-nn sweep` on the embedded LocalCluster (2 tiny workers, tiny data, few epochs): a grid
and a random sweep, their results folders, reproducibility, and refusals before anything runs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sweep_helpers import TINY, run_command

from tui_nn.files import load_model
from tui_nn.sweep.results import read_results

GRID = (
    TINY
    + """\
[sweep]
epochs = 4
grid = { lr = [0.03, 0.3], hidden = ["2", "6"] }
"""
)
RANDOM = (
    TINY
    + """\
[sweep]
metric = "val_loss"
epochs = 3
trials = 3
seed = 5
[sweep.random]
lr = { log_uniform = [0.01, 0.5] }
activation = { choice = ["tanh", "relu"] }
"""
)


@pytest.fixture(scope="module")
def grid_runs(tmp_path_factory):
    """The grid sweep, run twice (the same file and seed), as a user runs it."""
    folder = tmp_path_factory.mktemp("grid")
    path = folder / "grid.toml"
    path.write_text(GRID, encoding="utf-8")
    runs = []
    for name in ("first", "second"):
        proc = run_command("sweep", path, "--workers", 2, "--results", folder / name)
        runs.append((proc, folder / name))
    return runs


@pytest.mark.slow  # an embedded cluster: real processes
def test_grid_sweep_writes_every_trial(grid_runs):
    proc, folder = grid_runs[0]
    assert proc.returncode == 0, proc.stderr
    results = read_results(folder)
    assert sorted(r["trial"] for r in results.records) == [0, 1, 2, 3]
    assert results.metric == "val_acc" and results.direction == "max"
    assert results.varied == ("lr", "hidden") and results.total == 4
    for r in results.records:
        assert set(r) >= {
            "trial",
            "params",
            "val_acc",
            "val_loss",
            "test_acc",
            "test_loss",
            "train_loss",
            "epoch",
            "epochs",
            "curve",
            "seconds",
            "worker",
            "model",
            "command",
        }
        assert r["epochs"] == r["epoch"] == 4 and r["stopped"] == "budget"
        assert r["worker"]["address"].startswith("tcp://127.0.0.1:")
        model = load_model(folder / r["model"])
        assert model.spec.hidden[0].units == int(r["params"]["hidden"])
        assert model.config.hyper.lr == r["params"]["lr"]
        assert model.config.dataset.val_fraction == 0.2  # a sweep's default validation set
        assert len(model.history) == 4
        assert model.history[-1].val_acc == pytest.approx(r["val_acc"]) == r["curve"][-1]
        assert model.history[-1].test_acc == pytest.approx(r["test_acc"])
    best = results.best()
    assert best["val_acc"] == max(r["val_acc"] for r in results.records)
    assert (folder / "best.npz").read_bytes() == (folder / best["model"]).read_bytes()
    assert not list(folder.glob(".*.tmp"))
    # the final table, best first
    table = proc.stdout[proc.stdout.index("sweep: 4 trials, by val_acc") :]
    rows = [line for line in table.splitlines() if line.startswith("│")]
    assert [int(row.split("│")[2]) for row in rows] == [r["trial"] for r in results.sorted()]
    assert f"best: trial {best['trial']}" in proc.stdout
    assert proc.stdout.count(" done (") == 4


@pytest.mark.slow  # an embedded cluster: real processes
def test_same_file_twice_gives_the_same_metrics(grid_runs):
    (first, a), (second, b) = grid_runs
    assert first.returncode == second.returncode == 0
    ra = {r["trial"]: r for r in read_results(a).records}
    rb = {r["trial"]: r for r in read_results(b).records}
    for key in ("val_acc", "test_acc", "test_loss", "train_loss", "train_acc", "seed", "params"):
        assert [ra[i][key] for i in range(4)] == [rb[i][key] for i in range(4)], key
    wa = load_model(a / "trial-3.npz").params[0][0]
    wb = load_model(b / "trial-3.npz").params[0][0]
    np.testing.assert_array_equal(wa, wb)


@pytest.mark.slow  # an embedded cluster: real processes
def test_random_sweep_in_process(write, sweep_cli, tmp_path):
    path = write(RANDOM)
    result = sweep_cli("sweep", path, "--workers", 2, "--results", tmp_path / "out")
    assert result.code == 0, result.err
    results = read_results(tmp_path / "out")
    assert len(results.records) == 3 and results.direction == "min"
    assert all(0.01 <= r["params"]["lr"] <= 0.5 for r in results.records)
    assert all(r["params"]["activation"] in ("tanh", "relu") for r in results.records)
    best = results.best()
    assert best["val_loss"] == min(r["val_loss"] for r in results.records)
    header = json.loads((tmp_path / "out" / "sweep.json").read_text())
    assert header["metric"] == "val_loss" and header["trials"] == 3
    assert header["method"] == "random" and header["pruner"] == "none"


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            TINY + "[sweep]\ngrid = { lr = [0.1, 0] }\n",
            (),
            "[sweep.grid] lr = 0: 0 is out of range (must be a number > 0)",
        ),
        (TINY + "[sweep]\ncolour = 1\n", (), "unknown key(s) in [sweep]: 'colour'"),
        (
            'dataset = "quadratic"\n[sweep]\nmetric = "val_acc"\ngrid = { lr = [0.1] }\n',
            (),
            "metric 'val_acc': quadratic is a regression set (no accuracy); use val_loss",
        ),
        (
            TINY + '[sweep]\nmetric = "test_acc"\ngrid = { lr = [0.1] }\n',
            (),
            "metric 'test_acc': the test set only reports, it never chooses; choose val_acc",
        ),
        (
            TINY + "[sweep]\ngrid = { lr = [0.1] }\n",
            ("--results", ""),
            "--results: an empty path",
        ),
        (
            TINY + "[sweep]\ngrid = { lr = [0.1] }\n",
            ("--workers", "0"),
            "--workers: '0' is out of range (must be a whole number >= 1)",
        ),
        (
            TINY + "[sweep]\ngrid = { lr = [0.1] }\n",
            ("--workers", "1", "--scheduler", "tcp://x:1"),
            "--workers sizes the embedded cluster",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(write, sweep_cli, tmp_path, text, args, message):
    path = write(text)
    result = sweep_cli("sweep", path, "--results", tmp_path / "out", *args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui-nn: error: "), result.err
    assert message in lines[0]
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_folder_with_results_is_not_overwritten(write, sweep_cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.jsonl").write_text('{"trial": 0}\n')
    result = sweep_cli("sweep", write(TINY + "[sweep]\ngrid = { lr = [0.1] }\n"), "--results", out)
    assert result.code == 2
    assert "already holds a sweep's results; continue it with tui-nn sweep --resume" in result.err
    assert (out / "results.jsonl").read_text() == '{"trial": 0}\n'


@pytest.mark.slow  # an embedded cluster: real processes
def test_a_worker_without_the_data_stops_the_sweep_in_one_line(
    write, sweep_cli, tmp_path, monkeypatch
):
    """MNIST is read by each worker from its own data folder; a worker that has none ends the
    sweep (every other trial would fail the same way) with one line and exit 2."""
    empty = tmp_path / "no-data"
    empty.mkdir()
    monkeypatch.setenv("TUI_NN_DATA_DIR", str(empty))  # the workers inherit it
    text = (
        'dataset = "mnist"\nsamples = 100\n[sweep]\nepochs = 1\ngrid = { lr = [0.1, 0.2, 0.3] }\n'
    )
    result = sweep_cli("sweep", write(text), "--workers", 1, "--results", tmp_path / "out")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("tui-nn: error: a worker cannot load the data: DataError: mnist:")
    assert "tui-nn datasets fetch mnist" in lines[0]
    assert result.out.count("failed: DataError") == 1  # stopped at the first
    assert read_results(tmp_path / "out").records == ()


@pytest.mark.slow  # an embedded cluster: real processes
def test_a_csv_sweep_sends_the_file_contents(write, sweep_cli, tmp_path):
    rows = ["a,b,kind"] + [
        f"{i % 5},{(i * 7) % 11},{'x' if (i % 5) > 2 else 'y'}" for i in range(60)
    ]
    (tmp_path / "pts.csv").write_text("\n".join(rows) + "\n")
    text = 'data = "pts.csv"\nhidden = "3"\n[sweep]\nepochs = 3\ngrid = { lr = [0.05, 0.5] }\n'
    result = sweep_cli("sweep", write(text), "--workers", 2, "--results", tmp_path / "out")
    assert result.code == 0, result.err
    records = read_results(tmp_path / "out").records
    assert len(records) == 2
    for r in records:
        model = load_model(tmp_path / "out" / r["model"])
        assert model.class_names == ("x", "y") and model.dataset_name == "pts.csv"
        assert model.config.dataset.path == str(tmp_path / "pts.csv")  # the client's path
