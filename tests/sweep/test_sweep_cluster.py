"""`tui-nn sweep` as a user runs it against a real cluster (`dask scheduler` and two
`dask worker --name` processes on 127.0.0.1), an unreachable scheduler, and Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sweep_helpers import TINY, run_command, subprocess_env, tui_nn_command

from tui_nn.sweep.results import read_results

pytestmark = pytest.mark.slow  # real processes or the app: `-m "not slow"` leaves them out

DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"

CLUSTER_SWEEP = (
    TINY
    + """\
[sweep]
epochs = 6
grid = { lr = [0.03, 0.1, 0.3], hidden = ["3", "5"] }
"""
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End a process group this test started (the process and its children), by its id."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=subprocess_env()
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two named workers, one thread each, no dashboards; all killed after."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("cluster")
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [
        start(
            [
                DASK,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                address.rsplit(":", 1)[1],
                "--no-dashboard",
            ],
            logs / "scheduler.log",
        )
    ]
    try:
        for name in ("alpha", "beta"):
            procs.append(
                start(
                    [
                        DASK,
                        "worker",
                        address,
                        "--name",
                        name,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                    ],
                    logs / f"{name}.log",
                )
            )
        client = Client(address, timeout="30s", set_as_default=False)
        try:
            client.wait_for_workers(2, timeout=60)
        finally:
            client.close()
        yield address
    finally:
        for proc in reversed(procs):
            stop(proc)


@pytest.mark.slow
def test_sweep_on_a_real_cluster_names_its_workers(cluster, tmp_path):
    path = tmp_path / "cluster.toml"
    path.write_text(CLUSTER_SWEEP, encoding="utf-8")
    proc = run_command("sweep", path, "--scheduler", cluster, "--results", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    records = read_results(tmp_path / "out").records
    assert sorted(r["trial"] for r in records) == list(range(6))
    names = {r["worker"]["name"] for r in records}
    assert names == {"alpha", "beta"}, names  # both workers ran trials
    for r in records:
        assert r["worker"]["address"].startswith("tcp://127.0.0.1:")
        assert f"on {r['worker']['name']} ({r['worker']['address']})" in proc.stdout
    # the same file on the embedded cluster gives the same trials and the same metrics
    local = run_command("sweep", path, "--workers", 2, "--results", tmp_path / "local")
    assert local.returncode == 0, local.stderr
    here = {r["trial"]: r for r in read_results(tmp_path / "local").records}
    for r in records:
        other = here[r["trial"]]
        assert (r["params"], r["seed"]) == (other["params"], other["seed"])
        for key in ("test_acc", "test_loss", "train_loss"):
            assert r[key] == pytest.approx(other[key], rel=1e-6), key


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(TINY + "[sweep]\ngrid = { lr = [0.1] }\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    start_time = time.monotonic()
    proc = run_command("sweep", path, "--scheduler", address, "--results", tmp_path / "out")
    assert time.monotonic() - start_time < 30
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"tui-nn: error: --scheduler: cannot reach {address}")
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "out").exists()  # nothing written for a sweep that never ran


LONG_SWEEP = """\
dataset = "spiral"
samples = 400
hidden = "16,16"
batch-size = 8
[sweep]
epochs = 40
grid = { lr = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08] }
"""


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_trials(tmp_path):
    import psutil

    path = tmp_path / "long.toml"
    path.write_text(LONG_SWEEP, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        tui_nn_command("sweep", path, "--workers", 1, "--results", out),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=subprocess_env(),
    )
    try:
        children: list[psutil.Process] = []
        deadline = time.monotonic() + 60
        results = out / "results.jsonl"
        while not (results.is_file() and results.read_text().strip()):  # the first result
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no trial finished in 60 s"
            children = psutil.Process(proc.pid).children(recursive=True) or children
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole job
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        stop(proc)
    assert proc.returncode == 130, stderr
    assert "interrupted: kept" in stderr
    assert "Traceback" not in stderr
    records = read_results(out).records
    assert 1 <= len(records) < 8
    for r in records:
        assert (out / r["model"]).is_file()
    assert (out / "best.npz").is_file()
    assert not list(out.glob(".*.tmp"))
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, alive  # the cluster's processes ended with the command
