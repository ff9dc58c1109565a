"""Screenshots: `S` or the palette's "Screenshot" saves an SVG of the screen into the current
folder (or, when that cannot be written, the runs folder) and says where. Textual's own
command saves to a Downloads folder and fails on a machine without one; this replaces it.
Written atomically (atomic.atomic_write), never over something that is not a regular file or
over a model file (tui_nn.outputs).
"""

from __future__ import annotations

import time
from pathlib import Path

import tui_nn.ui.link.runs as runs
from tui_nn.atomic import atomic_write
from tui_nn.outputs import OutputError, check_output


def screenshot_name(now: float | None = None) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"tui-nn-{stamp}.svg"


def save_svg(svg: str, path: Path) -> Path:
    """Write `svg` to `path` atomically; refuses what an output never replaces
    (`tui_nn.outputs`: something not a regular file, a model file)."""
    try:
        check_output("screenshot", path)
    except OutputError as exc:
        raise OSError(str(exc)) from None
    with atomic_write(path, "w") as f:
        f.write(svg)
    return path


def save_screenshot_to(svg: str, folders: list[Path], name: str) -> Path:
    """Into the first folder that can be written; the last error if none can."""
    error: OSError | None = None
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return save_svg(svg, folder / name)
        except OSError as exc:
            error = exc
    raise error or OSError("no folder to save into")


def save_screenshot(svg: str, runs_directory: Path | None = None) -> Path:
    """Into the current folder, else the runs folder; OSError when neither can be written."""
    folders = [Path.cwd(), Path(runs_directory) if runs_directory is not None else runs.runs_dir()]
    return save_screenshot_to(svg, folders, screenshot_name())
