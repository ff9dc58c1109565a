"""Command-line entry point: `tui-nn` (the app) and its subcommands."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from tui_nn.cli.main import run

    return run(argv)
