"""The one line of an error that people see (a message, never a traceback): the CLI prints
it, the trainer puts it in its snapshot, files put it in their own messages. Plain Python,
below every other layer."""

from __future__ import annotations


def one_line(exc: BaseException | str, empty: str | None = None) -> str:
    """The first line of `exc`'s message; `empty` (default: the exception's type name) when
    it has none."""
    lines = str(exc).strip().splitlines()
    if lines:
        return lines[0]
    if empty is not None:
        return empty
    return type(exc).__name__ if isinstance(exc, BaseException) else ""


INTERRUPTED = 130  # the exit code of Ctrl-C (128 + SIGINT), as a shell reports it


def interrupted(stream=None) -> int:  # noqa: ANN001 - a text stream, default stderr
    """Ctrl-C: say so once and return the exit code 130. A second Ctrl-C meanwhile is ignored
    (it would be a traceback in the middle of the goodbye)."""
    import signal
    import sys

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        pass
    try:
        print("\ntui-nn: interrupted", file=stream or sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    return INTERRUPTED
