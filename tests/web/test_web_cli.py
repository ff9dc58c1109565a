"""`tui-nn serve` refuses bad options with one line and exit code 2, before it listens."""

from __future__ import annotations

import socket

import pytest

from tui_nn.cli import main
from tui_nn.cli.serve import split_argv


def run(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["serve", *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tui-nn: error: "), err
    return code, err[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--port", "http"), ["--port", "whole number", "'http'"]),
        (("--port", "70000"), ["--port", "0..65535"]),
        (("--max-sessions", "0"), ["--max-sessions", "1..1000"]),
        (("--dataset", "nope"), ["--dataset", "unknown dataset 'nope'"]),
        (("--lr", "-1"), ["--lr", "> 0"]),
        (("--fps", "0"), ["--fps", "out of range"]),
        (("--speed", "slow"), ["--speed"]),
        (("--resume", "/nonexistent/run.npz"), ["--resume"]),
        (("--watch", "abc123"), ["no running trainer 'abc123'"]),
        (("--screenshot", "x.svg"), ["unrecognized arguments: --screenshot"]),
        (("--sweep", "dir"), ["unrecognized arguments: --sweep"]),
    ],
)
def test_bad_options(capsys, args, words):
    code, line = run(capsys, *args)
    assert code == 2
    for word in words:
        assert word in line, (word, line)


def test_a_port_in_use_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, line = run(capsys, "--port", str(port), "--dataset", "xor")
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in line and "--port" in line


def test_the_apps_get_the_app_options_and_not_the_servers():
    argv = [
        "--host",
        "0.0.0.0",
        "--dataset",
        "spiral",
        "--port",
        "9000",
        "--watch",
        "--hidden",
        "8,8",
        "--max-sessions",
        "3",
        "--leave-running",
        "--low-bandwidth",
    ]
    assert split_argv(argv) == ["--dataset", "spiral", "--hidden", "8,8", "--low-bandwidth"]
