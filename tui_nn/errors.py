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
