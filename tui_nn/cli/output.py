"""Writing a command's text result to the file named by an option (`-o`): atomically, and a
failure is a usage error of one line naming the option and the file."""

from __future__ import annotations

from tui_nn.cli.options import UsageError


def write_text(option: str, path: str, text: str) -> None:
    from tui_nn.atomic import atomic_write

    try:
        with atomic_write(path, "w") as f:
            f.write(text)
    except OSError as exc:
        raise UsageError(f"{option}: cannot write {path}: {exc.strerror or exc}") from None
