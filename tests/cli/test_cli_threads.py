"""Every command that trains or evaluates runs with the BLAS threads `tui_nn.blas` chooses: one
by default, `--threads N` (or TOML `threads`) for more, whatever the shell exports.

Each command runs as a real process, with a `sitecustomize` hook that asks threadpoolctl, from
inside the process, how many BLAS threads are in force at the first few forward passes of the
engine (`Network.forward_into`: the one path by which every command computes). The shell
exports `OPENBLAS_NUM_THREADS=3`, so a command that forgot to choose would be seen running 3.
The app's trainer is a process of its own (started by the app): the hook sees it too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from tui_nn.blas import THREADS, describe, threads_in_force, use_threads
from tui_nn.rule import RuleError

HOOK = """
import json, os
from tui_nn.engine import network

_original = network.Network.forward_into
_left = [5]


def forward_into(self, *args, **kwargs):
    if _left[0] > 0:
        _left[0] -= 1
        from threadpoolctl import threadpool_info

        seen = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        with open(os.environ["TUI_NN_TEST_THREADS_LOG"], "a") as f:
            f.write(json.dumps({"pid": os.getpid(), "threads": seen}) + "\\n")
    return _original(self, *args, **kwargs)


network.Network.forward_into = forward_into
"""


@pytest.fixture
def run(tmp_path):
    """Run `tui-nn ARGS` as a process; the BLAS threads seen by each process that computed."""
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(HOOK)
    log = tmp_path / "threads.jsonl"

    def go(*args: str, expect: int = 0) -> dict[int, set[int]]:
        log.unlink(missing_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(hook_dir), *sys.path]),
            "TUI_NN_TEST_THREADS_LOG": str(log),
            "OPENBLAS_NUM_THREADS": "3",  # what the process would run with if nobody chose
        }
        done = subprocess.run(
            [sys.executable, "-m", "tui_nn", *map(str, args)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == expect, (done.stdout, done.stderr)
        seen: dict[int, set[int]] = {}
        for line in log.read_text().splitlines() if log.exists() else ():
            entry = json.loads(line)
            seen.setdefault(entry["pid"], set()).update(entry["threads"])
        assert seen, f"no process of `tui-nn {' '.join(args)}` computed a forward pass"
        return seen

    return go


def only(seen: dict[int, set[int]]) -> set[int]:
    return set().union(*seen.values())


@pytest.fixture
def model(run, tmp_path) -> Path:
    path = tmp_path / "xor.npz"
    run("train", "--dataset", "xor", "--hidden", "4", "--epochs", "2", "--save", path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "threads"),
    [
        (("train", "--dataset", "xor", "--epochs", "2"), {1}),
        (("train", "--dataset", "xor", "--epochs", "2", "--threads", "2"), {2}),
        (("trace", "--dataset", "xor", "--sample", "0"), {1}),
        (("trace", "--dataset", "xor", "--sample", "0", "--threads", "2"), {2}),
        (("check", "--dataset", "xor", "--hidden", "3"), {1}),
        (("check", "--dataset", "xor", "--hidden", "3", "--threads", "2"), {2}),
        (("compare", "--dataset", "xor", "--epochs", "2", "--set", "lr=0.3"), {1}),
        (("compare", "--dataset", "xor", "--epochs", "2", "--threads", "2"), {2}),
        (("lessons", "check", "xor"), {1}),
        (("lessons", "check", "xor", "--threads", "2"), {2}),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_training_commands_run_with_the_chosen_threads(run, args, threads):
    seen = run(*args)
    assert only(seen) == threads, seen


@pytest.mark.slow
def test_toml_threads_and_the_command_line_wins(run, tmp_path):
    (tmp_path / "run.toml").write_text('dataset = "xor"\nepochs = 2\nthreads = 2\n')
    assert only(run("train", "--config", "run.toml")) == {2}
    assert only(run("train", "--config", "run.toml", "--threads", "1")) == {1}


@pytest.mark.slow
def test_evaluating_commands_run_with_the_chosen_threads(run, model, tmp_path):
    assert only(run("eval", model)) == {1}
    assert only(run("eval", model, "--threads", "2")) == {2}
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.5,0.5\n-0.5,0.5\n")
    assert only(run("predict", model, "--data", rows)) == {1}
    assert only(run("predict", model, "--data", rows, "--threads", "2")) == {2}


@pytest.mark.slow
def test_the_apps_trainer_runs_with_the_chosen_threads(run, tmp_path):
    """`tui-nn --screenshot` is the app with its real trainer process, headless."""
    shot = ("--dataset", "xor", "--epochs", "2", "--speed", "max", "--screenshot")
    seen = run(*shot, tmp_path / "a.txt")
    assert only(seen) == {1}, seen
    seen = run(*shot, tmp_path / "b.txt", "--threads", "2")
    assert only(seen) == {2}, seen


def test_the_rule_refuses_what_is_not_a_thread_count(cli):
    for bad in ("0", "-1", "1.5", "many"):
        result = cli("train", "--dataset", "xor", "--epochs", "1", "--threads", bad)
        assert result.code == 2
        assert result.error_line.startswith("tui-nn: error: --threads: ")
    with pytest.raises(RuleError):
        THREADS.check(THREADS.hi + 1)


def test_use_threads_sets_what_it_reports():
    if not any(i["user_api"] == "blas" for i in threadpool_info()):
        pytest.skip("no BLAS library loaded")
    with threadpool_limits(limits=None):  # back to this process's own afterwards
        assert use_threads(2) == 2 == threads_in_force()
        assert use_threads() == 1 == threads_in_force()  # None: the default
    assert describe(1) == "1 BLAS thread" and describe(4) == "4 BLAS threads"


def test_the_header_names_the_threads(cli):
    result = cli("train", "--dataset", "xor", "--epochs", "1", "--threads", "2")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].endswith("; 2 BLAS threads")
