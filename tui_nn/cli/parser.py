"""The argument parser every command builds on: a usage error is one line, never argparse's
multi-line message (the `UsageError` is caught and printed by `tui_nn.cli.dispatch.run`)."""

from __future__ import annotations

import argparse

from tui_nn.cli.options import UsageError


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the `UsageError` caught in `run`)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def make_parser(prog: str, description: str, epilog: str = "") -> Parser:
    return Parser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
