"""Screenshots: `S` or the palette's "Screenshot" saves an SVG of the screen into the current
folder (or, when that cannot be written, the runs folder) and says where. Textual's own
command saves to a Downloads folder and fails on a machine without one; this replaces it.
Written atomically (atomic.atomic_write), never over something that is not a regular file or
over a model file (tui_nn.outputs).
"""

from __future__ import annotations

import time
from pathlib import Path

from tui_nn.atomic import atomic_write
from tui_nn.errors import one_line
from tui_nn.outputs import OutputError, check_output
from tui_nn.ui import runs


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


class Screenshots:
    """Mixin of TuiNNApp (before App)."""

    def action_save_screenshot(self) -> Path | None:
        svg = self.export_screenshot()  # type: ignore[attr-defined]
        folders = [Path.cwd()]
        directory = getattr(self, "runs_directory", None)
        folders.append(Path(directory) if directory is not None else runs.runs_dir())
        try:
            path = save_screenshot_to(svg, folders, screenshot_name())
        except OSError as exc:
            self.notify(f"screenshot: could not save ({one_line(exc)})", severity="error")  # type: ignore[attr-defined]
            return None
        self.notify(f"screenshot saved to {path}", title="screenshot")  # type: ignore[attr-defined]
        return path
