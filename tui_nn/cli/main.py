"""Argument parsing and dispatch (being built; see issue 4)."""

from __future__ import annotations

import argparse

from tui_nn import __version__


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="tui-nn", description="Train a neural network live in the terminal."
    )
    parser.add_argument("--version", action="version", version=f"tui-nn {__version__}")
    parser.parse_args(argv)
    return 0
