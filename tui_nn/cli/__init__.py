"""Command-line entry point: `tui-nn` (the app) and its subcommands.

`main(argv) -> exit code` is the console script. The parser and dispatch live in
`tui_nn.cli.dispatch` (not `cli/main.py`: a submodule named `main` would replace this function
as the attribute `tui_nn.cli.main` once imported).

Ctrl-C at any moment is a clean exit 130, never a `KeyboardInterrupt` traceback: while the
command's modules are imported (NumPy and the rest, a few tenths of a second) SIGINT is held
back and delivered right after, where it is handled; `dispatch.run` handles it while the
command runs. (Only the interpreter's own start, before this module runs, and its end, after the command
has finished, are out of reach: there a Ctrl-C ends the process as the signal ends any
program, which a shell reports as 130.)
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        with _sigint_held():
            from tui_nn.cli.dispatch import run
        return run(argv)
    except KeyboardInterrupt:  # held back during the imports, delivered here
        from tui_nn.errors import interrupted

        return interrupted()


class _sigint_held:  # noqa: N801 - a context manager, used like a function
    """Block SIGINT (a Ctrl-C waits until the block ends, then raises KeyboardInterrupt at a
    known place instead of in the middle of some module's import)."""

    def __enter__(self) -> None:
        import signal
        import threading

        self.previous = None
        if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
            self.previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            import signal

            signal.pthread_sigmask(signal.SIG_SETMASK, self.previous)
