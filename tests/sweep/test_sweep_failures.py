"""A sweep that cannot go on says so in one line and keeps what it finished: a full disk (an
error injected at the write), a cluster without workers, Ctrl-C while the cluster starts;
`--workers` bounded by the cores and the trials; the dashboard and its port off unless asked."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time

import psutil
import pytest
from sweep_helpers import TINY, run_command, subprocess_env, tui_nn_command
from test_sweep_cluster import DASK, free_port, start, stop
from test_sweep_resume import SLOW_TRIALS, wait_for_lines

import tui_nn.sweep.results as results_module
from tui_nn.sweep.cluster import cores
from tui_nn.sweep.results import read_results

FOUR = TINY + "[sweep]\nepochs = 2\ngrid = { lr = [0.05, 0.1, 0.2, 0.3] }\n"
FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.slow
def test_a_full_disk_at_a_model_is_one_line_keeping_what_was_written(
    write, sweep_cli, tmp_path, monkeypatch
):
    real, calls = results_module.save_model, []

    def save_model(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise FULL
        return real(path, *args, **kwargs)

    monkeypatch.setattr(results_module, "save_model", save_model)
    out = tmp_path / "out"
    result = sweep_cli("sweep", write(FOUR), "--workers", 1, "--results", out)
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("tui-nn: error: cannot write the results: ")
    assert "No space left on device" in lines[0] and f"kept 2 finished trials in {out}" in lines[0]
    records = read_results(out).records
    assert len(records) == 2 and all((out / r["model"]).is_file() for r in records)
    assert not list(out.glob(".*.tmp")) and not list(out.glob("trial-*.npz"))[2:]
    # the disk has room again: the sweep carries on from there
    monkeypatch.setattr(results_module, "save_model", real)
    again = sweep_cli("sweep", "--resume", out, "--workers", 1)
    assert again.code == 0, again.err
    assert sorted(r["trial"] for r in read_results(out).records) == [0, 1, 2, 3]


@pytest.mark.slow
def test_a_full_disk_mid_line_leaves_a_cut_line_that_a_resume_drops(
    write, sweep_cli, tmp_path, monkeypatch
):
    real = results_module.ResultsWriter._append

    def append(self, line):
        if len(self.records) == 1:
            self._file.write(line[:20])  # the disk filled up halfway through the line
            self._file.flush()
            raise FULL
        return real(self, line)

    monkeypatch.setattr(results_module.ResultsWriter, "_append", append)
    out = tmp_path / "out"
    result = sweep_cli("sweep", write(FOUR), "--workers", 1, "--results", out)
    assert result.code == 1 and "kept 1 finished trials" in result.err
    assert len(read_results(out).records) == 1  # the cut line is not a trial
    monkeypatch.setattr(results_module.ResultsWriter, "_append", real)
    again = sweep_cli("sweep", "--resume", out, "--workers", 1)
    assert again.code == 0, again.err
    text = (out / "results.jsonl").read_text()
    assert len(text.splitlines()) == 4 and text.endswith("\n")
    assert sorted(r["trial"] for r in read_results(out).records) == [0, 1, 2, 3]


@pytest.mark.slow
def test_workers_are_bounded_by_the_cores_and_the_trials(write, sweep_cli, tmp_path):
    n = cores()
    result = sweep_cli("sweep", write(FOUR), "--workers", 100000, "--results", tmp_path / "a")
    assert result.code == 0, result.err
    using = min(n, 4)
    why = "the sweep has 4 trials" if n > 4 else f"this machine has {n} core"
    assert result.err.startswith(f"tui-nn: --workers 100000: using {using} ({why}")
    assert f"embedded cluster of {using} worker" in result.out
    two = write(TINY + "[sweep]\nepochs = 2\ngrid = { lr = [0.05, 0.1] }\n", "two.toml")
    result = sweep_cli("sweep", two, "--workers", 64, "--results", tmp_path / "b")
    assert result.code == 0, result.err
    assert f"using {min(n, 2)} (" in result.err


def test_the_dashboard_needs_bokeh(write, sweep_cli, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "bokeh" else real(name, *a)
    )
    result = sweep_cli("sweep", write(FOUR), "--dashboard", "--results", tmp_path / "out")
    assert result.code == 2
    assert "--dashboard: Dask's dashboard needs the bokeh package" in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_no_port_is_opened_or_warned_about_for_the_dashboard(write, tmp_path):
    held = socket.socket()
    try:
        held.bind(("0.0.0.0", 8787))  # the dashboard's usual port, taken
        held.listen()
    except OSError:
        pass  # taken already: the same test
    try:
        proc = run_command("sweep", write(FOUR), "--workers", 2, "--results", tmp_path / "out")
    finally:
        held.close()
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "8787" not in proc.stdout


@pytest.mark.slow
def test_ctrl_c_while_the_cluster_starts_is_a_clean_130(write, tmp_path):
    proc = subprocess.Popen(
        tui_nn_command("sweep", write(FOUR), "--workers", 2, "--results", tmp_path / "out"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=subprocess_env(),
    )
    try:
        helpers: list[psutil.Process] = []
        deadline = time.monotonic() + 60
        while not helpers:  # the embedded cluster's helper is starting
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no cluster helper in 60 s"
            helpers = [
                p
                for p in psutil.Process(proc.pid).children(recursive=True)
                if "tui_nn.sweep.cluster" in " ".join(p.cmdline())
            ]
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert stderr.strip() == "tui-nn: interrupted"
    assert "Traceback" not in stdout + stderr
    gone, alive = psutil.wait_procs(helpers, timeout=30)
    assert not alive, alive


@pytest.mark.slow
def test_a_cluster_without_workers_gives_up_keeping_finished_trials(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    port = address.rsplit(":", 1)[1]
    scheduler = start(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
        tmp_path / "scheduler.log",
    )
    worker = start(
        [DASK, "worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
        tmp_path / "worker.log",
    )
    path = tmp_path / "slow.toml"
    path.write_text(SLOW_TRIALS, encoding="utf-8")
    out = tmp_path / "out"
    args = ("sweep", path, "--scheduler", address, "--worker-timeout", 3, "--results", out)
    proc = subprocess.Popen(
        tui_nn_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=subprocess_env(),
    )
    try:
        wait_for_lines(out / "results.jsonl", 1, proc)
        stop(worker)  # every worker gone
        gone_at = time.monotonic()
        stdout, stderr = proc.communicate(timeout=60)
        waited = time.monotonic() - gone_at
    finally:
        stop(proc)
        stop(worker)
        stop(scheduler)
    assert proc.returncode == 1, stderr
    kept = len(read_results(out).records)
    assert kept >= 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0] == (
        f"tui-nn: error: {address} has had no workers for 3 s; kept {kept} finished trials "
        f"in {out}; carry on with: tui-nn sweep --resume {out}"
    )
    assert waited < 30
