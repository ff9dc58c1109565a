"""`tui-nn sweep --resume DIR`: a sweep killed hard (kill -9) carries on without running its
finished trials again; a resumed sweep must be the same file; one writer a folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import psutil
import pytest
from sweep_helpers import TINY, run_command, subprocess_env, tui_nn_command

from tui_nn.sweep.results import read_results

SLOW_TRIALS = """\
dataset = "spiral"
samples = 400
hidden = "16,16"
batch-size = 4
[sweep]
epochs = 150
grid = { lr = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06] }
"""


def wait_for_lines(path, count: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not (path.is_file() and path.read_text().count("\n") >= count):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"fewer than {count} results in {seconds} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_killed_sweep_resumes_without_running_finished_trials_again(tmp_path):
    path = tmp_path / "slow.toml"
    path.write_text(SLOW_TRIALS, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        tui_nn_command("sweep", path, "--workers", 1, "--results", out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=subprocess_env(),
    )
    try:
        wait_for_lines(out / "results.jsonl", 2, proc)
        children = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)  # no chance to clean up
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, alive  # the embedded cluster ends with the sweep, even a killed one
    before = {r["trial"]: r for r in read_results(out).records}
    assert 2 <= len(before) < 6
    stamps = {i: (out / r["model"]).stat().st_mtime_ns for i, r in before.items()}

    resumed = run_command("sweep", "--resume", out, "--workers", 2, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"6 trials ({len(before)} finished before)" in resumed.stdout
    after = read_results(out).records
    assert sorted(r["trial"] for r in after) == list(range(6))  # each trial once
    for r in after:
        if r["trial"] in before:
            assert r == before[r["trial"]]
            assert (out / r["model"]).stat().st_mtime_ns == stamps[r["trial"]]  # not re-run
        else:
            assert f"trial {r['trial']} done" in resumed.stdout
    assert resumed.stdout.count(" done (") == 6 - len(before)
    assert "Traceback" not in resumed.stderr
    # a finished sweep resumed has nothing left to do
    again = run_command("sweep", "--resume", out)
    assert again.returncode == 0 and "every trial has finished" in again.stdout


@pytest.mark.slow
def test_a_changed_sweep_file_cannot_resume(write, sweep_cli, tmp_path):
    path = write(TINY + "[sweep]\nepochs = 2\ngrid = { lr = [0.1, 0.2] }\n")
    out = tmp_path / "out"
    assert sweep_cli("sweep", path, "--workers", 1, "--results", out).code == 0
    path.write_text(path.read_text().replace("0.2]", "0.3]"))
    result = sweep_cli("sweep", "--resume", out)
    assert result.code == 2
    assert f"--resume: {path} changed since the sweep in {out} started" in result.err
    result = sweep_cli("sweep", "--resume", tmp_path / "nothing")
    assert result.code == 2 and "holds no sweep.json" in result.err
    result = sweep_cli("sweep", "--resume", out, "--results", tmp_path / "x")
    assert result.code == 2 and "cannot go with --results" in result.err


def test_one_sweep_writes_a_folder_at_a_time(write, sweep_cli, tmp_path):
    from tui_nn.sweep.results import ResultsError, ResultsWriter

    header = {"metric": "val_acc"}
    first = ResultsWriter(tmp_path / "out", header, lambda a, b: a > b)
    try:
        with pytest.raises(ResultsError, match="another tui-nn sweep is writing to"):
            ResultsWriter(tmp_path / "out", header, lambda a, b: a > b, resume=True)
    finally:
        first.close()
    ResultsWriter(tmp_path / "out", header, lambda a, b: a > b, resume=True).close()
    assert json.loads((tmp_path / "out" / "sweep.json").read_text()) == header
