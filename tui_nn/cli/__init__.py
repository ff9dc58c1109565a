"""Command-line entry point: `tui-nn` (the app) and its subcommands.

`main(argv) -> exit code` is the console script. The parser and dispatch live in
`tui_nn.cli.dispatch` (not `cli/main.py`: a submodule named `main` would replace this function
as the attribute `tui_nn.cli.main` once imported).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from tui_nn.cli.dispatch import run

    return run(argv)
