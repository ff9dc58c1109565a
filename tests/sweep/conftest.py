"""Fixtures for the sweep tests: sweep files, the CLI's config loader, `tui-nn sweep`
in-process."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_nn.cli import main
from tui_nn.cli.sweep import config_loader


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def loader():
    return config_loader()


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "sweep.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def sweep_cli(capsys):
    def run(*args: object) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
