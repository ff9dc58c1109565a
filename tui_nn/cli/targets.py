"""Checking where a command will write (`--save`, `--metrics`, `-o`, `--screenshot`) before any
work is done: the one check of `tui_nn.outputs`, its refusal as a usage error (exit 2).

A result that cannot or must not be written is found out in the first second, not after an
hour of training: a folder that does not exist or is not writable, a FIFO, a device, a socket
or a directory; a model file (unless the output is a model); one of the command's own inputs,
however it is spelled. A symlink is followed (its target is what gets written; the link stays).
`--metrics` continues (appends to) its file when the run continues a model (`--load`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui_nn.cli.options import UsageError
from tui_nn.outputs import OutputError, OutputKind, PathLike, check_output

INPUT_OPTIONS = ("load", "data", "test_data")  # option values that name files a command reads


def check_target(
    option: str,
    path: PathLike | None,
    kind: OutputKind = "file",
    reads: Mapping[str, PathLike | None] | None = None,
    writes: Mapping[str, PathLike | None] | None = None,
) -> Path | None:
    """`tui_nn.outputs.check_output`, a refusal as a UsageError."""
    try:
        return check_output(option, path, kind, reads, writes)
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def inputs_of(values: Mapping[str, Any], config_file: str | None = None) -> dict[str, Any]:
    """The files a training command reads, by option: `--load`, `--data`, `--test-data`,
    `--config`."""
    found = {f"--{dest.replace('_', '-')}": values.get(dest) for dest in INPUT_OPTIONS}
    found["--config"] = config_file
    return {name: path for name, path in found.items() if path}


def check_train_targets(
    values: Mapping[str, Any], config_file: str | None = None
) -> tuple[Path | None, Path | None]:
    """`--save` and `--metrics` of `train`: the model may replace the `--load` model (continuing
    a model in place); neither replaces another input, and they are two files."""
    reads = inputs_of(values, config_file)
    save_reads = {k: v for k, v in reads.items() if k != "--load"}
    save = check_target("--save", values.get("save"), "model", save_reads)
    metrics = check_target(
        "--metrics", values.get("metrics"), "file", reads, {"--save": values.get("save")}
    )
    return save, metrics
