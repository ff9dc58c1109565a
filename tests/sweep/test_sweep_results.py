"""Reading a results folder (what the app shows) and a trial run without Dask: CSV contents
travel with the task, no Dask is imported by the reader."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui_nn.config import RunConfig
from tui_nn.data.spec import DatasetSpec
from tui_nn.engine.types import HyperParams
from tui_nn.sweep.results import ResultsError, read_results
from tui_nn.sweep.trial import CsvContents, run_trial


def lines(*records: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def test_results_sorted_by_the_metric_and_a_cut_last_line_skipped(tmp_path):
    (tmp_path / "sweep.json").write_text(
        json.dumps({"metric": "test_loss", "direction": "min", "varied": ["lr"], "trials": 5})
    )
    text = lines(
        {"trial": 0, "params": {"lr": 0.1}, "test_loss": 0.5},
        {"trial": 1, "params": {"lr": 0.2}, "test_loss": None},
        {"trial": 2, "params": {"lr": 0.3}, "test_loss": 0.2},
    )
    (tmp_path / "results.jsonl").write_text(text + '{"trial": 3, "par')
    results = read_results(tmp_path)
    assert [r["trial"] for r in results.sorted()] == [2, 0, 1]
    assert results.best()["trial"] == 2 and results.total == 5
    assert results.model_path(results.best()) == tmp_path / "trial-2.npz"


def test_without_a_header_the_varied_keys_come_from_the_records(tmp_path):
    (tmp_path / "results.jsonl").write_text(
        lines({"trial": 0, "params": {"lr": 0.1, "hidden": "4"}, "test_acc": 0.5})
    )
    results = read_results(tmp_path)
    assert results.varied == ("hidden", "lr") and results.direction == "max"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "holds no results.jsonl"),
        ('{"trial": 0}\nnot json\n{"trial": 2}\n', "results.jsonl, line 2: not valid JSON"),
        ('{"trial": "x"}\n', "line 1: not a trial record"),
    ],
)
def test_bad_results_folders(tmp_path, content, message):
    if content is not None:
        (tmp_path / "results.jsonl").write_text(content)
    with pytest.raises(ResultsError, match=message):
        read_results(tmp_path)
    with pytest.raises(ResultsError, match="is not a folder"):
        read_results(tmp_path / "missing")


def test_reading_results_does_not_import_dask(tmp_path):
    (tmp_path / "results.jsonl").write_text(lines({"trial": 0, "params": {}}))
    code = (
        "import sys; from tui_nn.sweep import read_results; "
        f"read_results({str(tmp_path)!r}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_csv_trial_reads_the_contents_it_was_given(tmp_path):
    rows = ["x1,x2,label"] + [f"{i % 7},{(i * 3) % 5},{'a' if i % 2 else 'b'}" for i in range(40)]
    data = ("\n".join(rows) + "\n").encode()
    gone = tmp_path / "points.csv"  # the client's path: not on this "worker"
    config = RunConfig(
        dataset=DatasetSpec("csv", path=str(gone)),
        hidden=(3,),
        hyper=HyperParams(epochs=2),
    )
    outcome = run_trial(0, config, CsvContents("points.csv", data))
    assert outcome.epochs == 2
    assert outcome.dataset.name == "points.csv"
    assert outcome.dataset.class_names == ("a", "b")
    assert outcome.metrics["test_acc"] is not None
    assert outcome.worker == {"name": None, "address": None}
    with pytest.raises(Exception, match="points.csv"):
        run_trial(0, config, None)  # without the contents the worker has no such file


def test_results_folder_checks(tmp_path):
    from tui_nn.sweep.results import check_results_folder

    check_results_folder(tmp_path / "new")  # does not exist yet: fine, and not created
    assert not (tmp_path / "new").exists()
    (tmp_path / "results.jsonl").write_text("")
    check_results_folder(tmp_path)  # a sweep stopped before any trial finished: reusable
    (tmp_path / "results.jsonl").write_text('{"trial": 0}\n')
    with pytest.raises(ResultsError, match="already holds a sweep's results"):
        check_results_folder(tmp_path)
    (tmp_path / "results.jsonl").unlink()
    (tmp_path / "best.npz").mkdir()
    with pytest.raises(ResultsError, match="best.npz is not a regular file"):
        check_results_folder(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ResultsError, match="exists and is not a folder"):
        check_results_folder(tmp_path / "file")
    (tmp_path / "best.npz").rmdir()
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "trial-3.npz").write_bytes(b"PK\x05\x06")  # someone's model
    with pytest.raises(ResultsError, match="holds model files a sweep would replace"):
        check_results_folder(tmp_path / "models")
    (tmp_path / "stopped").mkdir()
    (tmp_path / "stopped" / "study.journal").write_text("")
    with pytest.raises(ResultsError, match="continue it with tui-nn sweep --resume"):
        check_results_folder(tmp_path / "stopped")
    check_results_folder(tmp_path / "stopped", resume=True)
    with pytest.raises(ResultsError, match="does not exist"):
        check_results_folder(tmp_path / "no" / "such" / "folder")


def test_a_worker_uses_its_own_data_folder_when_the_clients_is_not_there(tmp_path, monkeypatch):
    from tui_nn.sweep import trial

    seen = []
    monkeypatch.setattr(trial, "_cached_dataset", lambda spec: seen.append(spec) or spec)
    trial.worker_dataset(DatasetSpec("mnist", data_dir=str(tmp_path / "not-here")), None)
    trial.worker_dataset(DatasetSpec("mnist", data_dir=str(tmp_path)), None)
    assert [s.data_dir for s in seen] == [None, str(tmp_path)]
