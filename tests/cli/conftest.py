"""Helpers for the CLI tests: run `main([...])` in-process and capture what it printed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from threadpoolctl import threadpool_limits

from tui_nn.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def error_line(self) -> str:
        """The single stderr line of a failed command (asserting there is exactly one)."""
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got {self.err!r}"
        assert lines[0].startswith("tui-nn: error: "), lines[0]
        return lines[0]


@pytest.fixture
def cli(capsys):
    def run(*args: str) -> Result:
        capsys.readouterr()
        with threadpool_limits(limits=None):  # a command's --threads ends with it, as a process
            code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
